using Tinyfence.Testing;
using System.Diagnostics;
using Tinyfence.Alerts;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

/// <summary>A server that accepts the connection and never says a word: the worker is stuck in it, the guard must not be.</summary>
public class MailQueueStopTests
{
    // Longer than any wait of these tests: the worker stays stuck in the server for all of each.
    private static readonly TimeSpan s_stuck = TimeSpan.FromMinutes(10);

    [Fact]
    public void EnqueueNeverBlocksWhileTheWorkerIsStuckOnAHangingServer()
    {
        using var server = SmtpTestServer.Start("--hang");
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(server) with { Timeout = s_stuck }, log, FastRetry);
        queue.Enqueue(Alert("first"));
        Assert.True(server.WaitFor(e => e.Contains("connect"), Patience.Short), "the worker never connected");

        // The calls run on their own thread so that a blocking Enqueue fails the test instead of hanging it.
        var enqueuer = new Thread(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                queue.Enqueue(Alert($"storm {i}"));
            }
        }) { IsBackground = true };
        enqueuer.Start();

        // A hang guard, not a measurement: 1000 calls take well under a second.
        Assert.True(enqueuer.Join(Patience.Short), "Enqueue blocked");
        Assert.True(queue.WorkerAlive);
        Assert.Equal(0, queue.Sent);
        Assert.Equal(100, queue.Pending);
        Assert.Equal(901, queue.Dropped);
        Assert.Equal(1, server.Count("connect"));
    }

    [Fact]
    public async Task FlushGivesUpAfterItsTimeWhileTheServerHangs()
    {
        using var server = SmtpTestServer.Start("--hang");
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(server) with { Timeout = s_stuck }, log, FastRetry);
        queue.Enqueue(Alert("stuck"));
        Assert.True(server.WaitFor(e => e.Contains("connect"), Patience.Short), "the worker never connected");

        // On a thread of its own, so that a Flush stuck with the worker fails the test (a
        // TimeoutException) instead of hanging it.
        var clock = Stopwatch.StartNew();
        bool flushed = await Task.Run(() => queue.Flush(TimeSpan.FromSeconds(2))).WaitAsync(Patience.Short);
        clock.Stop();

        Assert.False(flushed);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"Flush gave up after {clock.Elapsed}, before its time");
        Assert.Equal(1, queue.Pending);
    }

    [Fact]
    public async Task DisposeStopsTheWorkerEvenWhileItWaitsForAServer()
    {
        using var server = SmtpTestServer.Start("--hang");
        (var log, _) = Log();
        var queue = new MailQueue(Settings(server) with { Timeout = s_stuck }, log, FastRetry);
        queue.Enqueue(Alert("stuck"));
        Assert.True(server.WaitFor(e => e.Contains("connect"), Patience.Short), "the worker never connected");

        await Task.Run(queue.Dispose).WaitAsync(Patience.Short);

        Assert.False(queue.WorkerAlive);
        queue.Enqueue(Alert("after dispose")); // ignored, never throws
        queue.Dispose();
    }

    [Fact]
    public void DisposeStopsAnIdleWorker()
    {
        (var log, _) = Log();
        var queue = new MailQueue(Settings(SmtpTestServer.FreePort()), log, FastRetry);
        Assert.True(queue.WorkerAlive);

        queue.Dispose();

        Assert.False(queue.WorkerAlive);
    }

    [Fact]
    public void FlushWithNothingQueuedIsTrueAtOnce()
    {
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(SmtpTestServer.FreePort()), log, FastRetry);

        Assert.True(queue.Flush(Patience.Short));
    }

    [Fact]
    public void FlushTriesAServerThatIsBackAtOnceInsteadOfWaitingForTheBackoff()
    {
        int port = SmtpTestServer.FreePort();
        using MailQueue queue = QueueInBackoff(port, "at shutdown");

        using var server = SmtpTestServer.StartOn(port);
        Assert.True(queue.Flush(Patience.Short));

        Assert.Equal("[tinyfence] at shutdown", server.WaitForMessages(1)[0].Subject);
    }
}
