using System.Net.Sockets;
using Tinyfence.Protocol;

namespace Tinyfence.Adapters;

/// <summary>
/// A plain request/reply connection to the daemon, with a time limit on every step: for
/// <c>tinyfence score</c> and for the filter, which runs once per request and wants its hit
/// applied before it ends. Not for hot paths: it allocates.
/// </summary>
public sealed class ScoreConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    private ScoreConnection(Socket socket) => _socket = socket;

    /// <summary>Connects; throws <see cref="SocketException"/> when the daemon is not there.</summary>
    public static ScoreConnection Open(string socketPath, TimeSpan timeout)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            SendTimeout = (int)timeout.TotalMilliseconds,
            ReceiveTimeout = (int)timeout.TotalMilliseconds,
        };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return new ScoreConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends whole request lines (<see cref="RequestWriter"/>).</summary>
    public void Send(ReadOnlySpan<byte> lines) => _socket.Send(lines);

    /// <summary>The next reply; null when the daemon closed the connection.</summary>
    public Reply? ReadReply()
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                Reply reply = Reply.Parse(_buffer.AsSpan(_start, newline));
                _start += newline + 1;
                return reply;
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new IOException("reply line too long");
            }

            int read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    public void Dispose() => _socket.Dispose();
}
