namespace Tinyfence.Protocol;

/// <summary>The request verbs of the score protocol; the wire spelling is case-insensitive.</summary>
public enum Verb
{
    /// <summary><c>PING</c> → <c>PONG</c>.</summary>
    Ping,

    /// <summary><c>GET table ip</c> → the decayed score, 0 when absent.</summary>
    Get,

    /// <summary><c>HIT table ip [n]</c> → the new score; n is 1 when left out.</summary>
    Hit,

    /// <summary><c>SET table ip n</c> → <c>OK</c>; 0 removes the entry.</summary>
    Set,

    /// <summary><c>DEL table ip</c> → <c>DELETED</c> or <c>NOTFOUND</c>.</summary>
    Del,

    /// <summary><c>CHECK table ip</c> → <c>ALLOW</c> or <c>BLOCK</c>.</summary>
    Check,

    /// <summary><c>TOP table k</c> → up to k lines <c>ip score</c>, then <c>END</c>.</summary>
    Top,

    /// <summary><c>STATS</c> → one line per table, then <c>END</c>.</summary>
    Stats,

    /// <summary><c>QUIET</c> → <c>OK</c>; later HIT/SET/DEL get no reply at all.</summary>
    Quiet,

    /// <summary>
    /// <c>ADVANCE seconds</c> → <c>OK</c>: moves every table's clock forward. Only a daemon started
    /// with <c>--test-clock</c> accepts it (tests of decay); others answer <c>ERR clock is fixed</c>.
    /// </summary>
    Advance,

    /// <summary><c>STATUS</c> → the daemon's status as indented JSON lines, then <c>END</c>.</summary>
    Status,

    /// <summary><c>METRICS</c> → the Prometheus text exposition, then <c>END</c>.</summary>
    Metrics,
}
