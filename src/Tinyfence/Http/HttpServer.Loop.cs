using System.Buffers;
using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Server;

namespace Tinyfence.Http;

/// <summary>
/// The endpoint's event loop, shaped as the line server's: one epoll wait, accepts until EAGAIN,
/// one recv per readable connection, each complete request head answered into the shared reply
/// buffer and sent with one send. A reply the client cannot take whole is held by the connection,
/// which the loop then watches for room instead of input.
/// </summary>
internal sealed partial class HttpServer : IConnectionLoop<HttpConnection>
{
    private const int MaxEvents = 16;

    // The shared reply buffer's first size: /metrics and /status.json of a small rule set fit; it
    // grows to the largest reply and stays.
    private const int ReplyBytes = 16 * 1024;

    private ConnectionTable<HttpConnection>? _connections;

    private readonly ArrayBufferWriter<byte> _reply;

    private unsafe void Run()
    {
        byte* events = stackalloc byte[MaxEvents * 16];
        long sweepEveryMs = UnixSocketServer.SweepIntervalMs(_limits.IdleTimeout);
        long now = Environment.TickCount64;
        long nextSweepMs = now + sweepEveryMs;
        try
        {
            while (true)
            {
                long deadline = _listenerLoop!.Deadline(nextSweepMs);
                int count = _listenerLoop.Epoll.Wait(events, MaxEvents, (int)Math.Max(0, deadline - now));
                now = Environment.TickCount64;
                for (int i = 0; i < count; i++)
                {
                    ulong token = Epoll.TokenAt(events, i);
                    if (token == ListenerLoop.WakeToken)
                    {
                        return;
                    }

                    if (token == ListenerLoop.ListenerToken)
                    {
                        AcceptSome(now);
                    }
                    else
                    {
                        _connections!.Serve(token, now, this);
                    }
                }

                if (now >= nextSweepMs)
                {
                    CloseIdle();
                    nextSweepMs = now + sweepEveryMs;
                }

                _listenerLoop.ResumeAcceptsIfDue(now, listenerOpen: true);
            }
        }
#pragma warning disable CA1031 // the loop's own failure (epoll): said once, and the endpoint ends
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.Error("http: the event loop failed, the endpoint serves no more (restart tinyfence): " + e);
        }
        finally
        {
            _connections!.CloseAll();
            _listener!.Dispose();
        }
    }

    private void AcceptSome(long now)
    {
        int fd;
        while ((fd = _listenerLoop!.Accept(now)) >= 0)
        {
            Admit(fd, now);
        }
    }

    private void Admit(int fd, long now)
    {
        if (_endpoint.SocketPath is not null
            && (!PeerCredentials.TryRead(fd, out PeerCredentials peer) || !_limits.Allows(peer, _ownUid)))
        {
            // The same answer the line protocol gives a stranger: nothing but a closed connection.
            Libc.Close(fd);
            return;
        }

        if (!_connections!.TryReserve(out int slot, out uint generation))
        {
            UnixSocketServer.Refuse(fd, _busyReply.AsSpan(0, _busyReplyBytes));
            Libc.Close(fd);
            return;
        }

        var connection = new HttpConnection(fd, slot, generation, now);
        try
        {
            _connections.Add(connection);
        }
        catch (IOException e)
        {
            _log.Error($"http: cannot watch a new connection ({e.Message}); closing it");
            connection.Release();
            Libc.Close(fd);
        }
    }

    void IConnectionLoop<HttpConnection>.Receive(HttpConnection connection, long nowMs) => Receive(connection, nowMs);

    /// <summary>The client took the reply it held back: close if the reply said so, else answer the requests that came meanwhile and read again.</summary>
    void IConnectionLoop<HttpConnection>.OutputTaken(HttpConnection connection, long nowMs)
    {
        if (connection.CloseAfterReply)
        {
            _connections!.Close(connection);
            return;
        }

        AnswerAll(connection, nowMs);
    }

    void IConnectionLoop<HttpConnection>.Failed(HttpConnection connection, Exception error) =>
        _log.Error("http: connection ended by an error: " + error);

    private unsafe void Receive(HttpConnection connection, long now)
    {
        Span<byte> free = connection.Request[connection.Filled..];
        nint received;
        fixed (byte* input = free)
        {
            received = Libc.Recv(connection.Fd, input, (nuint)free.Length, 0);
        }

        if (received > 0)
        {
            connection.Filled += (int)received;
            connection.LastActivityMs = now;
            AnswerAll(connection, now);
            return;
        }

        if (received < 0 && Marshal.GetLastPInvokeError() is Errno.EAGAIN or Errno.EINTR)
        {
            return;
        }

        // End of stream or reset.
        _connections!.Close(connection);
    }

    /// <summary>Answers every complete request head read, in order, until one waits for more bytes, the client, or a close.</summary>
    private void AnswerAll(HttpConnection connection, long now)
    {
        while (true)
        {
            int end = connection.Request[..connection.Filled].IndexOf("\r\n\r\n"u8);
            bool close;
            if (end >= 0)
            {
                close = Answer(connection.Request[..end]);
                connection.Consume(end + 4);
            }
            else if (connection.Filled == HttpConnection.MaxRequestHeadBytes)
            {
                close = true;
                Error(431, close);
            }
            else
            {
                return;
            }

            connection.CloseAfterReply = close;
            if (!TrySend(connection, now) || close)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends the reply buffer (its head ends where the body starts). False when the client could
    /// not take it all (the rest is held and the connection waits for room) or the connection is
    /// closed (the client is gone, or the reply said it closes).
    /// </summary>
    private bool TrySend(HttpConnection connection, long now)
    {
        // Before the send, so a client holding the reply reads a figure that counts its request.
        Volatile.Write(ref _loopAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        if (!_connections!.Send(connection, _reply.WrittenSpan[_replyStart..], now))
        {
            return false;
        }

        if (connection.CloseAfterReply)
        {
            _connections.Close(connection);
            return false;
        }

        return true;
    }

    private void CloseIdle() => _connections!.CloseIdle(_limits.IdleTimeout);
}
