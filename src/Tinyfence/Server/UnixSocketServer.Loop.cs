using System.Buffers;
using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Server;

/// <summary>
/// The event loop: one thread, one epoll instance, the listener and every connection on it. A
/// readable connection gets one recv into the shared input buffer; its complete lines are handled
/// at once, their replies written into the shared output buffer and sent with one send when the
/// input is used up, or earlier when ReplyFlushBytes are waiting. A send the client cannot take
/// whole leaves the rest with the connection, which the loop then watches for room instead of
/// input: a client that does not read its replies stops being read (backpressure), and holds at
/// most ReplyFlushBytes plus one reply, and one input buffer of requests not handled yet.
/// </summary>
public sealed partial class UnixSocketServer : IConnectionLoop<Connection>
{
    // One recv takes this much, as redis reads: some 700 pipelined HIT requests.
    private const int InputBytes = 16 * 1024;

    // The shared output buffer's first size; it grows to the largest reply batch seen (at most
    // ReplyFlushBytes plus one reply) and stays.
    private const int OutputBytes = 16 * 1024;

    private const int MaxEvents = 64;

    // Accepts per turn of the loop, so a burst of connections does not hold up the requests.
    private const int AcceptsPerTurn = 16;

    private ConnectionTable<Connection>? _connections;

    private readonly byte[] _input;
    private readonly ArrayBufferWriter<byte> _output;
    private bool _closingDown;
    private long _graceEndMs;

