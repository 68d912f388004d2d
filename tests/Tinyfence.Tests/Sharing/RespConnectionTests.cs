using System.Buffers;
using System.Text;
using Tinyfence.Config;
using Tinyfence.Sharing;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Sharing;

/// <summary>The RESP2 client against Debian's redis-server: replies of every type, errors, AUTH, SELECT, a server that closes.</summary>
public sealed class RespConnectionTests : IDisposable
{
    private readonly RedisServer _redis = new("--requirepass", "s3cret");

    public void Dispose() => _redis.Dispose();

    private ShareSection Share(int database = 0) =>
        ShareSection.TryParseUrl(_redis.Url + (database == 0 ? "" : $"?db={database}"), out _)!;

    private static CancellationToken Guard => new CancellationTokenSource(Patience.Short).Token;

    [Fact]
    public async Task ReadsStringsIntegersNullsAndArraysInTheOrderTheCommandsWerePipelined()
    {
        await using RespConnection redis = await RespConnection.OpenAsync(Share(), "s3cret", Guard);
        Send(redis, "SET", "k", "v");
        Send(redis, "GET", "k");
        Send(redis, "INCRBY", "n", "42");
        Send(redis, "GET", "missing");
        Send(redis, "RPUSH", "list", "a", "", "c");
        Send(redis, "LRANGE", "list", "0", "-1");
        await redis.FlushAsync(Guard);

        var reply = new CollectedReply();
        string[] expected = ["+OK", "$v", ":42", "$(null)", ":3", "*3 $a $ $c"];
        foreach (string answer in expected)
        {
            await redis.ReadReplyAsync(reply, Guard);
            Assert.Equal(answer, reply.Text);
        }
    }

    [Fact]
    public async Task AnErrorReplyIsThrownAndTheConnectionGoesOn()
    {
        await using RespConnection redis = await RespConnection.OpenAsync(Share(), "s3cret", Guard);
        Send(redis, "EVALSHA", "0000000000000000000000000000000000000000", "0");
        Send(redis, "PING");
        await redis.FlushAsync(Guard);

        RespErrorException error = await Assert.ThrowsAsync<RespErrorException>(() => redis.ReadReplyAsync(SkipReply.Instance, Guard).AsTask());
        Assert.True(error.IsNoScript, error.Message);
        var reply = new CollectedReply();
        await redis.ReadReplyAsync(reply, Guard);
        Assert.Equal("+PONG", reply.Text);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedAtConnectionAndNoPasswordCannotRunCommands()
    {
        RespErrorException wrong = await Assert.ThrowsAsync<RespErrorException>(() => RespConnection.OpenAsync(Share(), "wrong", Guard));
        Assert.Contains("WRONGPASS", wrong.Message, StringComparison.Ordinal);

        await using RespConnection anonymous = await RespConnection.OpenAsync(Share(), null, Guard);
        Send(anonymous, "PING");
        await anonymous.FlushAsync(Guard);
        RespErrorException refused = await Assert.ThrowsAsync<RespErrorException>(() => anonymous.ReadReplyAsync(SkipReply.Instance, Guard).AsTask());
        Assert.StartsWith("NOAUTH", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDatabaseOfTheUrlIsSelected()
    {
        await using RespConnection redis = await RespConnection.OpenAsync(Share(database: 3), "s3cret", Guard);
        Send(redis, "SET", "in-three", "yes");
        await redis.FlushAsync(Guard);
        await redis.ReadReplyAsync(SkipReply.Instance, Guard);

        Assert.Equal("yes", _redis.Cli("-a", "s3cret", "--no-auth-warning", "-n", "3", "GET", "in-three"));
        Assert.Equal("", _redis.Cli("-a", "s3cret", "--no-auth-warning", "-n", "0", "GET", "in-three"));
    }

    [Fact]
    public async Task AServerThatClosesTheConnectionEndsTheReadWithAProtocolError()
    {
        await using RespConnection redis = await RespConnection.OpenAsync(Share(), "s3cret", Guard);
        Send(redis, "QUIT");
        await redis.FlushAsync(Guard);
        await redis.ReadReplyAsync(SkipReply.Instance, Guard);

        RespProtocolException closed = await Assert.ThrowsAsync<RespProtocolException>(() => redis.ReadReplyAsync(SkipReply.Instance, Guard).AsTask());
        Assert.Contains("closed", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerKilledWhileAReplyIsAwaitedEndsTheRead()
    {
        await using RespConnection redis = await RespConnection.OpenAsync(Share(), "s3cret", Guard);
        Send(redis, "BLPOP", "never", "0");
        await redis.FlushAsync(Guard);
        Task waiting = redis.ReadReplyAsync(SkipReply.Instance, Guard).AsTask();

        _redis.Kill();

        await Assert.ThrowsAnyAsync<IOException>(() => waiting);
    }

    [Fact]
    public async Task NoServerListeningFailsTheConnectionAtOnce()
    {
        _redis.Kill();
        await Assert.ThrowsAnyAsync<Exception>(() => RespConnection.OpenAsync(Share(), "s3cret", Guard));
    }

    private static void Send(RespConnection redis, params string[] words)
    {
        RespWriter.Command(redis.Output, words.Length);
        foreach (string word in words)
        {
            RespWriter.Bulk(redis.Output, word);
        }
    }

    /// <summary>A reply as text: its kind's byte then its value; an array's items after its length, space-separated.</summary>
    private sealed class CollectedReply : IRespReplyHandler
    {
        public string Text { get; private set; } = "";

        public void Read(ref RespReader reply)
        {
            var text = new StringBuilder();
            Append(ref reply, text);
            Text = text.ToString();
        }

        private static void Append(ref RespReader reply, StringBuilder text)
        {
            RespKind kind = reply.Read(out long number, out ReadOnlySequence<byte> bytes);
            text.Append((char)kind);
            switch (kind)
            {
                case RespKind.Integer:
                    text.Append(number);
                    break;
                case RespKind.Array:
                    text.Append(number);
                    for (long i = 0; i < number; i++)
                    {
                        text.Append(' ');
                        Append(ref reply, text);
                    }

                    break;
                default:
                    text.Append(number == -1 && kind == RespKind.BulkString ? "(null)" : Encoding.UTF8.GetString(bytes));
                    break;
            }
        }
    }
}
