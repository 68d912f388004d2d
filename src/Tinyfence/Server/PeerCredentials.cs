using System.Buffers.Binary;
using System.Net.Sockets;
using Tinyfence.Interop;

namespace Tinyfence.Server;

/// <summary>Who is at the other end of a Unix socket, as the kernel recorded it at connect time.</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    public static bool TryRead(Socket socket, out PeerCredentials credentials)
    {
        Span<byte> ucred = stackalloc byte[Libc.UcredBytes];
        try
        {
            if (socket.GetRawSocketOption(Libc.SOL_SOCKET, Libc.SO_PEERCRED, ucred) != Libc.UcredBytes)
            {
                credentials = default;
                return false;
            }
        }
        catch (SocketException)
        {
            credentials = default;
            return false;
        }

        // struct ucred is in host byte order; every supported target is little-endian.
        credentials = new PeerCredentials(
            BinaryPrimitives.ReadInt32LittleEndian(ucred),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]));
        return true;
    }
}