    private unsafe void Run()
    {
        byte* events = stackalloc byte[MaxEvents * 16];
        long sweepEveryMs = SweepIntervalMs(_options.IdleTimeout);
        long now = Environment.TickCount64;
        long nextSweepMs = now + sweepEveryMs;
        try
        {
            while (!_closingDown || (_connections!.Count > 0 && now < _graceEndMs))
            {
                int count = _loop!.Epoll.Wait(events, MaxEvents, TimeoutMs(now, nextSweepMs));
                now = Environment.TickCount64;
                for (int i = 0; i < count; i++)
                {
                    ulong token = Epoll.TokenAt(events, i);
                    if (token == ListenerLoop.ListenerToken)
                    {
                        AcceptSome(now);
                    }
                    else if (token == ListenerLoop.WakeToken)
                    {
                        BeginStop(now);
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

                _loop.ResumeAcceptsIfDue(now, listenerOpen: !_closingDown);
            }
        }
#pragma warning disable CA1031 // the loop's own failure (epoll): said once, and the server ends
        catch (Exception e)
#pragma warning restore CA1031
        {
            _log.Error("server: the event loop failed, no more requests are served (restart tinyfence): " + e);
        }
        finally
        {
            _connections!.CloseAll();
            _listener!.Dispose();
            _loop!.Dispose();
            _stopped.TrySetResult();
        }
    }

    private int TimeoutMs(long now, long nextSweepMs)
    {
        long deadline = _loop!.Deadline(nextSweepMs);
        if (_closingDown)
        {
            deadline = Math.Min(deadline, _graceEndMs);
        }

        return (int)Math.Max(0, deadline - now);
    }

    private void AcceptSome(long now)
    {
        if (_closingDown)
        {
            return;
        }

        for (int i = 0; i < AcceptsPerTurn; i++)
        {
            int fd = _loop!.Accept(now);
            if (fd < 0)
            {
                return;
            }

            Admit(fd, now);
        }
    }

    private void Admit(int fd, long now)
    {
        if (!PeerCredentials.TryRead(fd, out PeerCredentials peer))
        {
            _log.Error("server: cannot read the peer credentials of a connection; closing it");
            Libc.Close(fd);
            return;
        }

        ReadOnlySpan<byte> refusal = default;
        int slot = -1;
        uint generation = 0;
        if (!_options.Allows(peer, _ownUid))
        {
            LogRefusal("not allowed", peer);
            refusal = ServerReplies.NotAllowed;
        }
        else if (!_connections!.TryReserve(out slot, out generation))
        {
            LogRefusal("too many clients", peer);
            refusal = ServerReplies.TooManyClients;
        }

        if (slot < 0)
        {
            Refuse(fd, refusal);
            Libc.Close(fd);
            return;
        }

        var connection = new Connection(fd, slot, generation, _options.MaxLineBytes, now);
        try
        {
            _connections!.Add(connection);
        }
        catch (IOException e)
        {
            _log.Error($"server: cannot watch a new connection ({e.Message}); closing it");
            Libc.Close(fd);
        }
    }

    void IConnectionLoop<Connection>.Receive(Connection connection, long nowMs) => Receive(connection, nowMs);

    /// <summary>The client took the replies it held back: handle the requests held back too, and read again.</summary>
    void IConnectionLoop<Connection>.OutputTaken(Connection connection, long nowMs) =>
        Handle(connection, connection.TakeHeldInput(_input), nowMs);

    void IConnectionLoop<Connection>.Failed(Connection connection, Exception error)
    {
        _output.ResetWrittenCount();
        _log.Error("server: session ended by an error: " + error);
    }

    private unsafe void Receive(Connection connection, long now)
    {
        int held = connection.TakeHeldInput(_input);
        nint received;
        fixed (byte* input = _input)
        {
            received = Libc.Recv(connection.Fd, input + held, (nuint)(_input.Length - held), 0);
        }

        if (received > 0)
        {
            Handle(connection, held + (int)received, now);
            return;
        }

        if (received < 0 && Marshal.GetLastPInvokeError() is Errno.EAGAIN or Errno.EINTR)
        {
            connection.HoldInput(_input.AsSpan(0, held));
            return;
        }

        // End of stream (a line without its LF is dropped) or reset.
        _connections!.Close(connection);
    }

    /// <summary>Handles the complete lines in the first <paramref name="length"/> bytes of the input buffer and sends their replies.</summary>
    private void Handle(Connection connection, int length, long now)
    {
        ReadOnlySpan<byte> input = _input.AsSpan(0, length);
        while (true)
        {
            OperationStatus status = connection.Framer.Read(ref input, out ReadOnlySpan<byte> line);
            if (status == OperationStatus.Done)
            {
                _handler.Handle(line, _output, ref connection.State);
            }
            else if (status == OperationStatus.InvalidData)
            {
                _output.Write(ServerReplies.LineTooLong);
            }
            else
            {
                break;
            }

            if (_output.WrittenCount >= _options.ReplyFlushBytes)
            {
                connection.LastActivityMs = now;
                if (!TrySend(connection, now))
                {
                    HoldInputIfOpen(connection, input);
                    return;
                }
            }
        }

        // Activity is input used up (requests, or an over-long line dropped), not bytes
        // arriving: a client that drips a line one byte at a time is idle.
        if (input.Length < length)
        {
            connection.LastActivityMs = now;
        }

        if (_output.WrittenCount > 0 && !TrySend(connection, now))
        {
            HoldInputIfOpen(connection, input);
            return;
        }

        if (_closingDown)
        {
            // What was read is answered; a line not ended yet never will be.
            _connections!.Close(connection);
            return;
        }

        connection.HoldInput(input);
    }

    private void HoldInputIfOpen(Connection connection, ReadOnlySpan<byte> unhandled)
    {
        if (_connections!.IsOpen(connection))
        {
            connection.HoldInput(unhandled);
        }
    }

    /// <summary>
    /// Sends the output buffer. False when the client could not take it all (the rest is held and
    /// the connection waits for room) or is gone (the connection is closed).
    /// </summary>
    private bool TrySend(Connection connection, long now)
    {
        ReadOnlySpan<byte> replies = _output.WrittenSpan;
        if (replies.Length > _peakBufferedReplyBytes)
        {
            Volatile.Write(ref _peakBufferedReplyBytes, replies.Length);
        }

        bool sent = _connections!.Send(connection, replies, now);
        _output.ResetWrittenCount();
        return sent;
    }

    private void BeginStop(long now)
    {
        _loop!.ClearWake();

        if (_closingDown)
        {
            return;
        }

        _closingDown = true;
        _graceEndMs = now + (long)_options.StopGracePeriod.TotalMilliseconds;
        // Closing the listener's last descriptor also takes it out of the epoll set.
        _listener!.Dispose();
        // Everything read is answered already, unless the client has not taken the answers.
        _connections!.CloseAll(connection => !connection.AwaitingWritable);
    }

    private void CloseIdle()
    {
        int closed = _connections!.CloseIdle(_options.IdleTimeout);
        if (closed > 0 && _log.IsEnabled(LogLevel.Debug))
        {
            _log.Write(LogLevel.Debug, $"server: closed {closed} idle connection(s)");
        }
    }
}
