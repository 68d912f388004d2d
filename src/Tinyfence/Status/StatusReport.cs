namespace Tinyfence.Status;

/// <summary>
/// The daemon's status as <c>tinyfence status --json</c>, <c>STATUS</c> and <c>/status.json</c>
/// show it. One instance lives as long as the daemon and is updated in place (arrays are
/// replaced only on reload), so writing it out allocates nothing. The shape is documented in
/// the README and pinned by a test: add fields, never rename or remove one.
/// </summary>
public sealed class StatusReport
{
    public string Version { get; set; } = VersionInfo.Version;

    public int Pid { get; set; }

    /// <summary>When the daemon started (UTC).</summary>
    public DateTime Since { get; set; }

    public long UptimeSeconds { get; set; }

    /// <summary>SIGUSR1 paused the checks.</summary>
    public bool Paused { get; set; }

    public ConfigFileStatus[] ConfigFiles { get; set; } = [];

    public RuleStatus[] Rules { get; set; } = [];

    public TableStatus[] Tables { get; set; } = [];

    /// <summary>Null when the daemon has never had a mail section.</summary>
    public MailStatus? Mail { get; set; }
}
