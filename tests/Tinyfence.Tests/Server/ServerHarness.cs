using System.Net.Sockets;
using System.Text;
using Tinyfence.Logging;
using Tinyfence.Server;
using Tinyfence.Protocol;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Server;

/// <summary>A server on a socket in a fresh temp directory, with its log in memory.</summary>
internal sealed class ServerHarness : IAsyncDisposable
{
    public ServerHarness(ILineHandler? handler = null, Func<ServerOptions, ServerOptions>? configure = null, bool start = true)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tf-srv-").FullName;
        SocketPath = Path.Combine(Directory, "t.sock");
        Handler = handler ?? new UpperCaseHandler();
        ServerOptions options = new() { SocketPath = SocketPath };
        Options = configure is null ? options : configure(options);
        Log = new Logger(Sink) { MinimumLevel = LogLevel.Debug };
        Server = new UnixSocketServer(Options, Handler, Log);
        if (start)
        {
            Server.Start();
        }
    }

    public string Directory { get; }

    public string SocketPath { get; }

    public ILineHandler Handler { get; }

    public ServerOptions Options { get; }

    public MemorySink Sink { get; } = new();

    public Logger Log { get; }

    public UnixSocketServer Server { get; }

    public TestClient Connect() => new(SocketPath);

    /// <summary>Waits until the server counts this many clients (sessions start after accept).</summary>
    public void WaitForClientCount(int count)
    {
        if (!Patience.Until(() => Server.ClientCount == count, intervalMs: 5))
        {
            Assert.Fail($"{Server.ClientCount} clients, expected {count}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

/// <summary>A blocking client that reads whole lines, with a timeout so a broken server fails the test instead of hanging it.</summary>
internal sealed class TestClient : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public TestClient(string path)
    {
        Socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)Patience.Short.TotalMilliseconds,
            SendTimeout = (int)Patience.Short.TotalMilliseconds,
        };
        Socket.Connect(new UnixDomainSocketEndPoint(path));
    }

    public Socket Socket { get; }

    public void Send(string text) => Socket.Send(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(string text) => await Socket.SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>A whole line already received, or null (then the buffer is compacted for the next read).</summary>
    private string? TakeLine()
    {
        int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
        if (newline >= 0)
        {
            string line = Encoding.ASCII.GetString(_buffer, _start, newline - _start);
            _start = newline + 1;
            return line;
        }

        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        return null;
    }

    /// <summary>The next line without its '\n', or null at the end of the stream.</summary>
    public string? ReadLine()
    {
        while (true)
        {
            if (TakeLine() is { } line)
            {
                return line;
            }

            int read = Socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            if (read == 0)
            {
                Assert.True(_start == _end, "the stream ended inside a line");
                return null;
            }

            _end += read;
        }
    }

    /// <summary>
    /// <see cref="ReadLine"/> without holding a thread: many clients at once must not starve the
    /// thread pool the server's sessions run on.
    /// </summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Patience.Short);
        while (true)
        {
            if (TakeLine() is { } line)
            {
                return line;
            }

            int read = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>True when the server closed the connection (end of stream or reset) with nothing more to read.</summary>
    public bool IsClosedByServer()
    {
        try
        {
            return ReadLine() is null;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    public void Dispose() => Socket.Dispose();
}
