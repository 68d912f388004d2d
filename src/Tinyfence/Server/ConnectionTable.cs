using Tinyfence.Interop;

namespace Tinyfence.Server;

/// <summary>
/// The connections of one event loop (the line server's or the HTTP endpoint's), in slots: a
/// connection's epoll token is its slot and a generation, so an event still queued for a
/// connection closed earlier in the same turn is told apart from the one now in its slot. It
/// sends without waiting: output a client cannot take whole is held by the connection, which is
/// then watched for room instead of input (a client that does not read stops being read).
/// Allocates nothing after construction.
/// </summary>
internal sealed class ConnectionTable<T>
    where T : class, ILoopConnection
{
    private readonly T?[] _slots;
    private readonly T[] _idle;
    private readonly Epoll _epoll;
    private uint _generation;
    private int _count;

    public ConnectionTable(int capacity, Epoll epoll)
    {
        _slots = new T?[capacity];
        _idle = new T[capacity];
        _epoll = epoll;
    }

    /// <summary>The connections open now; read by other threads (status, tests).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>A free slot and the generation a connection in it gets; false when every slot is taken.</summary>
    public bool TryReserve(out int slot, out uint generation)
    {
        slot = Array.IndexOf(_slots, null);
        generation = ++_generation;
        return slot >= 0;
    }

    /// <summary>Puts the connection in its slot and watches it for input; throws <see cref="IOException"/> (the connection is not added) when epoll refuses it.</summary>
    public void Add(T connection)
    {
        _epoll.Add(connection.Fd, Libc.EPOLLIN, TokenOf(connection));
        _slots[connection.Slot] = connection;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>The connection an event's token names, or null when it was closed earlier in this turn.</summary>
    public T? Find(ulong token)
    {
        T? connection = _slots[(int)(uint)token];
        return connection is not null && connection.Generation == (uint)(token >> 32) ? connection : null;
    }

    public bool IsOpen(T connection) => _slots[connection.Slot] == connection;

    public void Close(T connection)
    {
        _slots[connection.Slot] = null;
        Volatile.Write(ref _count, _count - 1);
        connection.Release();
        // Closing also takes it out of the epoll set (no other descriptor refers to the socket).
        Libc.Close(connection.Fd);
    }

    /// <summary>Closes the connections that made no progress for <paramref name="idleTimeout"/>; returns how many.</summary>
    public int CloseIdle(TimeSpan idleTimeout)
    {
        long now = Environment.TickCount64;
        long idleMs = (long)idleTimeout.TotalMilliseconds;
        int count = 0;
        foreach (T? connection in _slots)
        {
            if (connection is not null && now - connection.LastActivityMs >= idleMs)
            {
                _idle[count++] = connection;
            }
        }

        // Closed after the scan, which they would otherwise change under it.
        for (int i = 0; i < count; i++)
        {
            Close(_idle[i]);
            _idle[i] = null!;
        }

        return count;
    }

    /// <summary>Closes every connection, or those <paramref name="which"/> picks.</summary>
    public void CloseAll(Func<T, bool>? which = null)
    {
        foreach (T? connection in _slots)
        {
            if (connection is not null && (which is null || which(connection)))
            {
                Close(connection);
            }
        }
    }

    /// <summary>
    /// Hands the connection an event's token names to <paramref name="loop"/>: its held output
    /// sent again when it waits for room (and the loop told once all is taken), its input read
    /// otherwise. Nothing when it was closed earlier in this turn.
    /// </summary>
    public void Serve(ulong token, long nowMs, IConnectionLoop<T> loop)
    {
        T? connection = Find(token);
        if (connection is null)
        {
            return;
        }

        try
        {
            if (connection.HeldOutput.IsEmpty)
            {
                loop.Receive(connection, nowMs);
            }
            else if (SendHeld(connection, nowMs))
            {
                loop.OutputTaken(connection, nowMs);
            }
        }
#pragma warning disable CA1031 // a bug in serving one connection must end it, not the loop
        catch (Exception e)
#pragma warning restore CA1031
        {
            loop.Failed(connection, e);
            if (IsOpen(connection))
            {
                Close(connection);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="output"/> without waiting. True when the client took it all. False when
    /// it could not (the rest is held, and the connection is watched for room) or is gone (the
    /// connection is closed: see <see cref="IsOpen"/>).
    /// </summary>
    public bool Send(T connection, ReadOnlySpan<byte> output, long nowMs)
    {
        int sent = NonBlockingSend.Send(connection.Fd, output);
        if (sent < 0)
        {
            Close(connection);
            return false;
        }

        if (sent > 0)
        {
            connection.LastActivityMs = nowMs;
        }

        if (sent == output.Length)
        {
            return true;
        }

        connection.HoldOutput(output[sent..]);
        _epoll.Modify(connection.Fd, Libc.EPOLLOUT, TokenOf(connection));
        return false;
    }

    /// <summary>
    /// The client has room (or is gone): sends what the connection holds. True when all of it is
    /// taken, and the connection is watched for input again; false while some is left, or when the
    /// client is gone (the connection is closed).
    /// </summary>
    private bool SendHeld(T connection, long nowMs)
    {
        int sent = NonBlockingSend.Send(connection.Fd, connection.HeldOutput);
        if (sent < 0)
        {
            Close(connection);
            return false;
        }

        if (sent == 0)
        {
            return false;
        }

        connection.LastActivityMs = nowMs;
        if (!connection.OutputSent(sent))
        {
            return false;
        }

        _epoll.Modify(connection.Fd, Libc.EPOLLIN, TokenOf(connection));
        return true;
    }

    private static ulong TokenOf(T connection) => ((ulong)connection.Generation << 32) | (uint)connection.Slot;
}
