using Tinyfence.Testing;
using System.Diagnostics;
using Tinyfence.Alerts;
using static Tinyfence.Tests.Alerts.MailFixture;

namespace Tinyfence.Tests.Alerts;

/// <summary>A server that accepts the connection and never says a word: the worker is stuck in it, the guard must not be.</summary>
public class MailQueueStopTests
{
    [Fact]
    public void EnqueueNeverBlocksWhileTheWorkerIsStuckOnAHangingServer()
    {
        using var server = SmtpTestServer.Start("--hang");
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(server) with { Timeout = TimeSpan.FromSeconds(60) }, log, FastRetry);
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
        Assert.True(enqueuer.Join(TimeSpan.FromSeconds(20)), "Enqueue blocked");
        Assert.True(queue.WorkerAlive);
        Assert.Equal(0, queue.Sent);
        Assert.Equal(100, queue.Pending);
        Assert.Equal(901, queue.Dropped);
        Assert.Equal(1, server.Count("connect"));
    }

    [Fact]
    public void FlushGivesUpAfterItsTimeWhileTheServerHangs()
    {
        using var server = SmtpTestServer.Start("--hang");
        (var log, _) = Log();
        using var queue = new MailQueue(Settings(server) with { Timeout = TimeSpan.FromSeconds(60) }, log, FastRetry);
        queue.Enqueue(Alert("stuck"));
        Assert.True(server.WaitFor(e => e.Contains("connect"), Patience.Short), "the worker never connected");

        var clock = Stopwatch.StartNew();
        bool flushed = queue.Flush(TimeSpan.FromSeconds(2));
        clock.Stop();

        Assert.False(flushed);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(15));
        Assert.Equal(1, queue.Pending);
    }

    [Fact]
    public void DisposeStopsTheWorkerEvenWhileItWaitsForAServer()
    {
        using var server = SmtpTestServer.Start("--hang");
        (var log, _) = Log();
        var queue = new MailQueue(Settings(server) with { Timeout = TimeSpan.FromSeconds(60) }, log, FastRetry);
        queue.Enqueue(Alert("stuck"));
        Assert.True(server.WaitFor(e => e.Contains("connect"), Patience.Short), "the worker never connected");

        var clock = Stopwatch.StartNew();
        queue.Dispose();

        Assert.False(queue.WorkerAlive);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"Dispose took {clock.Elapsed}");
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

        Assert.True(queue.Flush(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void FlushTriesAServerThatIsBackAtOnceInsteadOfWaitingForTheBackoff()
    {
        int port = SmtpTestServer.FreePort();
        (var log, var sink) = Log();
        var slowRetry = FastRetry with { InitialBackoff = TimeSpan.FromMinutes(5), MaxBackoff = TimeSpan.FromMinutes(5) };
        using var queue = new MailQueue(Settings(port), log, slowRetry);
        queue.Enqueue(Alert("at shutdown"));
        WaitForLine(sink, "retrying in 5 min");

        using var server = SmtpTestServer.StartOn(port);
        Assert.True(queue.Flush(TimeSpan.FromSeconds(20)));

        Assert.Equal("[tinyfence] at shutdown", server.WaitForMessages(1)[0].Subject);
    }
}
