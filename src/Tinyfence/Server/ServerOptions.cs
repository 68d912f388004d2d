namespace Tinyfence.Server;

/// <summary>Where the server listens and whom and how much it serves.</summary>
public sealed record ServerOptions
{
    /// <summary>0660 (rw-rw----): the owner and the socket's group may connect.</summary>
    public const int DefaultMode = 0b110_110_000;

    public required string SocketPath { get; init; }

    /// <summary>Permission bits of the socket file (chmod after bind); connecting needs write permission.</summary>
    public int Mode { get; init; } = DefaultMode;

    /// <summary>Group of the socket file (chown -1:gid after bind), or -1 to leave the creator's.</summary>
    public int Group { get; init; } = -1;

    /// <summary>A peer is allowed when its uid is in here...</summary>
    public IReadOnlyList<uint> AllowedUids { get; init; } = [];

    /// <summary>...or its primary gid (SO_PEERCRED gives no supplementary groups) is in here...</summary>
    public IReadOnlyList<uint> AllowedGids { get; init; } = [];

    /// <summary>...or it is root or runs as the server's own effective uid, unless this is false (tests).</summary>
    public bool AlwaysAllowRootAndOwnUid { get; init; } = true;

    /// <summary>Connections beyond this many get <c>ERR too many clients</c> and are closed.</summary>
    public int MaxClients { get; init; } = 64;

    /// <summary>A client that sends nothing, or does not read its replies, for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest request line, without LF and an optional CR before it.</summary>
    public int MaxLineBytes { get; init; } = 512;

    /// <summary>
    /// Replies buffered before the session stops handling requests and waits for the client to take
    /// them. A session never holds more than this plus the largest single reply: a client that
    /// pipelines without reading stalls its own session, not the server's memory.
    /// </summary>
    public int ReplyFlushBytes { get; init; } = 64 * 1024;

    /// <summary>On stop, how long sessions may take to send replies already produced before they are cut.</summary>
    public TimeSpan StopGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether a peer may connect (the HTTP endpoint's Unix socket asks the same).</summary>
    internal bool Allows(PeerCredentials peer, uint ownUid) =>
        (AlwaysAllowRootAndOwnUid && (peer.Uid == 0 || peer.Uid == ownUid))
        || AllowedUids.Contains(peer.Uid) || AllowedGids.Contains(peer.Gid);

    internal void Validate()
    {
        if (string.IsNullOrEmpty(SocketPath))
        {
            throw new ArgumentException("the socket path is empty");
        }

        if (Mode is < 0 or > 0b111_111_111)
        {
            throw new ArgumentException($"socket mode {Convert.ToString(Mode, 8)} is not a permission mode (0 to 0777)");
        }

        if (MaxClients < 1 || MaxLineBytes < 1 || ReplyFlushBytes < 1)
        {
            throw new ArgumentException("MaxClients, MaxLineBytes and ReplyFlushBytes must be at least 1");
        }

        if (IdleTimeout <= TimeSpan.Zero || StopGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentException("IdleTimeout must be positive and StopGracePeriod not negative");
        }
    }
}
