using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Tinyfence.Testing;
using Tinyfence.Tests.Hosting;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Http;

/// <summary>The daemon's HTTP endpoint through a real HTTP client: each path, bad requests and the limits.</summary>
public sealed class HttpEndpointTests : IDisposable
{
    private readonly ScoreDaemon _daemon = new();
    private readonly FakeProcTree _proc = new("idle");
    private readonly int _port = SmtpTestServer.FreePort();
    private readonly HttpClient _client = new() { Timeout = Patience.Short };

    public void Dispose()
    {
        _client.Dispose();
        _proc.Dispose();
        _daemon.Dispose();
    }

    private Uri Base => new($"http://127.0.0.1:{_port}/");

    [Fact]
    public async Task ServesThePageTheJsonAndTheMetrics()
    {
        using RunningDaemon running = Start("");
        _daemon.Ask("hit", "spam", "192.0.2.9", "20");
        running.WaitForLine(" fired");

        using HttpResponseMessage page = await _client.GetAsync(new Uri(Base, "/"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<meta http-equiv=\"refresh\"", html, StringComparison.Ordinal);
        Assert.Contains("<td>busy</td>", html, StringComparison.Ordinal);
        Assert.Contains("192.0.2.9", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);

        using HttpResponseMessage json = await _client.GetAsync(new Uri(Base, "/status.json?pretty"));
        Assert.Equal("application/json", json.Content.Headers.ContentType!.ToString());
        JsonElement rule = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("rules")[0];
        Assert.Equal("busy", rule.GetProperty("name").GetString());

        using HttpResponseMessage metrics = await _client.GetAsync(new Uri(Base, "/metrics"));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        Assert.Contains("tinyfence_table_hits_total{table=\"spam\"} ", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The figures are the daemon loop's last refresh: the hit shows after its next turn.
        string text = "";
        Patience.WaitUntil(() => (text = _client.GetStringAsync(new Uri(Base, "/metrics")).GetAwaiter().GetResult()).Contains("tinyfence_table_hits_total{table=\"spam\"} 1\n", StringComparison.Ordinal), $"the hit in the metrics (last: {text})");
    }

    [Fact]
    public async Task AnythingElseGetsAnErrorStatus()
    {
        using RunningDaemon running = Start("");
        using HttpResponseMessage missing = await _client.GetAsync(new Uri(Base, "/admin"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var content = new StringContent("x");
        using HttpResponseMessage post = await _client.PostAsync(new Uri(Base, "/metrics"), content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, new Uri(Base, "/metrics"));
        using HttpResponseMessage deleted = await _client.SendAsync(delete);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, deleted.StatusCode);
        Assert.Equal("GET", Assert.Single(deleted.Content.Headers.Allow));

        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", Exchange("nonsense\r\n\r\n"), StringComparison.Ordinal);
        string oversized = "GET / HTTP/1.1\r\nX-Filler: " + new string('a', 10_000) + "\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", Exchange(oversized), StringComparison.Ordinal);
    }

    [Fact]
    public void ASlowClientIsTimedOut()
    {
        using RunningDaemon running = Start("idle-timeout 300ms");
        using Socket slow = Connect();
        slow.Send("GET / HTTP/1.1\r\n"u8);

        // The idle sweep cuts the client off halfway through its head: its read ends, without an answer.
        slow.ReceiveTimeout = (int)Patience.Short.TotalMilliseconds;
        Assert.Equal(0, slow.Receive(new byte[256]));
        Assert.False(running.HasExited);
    }

    [Fact]
    public void ClientsBeyondMaxClientsAreTurnedAway()
    {
        using RunningDaemon running = Start("max-clients 1");
        using Socket first = Connect();
        first.Send("GET /metrics HTTP/1.1\r\n\r\n"u8);
        Assert.Equal(0, Receive(first).IndexOf("HTTP/1.1 200 OK", StringComparison.Ordinal));

        // The first keeps its connection (keep-alive): the second finds no slot.
        using Socket second = Connect();
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", Receive(second), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AUnixSocketEndpointServesItsAllowedPeers()
    {
        string socket = Path.Combine(_daemon.Directory, "http.sock");
        _daemon.Configure($"{ScoreDaemon.Table()}\nserver {{ http \"{socket}\" }}\nrule \"busy\" {{ la1 >= 0 }} log once");
        using RunningDaemon running = _daemon.Start("--proc-root", _proc.Root);
        running.WaitForLine("http: serving");
        running.WaitForLine(" fired");
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancel) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancel);
                return new NetworkStream(client, ownsSocket: true);
            },
        };
        using var client = new HttpClient(handler);
        string metrics = await client.GetStringAsync(new Uri("http://tinyfence/metrics"));
        Assert.Contains("tinyfence_rule_state{rule=\"busy\"", metrics, StringComparison.Ordinal);
    }

    private RunningDaemon Start(string limits)
    {
        _daemon.Configure($$"""
            {{ScoreDaemon.Table()}}
            server { http "127.0.0.1:{{_port}}" {{limits}} }
            set step 200ms
            rule "busy" { la1 >= 0 } log once
            """);
        RunningDaemon running = _daemon.Start("--proc-root", _proc.Root);
        running.WaitForLine("http: serving");
        return running;
    }

    private Socket Connect()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(IPAddress.Loopback, _port);
        return socket;
    }

    /// <summary>Sends raw request bytes and reads the reply until the server closes or a reply head is in.</summary>
    private string Exchange(string request)
    {
        using Socket socket = Connect();
        socket.Send(Encoding.ASCII.GetBytes(request));
        return Receive(socket);
    }

    private static string Receive(Socket socket)
    {
        socket.ReceiveTimeout = (int)Patience.Short.TotalMilliseconds;
        var reply = new StringBuilder();
        byte[] buffer = new byte[4096];
        int received;
        while (!reply.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && (received = socket.Receive(buffer)) > 0)
        {
            reply.Append(Encoding.ASCII.GetString(buffer, 0, received));
        }

        return reply.ToString();
    }
}
