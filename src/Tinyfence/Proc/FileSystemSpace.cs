using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Proc;

/// <summary>
/// The <c>spacefree</c>, <c>spaceavail</c> and <c>spaceused</c> figures of a path, from statvfs.
/// </summary>
/// <remarks>
/// Sizes are block counts times f_frsize, the unit POSIX defines for them. sysfence multiplied
/// by f_bsize; Linux reports the same value in both for every common file system.
/// A path that does not exist is <see cref="ReadStatus.Missing"/> (sysfence read it as zero
/// space, which fired "less than" rules on a missing mount point).
/// </remarks>
public static unsafe class FileSystemSpace
{
    /// <summary>Encodes a path once, at config load, for <see cref="Read"/>.</summary>
    public static byte[] EncodePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Libc.NullTerminated(path);
    }

    /// <param name="nullTerminatedPath">UTF-8 bytes ending with a NUL byte (<see cref="EncodePath"/>).</param>
    public static ReadResult Read(ReadOnlySpan<byte> nullTerminatedPath, out SpaceInfo value)
    {
        value = default;
        if (nullTerminatedPath.IsEmpty || nullTerminatedPath[^1] != 0)
        {
            ProcThrowHelper.ThrowPathNotNullTerminated();
        }

        Libc.StatVfsBuffer buffer;
        int status;
        fixed (byte* path = nullTerminatedPath)
        {
            do
            {
                status = Libc.StatVfs(path, &buffer);
            }
            while (status < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        }

        if (status < 0)
        {
            return ReadResult.FromErrno(Marshal.GetLastPInvokeError());
        }

        ulong unit = buffer.FragmentSize != 0 ? buffer.FragmentSize : buffer.BlockSize;
        value = new SpaceInfo
        {
            TotalBytes = SaturatingMultiply(buffer.Blocks, unit),
            FreeBytes = SaturatingMultiply(buffer.BlocksFree, unit),
            AvailableBytes = SaturatingMultiply(buffer.BlocksAvailable, unit),
        };
        return ReadResult.Ok;
    }

    internal static ulong SaturatingMultiply(ulong count, ulong unit)
    {
        ulong high = Math.BigMul(count, unit, out ulong low);
        return high == 0 ? low : ulong.MaxValue;
    }
}
