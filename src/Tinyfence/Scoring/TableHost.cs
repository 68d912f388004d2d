using Tinyfence.Blocklist;
using Tinyfence.Config;
using Tinyfence.Firewall;
using Tinyfence.Interop;
using Tinyfence.Layout;
using Tinyfence.Logging;
using Tinyfence.Sharing;
using Tinyfence.Table;

namespace Tinyfence.Scoring;

/// <summary>
/// Which score tables exist, as the config says: each one's view made in the run directory and
/// filled from its snapshot, kept as it is while its shape is unchanged, rebuilt with its entries
/// when reshaped; all published together; a replaced or removed one retired, and unmapped after a
/// grace. The adapters find the views by their names (<see cref="RunLayout"/>).
/// </summary>
internal sealed class TableHost(Logger log) : IDisposable
{
    // A replaced table is unmapped this long after the request threads were given the new one:
    // a request that picked the old table just before the swap finishes on it (microseconds; a
    // minute leaves room for a thread that was descheduled or swapped out meanwhile).
    private const long RetiredGraceMs = 60_000;

    private const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ReadableByGroup = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private readonly List<HostedTable> _tables = [];
    // A reshaped table's old one, with the stored score of each entry carried over so far: hits
    // that land on it after the copy are carried too (CarryLateHits), until it is unmapped.
    private readonly List<(HostedTable Table, long DisposeAtMs, Dictionary<IpKey, int>? Carried)> _retired = [];

    /// <summary>The tables served now, in the config's order.</summary>
    public IReadOnlyList<HostedTable> Hosted => _tables;

    public IReadOnlyList<ScoreTable> Tables => [.. _tables.Select(t => t.Table)];

