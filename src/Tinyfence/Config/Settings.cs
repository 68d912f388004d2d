using Tinyfence.Layout;
using Tinyfence.Logging;

namespace Tinyfence.Config;

/// <summary>The global settings (<c>set NAME VALUE</c>); every one has a documented default.</summary>
public sealed record Settings
{
    /// <summary>sysfence's default check interval.</summary>
    public TimeSpan DefaultStep { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A command still running after this is killed with its whole process group.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Time between SIGTERM and SIGKILL when a command times out.</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(5);

    public LogTarget LogTarget { get; init; } = LogTarget.Stderr;

    public SyslogFacility SyslogFacility { get; init; } = SyslogFacility.Daemon;

    public LogLevel LogLevel { get; init; } = LogLevel.Info;

    /// <summary>Where the socket, the tables' shared views and the blocklists live (a tmpfs on most systems).</summary>
    public string RunDirectory { get; init; } = RunLayout.DefaultRunDirectory;

    /// <summary>Where the tables' snapshots live: must survive a reboot.</summary>
    public string StateDirectory { get; init; } = RunLayout.DefaultStateDirectory;

    public static readonly TimeSpan DefaultMetricsEvery = TimeSpan.FromSeconds(15);

    /// <summary>Where the daemon writes its Prometheus metrics (node_exporter's textfile collector); null: nowhere.</summary>
    public string? MetricsFile { get; init; }

    /// <summary>How often the metrics file is rewritten.</summary>
    public TimeSpan MetricsEvery { get; init; } = DefaultMetricsEvery;

    /// <summary>The files in those directories, named as the adapters name them.</summary>
    public RunLayout Layout => new(RunDirectory, StateDirectory);
}
