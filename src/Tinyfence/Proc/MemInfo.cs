using System.Diagnostics.CodeAnalysis;

namespace Tinyfence.Proc;

/// <summary>
/// The <c>/proc/meminfo</c> figures Tinyfence uses, in KiB as the kernel prints them (its "kB" is
/// 1024 bytes). The parser guarantees every field is at most <c>long.MaxValue / 1024</c>, so
/// converting to bytes never overflows.
/// </summary>
/// <remarks>
/// sysfence's <c>memfree</c> is MemFree + Buffers + Cached, and <c>memused</c> MemTotal minus that.
/// In some containers (lxcfs, OpenVZ) that sum exceeds MemTotal: a consumer must clamp
/// <c>memused</c> at zero rather than let it go negative.
/// </remarks>
[SuppressMessage("Design", "CA1051", Justification = "A plain value filled in place by its parser and read on the hot path, like the C struct it mirrors.")]
public struct MemInfo
{
    public long MemTotalKiB;
    public long MemFreeKiB;

    /// <summary>Zero when <see cref="HasMemAvailable"/> is false.</summary>
    public long MemAvailableKiB;
    public long BuffersKiB;
    public long CachedKiB;
    public long SwapTotalKiB;
    public long SwapFreeKiB;

    /// <summary>False before Linux 3.14, which added the MemAvailable line.</summary>
    public bool HasMemAvailable;
}
