namespace Tinyfence.Config;

/// <summary>
/// The Unix socket the tables are served on: <c>server { socket "PATH" mode 0660 group "NAME"
/// allow user "a", "b" allow group "g" max-clients N idle-timeout D max-line N }</c>. A config with
/// tables and no server section gets these defaults.
/// </summary>
public sealed record ServerSection(SourceLocation Location) : ISingleSection
{
    /// <summary>The socket path; null: <c>tinyfence.sock</c> in the run directory.</summary>
    public string? SocketPath { get; init; }

    public int Mode { get; init; } = Convert.ToInt32("660", 8);

    /// <summary>The group given the socket (and the tables' views); null: the daemon's own.</summary>
    public uint? Gid { get; init; }

    /// <summary>Peers allowed besides root and the daemon's own user.</summary>
    public IReadOnlyList<uint> AllowedUids { get; init; } = [];

    public IReadOnlyList<uint> AllowedGids { get; init; } = [];

    public int MaxClients { get; init; } = 64;

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public int MaxLineBytes { get; init; } = 512;

    /// <summary>The read-only HTTP endpoint (status page, JSON, metrics); null: none.</summary>
    public HttpEndpoint? Http { get; init; }
}
