using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Server;
using Tinyfence.Protocol;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Server;

public sealed partial class UnixSocketServerTests
{
    private static ServerHarness WithLinesOfAtMost64Bytes() => new(configure: o => o with { MaxLineBytes = 64 });

    // Sends the text and reads the next lines of the reply: they must be the answers, in order.
    private static void AssertAnswers(TestClient client, string sent, params string[] answers)
    {
        client.Send(sent);
        foreach (string answer in answers)
        {
            Assert.Equal(answer, client.ReadLine());
        }
    }

    [Fact]
    public async Task PipelinedRequestsAreAnsweredInOrder()
    {
        await using var harness = new ServerHarness();
        using TestClient client = harness.Connect();
        var requests = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            requests.Append("req ").Append(i).Append('\n');
        }

        client.Send(requests.ToString());
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal("REQ " + i, client.ReadLine());
        }
    }

    [Fact]
    public async Task ALineSplitAcrossManySmallWritesIsOneRequest()
    {
        await using var harness = new ServerHarness();
        using TestClient client = harness.Connect();
        foreach (char c in "get t 192.0.2.1\n")
        {
            client.Send(c.ToString());
            Thread.Sleep(2);
        }

        Assert.Equal("GET T 192.0.2.1", client.ReadLine());
    }

    [Fact]
    public async Task ALineStraddlingTwoReadBuffersIsHandledWhole()
    {
        await using var harness = new ServerHarness();
        using TestClient client = harness.Connect();
        // Fill most of the session's first read buffer, leaving the start of a line behind...
        string filler = string.Concat(Enumerable.Repeat(new string('f', 99) + "\n", 35));
        client.Send(filler + "split-");
        for (int i = 0; i < 35; i++)
        {
            Assert.Equal(new string('F', 99), client.ReadLine());
        }

        // ...so the next read lands in another segment and the line must be put together.
        AssertAnswers(client, "line\nnext\n", "SPLIT-LINE", "NEXT");
    }

    [Fact]
    public async Task CrLfLineEndingsAreAccepted()
    {
        await using var harness = new ServerHarness();
        using TestClient client = harness.Connect();
        AssertAnswers(client, "ping\r\nhit t 1.2.3.4\r\n", "PING", "HIT T 1.2.3.4");
    }

    [Fact]
    public async Task AnOverLongLineGetsAnErrorAndTheConnectionGoesOn()
    {
        await using ServerHarness harness = WithLinesOfAtMost64Bytes();
        using TestClient client = harness.Connect();
        AssertAnswers(client, new string('a', 65) + "\nping\n", "ERR line too long", "PING");
    }

    [Fact]
    public async Task AnOverLongLineArrivingInPiecesGetsOneErrorAndItsRestIsDropped()
    {
        await using ServerHarness harness = WithLinesOfAtMost64Bytes();
        using TestClient client = harness.Connect();
        AssertAnswers(client, new string('a', 100), "ERR line too long");
        for (int i = 0; i < 50; i++)
        {
            client.Send(new string('b', 1000));
        }

        AssertAnswers(client, "ccc\nping\n", "PING");
    }

    [Fact]
    public async Task SessionStateIsKeptPerConnection()
    {
        await using var harness = new ServerHarness();
        using TestClient quiet = harness.Connect();
        using TestClient other = harness.Connect();
        quiet.Send("QUIET\nnot answered\n");
        other.Send("answered\n");
        Assert.Equal("ANSWERED", other.ReadLine());
        quiet.Socket.Shutdown(SocketShutdown.Send);
        Assert.Null(quiet.ReadLine());
        Assert.Equal(3, ((UpperCaseHandler)harness.Handler).Requests);
    }

    [Fact]
    public async Task AHundredClientsAtOnceAreAllServed()
    {
        await using var harness = new ServerHarness(configure: o => o with { MaxClients = 128 });
        var clients = Enumerable.Range(0, 100).Select(_ => harness.Connect()).ToList();
        try
        {
            harness.WaitForClientCount(100);
            await Task.WhenAll(clients.Select(async (client, n) =>
            {
                var requests = new StringBuilder();
                for (int i = 0; i < 200; i++)
                {
                    requests.Append('c').Append(n).Append(" r").Append(i).Append('\n');
                }

                await client.SendAsync(requests.ToString());
                for (int i = 0; i < 200; i++)
                {
                    Assert.Equal($"C{n} R{i}", await client.ReadLineAsync());
                }
            }));
            Assert.Equal(20_000, ((UpperCaseHandler)harness.Handler).Requests);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task AClientOverTheLimitGetsTooManyClientsAndIsClosed()
    {
        await using var harness = new ServerHarness(configure: o => o with { MaxClients = 2 });
        using TestClient first = harness.Connect();
        using TestClient second = harness.Connect();
        harness.WaitForClientCount(2);

        using (TestClient third = harness.Connect())
        {
            // No request: the server answers at once and closes, so a write could meet EPIPE.
            Assert.Equal("ERR too many clients", third.ReadLine());
            Assert.True(third.IsClosedByServer());
        }

        first.Send("ping\n");
        Assert.Equal("PING", first.ReadLine());
        Assert.Contains(harness.Sink.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("too many clients", StringComparison.Ordinal));

        // A place freed is a place for the next client.
        first.Dispose();
        harness.WaitForClientCount(1);
        using TestClient fourth = harness.Connect();
        fourth.Send("ping\n");
        Assert.Equal("PING", fourth.ReadLine());
    }

    [Fact]
    public async Task APeerNotAllowedGetsNotAllowedAndIsClosed()
    {
        await using var harness = new ServerHarness(configure: o => o with { AlwaysAllowRootAndOwnUid = false, AllowedUids = [4242], AllowedGids = [4242] });
        using TestClient client = harness.Connect();
        Assert.Equal("ERR not allowed", client.ReadLine());
        Assert.True(client.IsClosedByServer());
        Assert.Equal(0, ((UpperCaseHandler)harness.Handler).Requests);
        uint uid = Libc.GetEffectiveUid();
        Assert.Contains(harness.Sink.Lines, l => l.Level == LogLevel.Warning
            && l.Text.Contains($"uid {uid} ", StringComparison.Ordinal) && l.Text.EndsWith("not allowed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APeerIsAllowedByItsUid()
    {
        uint uid = Libc.GetEffectiveUid();
        await using var harness = new ServerHarness(configure: o => o with { AlwaysAllowRootAndOwnUid = false, AllowedUids = [4242, uid] });
        using TestClient client = harness.Connect();
        client.Send("ping\n");
        Assert.Equal("PING", client.ReadLine());
    }

    [Fact]
    public async Task APeerIsAllowedByItsGroup()
    {
        uint gid = GetEffectiveGid();
        await using var harness = new ServerHarness(configure: o => o with { AlwaysAllowRootAndOwnUid = false, AllowedGids = [gid] });
        using TestClient client = harness.Connect();
        client.Send("ping\n");
        Assert.Equal("PING", client.ReadLine());
    }

    [Fact]
    public async Task TheServersOwnUidIsAllowedByDefault()
    {
        await using var harness = new ServerHarness(configure: o => o with { AllowedUids = [4242] });
        using TestClient client = harness.Connect();
        client.Send("ping\n");
        Assert.Equal("PING", client.ReadLine());
    }

    [Fact]
    public async Task AnIdleClientIsClosedAfterTheIdleTimeoutAndABusyOneIsNot()
    {
        // Long beside the busy client's pauses (a tenth of a second), which a loaded machine stretches.
        TimeSpan idleTimeout = TimeSpan.FromSeconds(2);
        await using var harness = new ServerHarness(configure: o => o with { IdleTimeout = idleTimeout });
        using TestClient idle = harness.Connect();
        using TestClient busy = harness.Connect();
        var sinceIdleRequest = Stopwatch.StartNew();
        idle.Send("ping\n");
        Assert.Equal("PING", idle.ReadLine());

        // The busy client goes on asking until the idle one is closed.
        while (!idle.Socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
        {
            busy.Send("ping\n");
            Assert.Equal("PING", busy.ReadLine());
            Assert.True(sinceIdleRequest.Elapsed < Patience.Short, "the idle client was never closed");
        }

        TimeSpan idleFor = sinceIdleRequest.Elapsed;
        Assert.True(idle.IsClosedByServer());
        // The server counts idleness in whole milliseconds from its own reading of the last
        // activity, a little before this stopwatch's: a few milliseconds either way are the clocks.
        Assert.True(idleFor >= idleTimeout - TimeSpan.FromMilliseconds(50), $"closed {idleFor} after its request, before the idle timeout");
        busy.Send("ping\n");
        Assert.Equal("PING", busy.ReadLine());
    }

    [Fact]
    public async Task AClientThatDripsALineAByteAtATimeIsIdleAndIsClosed()
    {
        await using var harness = new ServerHarness(configure: o => o with { IdleTimeout = TimeSpan.FromSeconds(1) });
        using TestClient drip = harness.Connect();
        var since = Stopwatch.StartNew();

        // Bytes keep coming, a tenth of a second apart, but never a whole request.
        while (!drip.Socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
        {
            try
            {
                drip.Send("P");
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.Shutdown or SocketError.ConnectionReset)
            {
                // Closed between the poll and the send.
                break;
            }

            Assert.True(since.Elapsed < Patience.Short, "a client that never completed a line was never closed");
        }

        Assert.True(drip.IsClosedByServer());
    }

    [Fact]
    public async Task AClientThatDoesNotReadItsRepliesStallsItsSessionWithinTheBoundAndIsClosed()
    {
        const int replyBytes = 4000;
        await using var harness = new ServerHarness(configure: o => o with
        {
            IdleTimeout = TimeSpan.FromMilliseconds(1500),
            ReplyFlushBytes = 16 * 1024,
        });
        using TestClient client = harness.Connect();
        long sent = StallSession(harness, client, replyBytes);
        Assert.True(sent < MaxStallBytes, "the server kept reading from a client that does not read");
        Assert.InRange(harness.Server.PeakBufferedReplyBytes, 1, harness.Options.ReplyFlushBytes + replyBytes + 1);

        // Stalled for longer than the idle timeout: the session is closed.
        harness.WaitForClientCount(0);
    }

    [Fact]
    public async Task AClientThatStopsReadingGetsEveryReplyInOrderOnceItReadsAgain()
    {
        // A megabyte each way, far over the kernel's socket buffers: the loop must hold replies
        // and the requests it read but could not answer yet, and go back to both.
        const int requests = 5000;
        string padding = new('a', 200);
        await using var harness = new ServerHarness(configure: o => o with { ReplyFlushBytes = 16 * 1024 });
        using TestClient client = harness.Connect();
        var text = new StringBuilder();
        for (int i = 0; i < requests; i++)
        {
            text.Append('r').Append(i).Append(' ').Append(padding).Append('\n');
        }

        Task sending = Task.Run(() => client.Send(text.ToString()));
        // Replies waiting for the client stop growing once the kernel's buffers are full: from
        // then on the loop holds the rest.
        int waiting = 0;
        Patience.WaitUntil(
            () =>
            {
                int before = waiting;
                waiting = client.Socket.Available;
                return waiting > 0 && waiting == before;
            },
            "replies stalled for a client that does not read",
            intervalMs: 100);
        string expectedPadding = padding.ToUpperInvariant();
        for (int i = 0; i < requests; i++)
        {
            Assert.Equal($"R{i} {expectedPadding}", client.ReadLine());
        }

        await sending.WaitAsync(Patience.Short);
        Assert.InRange(harness.Server.PeakBufferedReplyBytes, 1, harness.Options.ReplyFlushBytes + 210);
    }

    [Fact]
    public async Task StopAnswersWhatWasReadThenClosesAndRemovesTheSocket()
    {
        var harness = new ServerHarness();
        try
        {
            using TestClient client = harness.Connect();
            using TestClient silent = harness.Connect();
            client.Send("one\ntwo\n");
            Assert.Equal("ONE", client.ReadLine());
            harness.WaitForClientCount(2);

            Task stop = harness.Server.StopAsync();
            Assert.False(File.Exists(harness.SocketPath));
            Assert.Equal("TWO", client.ReadLine());
            Assert.True(client.IsClosedByServer());
            Assert.True(silent.IsClosedByServer());
            await stop.WaitAsync(Patience.Short);
            Assert.True(harness.Server.Completion.IsCompleted);
            Assert.Equal(0, harness.Server.ClientCount);
        }
        finally
        {
            await harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task StopCutsAClientThatDoesNotReadAfterTheGracePeriod()
    {
        await using var harness = new ServerHarness(configure: o => o with { StopGracePeriod = TimeSpan.FromMilliseconds(300) });
        using TestClient client = harness.Connect();
        StallSession(harness, client, 4000);

        long start = Environment.TickCount64;
        await harness.Server.StopAsync().WaitAsync(Patience.Short);
        Assert.True(Environment.TickCount64 - start >= 250, "the client was cut before the grace period");
        Assert.Equal(0, harness.Server.ClientCount);
    }

    [Fact]
    public async Task AHandlerFailureEndsItsSessionOnlyAndIsLogged()
    {
        await using var harness = new ServerHarness();
        using TestClient broken = harness.Connect();
        using TestClient other = harness.Connect();
        broken.Send("THROW\n");
        Assert.True(broken.IsClosedByServer());
        other.Send("still here\n");
        Assert.Equal("STILL HERE", other.ReadLine());
        Assert.Contains(harness.Sink.Lines, l => l.Level == LogLevel.Error && l.Text.Contains("handler bug", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARequestWithoutItsNewlineAtEndOfStreamIsDropped()
    {
        await using var harness = new ServerHarness();
        using TestClient client = harness.Connect();
        client.Send("ping\nunfinished");
        client.Socket.Shutdown(SocketShutdown.Send);
        Assert.Equal("PING", client.ReadLine());
        Assert.True(client.IsClosedByServer());
    }

    private const long MaxStallBytes = 100L * 9000;

    /// <summary>
    /// Sends requests for big replies without reading any, until the kernel buffers are full both
    /// ways and the session holds replies it cannot send. Returns the bytes sent.
    /// </summary>
    private static long StallSession(ServerHarness harness, TestClient client, int replyBytes)
    {
        client.Socket.SendTimeout = 300;
        byte[] requests = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat($"BIG {replyBytes}\n", 1000)));
        long sent = 0;
        long deadline = Environment.TickCount64 + (long)Patience.Short.TotalMilliseconds;
        while (sent < MaxStallBytes && Environment.TickCount64 < deadline)
        {
            try
            {
                sent += client.Socket.Send(requests);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                // On a loaded machine the session may not have started reading yet: wait for it.
                if (harness.Server.PeakBufferedReplyBytes > 0)
                {
                    break;
                }
            }
        }

        return sent;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "getegid")]
    private static partial uint GetEffectiveGid();
}
