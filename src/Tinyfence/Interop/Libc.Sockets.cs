using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>
/// What the socket servers' listeners need: the socket itself (listen, connect for the stale
/// check), the socket file's type, mode and group, and the peer's credentials. Constants are the Linux values, the same on x86-64 and arm64.
/// </summary>
internal static unsafe partial class Libc
{
    // statx flag: describe a symbolic link itself, so a link at the socket path is never followed.
    public const int AT_SYMLINK_NOFOLLOW = 0x100;

    public const int S_IFMT = 0xf000;
    public const int S_IFSOCK = 0xc000;

    // getsockopt(SOL_SOCKET, SO_PEERCRED) fills a struct ucred: pid, uid, gid, each 32 bits.
    public const int SOL_SOCKET = 1;
    public const int SO_PEERCRED = 17;
    public const int UcredBytes = 12;

    /// <summary>chown's "leave this id as it is" (<c>(uid_t)-1</c>).</summary>
    public const uint UnchangedId = uint.MaxValue;

    // The listeners are made here rather than with System.Net.Sockets, whose Socket starts the
    // runtime's socket engine thread on creation (Server/ListeningSocket.cs).
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int SO_REUSEADDR = 2;
    public const int ECONNREFUSED = 111;

    /// <summary><c>struct sockaddr_in</c> and <c>struct sockaddr_in6</c>: family, port (network order), then the address.</summary>
    public const int SockaddrInBytes = 16;
    public const int SockaddrIn6Bytes = 28;

    [LibraryImport(Library, EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport(Library, EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, uint addressLength);

    [LibraryImport(Library, EntryPoint = "chmod", SetLastError = true)]
    public static partial int Chmod(byte* path, uint mode);

    // lchown, not chown: the path is a socket we just bound, and if it were replaced by a link in
    // between we would rather change the link than whatever it points to.
    [LibraryImport(Library, EntryPoint = "lchown", SetLastError = true)]
    public static partial int LChown(byte* path, uint owner, uint group);
}
