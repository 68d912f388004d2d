using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>
/// What telling systemd about the daemon needs: a datagram to a Unix socket that may be in the
/// abstract namespace (which UnixDomainSocketEndPoint spells differently), sent without ever
/// blocking, and the CLOCK_MONOTONIC reading systemd compares a reload's time against. Constants
/// are the Linux values, the same on x86-64 and arm64.
/// </summary>
internal static unsafe partial class Libc
{
    public const int AF_UNIX = 1;
    public const int SOCK_DGRAM = 2;

    // socket(2)'s type flags are the open(2) flags: O_NONBLOCK (04000 octal) and O_CLOEXEC.
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = O_CLOEXEC;

    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_NOSIGNAL = 0x4000;

    public const int CLOCK_MONOTONIC = 1;

    /// <summary><c>struct sockaddr_un</c>: a 2-byte sa_family_t, then sun_path[108].</summary>
    public const int SunPathOffset = 2;
    public const int SunPathBytes = 108;

    [LibraryImport(Library, EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport(Library, EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, byte* buffer, nuint length, int flags, byte* address, uint addressLength);

    // TimeSpec: declared with futimens (Libc.FileWrite.cs).
    [LibraryImport(Library, EntryPoint = "clock_gettime", SetLastError = true)]
    public static partial int ClockGetTime(int clock, TimeSpec* time);
}
