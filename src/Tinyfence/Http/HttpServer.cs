using System.Buffers;
using Tinyfence.Config;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Server;
using Tinyfence.Status;

namespace Tinyfence.Http;

/// <summary>
/// The read-only HTTP endpoint: <c>/</c> (the status page), <c>/status.json</c> and <c>/metrics</c>
/// on a TCP address or a Unix socket. It keeps the line server's limits: the server section's
/// client count and idle timeout, and on a Unix socket its file mode, group and peer rules. One
/// thread owns the listener and every connection (an epoll loop on the line server's pieces,
/// <c>HttpServer.Loop.cs</c>): no thread pool, and a request allocates nothing.
/// </summary>
internal sealed partial class HttpServer : IDisposable
{
    private const int ListenBacklog = 128;

    private readonly HttpEndpoint _endpoint;
    private readonly ServerOptions _limits;
    private readonly StatusBoard _status;
    private readonly Logger _log;
    private readonly uint _ownUid = Libc.GetEffectiveUid();
    private readonly byte[] _busyReply = new byte[HttpResponse.MaxHeadBytes + 64];
    private readonly int _busyReplyBytes;
    private ListeningSocket? _listener;
    private ListenerLoop? _listenerLoop;
    private Thread? _loop;
    private long _loopAllocatedBytes;

    /// <param name="limits">The server section's client count, idle timeout, and for a Unix socket its mode, group and peers (its SocketPath is not used).</param>
    public HttpServer(HttpEndpoint endpoint, ServerOptions limits, StatusBoard status, Logger log)
    {
        _endpoint = endpoint;
        _limits = limits;
        _status = status;
        _log = log;
        _reply = new ArrayBufferWriter<byte>(ReplyBytes);
        ReadOnlySpan<byte> body = HttpResponse.ErrorBody(503);
        int head = HttpResponse.WriteHead(_busyReply, 503, HttpResponse.Text, body.Length, close: true);
        body.CopyTo(_busyReply.AsSpan(head));
        _busyReplyBytes = head + body.Length;
    }

    public HttpEndpoint Endpoint => _endpoint;

    public ServerOptions Limits => _limits;

    /// <summary>What the loop thread had allocated when it sent the last reply (GC.GetAllocatedBytesForCurrentThread), for the allocation tests.</summary>
    internal long LoopAllocatedBytes => Volatile.Read(ref _loopAllocatedBytes);

    /// <summary>Binds and starts the loop; throws if the address or socket cannot be had.</summary>
    public void Start()
    {
        ListeningSocket listener;
        if (_endpoint.SocketPath is { } path)
        {
            SocketFile.ClearStale(path);
            listener = ListeningSocket.OnPath(path, ListenBacklog, bound => SocketFile.Secure(bound, _limits.Mode, _limits.Group));
        }
        else
        {
            listener = ListeningSocket.OnAddress(_endpoint.Address!, ListenBacklog);
        }

        try
        {
            _listenerLoop = new ListenerLoop(listener.Fd, "http", _log);
            _connections = new ConnectionTable<HttpConnection>(_limits.MaxClients, _listenerLoop.Epoll);
        }
        catch
        {
            // A Unix socket's file goes with the listener.
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _loop = new Thread(Run) { IsBackground = true, Name = "tinyfence http" };
        _loop.Start();
    }

    /// <summary>Wakes the loop, which closes the listener (a Unix socket's file with it) and every connection; returns once it has.</summary>
    public void Dispose()
    {
        if (_loop is null)
        {
            return;
        }

        _listenerLoop!.Wake();
        _loop.Join();
        _loop = null;
        _listenerLoop.Dispose();
    }
}
