using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>
/// What talking to nf_tables needs: a netlink socket of the netfilter family, its buffer sizes
/// and a receive timeout. Constants are the Linux values, the same on x86-64 and arm64.
/// </summary>
internal static unsafe partial class Libc
{
    public const int AF_NETLINK = 16;
    public const int SOCK_RAW = 3;
    public const int NETLINK_NETFILTER = 12;

    // SOL_SOCKET: declared with the socket server's calls (Libc.Sockets.cs).
    public const int SO_RCVTIMEO = 20;

    // The forcing variants pass over net.core.[rw]mem_max: allowed with CAP_NET_ADMIN, which
    // nf_tables needs anyway. A whole table's set replaced in one batch is one message.
    public const int SO_SNDBUFFORCE = 32;
    public const int SO_RCVBUFFORCE = 33;

    /// <summary><c>struct sockaddr_nl</c>: family, padding, port id, groups.</summary>
    public const int SockaddrNlBytes = 12;

    [LibraryImport(Library, EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* address, uint addressLength);

    [LibraryImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint valueLength);

    [LibraryImport(Library, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport(Library, EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buffer, nuint length, int flags);
}
