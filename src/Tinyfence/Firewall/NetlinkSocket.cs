using System.Runtime.InteropServices;
using Tinyfence.Interop;

namespace Tinyfence.Firewall;

/// <summary>
/// A <c>NETLINK_NETFILTER</c> socket: sends a batch and reads the kernel's answers, or runs a
/// dump. The kernel handles a batch within <c>send</c>, so its answers are queued when it returns
/// and are read without waiting; a dump is read until its end, each read bounded by a timeout so
/// a kernel that stops answering cannot hang the daemon's main loop. Not thread-safe.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    // One read of a dump: the kernel sizes a dump's messages to the largest read it has seen
    // (at least 16 KiB on 4 KiB pages), and a message larger than the read would be cut.
    public const int ReceiveBytes = 64 * 1024;

    private const int SOL_NETLINK = 270;

    // Answers to failed messages carry only their header, not the whole message echoed back.
    private const int NETLINK_CAP_ACK = 10;

    private const int ReceiveTimeoutSeconds = 5;

    private readonly byte[] _receive = GC.AllocateArray<byte>(ReceiveBytes, pinned: true);
    // Below the kernel's default send buffer (about 208 KiB) nothing is forced.
    private const int DefaultSendBytes = 128 * 1024;

    private int _fd;
    private int _sendBufferBytes = DefaultSendBytes;

    private NetlinkSocket(int fd) => _fd = fd;

    /// <summary>Opens a socket; the errno when the kernel has no netfilter netlink or refuses it.</summary>
    public static int TryOpen(out NetlinkSocket? socket)
    {
        socket = null;
        int fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_NETFILTER);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        byte* address = stackalloc byte[Libc.SockaddrNlBytes];
        new Span<byte>(address, Libc.SockaddrNlBytes).Clear();
        *(ushort*)address = Libc.AF_NETLINK;
        int one = 1;
        long* timeout = stackalloc long[2] { ReceiveTimeoutSeconds, 0 };
        if (Libc.Bind(fd, address, Libc.SockaddrNlBytes) < 0
            || Libc.SetSockOpt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(int)) < 0
            || Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout, 2 * sizeof(long)) < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            return error;
        }

        socket = new NetlinkSocket(fd);
        return 0;
    }

    /// <summary>
    /// Sends a whole batch and reads the answers; returns 0 when the kernel applied it, else the
    /// errno of the first message it refused (the whole batch is then undone).
    /// </summary>
    public int Transact(NetlinkMessages batch)
    {
        Drain();
        int error = SendAll(batch);
        if (error != 0)
        {
            return error;
        }

        bool acknowledged = false;
        int refused = 0;
        while (TryReceive(Libc.MSG_DONTWAIT, out int received, out error))
        {
            var answers = new NetlinkAnswers(_receive.AsSpan(0, received));
            while (answers.Read())
            {
                if (answers.Type != NfTables.NLMSG_ERROR || answers.Sequence < batch.FirstSequence)
                {
                    continue;
                }

                if (answers.Error != 0 && refused == 0)
                {
                    refused = answers.Error;
                }

                acknowledged |= answers.Sequence == batch.AcknowledgedSequence;
            }
        }

        if (refused != 0)
        {
            return refused;
        }

        return acknowledged ? 0 : error == Errno.EAGAIN ? Errno.EIO : error;
    }

    /// <summary>
    /// Sends one dump request and hands each answer message to <paramref name="reader"/> until
    /// the dump ends; returns 0, or the errno that ended it.
    /// </summary>
    public int Dump<TReader>(NetlinkMessages request, ref TReader reader)
        where TReader : struct, IDumpReader, allows ref struct
    {
        Drain();
        int error = SendAll(request);
        while (error == 0)
        {
            if (!TryReceive(0, out int received, out error))
            {
                return error;
            }

            var answers = new NetlinkAnswers(_receive.AsSpan(0, received));
            while (answers.Read())
            {
                if (answers.Sequence != request.FirstSequence)
                {
                    continue;
                }

                if (answers.Type == NfTables.NLMSG_DONE)
                {
                    return 0;
                }

                if (answers.Type == NfTables.NLMSG_ERROR)
                {
                    return answers.Error;
                }

                reader.Read(answers.Family, answers.Attributes);
            }
        }

        return error;
    }

    public void Dispose()
    {
        if (_fd >= 0)
        {
            Libc.Close(_fd);
            _fd = -1;
        }
    }

    /// <summary>Makes the send buffer hold <paramref name="bytes"/>: a batch must go in one send.</summary>
    private int EnsureSendBuffer(int bytes)
    {
        // The kernel doubles the figure for its bookkeeping and refuses a message that fills it.
        int size = bytes + 4096;
        return Libc.SetSockOpt(_fd, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, &size, sizeof(int)) < 0
            ? Marshal.GetLastPInvokeError()
            : 0;
    }

    private int SendAll(NetlinkMessages messages)
    {
        if (messages.Length > _sendBufferBytes)
        {
            int error = EnsureSendBuffer(messages.Length);
            if (error != 0)
            {
                return error;
            }

            _sendBufferBytes = messages.Length;
        }

        fixed (byte* data = messages.Written)
        {
            while (true)
            {
                nint sent = Libc.Send(_fd, data, (nuint)messages.Length, 0);
                if (sent >= 0)
                {
                    return sent == messages.Length ? 0 : Errno.EIO;
                }

                int error = Marshal.GetLastPInvokeError();
                if (error != Errno.EINTR)
                {
                    return error;
                }
            }
        }
    }

    private bool TryReceive(int flags, out int received, out int error)
    {
        fixed (byte* buffer = _receive)
        {
            while (true)
            {
                nint got = Libc.Recv(_fd, buffer, ReceiveBytes, flags);
                if (got >= 0)
                {
                    (received, error) = ((int)got, 0);
                    return true;
                }

                error = Marshal.GetLastPInvokeError();
                if (error != Errno.EINTR)
                {
                    received = 0;
                    return false;
                }
            }
        }
    }

    /// <summary>Throws away answers left from an earlier exchange that ended early.</summary>
    private void Drain()
    {
        while (TryReceive(Libc.MSG_DONTWAIT, out _, out _))
        {
        }
    }
}
