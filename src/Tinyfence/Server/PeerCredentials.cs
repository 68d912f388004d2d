using System.Buffers.Binary;
using Tinyfence.Interop;

namespace Tinyfence.Server;

/// <summary>Who is at the other end of a Unix socket, as the kernel recorded it at connect time.</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    internal static unsafe bool TryRead(int fd, out PeerCredentials credentials)
    {
        byte* ucred = stackalloc byte[Libc.UcredBytes];
        uint length = Libc.UcredBytes;
        if (Libc.GetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_PEERCRED, ucred, &length) != 0 || length != Libc.UcredBytes)
        {
            credentials = default;
            return false;
        }

        // struct ucred is in host byte order; every supported target is little-endian.
        var fields = new ReadOnlySpan<byte>(ucred, Libc.UcredBytes);
        credentials = new PeerCredentials(
            BinaryPrimitives.ReadInt32LittleEndian(fields),
            BinaryPrimitives.ReadUInt32LittleEndian(fields[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(fields[8..]));
        return true;
    }
}
