using Tinyfence.Blocklist;
using Tinyfence.Table;

namespace Tinyfence.Scoring;

/// <summary>Scans that feed a table's entries elsewhere: into the blocklist map, into a new table.</summary>
internal static class TableScans
{
    /// <summary>Writes the addresses blocked now as the table's <c>dbm=sdbm:</c> map.</summary>
    public static SdbmCommitResult WriteBlocklist(ScoreTable table, SdbmMapWriter writer, uint now)
    {
        writer.Begin();
        var visitor = new BlockedKeys(writer, table.Spec.BlockAbove);
        table.ForEach(now, ref visitor);
        return writer.Commit();
    }

    /// <summary>
    /// Copies every entry of <paramref name="from"/> into <paramref name="to"/> (a reload that
    /// reshapes a table), noting each stored score in <paramref name="carried"/> for <see cref="CarryLateHits"/>.
    /// </summary>
    public static void CopyEntries(ScoreTable from, ScoreTable to, Dictionary<IpKey, int> carried)
    {
        var visitor = new Copier(to, carried);
        from.ForEach(from.Now, ref visitor);
    }

    /// <summary>
    /// Adds to <paramref name="to"/> the points that hit <paramref name="from"/> after its entries
    /// were carried (requests go on with the old table until they are given the new one): each
    /// stored score above the one <paramref name="carried"/> notes, by the difference.
    /// </summary>
    public static void CarryLateHits(ScoreTable from, ScoreTable to, Dictionary<IpKey, int> carried)
    {
        var visitor = new LateHits(to, carried);
        from.ForEach(from.Now, ref visitor);
    }

    private readonly struct BlockedKeys(SdbmMapWriter writer, int blockAbove) : IEntryVisitor
    {
        public void Visit(in StoredScore entry, int scoreNow)
        {
            if (scoreNow > blockAbove)
            {
                Span<byte> text = stackalloc byte[IpKey.MaxTextLength];
                writer.Add(text[..entry.Key.Format(text)]);
            }
        }
    }

    private readonly struct Copier(ScoreTable to, Dictionary<IpKey, int> carried) : IEntryVisitor
    {
        public void Visit(in StoredScore entry, int scoreNow)
        {
            to.Restore(entry);
            carried[entry.Key] = entry.Score;
        }
    }

    private readonly struct LateHits(ScoreTable to, Dictionary<IpKey, int> carried) : IEntryVisitor
    {
        public void Visit(in StoredScore entry, int scoreNow)
        {
            int late = entry.Score - carried.GetValueOrDefault(entry.Key);
            if (late > 0)
            {
                to.Hit(entry.Key, late, to.Now);
                carried[entry.Key] = entry.Score;
            }
        }
    }
}
