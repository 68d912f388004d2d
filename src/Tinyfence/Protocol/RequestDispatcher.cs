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
    private readonly bool _clockAdjustable;
    private volatile TableEntryName[] _tables = [];
    private long _quietErrors;

    /// <param name="clockAdjustable">Accept ADVANCE (the daemon's --test-clock).</param>
    public RequestDispatcher(bool clockAdjustable = false) => _clockAdjustable = clockAdjustable;

    /// <summary>Writes refused in quiet mode (nobody saw their error).</summary>
    public long QuietErrors => Interlocked.Read(ref _quietErrors);

    /// <summary>Serves these tables from now on (a reload); requests in flight finish on the old ones.</summary>
    public void UseTables(IReadOnlyList<ScoreTable> tables) =>
        _tables = [.. tables.Select(t => new TableEntryName(Encoding.ASCII.GetBytes(t.Spec.Name), t))];

    public void Handle(ReadOnlySpan<byte> line, IBufferWriter<byte> reply, ref SessionState session)
    {
        ParseStatus status = RequestParser.TryParse(line, out Request request);
        bool silent = session.Quiet && request.Verb is Verb.Hit or Verb.Set or Verb.Del;
        ScoreTable? table = null;
        if (status == ParseStatus.Ok && !request.Table.IsEmpty)
        {
            table = Find(request.Table);
            status = table is null ? ParseStatus.BadTableName : ParseStatus.Ok;
        }

        if (status != ParseStatus.Ok)
        {
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
            default:
                HandleTableVerb(in request, table!, reply, silent);
                break;
        }
    }

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
            ReplyWriter.Write(reply, ReplyText.ErrClockFixed);
            return;
        }

        foreach (TableEntryName entry in _tables)
        {
            entry.Table.ClockOffset += seconds;
        }

        ReplyWriter.Write(reply, ReplyText.Ok);
    }

    private ScoreTable? Find(ReadOnlySpan<byte> name)
    {
        foreach (TableEntryName entry in _tables)
        {
            if (name.SequenceEqual(entry.Name))
            {
                return entry.Table;
            }
        }

        return null;
    }

    private sealed record TableEntryName(byte[] Name, ScoreTable Table);
}
