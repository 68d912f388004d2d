using Tinyfence.Blocklist;
using Tinyfence.Config;
using Tinyfence.Interop;
using Tinyfence.Layout;
using Tinyfence.Logging;
using Tinyfence.Protocol;
using Tinyfence.Rules;
using Tinyfence.Server;
using Tinyfence.Table;

namespace Tinyfence.Scoring;

/// <summary>
/// The score tables of the daemon and what serves them: the socket server, each table's shared
/// view, blocklist map and snapshots. Upkeep (sweeps, blocklists, snapshots) runs on the daemon's
/// main thread, about once a second; requests are answered on the server's threads.
/// </summary>
internal sealed class ScoreService : ITableFigures, IDisposable
{
    private const long UpkeepIntervalMs = 1000;

    // A replaced table is unmapped this long after the request threads were given the new one:
    // a request that picked the old table just before the swap finishes on it (microseconds; a
    // minute leaves room for a thread that was descheduled or swapped out meanwhile).
    private const long RetiredGraceMs = 60_000;

    private readonly Logger _log;
    private readonly RequestDispatcher _dispatcher;
    private readonly List<HostedTable> _tables = [];
    private readonly List<(HostedTable Table, long DisposeAtMs)> _retired = [];
    private UnixSocketServer? _server;
    private ServerOptions? _serverOptions;
    private long _nextUpkeepMs;
    private bool _stopped;

    public ScoreService(Logger log, bool testClock)
    {
        _log = log;
        _dispatcher = new RequestDispatcher(clockAdjustable: testClock);
    }

    public IReadOnlyList<ScoreTable> Tables => [.. _tables.Select(t => t.Table)];

    public string? SocketPath => _serverOptions?.SocketPath;

