using System.Net.Sockets;
using Tinyfence.Config;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Server;
using Tinyfence.Status;

namespace Tinyfence.Http;

/// <summary>
/// The read-only HTTP endpoint: <c>/</c> (the status page), <c>/status.json</c> and <c>/metrics</c>
/// on a TCP address or a Unix socket. It keeps the line server's limits: the server section's
/// client count and idle timeout, and on a Unix socket its file mode, group and peer rules.
/// </summary>
internal sealed class HttpServer : IDisposable
{
    private readonly HttpEndpoint _endpoint;
    private readonly ServerOptions _limits;
    private readonly StatusBoard _status;
    private readonly Logger _log;
    private readonly uint _ownUid = Libc.GetEffectiveUid();
    private readonly Lock _lock = new();
    private readonly HttpConnection?[] _connections;
    private readonly HttpConnection[] _sweepScratch;
    private readonly byte[] _busyReply = new byte[HttpResponse.MaxHeadBytes + 64];
    private readonly int _busyReplyBytes;
    private Socket? _listener;
    private Timer? _sweepTimer;
    private volatile bool _stopping;

    /// <param name="limits">The server section's client count, idle timeout, and for a Unix socket its mode, group and peers (its SocketPath is not used).</param>
    public HttpServer(HttpEndpoint endpoint, ServerOptions limits, StatusBoard status, Logger log)
    {
        _endpoint = endpoint;
        _limits = limits;
        _status = status;
        _log = log;
        _connections = new HttpConnection?[limits.MaxClients];
        _sweepScratch = new HttpConnection[limits.MaxClients];
        ReadOnlySpan<byte> body = HttpResponse.ErrorBody(503);
        int head = HttpResponse.WriteHead(_busyReply, 503, HttpResponse.Text, body.Length, close: true);
        body.CopyTo(_busyReply.AsSpan(head));
        _busyReplyBytes = head + body.Length;
    }

    public HttpEndpoint Endpoint => _endpoint;

    public ServerOptions Limits => _limits;

    /// <summary>Binds and starts accepting; throws if the address or socket cannot be had.</summary>
    public void Start()
    {
        Socket listener;
        if (_endpoint.SocketPath is { } path)
        {
            SocketFile.ClearStale(path);
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                listener.Bind(new UnixDomainSocketEndPoint(path));
                SocketFile.Secure(path, _limits.Mode, _limits.Group);
            }
            catch
            {
                listener.Dispose();
                throw;
            }
        }
        else
        {
            listener = new Socket(_endpoint.Address!.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                listener.Bind(_endpoint.Address);
            }
            catch
            {
                listener.Dispose();
                throw;
            }
        }

        listener.Listen(128);
        _listener = listener;
        TimeSpan sweep = TimeSpan.FromMilliseconds(Math.Clamp(_limits.IdleTimeout.TotalMilliseconds / 4, 10, 1000));
        _sweepTimer = new Timer(static state => ((HttpServer)state!).SweepIdle(), this, sweep, sweep);
        _ = AcceptLoopAsync(listener);
    }

    /// <summary>Stops accepting (a Unix socket's file goes with the listener) and closes every connection.</summary>
    public void Dispose()
    {
        _stopping = true;
        _listener?.Dispose();
        _sweepTimer?.Dispose();
        lock (_lock)
        {
            foreach (HttpConnection? connection in _connections)
            {
                connection?.Close();
            }
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (_stopping && e is ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                _log.Error("http: accept failed: " + e.Message);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            Admit(client);
        }
    }

    private void Admit(Socket client)
    {
        if (_endpoint.SocketPath is not null
            && (!PeerCredentials.TryRead(client, out PeerCredentials peer) || !_limits.Allows(peer, _ownUid)))
        {
            // The same answer the line protocol gives a stranger: nothing but a closed connection.
            client.Dispose();
            return;
        }

        if (_endpoint.Address is not null)
        {
            // A reply is two sends (head, body): without this the body waits for the ACK of the head.
            client.NoDelay = true;
        }

        HttpConnection? connection = null;
        lock (_lock)
        {
            int slot = Array.IndexOf(_connections, null);
            if (slot >= 0 && !_stopping)
            {
                connection = new HttpConnection(client, _status, slot);
                _connections[slot] = connection;
            }
        }

        if (connection is null)
        {
            UnixSocketServer.Refuse(client, _busyReply.AsSpan(0, _busyReplyBytes));
            return;
        }

        _ = RunAsync(connection);
    }

    private async Task RunAsync(HttpConnection connection)
    {
        await connection.RunAsync().ConfigureAwait(false);
        lock (_lock)
        {
            _connections[connection.Slot] = null;
        }
    }

    /// <summary>Closes connections that made no progress for the idle timeout. Allocates nothing.</summary>
    private void SweepIdle()
    {
        int count = IdleSweep.Collect(_connections, _sweepScratch, _lock, _limits.IdleTimeout);
        for (int i = 0; i < count; i++)
        {
            _sweepScratch[i].Close();
            _sweepScratch[i] = null!;
        }
    }
}
