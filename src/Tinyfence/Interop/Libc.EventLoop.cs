using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>
/// The socket server's event loop: epoll, an eventfd to wake it, accept4 and the peer's
/// credentials on a raw descriptor. recv, send and close are declared with netlink's and the file
/// calls (Libc.Netlink.cs, Libc.FileSystem.cs). Constants are the Linux values, the same on x86-64
/// and arm64; the layout of <c>struct epoll_event</c> is not (see <see cref="EpollEventBytes"/>).
/// </summary>
internal static unsafe partial class Libc
{
    public const int EPOLL_CLOEXEC = O_CLOEXEC;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;

    public const int EFD_CLOEXEC = O_CLOEXEC;
    public const int EFD_NONBLOCK = SOCK_NONBLOCK;

    public const int SHUT_WR = 1;

    // Errors accept4 returns when the process or the system is out of something (descriptors,
    // buffers): retrying at once only spins.
    public const int ENFILE = 23;
    public const int ENOBUFS = 105;
    public const int ECONNABORTED = 103;

    /// <summary>
    /// Size of <c>struct epoll_event</c>: packed on x86-64 (events, then the 64-bit data at
    /// offset 4: 12 bytes), naturally aligned elsewhere (data at offset 8: 16 bytes).
    /// </summary>
    public static readonly int EpollEventBytes = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epoll, int operation, int fd, byte* epollEvent);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, byte* events, int maxEvents, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Library, EntryPoint = "eventfd_read", SetLastError = true)]
    public static partial int EventFdRead(int fd, ulong* value);

    [LibraryImport(Library, EntryPoint = "eventfd_write", SetLastError = true)]
    public static partial int EventFdWrite(int fd, ulong value);

    [LibraryImport(Library, EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept4(int fd, byte* address, uint* addressLength, int flags);

    [LibraryImport(Library, EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, void* value, uint* valueLength);
}
