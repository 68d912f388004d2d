using System.Buffers;
using System.Text;
using Tinyfence.Table;

namespace Tinyfence.Protocol;

/// <summary>
/// Answers protocol requests from the score tables. Shared by every session (requests arrive on
/// several threads); the tables are swapped as a whole on reload. Allocates nothing per request.
/// </summary>
public sealed class RequestDispatcher : ILineHandler
{
    private readonly Lock _topLock = new();
    private readonly StoredScore[] _top = new StoredScore[RequestParser.MaxTopCount];
    // Counted per verb for the metrics; the last slot counts lines whose verb is unknown.
    private static readonly int s_verbSlots = Enum.GetValues<Verb>().Length + 1;

    private readonly bool _clockAdjustable;
    private readonly IStatusSource? _status;
    private readonly long[] _requests = new long[s_verbSlots];
    private readonly long[] _errors = new long[s_verbSlots];
    private volatile TableEntryName[] _tables = [];
    private long _quietErrors;

    /// <param name="clockAdjustable">Accept ADVANCE (the daemon's --test-clock).</param>
    /// <param name="status">What answers STATUS and METRICS; without one they get <c>ERR no status here</c>.</param>
    public RequestDispatcher(bool clockAdjustable = false, IStatusSource? status = null)
    {
        _clockAdjustable = clockAdjustable;
        _status = status;
    }

    /// <summary>Writes refused in quiet mode (nobody saw their error).</summary>
    public long QuietErrors => Interlocked.Read(ref _quietErrors);

    /// <summary>Requests of <paramref name="verb"/> so far; null: lines with no known verb.</summary>
    public long Requests(Verb? verb) => Interlocked.Read(ref _requests[Slot(verb)]);

    /// <summary>Requests of <paramref name="verb"/> answered (or, in quiet mode, refused) with an error.</summary>
    public long Errors(Verb? verb) => Interlocked.Read(ref _errors[Slot(verb)]);

    /// <summary>HIT requests a table has taken since the daemon started.</summary>
    public long HitsOf(string table)
    {
        foreach (TableEntryName entry in _tables)
        {
            if (entry.Table.Spec.Name == table)
            {
                return Interlocked.Read(ref entry.Hits);
            }
        }

        return 0;
    }

    /// <summary>Serves these tables from now on (a reload); requests in flight finish on the old ones.</summary>
    public void UseTables(IReadOnlyList<ScoreTable> tables)
    {
        TableEntryName[] old = _tables;
        _tables = [.. tables.Select(t => new TableEntryName(Encoding.ASCII.GetBytes(t.Spec.Name), t)
        {
            // A reload keeps the count going: a counter that restarts reads as a restart.
            Hits = Array.Find(old, o => o.Table.Spec.Name == t.Spec.Name)?.Hits ?? 0,
        })];
    }

    public void Handle(ReadOnlySpan<byte> line, IBufferWriter<byte> reply, ref SessionState session)
    {
        ParseStatus status = RequestParser.TryParse(line, out Request request);
        Verb? counted = status == ParseStatus.UnknownCommand ? null : request.Verb;
        Interlocked.Increment(ref _requests[Slot(counted)]);
        bool silent = session.Quiet && request.Verb is Verb.Hit or Verb.Set or Verb.Del;
        TableEntryName? table = null;
        if (status == ParseStatus.Ok && !request.Table.IsEmpty)
        {
            table = Find(request.Table);
            status = table is null ? ParseStatus.BadTableName : ParseStatus.Ok;
        }

        if (status != ParseStatus.Ok)
        {
            Interlocked.Increment(ref _errors[Slot(counted)]);
            if (silent)
            {
                Interlocked.Increment(ref _quietErrors);
            }
            else
            {
                ReplyWriter.Error(reply, status);
            }

            return;
        }

        switch (request.Verb)
        {
            case Verb.Ping:
                ReplyWriter.Write(reply, ReplyText.Pong);
                break;
            case Verb.Quiet:
                session.Quiet = true;
                ReplyWriter.Write(reply, ReplyText.Ok);
                break;
            case Verb.Stats:
                WriteStats(reply);
                break;
            case Verb.Advance:
                Advance(request.Number, reply);
                break;
            case Verb.Status or Verb.Metrics:
                WriteStatus(request.Verb, reply);
                break;
            default:
                if (request.Verb == Verb.Hit)
                {
                    Interlocked.Increment(ref table!.Hits);
                }

                HandleTableVerb(in request, table!.Table, reply, silent);
                break;
        }
    }

