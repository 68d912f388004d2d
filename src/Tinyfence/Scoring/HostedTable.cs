using Tinyfence.Blocklist;
using Tinyfence.Config;
using Tinyfence.Table;

namespace Tinyfence.Scoring;

/// <summary>A table the daemon serves, with its upkeep: blocklist map, snapshot schedule.</summary>
internal sealed class HostedTable(ScoreTable table, TableSection section, string snapshotPath, SdbmMapWriter? blocklist) : IDisposable
{
    public ScoreTable Table { get; } = table;

    public TableSection Section { get; set; } = section;

    public string SnapshotPath { get; } = snapshotPath;

    public SdbmMapWriter? Blocklist { get; set; } = blocklist;

    /// <summary>The blocked set last written to the blocklist; null before the first write.</summary>
    public ulong? WrittenFingerprint { get; set; }

    public long NextBlocklistMs { get; set; }

    public long NextSnapshotMs { get; set; }

    /// <summary>A failure already logged (so a full disk is said once, not every minute).</summary>
    public bool SnapshotFailing { get; set; }

    public void Dispose() => Table.Dispose();
}
