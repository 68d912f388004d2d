using System.Diagnostics.CodeAnalysis;

namespace Tinyfence.Proc;

/// <summary>
/// A file system's size from statvfs, in bytes: f_blocks, f_bfree and f_bavail times f_frsize
/// (each product saturates at <see cref="ulong.MaxValue"/> rather than wrapping).
/// </summary>
[SuppressMessage("Design", "CA1051", Justification = "A plain value filled in place by its parser and read on the hot path, like the C struct it mirrors.")]
public struct SpaceInfo
{
    public ulong TotalBytes;

    /// <summary>Free blocks, including those reserved for root (sysfence's <c>spacefree</c>).</summary>
    public ulong FreeBytes;

    /// <summary>Free blocks an unprivileged user may use (sysfence's <c>spaceavail</c>).</summary>
    public ulong AvailableBytes;

    /// <summary>TotalBytes − FreeBytes (sysfence's <c>spaceused</c>); zero if a file system reports more free than total.</summary>
    public readonly ulong UsedBytes => TotalBytes > FreeBytes ? TotalBytes - FreeBytes : 0;
}