    private void WriteStatus(Verb verb, IBufferWriter<byte> reply)
    {
        if (_status is null)
        {
            Interlocked.Increment(ref _errors[Slot(verb)]);
            ReplyWriter.Write(reply, ReplyText.ErrNoStatus);
            return;
        }

        if (verb == Verb.Status)
        {
            _status.WriteJson(reply);
            ReplyWriter.Write(reply, "\n"u8);
        }
        else
        {
            _status.WriteMetrics(reply);
        }

        ReplyWriter.End(reply);
    }

    private static int Slot(Verb? verb) => verb is { } known ? (int)known : s_verbSlots - 1;

    private void HandleTableVerb(in Request request, ScoreTable table, IBufferWriter<byte> reply, bool silent)
    {
        uint now = table.Now;
        switch (request.Verb)
        {
            case Verb.Get:
                ReplyWriter.Number(reply, table.Get(request.Key, now));
                break;
            case Verb.Check:
                ReplyWriter.Write(reply, table.IsBlocked(table.Get(request.Key, now)) ? ReplyText.Block : ReplyText.Allow);
                break;
            case Verb.Hit:
                int score = table.Hit(request.Key, (int)request.Number, now);
                if (!silent)
                {
                    ReplyWriter.Number(reply, score);
                }

                break;
            case Verb.Set:
                table.Set(request.Key, (int)request.Number, now);
                if (!silent)
                {
                    ReplyWriter.Write(reply, ReplyText.Ok);
                }

                break;
            case Verb.Del:
                bool deleted = table.Delete(request.Key);
                if (!silent)
                {
                    ReplyWriter.Write(reply, deleted ? ReplyText.Deleted : ReplyText.NotFound);
                }

                break;
            case Verb.Top:
                WriteTop(table, (int)request.Number, reply);
                break;
        }
    }

    // TOP is handled apart: it needs a buffer of up to 1000 entries, shared and locked rather than
    // allocated per request (TOP is an operator's command, rare and never on the hot path).
    private void WriteTop(ScoreTable table, int count, IBufferWriter<byte> reply)
    {
        lock (_topLock)
        {
            int found = table.Top(_top.AsSpan(0, count), table.Now);
            for (int i = 0; i < found; i++)
            {
                ReplyWriter.Address(reply, _top[i].Key, _top[i].Score);
            }
        }

        ReplyWriter.End(reply);
    }

    private void WriteStats(IBufferWriter<byte> reply)
    {
        foreach (TableEntryName entry in _tables)
        {
            TableStats stats = entry.Table.Stats;
            ReplyWriter.Stats(reply, entry.Name, stats.Entries, stats.Capacity, stats.Slots, stats.Blocked, (long)stats.Evictions);
        }

        ReplyWriter.End(reply);
    }

    private void Advance(long seconds, IBufferWriter<byte> reply)
    {
        if (!_clockAdjustable)
        {
            Interlocked.Increment(ref _errors[Slot(Verb.Advance)]);
            ReplyWriter.Write(reply, ReplyText.ErrClockFixed);
            return;
        }

        foreach (TableEntryName entry in _tables)
        {
            entry.Table.ClockOffset += seconds;
        }

        ReplyWriter.Write(reply, ReplyText.Ok);
    }

    private TableEntryName? Find(ReadOnlySpan<byte> name)
    {
        foreach (TableEntryName entry in _tables)
        {
            if (name.SequenceEqual(entry.Name))
            {
                return entry;
            }
        }

        return null;
    }

    private sealed class TableEntryName(byte[] name, ScoreTable table)
    {
        public long Hits;

        public byte[] Name { get; } = name;

        public ScoreTable Table { get; } = table;
    }
}
