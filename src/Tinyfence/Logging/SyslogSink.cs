using System.Net.Sockets;
using System.Text;

namespace Tinyfence.Logging;

/// <summary>
/// Logs to the local syslog daemon through its datagram socket (<c>/dev/log</c>), RFC 3164 style
/// (<c>&lt;PRI&gt;tinyfence[PID]: message</c>), which rsyslog, syslog-ng, busybox syslogd and
/// journald all accept. If the socket is missing or refuses a line, the line goes to stderr
/// instead: a log line is never lost silently.
/// </summary>
public sealed class SyslogSink : LogSink
{
    public const string DefaultSocketPath = "/dev/log";

    private readonly string _socketPath;
    private readonly int _facility;
    private readonly byte[] _header;
    private readonly byte[] _datagram = new byte[Logger.MaxLineBytes + 128];
    private readonly StderrSink _fallback = new();
    private Socket? _socket;

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

        if (!TrySend(datagram[..length]) && !(Reconnect() && TrySend(datagram[..length])))
        {
            _fallback.Write(level, message);
        }
    }

    public override void Dispose()
    {
        _socket?.Dispose();
        base.Dispose();
    }

    private bool TrySend(ReadOnlySpan<byte> datagram)
    {
        if (_socket is null)
        {
            return false;
        }

        try
        {
            _socket.Send(datagram);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // The syslog daemon may restart and recreate /dev/log; a connected datagram socket then fails
    // and must be reopened.
    private bool Reconnect()
    {
        _socket?.Dispose();
        _socket = null;
        try
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(_socketPath));
            _socket = socket;
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
