using System.Runtime.InteropServices;
using System.Text;

namespace Tinyfence.Interop;

/// <summary>Paths as libc takes them (UTF-8 ending with a NUL byte), and the calls made by path alone.</summary>
internal static unsafe partial class Libc
{
    // PATH_MAX on Linux, NUL included.
    public const int PathMax = 4096;

    /// <summary>A path encoded once (kept for calls made again and again).</summary>
    public static byte[] NullTerminated(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    /// <summary>A path encoded into <paramref name="buffer"/> (<see cref="PathMax"/> bytes, usually on the stack), for one call.</summary>
    public static Span<byte> NullTerminated(string path, Span<byte> buffer)
    {
        int length = Encoding.UTF8.GetBytes(path, buffer[..^1]);
        buffer[length] = 0;
        return buffer[..(length + 1)];
    }

    /// <summary>Gives <paramref name="path"/> (not what a symbolic link there points to) to a group.</summary>
    /// <exception cref="IOException">The kernel refused (not the owner, no such group...).</exception>
    public static void SetGroup(string path, uint gid)
    {
        fixed (byte* p = NullTerminated(path, stackalloc byte[PathMax]))
        {
            if (LChown(p, UnchangedId, gid) != 0)
            {
                throw new IOException($"cannot set group {gid} on {path}: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
    }
}
