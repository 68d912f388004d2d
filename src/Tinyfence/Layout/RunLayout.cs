namespace Tinyfence.Layout;

/// <summary>
/// Where the daemon and the programs that talk to it (the adapters Apache runs, the score client)
/// find each other's files: the one place their names are made. The run directory, a tmpfs on most
/// systems, holds the socket, each table's shared view and its blocklist map; the state directory,
/// which must survive a reboot, holds the tables' snapshots. A table's name is a part of its file
/// names (<see cref="Table.TableSpec.IsValidName"/> keeps it a plain one).
/// </summary>
public sealed record RunLayout(string RunDirectory, string StateDirectory)
{
    public const string DefaultRunDirectory = "/run/tinyfence";

    public const string DefaultStateDirectory = "/var/lib/tinyfence";

    /// <summary>The socket's name in the run directory, when the config names no other socket.</summary>
    public const string SocketFileName = "tinyfence.sock";

    public static RunLayout Default { get; } = new(DefaultRunDirectory, DefaultStateDirectory);

    public string SocketPath => Path.Combine(RunDirectory, SocketFileName);

    /// <summary>The table's memory-mapped file, which the adapters read without asking the daemon.</summary>
    public string ViewPath(string table) => Path.Combine(RunDirectory, table + ".table");

    /// <summary>The blocklist's SDBM map without its suffixes (<c>.pag</c>, <c>.dir</c>), as mod_rewrite names it.</summary>
    public string BlocklistBasePath(string table) => Path.Combine(RunDirectory, table + ".blocked");

    public string SnapshotPath(string table) => Path.Combine(StateDirectory, table + ".scores");
}
