using System.Net.Sockets;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Protocol;

namespace Tinyfence.Server;

/// <summary>
/// A line server on a Unix stream socket: accepts clients the peer-credential check allows, up to
/// <see cref="ServerOptions.MaxClients"/>, and runs one <see cref="Session"/> per connection. What
/// the lines mean is the <see cref="ILineHandler"/>'s business.
/// </summary>
public sealed class UnixSocketServer : IDisposable, IAsyncDisposable
{
    // A listen backlog beyond MaxClients only queues connections that will be refused.
    private const int ListenBacklog = 128;

    // Refusals are logged at most this often, with a count of those left out.
    private const long RefusalLogIntervalMs = 10_000;

    private readonly ServerOptions _options;
    private readonly ILineHandler _handler;
    private readonly Logger _log;
    private readonly uint _ownUid;
    private readonly Lock _sessionsLock = new();
    private readonly Session?[] _sessions;
    private readonly Session[] _sweepScratch;
    private readonly CancellationTokenSource _acceptCancel = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Socket? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private Timer? _sweepTimer;
    private int _clientCount;
    private int _stopState;
    private volatile bool _stopping;
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
        _sessions = new Session?[options.MaxClients];
        _sweepScratch = new Session[options.MaxClients];
        _lastRefusalLogMs = Environment.TickCount64 - RefusalLogIntervalMs;
    }

    public ServerOptions Options => _options;

    /// <summary>Completes when the server has stopped and every session has ended.</summary>
    public Task Completion => _stopped.Task;

    public int ClientCount => Volatile.Read(ref _clientCount);

    /// <summary>The most reply bytes any session has held at once (at most ReplyFlushBytes plus one reply).</summary>
    public long PeakBufferedReplyBytes
    {
        get
        {
            long peak = Volatile.Read(ref _peakBufferedReplyBytes);
            lock (_sessionsLock)
            {
                foreach (Session? session in _sessions)
                {
                    if (session is not null)
                    {
                        peak = Math.Max(peak, session.PeakBufferedReplyBytes);
                    }
                }
            }

            return peak;
        }
    }

    /// <summary>
    /// Binds the socket (clearing a stale one), sets its mode and group, and starts accepting.
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
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            // Between bind and chmod the file has the umask's mode; the peer check still applies.
            SocketFile.Secure(path, _options.Mode, _options.Group);
            listener.Listen(ListenBacklog);
        }
        catch
        {
            // Unlinks the path if the bind got that far.
            listener.Dispose();
            throw;
        }

        _listener = listener;
        TimeSpan sweep = SweepInterval(_options.IdleTimeout);
        _sweepTimer = new Timer(static state => ((UnixSocketServer)state!).SweepIdle(), this, sweep, sweep);
        _acceptLoop = AcceptLoopAsync(listener);
        return Completion;
    }

    /// <summary>
    /// Stops accepting and removes the socket file (both before the first await), lets each session
    /// send the replies of what it has read already (up to StopGracePeriod), then closes them.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopState, 1) != 0)
        {
            await Completion.ConfigureAwait(false);
            return;
        }

        _stopping = true;
        Socket? listener = _listener;
        if (listener is null)
        {
            _stopped.TrySetResult();
            return;
        }

        _acceptCancel.Cancel();
        // Also removes the socket file (Socket.Dispose unlinks the path it bound).
        listener.Dispose();

        // Admit checks _stopping under the same lock: a session is either in this list or refused.
        Session[] live = LiveSessions();
        foreach (Session session in live)
        {
            session.RequestStop();
        }

        await _acceptLoop.ConfigureAwait(false);
        Task all = Task.WhenAll(live.Select(s => s.Completion));
        if (await Task.WhenAny(all, Task.Delay(_options.StopGracePeriod)).ConfigureAwait(false) != all)
        {
            // Stuck in a flush to a client that does not read.
            foreach (Session session in live)
            {
                session.Abort();
            }
        }

        await all.ConfigureAwait(false);
        if (_sweepTimer is not null)
        {
            await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        }

        _acceptCancel.Dispose();
        _stopped.TrySetResult();
    }

    /// <summary>
    /// <see cref="StopAsync"/> without waiting for it: the listener and the socket file are gone
    /// when this returns; sessions finish on their own (see <see cref="Completion"/>).
    /// </summary>
    public void Dispose() => _ = StopAsync();

    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (!_stopping)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_acceptCancel.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (_stopping && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors (EMFILE) and the like: pause rather than spin on the error.
                _log.Error("server: accept failed: " + e.Message);
                await Task.Delay(100).ConfigureAwait(false);
                continue;
            }

            Admit(client);
        }
    }

    private void Admit(Socket client)
    {
        if (!PeerCredentials.TryRead(client, out PeerCredentials peer))
        {
            _log.Error("server: cannot read the peer credentials of a connection; closing it");
            client.Dispose();
            return;
        }

        if (!_options.Allows(peer, _ownUid))
        {
            LogRefusal("not allowed", peer);
            Refuse(client, ServerReplies.NotAllowed);
            return;
        }

        Session? session = null;
        lock (_sessionsLock)
        {
            if (_stopping)
            {
                client.Dispose();
                return;
            }

            int slot = Array.IndexOf(_sessions, null);
            if (slot >= 0)
            {
                session = new Session(this, client, slot, _options, _handler, _log);
                _sessions[slot] = session;
                _clientCount++;
            }
        }

        if (session is null)
        {
            LogRefusal("too many clients", peer);
            Refuse(client, ServerReplies.TooManyClients);
            return;
        }

        session.Start();
    }

    /// <summary>Sends the one error line and closes, without waiting on the client.</summary>
    internal static void Refuse(Socket client, ReadOnlySpan<byte> reply)
    {
        try
        {
            client.Blocking = false;
            client.Send(reply, SocketFlags.None, out _);
            client.Shutdown(SocketShutdown.Send);
            // Closing with unread input makes the client's read fail with ECONNRESET once it has
            // read the reply; taking what it already sent gives it a plain end of stream instead.
            Span<byte> scratch = stackalloc byte[512];
            for (int i = 0; i < 16 && client.Receive(scratch, SocketFlags.None, out SocketError error) > 0 && error == SocketError.Success; i++)
            {
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            client.Dispose();
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

    internal void Remove(Session session)
    {
        lock (_sessionsLock)
        {
            if (_sessions[session.Slot] == session)
            {
                _sessions[session.Slot] = null;
                _clientCount--;
            }
        }

        long peak = session.PeakBufferedReplyBytes;
        long known;
        while (peak > (known = Volatile.Read(ref _peakBufferedReplyBytes))
            && Interlocked.CompareExchange(ref _peakBufferedReplyBytes, peak, known) != known)
        {
        }
    }

    private Session[] LiveSessions()
    {
        lock (_sessionsLock)
        {
            return [.. _sessions.OfType<Session>()];
        }
    }

    /// <summary>Closes sessions that made no progress for IdleTimeout. Runs on a timer; allocates nothing.</summary>
    private void SweepIdle()
    {
        int count = IdleSweep.Collect(_sessions, _sweepScratch, _sessionsLock, _options.IdleTimeout);
        for (int i = 0; i < count; i++)
        {
            if (_log.IsEnabled(LogLevel.Debug))
            {
                _log.Write(LogLevel.Debug, "server: closing an idle connection");
            }

            _sweepScratch[i].Abort();
            _sweepScratch[i] = null!;
        }
    }

    // A quarter of the timeout keeps a close within 25 % of it late; a second is often enough for
    // the 60 s default.
    private static TimeSpan SweepInterval(TimeSpan idle) =>
        TimeSpan.FromMilliseconds(Math.Clamp(idle.TotalMilliseconds / 4, 10, 1000));
}
