using System.Diagnostics;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Server;

/// <summary>
/// The whole process's allocations while a client drives the server: the client is blocking
/// socket calls on spans (which allocate nothing), so what moves the counter is the server, and
/// the test host. The host allocates in the background whatever the test does (2 to 4 KB a second
/// measured with an idle server); a standalone process running the same loops allocates 0 bytes
/// over 1,000,000 pipelined and 50,000 ping-pong requests. So the bound is under one byte per
/// request on average: one object per request (24 bytes at least) would be 24 times over it,
/// one object every 24 requests at it.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ServerAllocationTests(ITestOutputHelper output)
{
    private const int PipelineDepth = 500;

    private static readonly byte[] s_pings = [.. Enumerable.Repeat("PING\n"u8.ToArray(), PipelineDepth).SelectMany(b => b)];

    [Fact]
    public async Task RequestsAllocateNothingInSteadyState()
    {
        await using var harness = new ServerHarness(new PongHandler());
        using TestClient client = harness.Connect();
        byte[] replies = new byte[64 * 1024];

        // Warm-up: JIT tiers, the array pool's per-thread caches, the socket engine's event queue.
        Pipelined(client.Socket, replies, 100_000);
        PingPong(client.Socket, replies, 10_000);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        long pipelinedTicks = Pipelined(client.Socket, replies, 20_000);
        long pipelinedBytes = GC.GetTotalAllocatedBytes(precise: true) - before;

        before = GC.GetTotalAllocatedBytes(precise: true);
        long pingPongTicks = PingPong(client.Socket, replies, 5_000);
        long pingPongBytes = GC.GetTotalAllocatedBytes(precise: true) - before;

        // What the host allocates anyway in as much time, the connection open and idle: on a
        // loaded machine ping-pong is slow and that background weighs more than any request.
        before = GC.GetTotalAllocatedBytes(precise: true);
        Thread.Sleep(TimeSpan.FromTicks(pingPongTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
        long idleBytes = GC.GetTotalAllocatedBytes(precise: true) - before;

        output.WriteLine($"pipelined: {pipelinedBytes} bytes for 20000 requests, {20_000 * Stopwatch.Frequency / pipelinedTicks} req/s");
        output.WriteLine($"ping-pong: {pingPongBytes} bytes for 5000 requests ({idleBytes} idle in as long), {5_000 * Stopwatch.Frequency / pingPongTicks} req/s");
        Assert.True(pipelinedBytes < 20_000, $"{pipelinedBytes} bytes allocated over 20000 pipelined requests");
        Assert.True(pingPongBytes - idleBytes < 5_000, $"{pingPongBytes} bytes allocated over 5000 ping-pong requests, {idleBytes} idle in as long");
    }

    private static long Pipelined(Socket socket, byte[] replies, int requests)
    {
        long start = Stopwatch.GetTimestamp();
        for (int sent = 0; sent < requests; sent += PipelineDepth)
        {
            socket.Send(s_pings);
            Expect(socket, replies, PipelineDepth * 5);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static long PingPong(Socket socket, byte[] replies, int requests)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < requests; i++)
        {
            socket.Send(s_pings.AsSpan(0, 5));
            Expect(socket, replies, 5);
        }

        return Stopwatch.GetTimestamp() - start;
    }

    private static void Expect(Socket socket, byte[] buffer, int bytes)
    {
        for (int received = 0; received < bytes;)
        {
            int read = socket.Receive(buffer.AsSpan(received, bytes - received));
            Assert.True(read > 0, "the server closed the connection");
            received += read;
        }
    }
}
