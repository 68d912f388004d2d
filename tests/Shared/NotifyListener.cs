using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Tinyfence.Testing;

/// <summary>
/// What systemd listens on for a <c>Type=notify</c> service: a datagram socket bound at a path in a
/// temp directory, or in the abstract namespace, collecting the daemon's messages so a test can
/// wait for one. <see cref="Address"/> is the value for <c>NOTIFY_SOCKET</c>.
/// </summary>
internal sealed class NotifyListener : IDisposable
{
    private readonly Socket _socket;
    private readonly Thread _reader;
    private readonly string? _directory;
    private readonly List<string> _messages = [];
    // A plain object, not System.Threading.Lock: waiting for a message needs Monitor.Wait.
    private readonly object _gate = new();
    private volatile bool _disposed;

    public NotifyListener(bool abstractNamespace = false)
    {
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        if (abstractNamespace)
        {
            string name = $"tinyfence-test-{Environment.ProcessId}-{Guid.NewGuid():N}";
            _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
            Address = "@" + name;
        }
        else
        {
            _directory = Directory.CreateTempSubdirectory("tf-notify-").FullName;
            Address = Path.Combine(_directory, "notify.sock");
            _socket.Bind(new UnixDomainSocketEndPoint(Address));
        }

        // A timeout, so the reader notices Dispose without relying on a close waking a blocked receive.
        _socket.ReceiveTimeout = 200;
        _reader = new Thread(Receive) { IsBackground = true, Name = "notify listener" };
        _reader.Start();
    }

    /// <summary>The socket as <c>NOTIFY_SOCKET</c> names it: a path, or '@' and the abstract name.</summary>
    public string Address { get; }

    /// <summary>The messages received so far, each a datagram's text.</summary>
    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>The value of <paramref name="name"/> in a message (<c>NAME=VALUE</c> lines), or null.</summary>
    public static string? Field(string message, string name)
    {
        foreach (string line in message.Split('\n'))
        {
            if (line.StartsWith(name + "=", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>Waits for a message that has the line <paramref name="line"/>, after the first <paramref name="skip"/>.</summary>
    /// <returns>The index of the matching message.</returns>
    public int WaitFor(string line, int skip = 0, RunningDaemon? daemon = null) =>
        WaitFor(m => m.Split('\n').Contains(line, StringComparer.Ordinal), $"'{line}'", skip, daemon);

    /// <summary>
    /// Sends the daemon SIGHUP and waits for its <c>RELOADING=1</c> after the first <paramref name="skip"/>
    /// messages; asserts the message's <c>MONOTONIC_USEC</c> is CLOCK_MONOTONIC read between the signal
    /// and the message.
    /// </summary>
    /// <returns>The index of the <c>RELOADING=1</c> message.</returns>
    public int SighupAndWaitForReloading(RunningDaemon daemon, int skip)
    {
        long before = Posix.MonotonicMicroseconds();
        daemon.Signal(Posix.SIGHUP);
        int reloading = WaitFor("RELOADING=1", skip, daemon);
        long after = Posix.MonotonicMicroseconds();
        string? monotonic = Field(Messages[reloading], "MONOTONIC_USEC");
        Assert.NotNull(monotonic);
        Assert.InRange(long.Parse(monotonic, NumberStyles.None, CultureInfo.InvariantCulture), before, after);
        return reloading;
    }

    /// <summary>Waits (30 s at most: a hang guard, not a measure) for a matching message after the first <paramref name="skip"/>.</summary>
    public int WaitFor(Func<string, bool> match, string what, int skip = 0, RunningDaemon? daemon = null)
    {
        TimeSpan timeout = TimeSpan.FromSeconds(30);
        int found = GatedLines.WaitFor(_gate, _messages, match, skip, timeout, () => daemon is { HasExited: true });
        if (found >= 0)
        {
            return found;
        }

        string received = string.Join("\n---\n", Messages);
        Assert.Fail($"no message with {what} on {Address} within {timeout.TotalSeconds} s. Received:\n{received}\n"
            + (daemon is null ? "" : $"daemon stderr:\n{daemon.Stderr}"));
        return -1;
    }

    public void Dispose()
    {
        _disposed = true;
        _reader.Join();
        _socket.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void Receive()
    {
        byte[] buffer = new byte[4096];
        while (!_disposed)
        {
            int length;
            try
            {
                length = _socket.Receive(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
            {
                continue;
            }

            lock (_gate)
            {
                _messages.Add(Encoding.UTF8.GetString(buffer, 0, length));
                Monitor.PulseAll(_gate);
            }
        }
    }
}
