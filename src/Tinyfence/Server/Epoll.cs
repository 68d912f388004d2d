using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Server;

/// <summary>
/// An epoll instance whose events carry a 64-bit token. Level-triggered: a descriptor with input
/// left unread is reported again, so a reader may take one buffer a turn and leave the rest.
/// Events are in host byte order; every supported target is little-endian.
/// </summary>
internal sealed unsafe class Epoll : IDisposable
{
    private readonly int _fd;

    public Epoll()
    {
        _fd = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (_fd < 0)
        {
            throw new IOException("cannot create the server's epoll instance: " + Marshal.GetLastPInvokeErrorMessage());
        }
    }

    public void Add(int fd, uint events, ulong token) => Control(Libc.EPOLL_CTL_ADD, fd, events, token);

    public void Modify(int fd, uint events, ulong token) => Control(Libc.EPOLL_CTL_MOD, fd, events, token);

    /// <summary>Waits for events into <paramref name="events"/> (<see cref="Libc.EpollEventBytes"/> each); 0 on timeout or a signal.</summary>
    public int Wait(byte* events, int maxEvents, int timeoutMs)
    {
        int count = Libc.EpollWait(_fd, events, maxEvents, timeoutMs);
        if (count >= 0)
        {
            return count;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == Errno.EINTR ? 0 : throw new IOException("epoll_wait failed: " + Marshal.GetPInvokeErrorMessage(errno));
    }

    public static uint EventsAt(byte* events, int index) =>
        BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(events + (index * Libc.EpollEventBytes), 4));

    public static ulong TokenAt(byte* events, int index) =>
        BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(events + (index * Libc.EpollEventBytes) + Libc.EpollEventBytes - 8, 8));

    public void Dispose() => Libc.Close(_fd);

    private void Control(int operation, int fd, uint events, ulong token)
    {
        byte* epollEvent = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(epollEvent, 4), events);
        BinaryPrimitives.WriteUInt64LittleEndian(new Span<byte>(epollEvent + Libc.EpollEventBytes - 8, 8), token);
        if (Libc.EpollCtl(_fd, operation, fd, epollEvent) != 0)
        {
            throw new IOException("epoll_ctl failed: " + Marshal.GetLastPInvokeErrorMessage());
        }
    }
}
