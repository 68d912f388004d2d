using Tinyfence.Table;

namespace Tinyfence.Fuzz.Targets;

/// <summary>
/// The snapshot loader, on a file of any bytes. A loaded snapshot never puts more than the
/// table's capacity in it, nor an entry without a score, and what is loaded saves and loads back
/// to as many entries.
/// </summary>
/// <remarks>
/// A checksum would stop the fuzzer at the door, so an input whose first byte is odd has its
/// trailer (record count and CRC-32C) made right before it is loaded.
/// </remarks>
public static class SnapshotTarget
{
    private static readonly TableSpec s_spec = new("web", TableSpec.MinCapacity, 3, 86_400, 15, 64);
    private static readonly Lazy<string> s_directory = new(() => FuzzDirectory.Create("snapshot"));

    public static void Run(ReadOnlySpan<byte> input)
    {
        byte[] data = input.IsEmpty ? [] : input[1..].ToArray();
        if (!input.IsEmpty && (input[0] & 1) == 1)
        {
            TableSnapshot.Seal(data);
        }

        string directory = s_directory.Value;
        FuzzDirectory.Empty(directory);
        string path = Path.Combine(directory, "web.scores");
        File.WriteAllBytes(path, data);

        using ScoreTable table = ScoreTable.CreatePrivate(s_spec, 0x5eed, 0xf00d);
        TableSnapshot.Load(table, path, out string? problem);
        CheckTable(table);
        if (problem is not null)
        {
            return;
        }

        string copy = Path.Combine(directory, "copy.scores");
        int saved = TableSnapshot.Save(table, copy);
        using ScoreTable reloaded = ScoreTable.CreatePrivate(s_spec, 0x5eed, 0xf00d);
        int loaded = TableSnapshot.Load(reloaded, copy, out string? again);
        InvariantViolationException.Check(again is null && loaded == saved, "a saved snapshot loads back whole");
        CheckTable(reloaded);
    }

    private static void CheckTable(ScoreTable table)
    {
        InvariantViolationException.Check(table.Count <= s_spec.Capacity, "a loaded snapshot never exceeds the table's capacity");
        var scores = new ScoreCheck();
        table.ForEach(table.Now, ref scores);
    }

    private struct ScoreCheck : IEntryVisitor
    {
        public readonly void Visit(in StoredScore entry, int scoreNow) =>
            InvariantViolationException.Check(entry.Score > 0 && scoreNow >= 0 && scoreNow <= entry.Score,
                "a loaded score is positive and decay never raises it");
    }
}
