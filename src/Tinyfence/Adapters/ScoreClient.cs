using System.Net.Sockets;

namespace Tinyfence.Adapters;

/// <summary>
/// The adapters' one connection to the daemon, in quiet mode: writes go out without waiting for
/// any reply. Never blocks: a daemon that is down, restarting or too slow to read costs the
/// write (counted in <see cref="Dropped"/>), not the caller's time; it reconnects at most once a
/// second. Allocation-free once connected.
/// </summary>
public sealed class ScoreClient : IDisposable
{
    private const long ReconnectIntervalMs = 1000;

    private readonly UnixDomainSocketEndPoint _endPoint;
    private readonly byte[] _drain = new byte[256];
    private Socket? _socket;
    private long _nextAttemptMs;

    public ScoreClient(string socketPath)
    {
        SocketPath = socketPath;
        _endPoint = new UnixDomainSocketEndPoint(socketPath);
    }

    public string SocketPath { get; }

    /// <summary>Requests not delivered (no daemon, or its socket buffer full).</summary>
    public long Dropped { get; private set; }

    /// <summary>The last reason a connection failed; null while connected.</summary>
    public string? LastFailure { get; private set; }

    public bool IsConnected => _socket is not null;

    /// <summary>Sends whole request lines (each ending in '\n'); false when they were dropped.</summary>
    public bool Send(ReadOnlySpan<byte> lines)
    {
        Socket? socket = _socket ?? Connect();
        if (socket is null)
        {
            Dropped++;
            return false;
        }

        int sent = socket.Send(lines, SocketFlags.None, out SocketError error);
        DrainReplies(socket);
        if (error == SocketError.Success && sent == lines.Length)
        {
            return true;
        }

        if (error == SocketError.Success || error == SocketError.WouldBlock)
        {
            // The daemon is not keeping up. A partial line would garble the next request, so
            // the connection is dropped after a partial write; a full buffer just loses this one.
            Dropped++;
            if (sent > 0)
            {
                Close("partial write");
            }

            return false;
        }

        Dropped++;
        Close(error.ToString());
        return false;
    }

    public void Dispose() => Close(null);

    private Socket? Connect()
    {
        long now = Environment.TickCount64;
        if (now < _nextAttemptMs)
        {
            return null;
        }

        _nextAttemptMs = now + ReconnectIntervalMs;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
        try
        {
            socket.Connect(_endPoint);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            LastFailure = e.SocketErrorCode == SocketError.WouldBlock ? "daemon busy (listen queue full)" : e.Message;
            return null;
        }

        int sent = socket.Send("QUIET\n"u8, SocketFlags.None, out SocketError error);
        if (error != SocketError.Success || sent != 6)
        {
            socket.Dispose();
            LastFailure = error.ToString();
            return null;
        }

        LastFailure = null;
        _socket = socket;
        return socket;
    }

    // Quiet mode still answers QUIET itself (and anything the daemon refuses outright): read and
    // forget, without waiting, so the daemon never blocks writing to us.
    private void DrainReplies(Socket socket)
    {
        while (socket.Available > 0)
        {
            int read = socket.Receive(_drain, SocketFlags.None, out SocketError error);
            if (read <= 0 || error != SocketError.Success)
            {
                return;
            }
        }
    }

    private void Close(string? reason)
    {
        LastFailure = reason;
        _socket?.Dispose();
        _socket = null;
    }
}