    /// <summary>
    /// Brings tables and server in line with the config: at start, and on every reload. A table
    /// whose shape is unchanged is kept as it is; a reshaped one is rebuilt with its entries
    /// copied over, and its old view retired. False (logged) when something could not be set up;
    /// at start that stops the daemon, on reload what already runs goes on.
    /// </summary>
    public bool Apply(TinyfenceConfig config)
    {
        Settings settings = config.Settings;
        try
        {
            if (config.Tables.Count > 0)
            {
                EnsureDirectory(settings.RunDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                EnsureDirectory(settings.StateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            if (_server is null && config.Server is not null)
            {
                // Before any table file is touched: a daemon already serving this socket owns the
                // views in the run dir too, and replacing them would cut its readers off.
                string socket = SocketPathFor(config);
                try
                {
                    SocketFile.ClearStale(socket);
                }
                catch (IOException e)
                {
                    _log.Error($"cannot serve on {socket}: {e.Message}; the score tables were not touched");
                    return false;
                }
            }

            long offset = _tables.Count > 0 ? _tables[0].Table.ClockOffset : 0;
            // Every table is made and filled before any is published: a reload that fails half
            // way leaves the adapters on the tables the daemon goes on writing.
            var next = new List<HostedTable>();
            try
            {
                foreach (TableSection section in config.Tables)
                {
                    next.Add(Prepare(section, config, offset));
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

            foreach (HostedTable old in _tables)
            {
                if (next.Contains(old))
                {
                    continue;
                }

                // A reshaped table's entries are in its successor already; a removed one is saved.
                if (!next.Exists(t => t.Section.Name == old.Section.Name))
                {
                    SaveSnapshot(old);
                    _log.Notice($"table \"{old.Section.Name}\" is no longer in the config: saved to {old.SnapshotPath} and closed");
                }

                old.Table.Retire();
                _retired.Add((old, Environment.TickCount64 + RetiredGraceMs));
            }

            _tables.Clear();
            _tables.AddRange(next);
            _dispatcher.UseTables(Tables);
            return ApplyServer(config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error($"score tables: {e.Message}");
            return false;
        }
    }

    /// <summary>Sweeps, rewrites blocklists and saves snapshots when due; returns when it is next due (ms).</summary>
    public long Upkeep(long nowMs)
    {
        for (int i = _retired.Count - 1; i >= 0; i--)
        {
            if (nowMs >= _retired[i].DisposeAtMs)
            {
                _retired[i].Table.Dispose();
                _retired.RemoveAt(i);
            }
        }

        if (_tables.Count == 0)
        {
            return long.MaxValue;
        }

        if (nowMs < _nextUpkeepMs)
        {
            return _nextUpkeepMs;
        }

        foreach (HostedTable hosted in _tables)
        {
            uint now = hosted.Table.Now;
            SweepResult sweep = hosted.Table.Sweep(now);
            if (hosted.Blocklist is { } writer && sweep.BlockedFingerprint != hosted.WrittenFingerprint && nowMs >= hosted.NextBlocklistMs)
            {
                WriteBlocklist(hosted, writer, now, sweep.BlockedFingerprint);
                hosted.NextBlocklistMs = nowMs + (long)hosted.Section.BlocklistEvery!.Value.TotalMilliseconds;
            }

            if (hosted.Section.SnapshotEvery is { } every && nowMs >= hosted.NextSnapshotMs)
            {
                SaveSnapshot(hosted);
                hosted.NextSnapshotMs = nowMs + (long)every.TotalMilliseconds;
            }
        }

        _nextUpkeepMs = nowMs + UpkeepIntervalMs;
        return _nextUpkeepMs;
    }

    public bool TryGetFigures(string table, out int scored, out int blocked)
    {
        foreach (HostedTable hosted in _tables)
        {
            if (hosted.Section.Name == table)
            {
                TableStats stats = hosted.Table.Stats;
                (scored, blocked) = (stats.Entries, stats.Blocked);
                return true;
            }
        }

        (scored, blocked) = (0, 0);
        return false;
    }

    /// <summary>Stops serving and saves every table (shutdown). The views stay readable for the adapters.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        _server?.StopAsync().GetAwaiter().GetResult();
        _server = null;
        foreach (HostedTable hosted in _tables)
        {
            SaveSnapshot(hosted);
        }
    }

    /// <summary>Stops and saves first if that was not done (the daemon ending on an unexpected error), then unmaps.</summary>
    public void Dispose()
    {
        Stop();
        foreach (HostedTable hosted in _tables)
        {
            hosted.Dispose();
        }

        foreach ((HostedTable retired, long _) in _retired)
        {
            retired.Dispose();
        }
    }

    private HostedTable Prepare(TableSection section, TinyfenceConfig config, long clockOffset)
    {
        Settings settings = config.Settings;
        TableSpec spec = ToSpec(section);
        HostedTable? current = _tables.Find(t => t.Section.Name == section.Name);
        RunLayout layout = settings.Layout;
        string viewPath = layout.ViewPath(section.Name);
        string snapshotPath = layout.SnapshotPath(section.Name);
        if (current is not null && current.Table.Spec == spec && current.Table.ViewPath == viewPath
            && current.SnapshotPath == snapshotPath)
        {
            current.Section = section;
            current.Blocklist = BlocklistFor(section, settings, current.Blocklist);
            current.WrittenFingerprint = null;
            return current;
        }

        uint? gid = config.Server?.Gid;
        ScoreTable table = ScoreTable.CreateUnpublished(spec, viewPath, gid is null ? ReadableByAll : ReadableByGroup);
        SetGroup(table.FilePath!, gid);
        table.ClockOffset = clockOffset;
        if (current is not null)
        {
            // The old table is retired and unmapped by Apply once nothing can be using it.
            TableScans.CopyEntries(current.Table, table);
            _log.Notice($"table \"{section.Name}\" reshaped: {table.Count} entries carried over to {viewPath}");
        }
        else
        {
            int loaded = TableSnapshot.Load(table, snapshotPath, out string? problem);
            if (problem is not null)
            {
                _log.Error($"table \"{section.Name}\": snapshot {problem}");
            }

            _log.Notice($"table \"{section.Name}\": {loaded} entries from {snapshotPath}; capacity {spec.Capacity}, {table.MemoryBytes / 1024} KiB at {viewPath}");
        }

        var hosted = new HostedTable(table, section, snapshotPath, BlocklistFor(section, settings, null));
        hosted.NextSnapshotMs = Environment.TickCount64 + (long)(section.SnapshotEvery ?? TimeSpan.Zero).TotalMilliseconds;
        return hosted;
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

    private void WriteBlocklist(HostedTable hosted, SdbmMapWriter writer, uint now, ulong fingerprint)
    {
        try
        {
            SdbmCommitResult result = TableScans.WriteBlocklist(hosted.Table, writer, now);
            hosted.WrittenFingerprint = fingerprint;
            if (result.DroppedKeys > 0)
            {
                _log.Warning($"table \"{hosted.Section.Name}\": blocklist holds {result.Keys} addresses, {result.DroppedKeys} did not fit (the prg adapter still sees them)");
            }
        }
        catch (IOException e)
        {
            _log.Warning($"table \"{hosted.Section.Name}\": cannot write the blocklist {writer.BasePath}: {e.Message}");
        }
    }

    private void SaveSnapshot(HostedTable hosted)
    {
        if (hosted.Section.SnapshotEvery is null)
        {
            return;
        }

        try
        {
            TableSnapshot.Save(hosted.Table, hosted.SnapshotPath);
            if (hosted.SnapshotFailing)
            {
                _log.Notice($"table \"{hosted.Section.Name}\": snapshot saved again to {hosted.SnapshotPath}");
            }

            hosted.SnapshotFailing = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!hosted.SnapshotFailing)
            {
                _log.Error($"table \"{hosted.Section.Name}\": cannot save the snapshot {hosted.SnapshotPath}: {e.Message} (the table goes on in memory)");
            }

            hosted.SnapshotFailing = true;
        }
    }

    private bool ApplyServer(TinyfenceConfig config)
    {
        ServerSection? section = config.Server;
        ServerOptions? options = section is null ? null : new ServerOptions
        {
            SocketPath = SocketPathFor(config),
            Mode = section.Mode,
            Group = section.Gid is { } gid ? (int)gid : -1,
            AllowedUids = section.AllowedUids,
            AllowedGids = section.AllowedGids,
            MaxClients = section.MaxClients,
            IdleTimeout = section.IdleTimeout,
            MaxLineBytes = section.MaxLineBytes,
        };
        if (SameServer(options, _serverOptions) && (_server is not null || options is null))
        {
            return true;
        }

        _server?.StopAsync().GetAwaiter().GetResult();
        _server = null;
        _serverOptions = options;
        if (options is null)
        {
            return true;
        }

        var server = new UnixSocketServer(options, _dispatcher, _log);
        try
        {
            _ = server.Start();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or ArgumentException)
        {
            _log.Error($"cannot serve on {options.SocketPath}: {e.Message}");
            server.Dispose();
            _serverOptions = null;
            return false;
        }

        _server = server;
        _log.Notice($"serving {_tables.Count} table(s) on {options.SocketPath}");
        return true;
    }

    private static string SocketPathFor(TinyfenceConfig config) =>
        config.Server?.SocketPath ?? config.Settings.Layout.SocketPath;

    private static bool SameServer(ServerOptions? a, ServerOptions? b) =>
        a is null || b is null
            ? a is null && b is null
            : a with { AllowedUids = [], AllowedGids = [] } == b with { AllowedUids = [], AllowedGids = [] }
              && a.AllowedUids.SequenceEqual(b.AllowedUids) && a.AllowedGids.SequenceEqual(b.AllowedGids);

    private static TableSpec ToSpec(TableSection section) => new(
        section.Name,
        section.Capacity,
        section.DecayPoints,
        (uint)section.DecayPeriod.TotalSeconds,
        section.BlockAbove,
        section.IPv6PrefixBits);

    private const UnixFileMode ReadableByAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ReadableByGroup = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

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
