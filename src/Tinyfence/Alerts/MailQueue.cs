using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Tinyfence.Logging;

namespace Tinyfence.Alerts;

/// <summary>
/// Alert mail that never blocks the guard: <see cref="Enqueue"/> puts a message in a bounded
/// in-memory queue and returns; one background thread delivers, reusing a connection while mail
/// flows, retrying with exponential backoff while the server is down, and holding what exceeds
/// the rate limit for one digest. When the queue is full the oldest message is dropped, and the
/// next delivered message says how many were.
/// </summary>
/// <remarks>
/// Counters: <see cref="Sent"/> counts mails delivered (a digest is one), <see cref="Dropped"/>
/// alerts dropped because the queue was full, <see cref="Failed"/> alerts the server refused for
/// good (5xx). <see cref="Pending"/> counts alerts still waiting, held ones included.
/// </remarks>
[SuppressMessage("Naming", "CA1711", Justification = "It is a queue: the name is the API the rule engine and mail-test are written against.")]
public sealed partial class MailQueue : IDisposable
{
    // A digest lists at most this many alerts in full; more are counted. Bounds the memory a
    // storm can take while the rate limit holds mail back (alerts are a few hundred bytes).
    internal const int MaxDigestAlerts = 1000;

    private readonly Lock _lock = new();
    private readonly Logger _log;
    private readonly MailQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly TrustStore _trust;
    private readonly LinkedList<QueuedAlert> _queue = new();
    private readonly List<QueuedAlert> _digests = [];
    // Set when there is something for the worker to look at; it resets it before it looks.
    private readonly ManualResetEventSlim _wake = new(false);
    // Set by the worker after every attempt, for Flush.
    private readonly ManualResetEventSlim _progress = new(false);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _worker;

    private MailSettings _settings;
    private RateLimiter _limiter;
    private QueuedAlert? _inFlight;
    private int _flushing;
    private bool _disposed;
    private long _sent;
    private long _dropped;
    private long _failed;
    private string? _lastError;
    private int _droppedUnreported;

    public MailQueue(MailSettings settings, Logger log)
        : this(settings, log, MailQueueOptions.Default)
    {
    }

    internal MailQueue(MailSettings settings, Logger log, MailQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        _settings = settings;
        _log = log;
        _options = options;
        _time = options.Time;
        _trust = new TrustStore(options.SystemBundleCandidates);
        _limiter = new RateLimiter(settings.RateLimit, settings.RatePeriod, _time);
        // Whatever the worker is blocked in (a connect, a TLS handshake, a server that never
        // answers), stopping closes its socket.
        _stop.Token.Register(static state => ((MailQueue)state!).AbortSession(), this);
        _worker = new Thread(Run) { IsBackground = true, Name = "tinyfence mail" };
        _worker.Start();
    }

    /// <summary>A reload may replace the settings: queued mail is kept and goes out with the new ones.</summary>
    public MailSettings Settings
    {
        get
        {
            lock (_lock)
            {
                return _settings;
            }
        }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            List<string>? dropped;
            int limit;
            lock (_lock)
            {
                _settings = value;
                _limiter = _limiter.WithSettings(value.RateLimit, value.RatePeriod);
                // New settings deserve a try now, not at the end of the old backoff.
                ResetBackoffLocked();
                limit = value.QueueLimit;
                dropped = TrimLocked(keep: null);
            }

            _wake.Set();
            LogDropped(dropped, limit);
        }
    }

    /// <summary>Alerts not delivered yet: queued, being sent, or held for a digest.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return PendingLocked();
            }
        }
    }

    /// <summary>Mails delivered to at least one recipient (a digest counts once).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Alerts dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Alerts the server refused for good (a 5xx for the message, or for every recipient).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Why the last attempt to send failed; null when none has failed.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>Thread-safe, never blocks on the network and never throws; drops the oldest message when the queue is full.</summary>
    public void Enqueue(AlertMessage message)
    {
        if (message is null)
        {
            return;
        }

        List<string>? dropped;
        int limit;
        lock (_lock)
        {
            if (_disposed)
            {
                Interlocked.Increment(ref _dropped);
                return;
            }

            QueuedAlert entry = QueuedAlert.ForAlert(message);
            _queue.AddLast(entry);
            limit = _settings.QueueLimit;
            dropped = TrimLocked(keep: entry);
        }

        _wake.Set();
        LogDropped(dropped, limit);
    }

    /// <summary>
    /// For shutdown: tries to deliver everything queued within <paramref name="maxWait"/>, the
    /// rate limit aside (what it would hold goes out in one digest), with one immediate try even
    /// if the server was being retried later. True if nothing is left.
    /// </summary>
    public bool Flush(TimeSpan maxWait)
    {
        long start = Stopwatch.GetTimestamp();
        lock (_lock)
        {
            if (_disposed || PendingLocked() == 0)
            {
                return PendingLocked() == 0;
            }

            _flushing++;
            ResetBackoffLocked();
        }

        _wake.Set();
        try
        {
            while (true)
            {
                _progress.Reset();
                lock (_lock)
                {
                    if (PendingLocked() == 0)
                    {
                        return true;
                    }
                }

                TimeSpan left = maxWait - Stopwatch.GetElapsedTime(start);
                if (left <= TimeSpan.Zero || _worker.Join(0))
                {
                    return false;
                }

                _progress.Wait(left);
            }
        }
        finally
        {
            lock (_lock)
            {
                _flushing--;
            }
        }
    }

    /// <summary>Stops the worker (aborting a connection in progress); mail still queued is not sent: call <see cref="Flush"/> first.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _stop.Cancel();
        _wake.Set();
        _worker.Join(_options.StopWait);
    }

    /// <summary>Whether the worker thread is still running (tests).</summary>
    internal bool WorkerAlive => _worker.IsAlive;

    /// <summary>Makes the worker look at its work again now (tests that move a fake clock).</summary>
    internal void Poke() => _wake.Set();

    private int PendingLocked()
    {
        int pending = _queue.Count;
        foreach (QueuedAlert digest in _digests)
        {
            pending += digest.Count;
        }

        return pending;
    }

    private void ResetBackoffLocked()
    {
        _retryAt = 0;
        _backoff = TimeSpan.Zero;
        foreach (QueuedAlert entry in _queue)
        {
            entry.NotBefore = 0;
        }

        foreach (QueuedAlert digest in _digests)
        {
            digest.NotBefore = 0;
        }
    }

    /// <summary>
    /// Drops the oldest entries while the queue is over its limit. Never the one being sent (it
    /// is on the wire; if it fails it is trimmed afterwards) nor <paramref name="keep"/>, the one
    /// just added. Returns the dropped subjects, for the log.
    /// </summary>
    private List<string>? TrimLocked(QueuedAlert? keep)
    {
        List<string>? dropped = null;
        int limit = Math.Max(_settings.QueueLimit, 1);
        LinkedListNode<QueuedAlert>? node = _queue.First;
        while (_queue.Count > limit && node is not null)
        {
            LinkedListNode<QueuedAlert>? next = node.Next;
            if (node.Value != _inFlight && node.Value != keep)
            {
                _queue.Remove(node);
                _dropped++;
                _droppedUnreported++;
                (dropped ??= []).Add(node.Value.Subject);
            }

            node = next;
        }

        return dropped;
    }

    private void LogDropped(List<string>? subjects, int limit)
    {
        if (subjects is null)
        {
            return;
        }

        foreach (string subject in subjects)
        {
            _log.Warning($"mail: queue full ({limit}): dropped the oldest message \"{subject}\"");
        }
    }
}
