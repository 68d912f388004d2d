using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Scoring;
using Tinyfence.Server;
using Tinyfence.Status;

namespace Tinyfence.Http;

/// <summary>
/// The HTTP endpoint's lifecycle, as the server section's <c>http</c> key says: started when it
/// appears, restarted when it or the section's limits change, stopped when it goes and at shutdown.
/// </summary>
internal sealed class HttpHost(StatusBoard status, Logger log) : IDisposable
{
    private HttpServer? _server;

    /// <summary>False (logged) when the endpoint cannot be had; the daemon goes on without it.</summary>
    public bool Apply(ServerSection? section)
    {
        HttpEndpoint? endpoint = section?.Http;
        ServerOptions? limits = section is null ? null : ServerHost.OptionsFor(section, endpoint?.ToString() ?? "-");
        if (_server is not null && endpoint == _server.Endpoint && ServerHost.SameServer(limits, _server.Limits))
        {
            return true;
        }

        Dispose();
        if (endpoint is null || limits is null)
        {
            return true;
        }

        var server = new HttpServer(endpoint, limits, status, log);
        try
        {
            server.Start();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error($"http: cannot serve on {endpoint}: {e.Message}");
            server.Dispose();
            return false;
        }

        _server = server;
        log.Notice($"http: serving the status page, /status.json and /metrics on {endpoint}");
        return true;
    }

    public void Dispose()
    {
        _server?.Dispose();
        _server = null;
    }
}
