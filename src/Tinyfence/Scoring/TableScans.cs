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

    /// <summary>Copies every entry of <paramref name="from"/> into <paramref name="to"/> (a reload that reshapes a table).</summary>
    public static void CopyEntries(ScoreTable from, ScoreTable to)
    {
        var visitor = new Copier(to);
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

    private readonly struct Copier(ScoreTable to) : IEntryVisitor
    {
        public void Visit(in StoredScore entry, int scoreNow) => to.Restore(entry);
    }
}
