using System.Buffers;
using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Protocol;

namespace Tinyfence.Server;

/// <summary>
/// A line server on a Unix stream socket: accepts clients the peer-credential check allows, up to
/// <see cref="ServerOptions.MaxClients"/>, and hands each request line to the
/// <see cref="ILineHandler"/>. One thread owns the listener and every connection (an epoll loop,
/// <c>UnixSocketServer.Loop.cs</c>): a request costs one readiness event, one recv and one send,
/// with no hop between threads, and allocates nothing.
/// </summary>
public sealed partial class UnixSocketServer : IDisposable, IAsyncDisposable
{
    // A listen backlog beyond MaxClients only queues connections that will be refused.
    private const int ListenBacklog = 128;

    // Refusals are logged at most this often, with a count of those left out.
    private const long RefusalLogIntervalMs = 10_000;

    private readonly ServerOptions _options;
    private readonly ILineHandler _handler;
    private readonly Logger _log;
    private readonly uint _ownUid;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ListeningSocket? _listener;
    private ListenerLoop? _loop;
    private int _stopState;
    private long _peakBufferedReplyBytes;
    private long _lastRefusalLogMs;
    private int _refusalsNotLogged;

    public UnixSocketServer(ServerOptions options, ILineHandler handler, Logger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _handler = handler;
        _log = log;
        _ownUid = Libc.GetEffectiveUid();
        _input = GC.AllocateUninitializedArray<byte>(Math.Max(InputBytes, 2 * (options.MaxLineBytes + 2)), pinned: true);
        _output = new ArrayBufferWriter<byte>(OutputBytes);
        _lastRefusalLogMs = Environment.TickCount64 - RefusalLogIntervalMs;
    }

    public ServerOptions Options => _options;

    /// <summary>Completes when the server has stopped and every connection is closed.</summary>
    public Task Completion => _stopped.Task;

    public int ClientCount => _connections?.Count ?? 0;

    /// <summary>The most reply bytes a connection has held at once (at most ReplyFlushBytes plus one reply).</summary>
    public long PeakBufferedReplyBytes => Volatile.Read(ref _peakBufferedReplyBytes);

    /// <summary>
    /// Binds the socket (clearing a stale one), sets its mode and group, and starts the loop.
    /// Throws if the socket cannot be set up. Returns <see cref="Completion"/>.
    /// </summary>
    public Task Start()
    {
        if (_listener is not null || _stopState != 0)
        {
            throw new InvalidOperationException("the server was started already");
        }

        DescriptorLimit.EnsureFor(_options.MaxClients, _log);
        string path = _options.SocketPath;
        SocketFile.ClearStale(path);
        // Between bind and chmod the file has the umask's mode; the peer check still applies.
        ListeningSocket listener = ListeningSocket.OnPath(path, ListenBacklog, bound => SocketFile.Secure(bound, _options.Mode, _options.Group));
        try
        {
            _loop = new ListenerLoop(listener.Fd, "server", _log);
            _connections = new ConnectionTable<Connection>(_options.MaxClients, _loop.Epoll);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        var loop = new Thread(Run) { IsBackground = true, Name = "tinyfence socket" };
        loop.Start();
        return Completion;
    }

    /// <summary>
    /// Removes the socket file (no client can connect once this returns) and wakes the loop, which
    /// closes the listener, lets each connection send the replies of what it has read already (up
    /// to StopGracePeriod), then closes them.
    /// </summary>
    public Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopState, 1) != 0)
        {
            return Completion;
        }

        if (_listener is null)
        {
            _stopped.TrySetResult();
            return Completion;
        }

        // The path, not the listener: its descriptor is the loop's, and closing it here could race
        // with an accept4 on a number already reused. Disposing the listener unlinks again, harmlessly.
        File.Delete(_options.SocketPath);
        _loop!.Wake();
        return Completion;
    }

    /// <summary>
    /// <see cref="StopAsync"/> without waiting for it: the socket file is gone when this returns;
    /// connections finish on their own (see <see cref="Completion"/>).
    /// </summary>
    public void Dispose() => _ = StopAsync();

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>Sends the one error line and shuts the connection down, without waiting on the client; the caller closes it.</summary>
    internal static unsafe void Refuse(int fd, ReadOnlySpan<byte> reply)
    {
        fixed (byte* text = reply)
        {
            Libc.Send(fd, text, (nuint)reply.Length, Libc.MSG_DONTWAIT | Libc.MSG_NOSIGNAL);
        }

        Libc.Shutdown(fd, Libc.SHUT_WR);
        // Closing with unread input makes the client's read fail with ECONNRESET once it has
        // read the reply; taking what it already sent gives it a plain end of stream instead.
        byte* scratch = stackalloc byte[512];
        for (int i = 0; i < 16 && Libc.Recv(fd, scratch, 512, Libc.MSG_DONTWAIT) > 0; i++)
        {
        }
    }

    private void LogRefusal(string reason, PeerCredentials peer)
    {
        long now = Environment.TickCount64;
        if (now - _lastRefusalLogMs < RefusalLogIntervalMs)
        {
            _refusalsNotLogged++;
            return;
        }

        string more = _refusalsNotLogged == 0 ? "" : $" ({_refusalsNotLogged} more refused connections not logged)";
        _log.Warning($"server: refused a connection from pid {peer.Pid} uid {peer.Uid} gid {peer.Gid}: {reason}{more}");
        _lastRefusalLogMs = now;
        _refusalsNotLogged = 0;
    }

    // A quarter of the timeout keeps a close within 25 % of it late; a second is often enough for
    // the 60 s default. The HTTP endpoint's loop sweeps as often.
    internal static long SweepIntervalMs(TimeSpan idle) => (long)Math.Clamp(idle.TotalMilliseconds / 4, 10, 1000);
}
