using System.Net.Sockets;
using Tinyfence.Protocol;

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
        Socket? socket = _socket ?? Connect(force: false);
        if (socket is null)
        {
            Dropped++;
            return false;
        }

        SocketError error = TrySend(socket, lines, out int sent);
        if (error is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.NotConnected or SocketError.ConnectionAborted)
        {
            // The daemon closed the connection (its idle timeout, a restart): the lines did not
            // go out, so they are sent once more on a fresh connection, at once.
            Close(error.ToString());
            socket = Connect(force: true);
            error = socket is null ? SocketError.NotConnected : TrySend(socket, lines, out sent);
        }

        if (error == SocketError.Success && sent == lines.Length)
        {
            return true;
        }

        Dropped++;
        if (socket is not null && (error is not (SocketError.Success or SocketError.WouldBlock) || sent > 0))
        {
            // A partial line would garble the next request; a broken connection is no use.
            // A full buffer (the daemon not keeping up) just loses these lines.
            Close(error == SocketError.Success ? "partial write" : error.ToString());
        }

        return false;
    }

    public void Dispose() => Close(null);

    private SocketError TrySend(Socket socket, ReadOnlySpan<byte> lines, out int sent)
    {
        sent = socket.Send(lines, SocketFlags.None, out SocketError error);
        if (error == SocketError.Success)
        {
            DrainReplies(socket);
        }

        return error;
    }

    private Socket? Connect(bool force)
    {
        long now = Environment.TickCount64;
        if (now < _nextAttemptMs && !force)
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

        int sent = socket.Send(RequestWriter.Quiet, SocketFlags.None, out SocketError error);
        if (error != SocketError.Success || sent != RequestWriter.Quiet.Length)
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
        // Non-blocking: returns WouldBlock (not an exception) once nothing is left.
        while (socket.Receive(_drain, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success)
        {
        }
    }

    private void Close(string? reason)
    {
        LastFailure = reason;
        _socket?.Dispose();
        _socket = null;
    }
}
