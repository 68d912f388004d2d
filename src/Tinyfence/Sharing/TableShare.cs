using System.Buffers;
using System.Buffers.Text;
using System.Text;
using Tinyfence.Alerts;
using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Table;

namespace Tinyfence.Sharing;

/// <summary>
/// A table shared with other nodes through Redis. Requests never wait on it: the table counts a
/// hit as ever and tells this share (<see cref="OnHit"/>), which queues it; in the background one
/// connection sends the queued hits to the <see cref="ShareScript"/>, the first hit after a quiet
/// spell at once, then those that came meanwhile after <see cref="SendIntervalMs"/>, and another
/// listens for the blocks any node's hits made and adopts them, after loading the blocks in force
/// whenever it (re)connects. Each connection has a thread of its own that blocks on it (see
/// <see cref="RespConnection"/>). Redis away, the node goes on alone and tries again with a
/// growing pause.
/// </summary>
internal sealed partial class TableShare : IHitObserver, IDisposable
{
    /// <summary>At most this long between a hit and its sending: what a block waits for, beside the round trips.</summary>
    public const int SendIntervalMs = 50;

    // An outage of a minute at 1,000 hits a second, in 1.5 MiB per table; past that the oldest go.
    public const int BacklogHits = 65536;

    // Per EVALSHA: long enough to pay the round trip once for many hits, short enough that the
    // script holds Redis (single-threaded) for a few milliseconds (5 ms for 1,000 spread addresses
    // on the 2-core VM, 0.7 ms for spam: README, "How far one Redis goes").
    private const int HitsPerScript = 1000;

    // Scripts written before one flush: a catching-up backlog goes out 8,000 hits at a time.
    private const int ScriptsPerRound = 8;

    private const int FirstRetryMs = 100;
    private const int LongestRetryMs = 5000;

    // A Redis that answers nothing for this long is treated as down; the connection is made anew.
    private const int ReplyTimeoutMs = 5000;

    private readonly HitQueue _queue = new(BacklogHits);
    private readonly CancellationTokenSource _stop = new();
    private readonly ShareHealth _health;
    private readonly Logger _log;
    private readonly byte[] _scorePrefix;
    private readonly byte[] _blockedKey;
    private readonly QueuedHit[] _batch = new QueuedHit[HitsPerScript * ScriptsPerRound];
    private volatile ScoreTable _table;
    private Thread? _sending;
    private Thread? _listening;

    public TableShare(ShareSection section, ScoreTable table, Logger log)
    {
        Section = section;
        _table = table;
        _log = log;
        string prefix = section.Prefix + table.Spec.Name + ":";
        _scorePrefix = Encoding.UTF8.GetBytes(prefix);
        _blockedKey = Encoding.UTF8.GetBytes(prefix + "blocked");
        _health = new ShareHealth(table.Spec.Name, section.Url, _queue, log);
    }

    public ShareSection Section { get; }

    /// <summary>Hits taken and not yet applied by Redis (tests, status).</summary>
    public int Backlog => _queue.Count;

    /// <summary>Hits dropped because the backlog was full.</summary>
    public long Dropped => _queue.Dropped;

    /// <summary>Starts sending and listening for <paramref name="table"/>.</summary>
    public void Start()
    {
        _table.HitObserver = this;
        _sending = StartThread(SendLoop, "tinyfence send");
        _listening = StartThread(ListenLoop, "tinyfence listen");
    }

    /// <summary>Goes on with <paramref name="table"/>, which replaces the table shared so far (a reshape at reload); the queued hits stay.</summary>
    public void MoveTo(ScoreTable table)
    {
        _table.HitObserver = null;
        table.HitObserver = this;
        _table = table;
    }

    public void OnHit(IpKey key, int points, uint now) => _queue.Add(key, points, now);

    public void Dispose()
    {
        _table.HitObserver = null;
        _stop.Cancel();
        // Both loops end at the cancellation (it aborts their connections and ends their pauses);
        // bounded all the same: a thread still inside a name lookup keeps what it uses undisposed.
        bool ended = (_sending?.Join(LongestRetryMs) ?? true) & (_listening?.Join(LongestRetryMs) ?? true);
        if (ended)
        {
            _stop.Dispose();
            _queue.Dispose();
        }
    }

    private static Thread StartThread(ThreadStart loop, string name)
    {
        // Background: a loop stuck in a system call never keeps the daemon from exiting.
        var thread = new Thread(loop) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }

    /// <summary>
    /// A connection that the stop aborts: whatever its thread waits for on it ends. The caller
    /// disposes the registration before the connection.
    /// </summary>
    private RespConnection Connect(out CancellationTokenRegistration abortAtStop)
    {
        string? password = null;
        if (Section.PasswordFile is { } file)
        {
            try
            {
                password = PasswordFile.Read(file);
            }
            catch (MailConfigurationException e)
            {
                throw new IOException(e.Message, e);
            }
        }

        RespConnection redis = RespConnection.Open(Section, password, ReplyTimeoutMs, _stop.Token);
        abortAtStop = _stop.Token.Register(static state => ((RespConnection)state!).Abort(), redis);
        return redis;
    }

    /// <summary>
    /// The pause before the next attempt: none after a connection that worked (an idle connection
    /// finds out late that Redis restarted: connecting again at once is no outage to report), then
    /// doubled after each failure, up to <see cref="LongestRetryMs"/>.
    /// </summary>
    private int PauseAfter(Exception problem, int retryMs, bool wasConnected)
    {
        if (wasConnected)
        {
            return FirstRetryMs;
        }

        _health.Failed(problem);
        // Stopped meanwhile: the pause ends at once and the loop sees the stop.
        _stop.Token.WaitHandle.WaitOne(retryMs);
        return Math.Min(retryMs * 2, LongestRetryMs);
    }

    /// <summary>
    /// What ends a connection and is tried again: the socket's errors and timeouts, a server that
    /// refused or spoke no RESP2, the stop (an aborted socket), and a fault of ours too, logged as
    /// an outage would be: a thread of its own must not stop the daemon, nor end sharing unsaid.
    /// </summary>
    private static bool EndsTheConnection(Exception e) => e is not OutOfMemoryException;

    /// <summary>
    /// Adopts a block announced as <c>ADDRESS SCORE DECAYED-TO</c>; false when the text is not one
    /// or the table's own score is as high. <paramref name="newlyBlocked"/>: the table did not block
    /// the address before (rather than a block renewed by further hits, this node's own included).
    /// </summary>
    private bool AdoptBlock(ReadOnlySequence<byte> announcement, out bool newlyBlocked)
    {
        newlyBlocked = false;
        Span<byte> text = stackalloc byte[96];
        if (announcement.Length > text.Length)
        {
            return false;
        }

        text = text[..(int)announcement.Length];
        announcement.CopyTo(text);
        int space = text.IndexOf((byte)' ');
        if (space <= 0 || !IpKey.TryParse(text[..space], out IpKey key))
        {
            return false;
        }

        text = text[(space + 1)..];
        if (!Utf8Parser.TryParse(text, out int score, out int consumed) || consumed >= text.Length || text[consumed] != (byte)' '
            || !Utf8Parser.TryParse(text[(consumed + 1)..], out uint decayedTo, out int tail) || consumed + 1 + tail != text.Length)
        {
            return false;
        }

        ScoreTable table = _table;
        uint now = table.Now;
        bool wasBlocked = table.IsBlocked(table.Get(key, now));
        bool adopted = table.Adopt(new StoredScore(key, score, decayedTo, decayedTo), now);
        newlyBlocked = adopted && !wasBlocked;
        return adopted;
    }
}
