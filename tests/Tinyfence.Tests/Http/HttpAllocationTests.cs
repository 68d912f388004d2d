using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Tinyfence.Config;
using Tinyfence.Http;
using Tinyfence.Server;
using Tinyfence.Status;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Http;

/// <summary>
/// The whole process's allocations while a keep-alive client asks the endpoint for /metrics and
/// /status.json over a real socket. The client is blocking socket calls on spans (which allocate
/// nothing), so what moves the counter is the server, and the test host's background work (2 to
/// 4 KB a second, measured beside an idle server): the bound is five bytes a request, the quietest of three windows less
/// what the host allocates idle in as long. One object per request (24 bytes at least) is far over it.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class HttpAllocationTests(ITestOutputHelper output) : IDisposable
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

        Exchange(client, request, 2_000);
        long bytes = long.MaxValue;
        long idle = 0;
        for (int window = 0; window < 3 && bytes - idle >= Requests * 5; window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long ticks = Exchange(client, request, Requests);
            bytes = GC.GetTotalAllocatedBytes(precise: true) - before;

            before = GC.GetTotalAllocatedBytes(precise: true);
            Thread.Sleep(TimeSpan.FromTicks(ticks * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            idle = GC.GetTotalAllocatedBytes(precise: true) - before;
            output.WriteLine($"{path}: {bytes} bytes for {Requests} requests ({idle} idle in as long), {Requests * Stopwatch.Frequency / ticks} req/s");
        }

        Assert.True(bytes - idle < Requests * 5, $"{bytes} bytes allocated over {Requests} requests for {path}, {idle} idle in as long");
    }

    // One request at a time, each reply read to the end of its Content-Length.
    private long Exchange(Socket client, byte[] request, int count)
    {
        long start = Stopwatch.GetTimestamp();
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

        return Stopwatch.GetTimestamp() - start;
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
