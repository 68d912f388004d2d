using System.Net.Sockets;

namespace Tinyfence.Tests.Server;

/// <summary>
/// What the server's loop thread allocates while clients drive it, read on that thread by the
/// handler (<see cref="PongHandler"/>), so the test host's own background allocations do not
/// count: every byte the server path allocates between two requests does, and the bound is 0.
/// The clients are blocking socket calls on spans from the test thread.
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ServerAllocationTests
{
    private const int PipelineDepth = 500;
    private const int Clients = 50;

    private static readonly byte[] s_pings = [.. Enumerable.Repeat("PING\n"u8.ToArray(), PipelineDepth).SelectMany(b => b)];

    [Fact]
    public async Task PipelinedRequestsAllocateNothing()
    {
        await using var harness = new ServerHarness(new PongHandler());
        using TestClient client = harness.Connect();
        byte[] replies = new byte[64 * 1024];
        Assert.Equal(0, ServerAllocations(harness, () => Pipelined(client.Socket, replies, 20_000)));
    }

    [Fact]
    public async Task PingPongRequestsAllocateNothing()
    {
        await using var harness = new ServerHarness(new PongHandler());
        using TestClient client = harness.Connect();
        byte[] replies = new byte[64];
        Assert.Equal(0, ServerAllocations(harness, () => PingPong(client.Socket, replies, 5_000)));
    }

    [Fact]
    public async Task FiftyClientsAtOnceAllocateNothing()
    {
        await using var harness = new ServerHarness(new PongHandler());
        var clients = Enumerable.Range(0, Clients).Select(_ => harness.Connect()).ToList();
        try
        {
            harness.WaitForClientCount(Clients);
            byte[] replies = new byte[64];
            Assert.Equal(0, ServerAllocations(harness, () =>
            {
                // Each client's request is in before the first reply is read: the loop finds many
                // connections ready in one wait.
                for (int round = 0; round < 200; round++)
                {
                    foreach (TestClient client in clients)
                    {
                        client.Socket.Send(s_pings.AsSpan(0, 5));
                    }

                    foreach (TestClient client in clients)
                    {
                        Expect(client.Socket, replies, 5);
                    }
                }
            }));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>
    /// Bytes the server's thread allocated over a window of requests, after a warm-up (JIT tiers,
    /// the array pool): the quietest of three windows, since the runtime now and then installs
    /// freshly compiled code on whatever thread runs it; a per-request allocation shows in all three.
    /// </summary>
    private static long ServerAllocations(ServerHarness harness, Action window)
    {
        var probe = (PongHandler)harness.Handler;
        for (int i = 0; i < 20; i++)
        {
            window();
        }

        long quietest = long.MaxValue;
        for (int i = 0; i < 3 && quietest > 0; i++)
        {
            long before = probe.AllocatedByServerThread;
            window();
            quietest = Math.Min(quietest, probe.AllocatedByServerThread - before);
        }

        return quietest;
    }

    private static void Pipelined(Socket socket, byte[] replies, int requests)
    {
        for (int sent = 0; sent < requests; sent += PipelineDepth)
        {
            socket.Send(s_pings);
            Expect(socket, replies, PipelineDepth * 5);
        }
    }

    private static void PingPong(Socket socket, byte[] replies, int requests)
    {
        for (int i = 0; i < requests; i++)
        {
            socket.Send(s_pings.AsSpan(0, 5));
            Expect(socket, replies, 5);
        }
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
