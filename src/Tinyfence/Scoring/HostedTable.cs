using Tinyfence.Blocklist;
using Tinyfence.Config;
using Tinyfence.Firewall;
using Tinyfence.Logging;
using Tinyfence.Sharing;
using Tinyfence.Table;

namespace Tinyfence.Scoring;

/// <summary>
/// A table the daemon serves and the files it keeps of it: the snapshot and the blocklist map,
/// when each is next due, and how the last writes went. Writing them is here because the table
/// host (a table removed, the daemon stopping) and the upkeep schedule both do it.
/// </summary>
internal sealed class HostedTable(ScoreTable table, TableSection section, string snapshotPath, SdbmMapWriter? blocklist, Logger log) : IDisposable
{
    // A snapshot failure already logged: a full disk is said once, not every minute.
    private bool _snapshotFailing;

    // Likewise a blocklist that cannot be written: it is retried at every due upkeep.
    private bool _blocklistFailing;

    public ScoreTable Table { get; } = table;

    public TableSection Section { get; set; } = section;

    public string SnapshotPath { get; } = snapshotPath;

    public SdbmMapWriter? Blocklist { get; set; } = blocklist;

    /// <summary>The Redis share of the table (<c>share redis</c>); owned by the table host, which moves it to a reshaped table.</summary>
    public TableShare? Share { get; set; }

    /// <summary>The kernel set of the table's blocked addresses; null without <c>firewall nftables</c>.</summary>
    public TableFirewall? Firewall { get; set; }

    /// <summary>The blocked set last written to the blocklist; null before the first write.</summary>
    public ulong? WrittenFingerprint { get; set; }

    public long NextBlocklistMs { get; set; }

    /// <summary>The first save is one interval after the table is made: what it holds then was just loaded or carried over.</summary>
    public long NextSnapshotMs { get; set; } = Environment.TickCount64 + (long)(section.SnapshotEvery ?? TimeSpan.Zero).TotalMilliseconds;

    /// <summary>When the snapshot was last saved by this daemon; null before the first save.</summary>
    public DateTime? LastSnapshotUtc { get; private set; }

    /// <summary>Saves the snapshot, if the table has one; a failure is logged and the table goes on in memory.</summary>
    public void SaveSnapshot()
    {
        if (Section.SnapshotEvery is null)
        {
            return;
        }

        try
        {
            TableSnapshot.Save(Table, SnapshotPath);
            LastSnapshotUtc = DateTime.UtcNow;
            if (_snapshotFailing)
            {
                log.Notice($"table \"{Section.Name}\": snapshot saved again to {SnapshotPath}");
            }

            _snapshotFailing = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_snapshotFailing)
            {
                log.Error($"table \"{Section.Name}\": cannot save the snapshot {SnapshotPath}: {e.Message} (the table goes on in memory)");
            }

            _snapshotFailing = true;
        }
    }

    /// <summary>Rewrites the blocklist map from the addresses blocked <paramref name="now"/>, whose set is <paramref name="blockedFingerprint"/>.</summary>
    public void WriteBlocklist(SdbmMapWriter writer, uint now, ulong blockedFingerprint)
    {
        try
        {
            SdbmCommitResult result = TableScans.WriteBlocklist(Table, writer, now);
            WrittenFingerprint = blockedFingerprint;
            if (_blocklistFailing)
            {
                log.Notice($"table \"{Section.Name}\": blocklist written again to {writer.BasePath}");
            }

            _blocklistFailing = false;
            if (result.DroppedKeys > 0)
            {
                log.Warning($"table \"{Section.Name}\": blocklist holds {result.Keys} addresses, {result.DroppedKeys} did not fit (the prg adapter still sees them)");
            }
        }
        catch (IOException e)
        {
            // Not written: the fingerprint stays, so the next due upkeep tries again.
            if (!_blocklistFailing)
            {
                log.Warning($"table \"{Section.Name}\": cannot write the blocklist {writer.BasePath}: {e.Message} (Apache reads the previous one)");
            }

            _blocklistFailing = true;
        }
    }

    public void Dispose()
    {
        Firewall?.Dispose();
        Table.Dispose();
    }
}
