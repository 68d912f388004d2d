using Tinyfence.Alerts;
using Tinyfence.Logging;

namespace Tinyfence.Actions;

/// <summary>
/// The mail action: composes each alert (with a system snapshot that takes a second to measure
/// CPU) on a thread-pool thread and hands it to the mail queue, so the rule tick never waits.
/// One snapshot serves all the alerts of a few seconds: a storm does not take a snapshot per mail.
/// </summary>
public sealed class MailAlerts
{
    private static readonly TimeSpan s_snapshotReuse = TimeSpan.FromSeconds(5);

    private readonly string _procRoot;
    private readonly Logger _log;
    private readonly Lock _snapshotLock = new();
    private readonly string _host = Environment.MachineName;
    private string? _snapshot;
    private long _snapshotAtMs;
    private int _composing;

    public MailAlerts(MailQueue queue, string procRoot, Logger log)
    {
        Queue = queue;
        _procRoot = procRoot;
        _log = log;
    }

    public MailQueue Queue { get; }

    /// <summary>Alerts handed over and not yet in the queue.</summary>
    public int Composing => Volatile.Read(ref _composing);

    /// <summary>How long the CPU figures of the snapshot are measured over.</summary>
    public TimeSpan CpuInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Starts the system snapshot of a firing now, for a mail that will wait for the firing's
    /// command: the mail must show the machine as it was when the rule fired, not after the
    /// command (which may have stopped the very process that caused it).
    /// </summary>
    public Task<string> SnapshotNow() => Task.Run(Snapshot);

    /// <summary>Returns at once; the mail is composed and queued in the background.</summary>
    public void Send(AlertRequest request)
    {
        Interlocked.Increment(ref _composing);
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Alerts.Compose(state.Request), (Alerts: this, Request: request), preferLocal: false);
    }

    /// <summary>Shutdown: lets the alerts being composed reach the queue, then flushes it.</summary>
    public bool Flush(TimeSpan maxWait)
    {
        long deadline = Environment.TickCount64 + (long)maxWait.TotalMilliseconds;
        bool composed = SpinWait.SpinUntil(() => Volatile.Read(ref _composing) == 0, maxWait);
        bool flushed = Queue.Flush(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
        return composed && flushed;
    }

    private void Compose(AlertRequest request)
    {
        try
        {
            string snapshot = request.Snapshot is { } taken ? taken.GetAwaiter().GetResult() : Snapshot();
            AlertMessage message = AlertText.Compose(request, _host, snapshot);
            Queue.Enqueue(message);
        }
        catch (Exception e)
        {
            // A background thread: an exception here would end the process, and the guard with it.
            _log.Error($"mail: could not compose the alert for rule \"{request.Rule}\": {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _composing);
        }
    }

    private string Snapshot()
    {
        lock (_snapshotLock)
        {
            if (_snapshot is null || Environment.TickCount64 - _snapshotAtMs > s_snapshotReuse.TotalMilliseconds)
            {
                try
                {
                    _snapshot = $"  taken at {DateTimeOffset.Now:HH:mm:ss}\n" + SystemSnapshot.Take(_procRoot, CpuInterval);
                }
                catch (Exception e)
                {
                    // The snapshot is an extra: the alert goes out without it.
                    _snapshot = $"    (snapshot unavailable: {e.Message})\n";
                }

                _snapshotAtMs = Environment.TickCount64;
            }

            return _snapshot;
        }
    }
}
