using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Protocol;
using Tinyfence.Rules;
using Tinyfence.Table;

namespace Tinyfence.Scoring;

/// <summary>
/// The score tables of the daemon and what serves them, as the daemon holds them: the table host,
/// the socket server and the upkeep schedule, in the order each step needs. Upkeep runs on the
/// daemon's main thread, about once a second; requests are answered on the server's threads.
/// </summary>
internal sealed class ScoreService : ITableFigures, IDisposable
{
    private readonly Logger _log;
    private readonly RequestDispatcher _dispatcher;
    private readonly TableHost _tables;
    private readonly ServerHost _server;
    private readonly UpkeepSchedule _upkeep;
    private bool _stopped;

    /// <param name="status">What answers STATUS and METRICS on the socket.</param>
    public ScoreService(Logger log, bool testClock, IStatusSource? status = null)
    {
        _log = log;
        _dispatcher = new RequestDispatcher(clockAdjustable: testClock, status);
        _tables = new TableHost(log);
        _server = new ServerHost(_dispatcher, log);
        _upkeep = new UpkeepSchedule(_tables);
    }

    public IReadOnlyList<ScoreTable> Tables => _tables.Tables;

    /// <summary>The tables with their files, for the status report.</summary>
    public IReadOnlyList<HostedTable> Hosted => _tables.Hosted;

    /// <summary>The requests answered so far, by verb, for the metrics.</summary>
    public RequestDispatcher Requests => _dispatcher;

    /// <summary>Connections open on the socket now.</summary>
    public int ClientCount => _server.ClientCount;

    /// <summary>
    /// Brings tables and server in line with the config: at start, and on every reload. A table
    /// whose shape is unchanged is kept as it is; a reshaped one is rebuilt with its entries
    /// copied over, and its old view retired. False (logged) when something could not be set up;
    /// at start that stops the daemon, on reload what already runs goes on.
    /// </summary>
    public bool Apply(TinyfenceConfig config)
    {
        try
        {
            if (config.Tables.Count > 0 || config.Server is not null)
            {
                TableHost.EnsureDirectories(config.Settings);
            }

            // Before any table file is touched: a daemon already serving this socket owns the
            // views in the run dir too, and replacing them would cut its readers off.
            if (!_server.ClearStaleSocket(config))
            {
                return false;
            }

            _tables.Apply(config);
            _dispatcher.UseTables(_tables.Tables);
            _tables.CarryLateHits();
            return _server.Apply(config, _tables.Hosted.Count);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Error($"score tables: {e.Message}");
            return false;
        }
    }

    /// <summary>How many tables are served now.</summary>
    public int TableCount => _tables.Hosted.Count;

    /// <summary>
    /// The addresses blocked in all tables, as the last sweep counted them (once a second). For
    /// the daemon's status line, read every time the main loop turns: allocates nothing.
    /// </summary>
    public int BlockedCount()
    {
        IReadOnlyList<HostedTable> tables = _tables.Hosted;
        int blocked = 0;
        for (int i = 0; i < tables.Count; i++)
        {
            blocked += tables[i].Table.Stats.Blocked;
        }

        return blocked;
    }

    /// <summary>Sweeps, rewrites blocklists and saves snapshots when due; returns when it is next due (ms).</summary>
    public long Upkeep(long nowMs) => _upkeep.Run(nowMs);

    public bool TryGetFigures(string table, out int scored, out int blocked)
    {
        if (_tables.Find(table) is { } hosted)
        {
            TableStats stats = hosted.Table.Stats;
            (scored, blocked) = (stats.Entries, stats.Blocked);
            return true;
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
        _server.Stop();
        _tables.SaveSnapshots();
    }

    /// <summary>Stops and saves first if that was not done (the daemon ending on an unexpected error), then unmaps.</summary>
    public void Dispose()
    {
        Stop();
        _tables.Dispose();
    }
}
