using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Interop;

namespace Tinyfence.Server;

/// <summary>
/// A listening stream socket made with libc calls, non-blocking for the loops' accept4. Not a
/// System.Net.Sockets <c>Socket</c>: creating one starts the runtime's socket engine thread,
/// which the epoll loops never use (with the code it runs, 0.4 MB of an idle daemon). Disposing
/// closes the descriptor and, for a Unix socket, unlinks the path it bound, as Socket did.
/// </summary>
internal sealed class ListeningSocket : IDisposable
{
    private readonly string? _path;
    private int _fd;

    private ListeningSocket(int fd, string? path)
    {
        _fd = fd;
        _path = path;
    }

    public int Fd => _fd;

    /// <summary>Binds <paramref name="path"/> (which must be free: see SocketFile.ClearStale), calls <paramref name="afterBind"/> with it (mode and group), and listens.</summary>
    public static unsafe ListeningSocket OnPath(string path, int backlog, Action<string> afterBind)
    {
        Span<byte> address = stackalloc byte[Libc.SunPathOffset + Libc.SunPathBytes];
        if (!TryWriteUnixAddress(path, address, out int length))
        {
            throw new IOException($"{path}: a socket path can be at most {Libc.SunPathBytes - 1} bytes long (choose a shorter one)");
        }

        var socket = new ListeningSocket(Open(Libc.AF_UNIX, path), path);
        try
        {
            socket.Bind(address[..length], path);
            afterBind(path);
            socket.Listen(backlog, path);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Binds <paramref name="endpoint"/> with SO_REUSEADDR (a restart finds the port in TIME_WAIT) and listens.</summary>
    public static unsafe ListeningSocket OnAddress(IPEndPoint endpoint, int backlog)
    {
        Span<byte> address = stackalloc byte[Libc.SockaddrIn6Bytes];
        int length = WriteInternetAddress(endpoint, address);
        string where = endpoint.ToString();
        var socket = new ListeningSocket(Open(length == Libc.SockaddrInBytes ? Libc.AF_INET : Libc.AF_INET6, where), null);
        try
        {
            int yes = 1;
            if (Libc.SetSockOpt(socket._fd, Libc.SOL_SOCKET, Libc.SO_REUSEADDR, &yes, sizeof(int)) != 0)
            {
                throw Failure("set SO_REUSEADDR on", where);
            }

            socket.Bind(address[..length], where);
            socket.Listen(backlog, where);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// True when something accepts connections on the Unix socket at <paramref name="path"/>;
    /// false when nobody listens there (ECONNREFUSED: a socket a server left behind).
    /// </summary>
    public static unsafe bool SomeoneListensOn(string path)
    {
        Span<byte> address = stackalloc byte[Libc.SunPathOffset + Libc.SunPathBytes];
        if (!TryWriteUnixAddress(path, address, out int length))
        {
            return false;
        }

        int fd = Open(Libc.AF_UNIX, path, nonBlocking: false);
        try
        {
            fixed (byte* a = address)
            {
                if (Libc.Connect(fd, a, (uint)length) == 0)
                {
                    return true;
                }
            }

            int errno = Marshal.GetLastPInvokeError();
            if (errno is Libc.ECONNREFUSED or Errno.ENOENT)
            {
                return false;
            }

            throw new IOException($"cannot check whether a server listens on {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    /// <summary>Closes the descriptor and unlinks a Unix socket's path; once, from any thread.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
        {
            return;
        }

        Libc.Close(fd);
        if (_path is not null)
        {
            File.Delete(_path);
        }
    }

    private static int Open(int family, string where, bool nonBlocking = true)
    {
        int fd = Libc.Socket(family, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC | (nonBlocking ? Libc.SOCK_NONBLOCK : 0), 0);
        return fd >= 0 ? fd : throw Failure("create a socket for", where);
    }

    private unsafe void Bind(ReadOnlySpan<byte> address, string where)
    {
        fixed (byte* a = address)
        {
            if (Libc.Bind(_fd, a, (uint)address.Length) != 0)
            {
                throw Failure("bind", where);
            }
        }
    }

    private void Listen(int backlog, string where)
    {
        if (Libc.Listen(_fd, backlog) != 0)
        {
            throw Failure("listen on", where);
        }
    }

    private static IOException Failure(string what, string where) =>
        new($"cannot {what} {where}: {Marshal.GetLastPInvokeErrorMessage()}");

    // struct sockaddr_un: the family, then the path without its terminating zero (the length says where it ends).
    private static bool TryWriteUnixAddress(string path, Span<byte> address, out int length)
    {
        address.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(address, (ushort)Libc.AF_UNIX);
        int pathBytes = Encoding.UTF8.GetByteCount(path);
        if (pathBytes == 0 || pathBytes >= Libc.SunPathBytes)
        {
            length = 0;
            return false;
        }

        Encoding.UTF8.GetBytes(path, address[Libc.SunPathOffset..]);
        length = Libc.SunPathOffset + pathBytes + 1;
        return true;
    }

    // struct sockaddr_in / sockaddr_in6: the family in host order, the port in network order, the
    // address bytes (and for IPv6 a zero flow label before them, the scope id after them).
    private static int WriteInternetAddress(IPEndPoint endpoint, Span<byte> address)
    {
        address.Clear();
        BinaryPrimitives.WriteUInt16BigEndian(address[2..], (ushort)endpoint.Port);
        if (endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(address, (ushort)Libc.AF_INET);
            endpoint.Address.TryWriteBytes(address[4..8], out _);
            return Libc.SockaddrInBytes;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(address, (ushort)Libc.AF_INET6);
        endpoint.Address.TryWriteBytes(address[8..24], out _);
        BinaryPrimitives.WriteUInt32LittleEndian(address[24..], (uint)endpoint.Address.ScopeId);
        return Libc.SockaddrIn6Bytes;
    }
}
