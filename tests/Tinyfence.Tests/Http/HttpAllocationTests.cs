using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using Tinyfence.Config;
using Tinyfence.Http;
using Tinyfence.Server;
using Tinyfence.Status;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Http;

/// <summary>
/// What the endpoint's loop thread allocates while a keep-alive client asks for the status page,
/// /metrics and /status.json over a real socket, read on that thread (<see cref="HttpServer.LoopAllocatedBytes"/>),
/// so the test host's own background allocations do not count: every byte a request costs the
/// server does, and the bound is 0. The client is blocking socket calls on spans.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class HttpAllocationTests : IDisposable
{
    private const int Requests = 2_000;

    private readonly EngineHarness _engine = new("rule 'load' { la1 >= 10 or memfree < 10% } log once until { la1 <= 2 } log\nset step 1s");
    private readonly StatusBoard _board = new();
    private readonly byte[] _reply = new byte[256 * 1024];

    public void Dispose()
    {
        _board.Dispose();
        _engine.Dispose();
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/metrics")]
    [InlineData("/status.json")]
    public void RequestsAllocateNothingAfterWarmUp(string path)
    {
        _board.Configure(_engine.Engine.RuleSet, ["/etc/tinyfence.conf"], scores: null);
        _engine.Tick(0);
        _board.Refresh(_engine.Engine, mail: null, paused: false);
        int port = SmtpTestServer.FreePort();
        var limits = new ServerOptions { SocketPath = "-" };
        using var server = new HttpServer(new HttpEndpoint(new IPEndPoint(IPAddress.Loopback, port), null), limits, _board, _engine.Log);
        server.Start();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(IPAddress.Loopback, port);
        byte[] request = System.Text.Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: tinyfence\r\n\r\n");

        // Warm-up (JIT tiers, the shared reply buffer's growth), then the quietest of three
        // windows: the runtime now and then installs freshly compiled code on whatever thread runs
        // it; a per-request allocation shows in all three.
        Exchange(client, request, Requests);
        long quietest = long.MaxValue;
        for (int window = 0; window < 3 && quietest > 0; window++)
        {
            long before = server.LoopAllocatedBytes;
            Exchange(client, request, Requests);
            quietest = Math.Min(quietest, server.LoopAllocatedBytes - before);
        }

        Assert.True(quietest == 0, $"{quietest} bytes allocated by the loop over {Requests} requests for {path}");
    }

    // One request at a time, each reply read to the end of its Content-Length.
    private void Exchange(Socket client, byte[] request, int count)
    {
        for (int i = 0; i < count; i++)
        {
            client.Send(request);
            int filled = 0;
            int total = -1;
            while (total < 0 || filled < total)
            {
                int received = client.Receive(_reply.AsSpan(filled));
                Assert.True(received > 0, "the server closed the connection");
                filled += received;
                if (total < 0)
                {
                    total = ReplyLength(_reply.AsSpan(0, filled));
                }
            }

            // Not Assert.Equal: xunit's comparer is an object per call.
            Assert.True(total == filled, "more than one reply came back");
        }
    }

    // The head's length plus its Content-Length, once the head is in; -1 before.
    private static int ReplyLength(ReadOnlySpan<byte> reply)
    {
        int end = reply.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return -1;
        }

        ReadOnlySpan<byte> header = "Content-Length: "u8;
        int at = reply.IndexOf(header) + header.Length;
        Assert.True(Utf8Parser.TryParse(reply[at..], out int length, out _));
        return end + 4 + length;
    }
}
