using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Protocol;
using Tinyfence.Server;

namespace Tinyfence.Scoring;

/// <summary>
/// The socket server's lifecycle, as the config's <c>server</c> section says: started when the
/// section appears, restarted when it changes, stopped when it goes and at shutdown. Its requests
/// go to the dispatcher, which the table host's tables are handed to.
/// </summary>
internal sealed class ServerHost(RequestDispatcher dispatcher, Logger log)
{
    private UnixSocketServer? _server;
    private ServerOptions? _options;

    /// <summary>
    /// Before the first start, makes the socket path free: a socket left behind is removed. False
    /// (logged) when another server listens on it or something else is there.
    /// </summary>
    public bool ClearStaleSocket(TinyfenceConfig config)
    {
        if (_server is not null || config.Server is null)
        {
            return true;
        }

        string socket = SocketPathFor(config);
        try
        {
            SocketFile.ClearStale(socket);
            return true;
        }
        catch (IOException e)
        {
            log.Error($"cannot serve on {socket}: {e.Message}; the score tables were not touched");
            return false;
        }
    }

    /// <summary>Starts, restarts or stops the server as the config says; false (logged) when it cannot start.</summary>
    public bool Apply(TinyfenceConfig config, int tableCount)
    {
        ServerSection? section = config.Server;
        ServerOptions? options = section is null ? null : OptionsFor(section, SocketPathFor(config));
        if (SameServer(options, _options) && (_server is not null || options is null))
        {
            return true;
        }

        Stop();
        _options = options;
        if (options is null)
        {
            return true;
        }

        var server = new UnixSocketServer(options, dispatcher, log);
        try
        {
            _ = server.Start();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            log.Error($"cannot serve on {options.SocketPath}: {e.Message}");
            server.Dispose();
            _options = null;
            return false;
        }

        _server = server;
        log.Notice($"serving {tableCount} table(s) on {options.SocketPath}");
        return true;
    }

    public int ClientCount => _server?.ClientCount ?? 0;

    public void Stop()
    {
        _server?.StopAsync().GetAwaiter().GetResult();
        _server = null;
    }

    private static string SocketPathFor(TinyfenceConfig config) =>
        config.Server?.SocketPath ?? config.Settings.Layout.SocketPath;

    /// <summary>The server section as a socket's options (the HTTP endpoint's Unix socket takes them too).</summary>
    internal static ServerOptions OptionsFor(ServerSection section, string socketPath) => new()
    {
        SocketPath = socketPath,
        Mode = section.Mode,
        Group = section.Gid is { } gid ? (int)gid : -1,
        AllowedUids = section.AllowedUids,
        AllowedGids = section.AllowedGids,
        MaxClients = section.MaxClients,
        IdleTimeout = section.IdleTimeout,
        MaxLineBytes = section.MaxLineBytes,
    };

    /// <summary>Whether two servers' options are the same (the HTTP endpoint asks it of its limits too).</summary>
    internal static bool SameServer(ServerOptions? a, ServerOptions? b) =>
        a is null || b is null
            ? a is null && b is null
            : a with { AllowedUids = [], AllowedGids = [] } == b with { AllowedUids = [], AllowedGids = [] }
              && a.AllowedUids.SequenceEqual(b.AllowedUids) && a.AllowedGids.SequenceEqual(b.AllowedGids);
}