    /// <summary>The run directory is read by the adapters (as Apache's user); the state directory by nobody else.</summary>
    public static void EnsureDirectories(Settings settings)
    {
        EnsureDirectory(settings.RunDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        EnsureDirectory(settings.StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// Brings the tables in line with <paramref name="config"/>. Throws what the file system
    /// throws; the tables served before are then served on, unchanged.
    /// </summary>
    public void Apply(TinyfenceConfig config)
    {
        long offset = _tables.Count > 0 ? _tables[0].Table.ClockOffset : 0;
        // Into the tables served now, before they are copied in turn.
        CarryLateHits();
        var carried = new Dictionary<HostedTable, Dictionary<IpKey, int>>();
        // Every table is made and filled before any is published: a reload that fails half
        // way leaves the adapters on the tables the daemon goes on writing.
        var next = new List<HostedTable>();
        try
        {
            foreach (TableSection section in config.Tables)
            {
                next.Add(Prepare(section, config, offset, carried));
            }
        }
        catch
        {
            foreach (HostedTable made in next.Where(t => !_tables.Contains(t)))
            {
                made.Dispose();
            }

            throw;
        }

        foreach (HostedTable hosted in next)
        {
            hosted.Table.Publish();
        }

        // Once every table is made: a share follows its table only to one that is served.
        foreach (HostedTable hosted in next)
        {
            hosted.Share = ShareFor(hosted.Section, hosted.Table, _tables.Find(t => t.Section.Name == hosted.Section.Name)?.Share);
        }

        foreach (HostedTable old in _tables)
        {
            if (next.Contains(old))
            {
                continue;
            }

            // A reshaped table's entries are in its successor already; a removed one is saved.
            if (!next.Exists(t => t.Section.Name == old.Section.Name))
            {
                old.Share?.Dispose();
                old.SaveSnapshot();
                log.Notice($"table \"{old.Section.Name}\" is no longer in the config: saved to {old.SnapshotPath} and closed");
            }

            // A reshaped table's successor replaces the chain and sets at its first upkeep.
            if (!next.Exists(t => t.Section.Name == old.Section.Name && t.Firewall is not null))
            {
                old.Firewall?.Remove();
            }

            old.Table.Retire();
            _retired.Add((old, Environment.TickCount64 + RetiredGraceMs, carried.GetValueOrDefault(old)));
        }

        _tables.Clear();
        _tables.AddRange(next);
    }

    /// <summary>
    /// Carries the hits that reached a reshaped table's old one after its entries were copied
    /// into the table served now under its name: once the request threads were given the new
    /// tables, and again before the old one is unmapped (a request that picked it just before).
    /// </summary>
    public void CarryLateHits()
    {
        foreach ((HostedTable old, long _, Dictionary<IpKey, int>? carried) in _retired)
        {
            CarryLateHits(old, carried);
        }
    }

    public HostedTable? Find(string name)
    {
        foreach (HostedTable hosted in _tables)
        {
            if (hosted.Section.Name == name)
            {
                return hosted;
            }
        }

        return null;
    }

    /// <summary>Unmaps the retired tables whose grace is over.</summary>
    public void DisposeRetired(long nowMs)
    {
        for (int i = _retired.Count - 1; i >= 0; i--)
        {
            if (nowMs >= _retired[i].DisposeAtMs)
            {
                CarryLateHits(_retired[i].Table, _retired[i].Carried);
                _retired[i].Table.Dispose();
                _retired.RemoveAt(i);
            }
        }
    }

    public void SaveSnapshots()
    {
        foreach (HostedTable hosted in _tables)
        {
            hosted.SaveSnapshot();
        }
    }

    public void Dispose()
    {
        foreach (HostedTable hosted in _tables)
        {
            hosted.Share?.Dispose();
            hosted.Dispose();
        }

        foreach ((HostedTable retired, long _, Dictionary<IpKey, int>? _) in _retired)
        {
            retired.Dispose();
        }
    }

    private void CarryLateHits(HostedTable old, Dictionary<IpKey, int>? carried)
    {
        if (carried is not null && Find(old.Section.Name) is { } successor && successor != old)
        {
            TableScans.CarryLateHits(old.Table, successor.Table, carried);
        }
    }

    private HostedTable Prepare(TableSection section, TinyfenceConfig config, long clockOffset, Dictionary<HostedTable, Dictionary<IpKey, int>> carried)
    {
        Settings settings = config.Settings;
        TableSpec spec = ToSpec(section);
        HostedTable? current = Find(section.Name);
        RunLayout layout = settings.Layout;
        string viewPath = layout.ViewPath(section.Name);
        string snapshotPath = layout.SnapshotPath(section.Name);
        if (current is not null && current.Table.Spec == spec && current.Table.ViewPath == viewPath
            && current.SnapshotPath == snapshotPath)
        {
            current.Section = section;
            current.Blocklist = BlocklistFor(section, settings, current.Blocklist);
            current.WrittenFingerprint = null;
            current.Firewall = FirewallFor(section, current.Firewall);
            return current;
        }

        uint? gid = config.Server?.Gid;
        ScoreTable table = ScoreTable.CreateUnpublished(spec, viewPath, gid is null ? ReadableByAll : ReadableByGroup);
        SetGroup(table.FilePath!, gid);
        table.ClockOffset = clockOffset;
        if (current is not null)
        {
            // The old table is retired and unmapped by Apply once nothing can be using it.
            var copied = new Dictionary<IpKey, int>();
            TableScans.CopyEntries(current.Table, table, copied);
            carried[current] = copied;
            log.Notice($"table \"{section.Name}\" reshaped: {table.Count} entries carried over to {viewPath}");
        }
        else
        {
            int loaded = TableSnapshot.Load(table, snapshotPath, out string? problem);
            if (problem is not null)
            {
                log.Error($"table \"{section.Name}\": snapshot {problem}");
            }

            log.Notice($"table \"{section.Name}\": {loaded} entries from {snapshotPath}; capacity {spec.Capacity}, {table.MemoryBytes / 1024} KiB at {viewPath}");
        }

        return new HostedTable(table, section, snapshotPath, BlocklistFor(section, settings, null), log)
        {
            Firewall = FirewallFor(section, null),
        };
    }

    /// <summary>
    /// The share <paramref name="section"/> asks for, on <paramref name="table"/>: the current one
    /// moved over when its Redis and prefix are unchanged (its queued hits go on), otherwise the
    /// current one stopped and a new one started.
    /// </summary>
    private TableShare? ShareFor(TableSection section, ScoreTable table, TableShare? current)
    {
        if (current is not null && current.Section == section.Share)
        {
            current.MoveTo(table);
            return current;
        }

        current?.Dispose();
        if (section.Share is not { } share)
        {
            return null;
        }

        var started = new TableShare(share, table, log);
        started.Start();
        return started;
    }

    private static SdbmMapWriter? BlocklistFor(TableSection section, Settings settings, SdbmMapWriter? current)
    {
        if (section.BlocklistEvery is null)
        {
            return null;
        }

        string basePath = settings.Layout.BlocklistBasePath(section.Name);
        if (current is not null && current.BasePath == basePath)
        {
            return current;
        }

        // Readable by all: Apache's children read it as Apache's user, and each rewrite makes a
        // new file, so a group given once would not last. It lists blocked addresses only.
        return new SdbmMapWriter(basePath, "BLOCK"u8, Convert.ToInt32("644", 8));
    }

    /// <summary>
    /// The table's firewall: the one it had when its options are unchanged (replaced from the
    /// table at the next upkeep, as after every reload), a new one when they changed, none when
    /// the option went (its chain and sets are then removed from the kernel).
    /// </summary>
    private TableFirewall? FirewallFor(TableSection section, TableFirewall? current)
    {
        if (current is not null && current.Options == section.Firewall)
        {
            current.ReplaceNext();
            return current;
        }

        if (current is not null)
        {
            current.Remove();
            current.Dispose();
        }

        return section.Firewall is { } options ? new TableFirewall(section.Name, options, log) : null;
    }

    private static TableSpec ToSpec(TableSection section) => new(
        section.Name,
        section.Capacity,
        section.DecayPoints,
        (uint)section.DecayPeriod.TotalSeconds,
        section.BlockAbove,
        section.IPv6PrefixBits);

    private static void EnsureDirectory(string path, UnixFileMode mode)
    {
        if (!Directory.Exists(path))
        {
            Directory.CreateDirectory(path, mode);
        }
    }

    private static void SetGroup(string path, uint? gid)
    {
        if (gid is { } group)
        {
            Libc.SetGroup(path, group);
        }
    }
}
