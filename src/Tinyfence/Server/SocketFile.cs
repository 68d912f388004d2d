using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Server;

/// <summary>
/// The socket's path in the file system: clearing a stale socket before bind (and nothing else),
/// setting mode and group after it. Removal on stop is <see cref="ListeningSocket.Dispose"/>'s.
/// </summary>
internal static class SocketFile
{
    /// <summary>Makes the path free for bind: removes a socket nobody listens on; refuses anything else.</summary>
    public static void ClearStale(string path)
    {
        if (!TryStat(path, out int type, out int errno))
        {
            if (errno == Errno.ENOENT)
            {
                return;
            }

            throw new IOException($"cannot check the socket path {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        if (type != Libc.S_IFSOCK)
        {
            throw new IOException($"{path} exists and is not a socket; not removing it (move it away or choose another socket path)");
        }

        if (ListeningSocket.SomeoneListensOn(path))
        {
            throw new IOException($"{path}: another server is listening on this socket");
        }

        // Nobody listens: left behind by a server that did not stop cleanly.
        File.Delete(path);
    }

    /// <summary>chmod and chgrp, right after bind.</summary>
    public static unsafe void Secure(string path, int mode, int group)
    {
        fixed (byte* p = Libc.NullTerminated(path, stackalloc byte[Libc.PathMax]))
        {
            if (Libc.Chmod(p, (uint)mode) != 0)
            {
                throw new IOException($"cannot set mode {Convert.ToString(mode, 8)} on {path}: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }

        if (group >= 0)
        {
            Libc.SetGroup(path, (uint)group);
        }
    }

    private static unsafe bool TryStat(string path, out int type, out int errno)
    {
        byte[] pathZ = Libc.NullTerminated(path);
        Libc.StatxBuffer buffer;
        fixed (byte* p = pathZ)
        {
            if (Libc.Statx(Libc.AT_FDCWD, p, Libc.AT_SYMLINK_NOFOLLOW, Libc.STATX_BASIC_STATS, &buffer) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                type = 0;
                return false;
            }
        }

        errno = 0;
        type = buffer.Mode & Libc.S_IFMT;
        return true;
    }
}
