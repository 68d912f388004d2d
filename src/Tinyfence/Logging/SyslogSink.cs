using System.Net.Sockets;
using System.Text;

namespace Tinyfence.Logging;

/// <summary>
/// Logs to the local syslog daemon through its datagram socket (<c>/dev/log</c>), RFC 3164 style
/// (<c>&lt;PRI&gt;tinyfence[PID]: message</c>), which rsyslog, syslog-ng, busybox syslogd and
/// journald all accept. If the socket is missing, or the daemon is too slow to take a line, the
/// line goes to stderr instead: a log line is never lost silently, and a stalled syslog daemon on
/// an overloaded box never stalls the guard (the socket is non-blocking). A missing socket is
/// retried every few seconds, not on every line.
/// </summary>
public sealed class SyslogSink : LogSink
{
    public const string DefaultSocketPath = "/dev/log";

    private readonly string _socketPath;
    private readonly int _facility;
    private readonly byte[] _header;
    private readonly byte[] _datagram = new byte[Logger.MaxLineBytes + 128];
    private const int ReconnectIntervalMs = 5000;

    private readonly StderrSink _fallback = new();
    private Socket? _socket;
    private long _reconnectAtMs;

    public SyslogSink(SyslogFacility facility = SyslogFacility.Daemon, string socketPath = DefaultSocketPath, string ident = "tinyfence")
    {
        _socketPath = socketPath;
        _facility = (int)facility;
        _header = Encoding.ASCII.GetBytes($"{ident}[{Environment.ProcessId}]: ");
    }

    public override void Write(LogLevel level, ReadOnlySpan<byte> message)
    {
        Span<byte> datagram = _datagram;
        datagram[0] = (byte)'<';
        (_facility * 8 + (int)level).TryFormat(datagram[1..], out int written, provider: null);
        int length = 1 + written;
        datagram[length++] = (byte)'>';
        _header.CopyTo(datagram[length..]);
        length += _header.Length;
        message.CopyTo(datagram[length..]);
        length += message.Length;

        if (!TrySend(datagram[..length], out bool reconnect) && !(reconnect && Reconnect() && TrySend(datagram[..length], out _)))
        {
            _fallback.Write(level, message);
        }
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }

    // Send's error-code overload: a failure costs no exception. A full socket buffer (the daemon is
    // behind) is not a reason to reconnect; a vanished or refused socket is.
    private bool TrySend(ReadOnlySpan<byte> datagram, out bool reconnect)
    {
        if (_socket is null)
        {
            reconnect = true;
            return false;
        }

        _socket.Send(datagram, SocketFlags.None, out SocketError error);
        reconnect = error is not (SocketError.Success or SocketError.WouldBlock or SocketError.MessageSize);
        return error == SocketError.Success;
    }

    // The syslog daemon may restart and recreate /dev/log; a connected datagram socket then fails
    // and must be reopened.
    private bool Reconnect()
    {
        long now = Environment.TickCount64;
        if (now < _reconnectAtMs)
        {
            return false;
        }

        _socket?.Dispose();
        _socket = null;
        try
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(_socketPath));
                socket.Blocking = false;
                _socket = socket;
                return true;
            }
            catch (SocketException)
            {
                socket.Dispose();
                throw;
            }
        }
        catch (SocketException)
        {
            _reconnectAtMs = now + ReconnectIntervalMs;
            return false;
        }
    }
}
