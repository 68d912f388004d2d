using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Interop;

namespace Tinyfence.Hosting;

/// <summary>Owner and mode of a file, read with statx (no per-architecture struct stat layouts).</summary>
public readonly record struct FileOwnership(uint Uid, uint Gid, UnixFileMode Mode)
{
    public static unsafe bool TryRead(string path, out FileOwnership ownership, out int errno)
    {
        byte[] pathZ = Libc.NullTerminated(path);
        Libc.StatxBuffer buffer;
        fixed (byte* p = pathZ)
        {
            if (Libc.Statx(Libc.AT_FDCWD, p, 0, Libc.STATX_BASIC_STATS, &buffer) != 0)
            {
                ownership = default;
                errno = Marshal.GetLastPInvokeError();
                return false;
            }
        }

        ownership = new FileOwnership(buffer.Uid, buffer.Gid, (UnixFileMode)(buffer.Mode & 0xfff));
        errno = 0;
        return true;
    }

    /// <summary>The path with every symbolic link resolved (realpath(3)); null if it cannot be resolved.</summary>
    public static unsafe string? Resolve(string path)
    {
        byte[] pathZ = Libc.NullTerminated(path);
        fixed (byte* p = pathZ)
        {
            byte* resolved = Libc.RealPath(p, null);
            if (resolved is null)
            {
                return null;
            }

            try
            {
                return Marshal.PtrToStringUTF8((nint)resolved);
            }
            finally
            {
                Libc.Free(resolved);
            }
        }
    }
}
