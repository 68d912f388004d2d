namespace Tinyfence.Testing;

/// <summary>What an <see cref="ApacheServer"/> loads beyond its base modules, and how long it may take to start.</summary>
internal sealed record ApacheOptions
{
    /// <summary>Loads mod_security2 (and mod_unique_id, which it requires) with a data directory in the server's temp dir.</summary>
    public bool ModSecurity { get; init; }

    /// <summary>More module names to load from /usr/lib/apache2/modules, as in mod_NAME.so (e.g. "cgid").</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>The base LogLevel; the caller's config may set another one after it.</summary>
    public string LogLevel { get; init; } = "notice";

    /// <summary>Start-up and restart limit: a hang guard, the test machines are shared and slow.</summary>
    public TimeSpan StartTimeout { get; init; } = Patience.Long;

    /// <summary>
    /// The process whose death makes the watchdog stop Apache: the test process unless a test of
    /// the watchdog itself names another one.
    /// </summary>
    public int OwnerPid { get; init; } = Environment.ProcessId;
}
