using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Tinyfence.Config;
using Tinyfence.Sharing;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Sharing;

/// <summary>The RESP2 client against Debian's redis-server: replies of every type, errors, AUTH, SELECT, a server that closes, a timeout, an abort.</summary>
public sealed class RespConnectionTests : IDisposable
{
    private readonly RedisServer _redis = new("--requirepass", "s3cret");

    public void Dispose() => _redis.Dispose();

    private ShareSection Share(int database = 0) =>
        ShareSection.TryParseUrl(_redis.Url + (database == 0 ? "" : $"?db={database}"), out _)!;

    private RespConnection Open(string? password = "s3cret", int database = 0) =>
        RespConnection.Open(Share(database), password, (int)Patience.Short.TotalMilliseconds, CancellationToken.None);

    [Fact]
    public void ReadsStringsIntegersNullsAndArraysInTheOrderTheCommandsWerePipelined()
    {
        using RespConnection redis = Open();
        Send(redis, "SET", "k", "v");
        Send(redis, "GET", "k");
        Send(redis, "INCRBY", "n", "42");
        Send(redis, "GET", "missing");
        Send(redis, "RPUSH", "list", "a", "", "c");
        Send(redis, "LRANGE", "list", "0", "-1");
        redis.Flush();

        var reply = new CollectedReply();
        string[] expected = ["+OK", "$v", ":42", "$(null)", ":3", "*3 $a $ $c"];
        foreach (string answer in expected)
        {
            redis.ReadReply(reply);
            Assert.Equal(answer, reply.Text);
        }
    }

    [Fact]
    public void AReplyLargerThanOneReadIsReadWhole()
    {
        using RespConnection redis = Open();
        string large = new('x', 100_000);
        Send(redis, "SET", "large", large);
        Send(redis, "GET", "large");
        redis.Flush();

        var reply = new CollectedReply();
        redis.ReadReply(reply);
        redis.ReadReply(reply);
        Assert.Equal("$" + large, reply.Text);
    }

    [Fact]
    public void AnErrorReplyIsThrownAndTheConnectionGoesOn()
    {
        using RespConnection redis = Open();
        Send(redis, "EVALSHA", "0000000000000000000000000000000000000000", "0");
        Send(redis, "PING");
        redis.Flush();

        RespErrorException error = Assert.Throws<RespErrorException>(() => redis.ReadReply(SkipReply.Instance));
        Assert.True(error.IsNoScript, error.Message);
        var reply = new CollectedReply();
        redis.ReadReply(reply);
        Assert.Equal("+PONG", reply.Text);
    }

    [Fact]
    public void AWrongPasswordIsRefusedAtConnectionAndNoPasswordCannotRunCommands()
    {
        RespErrorException wrong = Assert.Throws<RespErrorException>(() => Open("wrong"));
        Assert.Contains("WRONGPASS", wrong.Message, StringComparison.Ordinal);

        using RespConnection anonymous = Open(password: null);
        Send(anonymous, "PING");
        anonymous.Flush();
        RespErrorException refused = Assert.Throws<RespErrorException>(() => anonymous.ReadReply(SkipReply.Instance));
        Assert.StartsWith("NOAUTH", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDatabaseOfTheUrlIsSelected()
    {
        using RespConnection redis = Open(database: 3);
        Send(redis, "SET", "in-three", "yes");
        redis.Flush();
        redis.ReadReply(SkipReply.Instance);

        Assert.Equal("yes", _redis.Cli("-a", "s3cret", "--no-auth-warning", "-n", "3", "GET", "in-three"));
        Assert.Equal("", _redis.Cli("-a", "s3cret", "--no-auth-warning", "-n", "0", "GET", "in-three"));
    }

    [Fact]
    public void AServerThatClosesTheConnectionEndsTheReadWithAProtocolError()
    {
        using RespConnection redis = Open();
        Send(redis, "QUIT");
        redis.Flush();
        redis.ReadReply(SkipReply.Instance);

        RespProtocolException closed = Assert.Throws<RespProtocolException>(() => redis.ReadReply(SkipReply.Instance));
        Assert.Contains("closed", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public Task AServerKilledWhileAReplyIsAwaitedEndsTheRead() => AssertAWaitingReadEndsWhen(_ => _redis.Kill());

    [Fact]
    public Task AbortFromAnotherThreadEndsAReadThatWaits() => AssertAWaitingReadEndsWhen(redis => redis.Abort());

    [Fact]
    public void AReplyThatTakesLongerThanTheTimeoutEndsTheRead()
    {
        using RespConnection redis = Open();
        redis.TimeoutMs = 100;
        Send(redis, "BLPOP", "never", "0");
        redis.Flush();

        SocketException late = Assert.Throws<SocketException>(() => redis.ReadReply(SkipReply.Instance));
        Assert.Equal(SocketError.TimedOut, late.SocketErrorCode);
    }

    [Fact]
    public void NoServerListeningFailsTheConnectionAtOnce()
    {
        _redis.Kill();
        Assert.ThrowsAny<Exception>(() => Open());
    }

    /// <summary>A read on a thread of its own, waiting for a reply that never comes (a pop from a list nobody fills), then <paramref name="interrupt"/>.</summary>
    private async Task AssertAWaitingReadEndsWhen(Action<RespConnection> interrupt)
    {
        using RespConnection redis = Open();
        Send(redis, "BLPOP", "never", "0");
        redis.Flush();
        Task waiting = Task.Factory.StartNew(() => redis.ReadReply(SkipReply.Instance), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        interrupt(redis);

        Exception ended = await Assert.ThrowsAnyAsync<Exception>(() => waiting.WaitAsync(Patience.Short));
        Assert.True(ended is IOException or SocketException, ended.ToString());
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
