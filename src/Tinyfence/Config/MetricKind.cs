namespace Tinyfence.Config;

/// <summary>Every resource a condition can compare. The /proc source of each is in the README.</summary>
public enum MetricKind
{
    Load1,
    Load5,
    Load15,

    /// <summary>sysfence's free memory: MemFree + Buffers + Cached.</summary>
    MemFree,

    /// <summary>sysfence's used memory: MemTotal − (MemFree + Buffers + Cached), never below 0.</summary>
    MemUsed,

    /// <summary>MemAvailable (Linux 3.14+): what a modern user means by free memory.</summary>
    MemAvail,
    SwapFree,
    SwapUsed,
    SpaceFree,
    SpaceAvail,
    SpaceUsed,
    Processes,

    /// <summary>Percent of CPU time not idle and not waiting for I/O since the rule's previous check.</summary>
    CpuBusy,

    /// <summary>Percent of CPU time waiting for I/O since the rule's previous check.</summary>
    CpuIoWait,
    Pressure,

    /// <summary>Established TCP connections (IPv4 and IPv6) whose local port is the given one.</summary>
    TcpEstablished,

    /// <summary>Addresses of a score table that are blocked (counted by the daemon once a second).</summary>
    TableBlocked,

    /// <summary>Addresses of a score table that have a score.</summary>
    TableScored,
}
