using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Tinyfence.Interop;
using Tinyfence.Logging;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Server;

/// <summary>
/// The server's descriptors and thread, counted for the whole process: apart from the other
/// tests, which open and close descriptors of their own (and one of these lowers the process's
/// open-file limit for a moment).
/// </summary>
[Collection(SerialTests.Name)]
public sealed class ServerDescriptorTests
{
    [Fact]
    public async Task AStoppedServerLeavesNoDescriptorAndNoThreadBehind()
    {
        // Once before counting: the runtime opens some descriptors of its own on first use.
        await ServeTwoClientsAndStop();
        int descriptors = OpenDescriptors();
        int loopThreads = LoopThreads();

        await ServeTwoClientsAndStop();

        // At most as many as before, not as many: a server an earlier test left to stop on its own
        // (Dispose does not wait) may end meanwhile, with its thread and descriptors.
        Patience.WaitUntil(() => LoopThreads() <= loopThreads, "end of the server's loop thread");
        // Waited for, not read once: whatever else runs in the process may hold one for a moment.
        Patience.WaitUntil(() => OpenDescriptors() <= descriptors, $"at most the {descriptors} descriptors open before");
    }

    [Fact]
    public async Task OutOfDescriptorsTheLoopPausesAcceptsAndServesTheClientOnceThereAreSome()
    {
        await using var harness = new ServerHarness();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)Patience.Short.TotalMilliseconds,
        };
        Assert.True(Libc.TryGetOpenFileLimit(out ulong soft, out ulong hard));
        var fillers = new List<SafeFileHandle>();
        int failures;
        long exhaustedMs;
        try
        {
            Assert.True(Libc.TrySetOpenFileLimit((ulong)HighestOpenDescriptor() + 1, hard));
            while (OpenNullOrNone() is { } filler)
            {
                fillers.Add(filler);
            }

            // Queued in the backlog; the loop's accept4 finds no descriptor for it.
            client.Connect(new UnixDomainSocketEndPoint(harness.SocketPath));
            var exhausted = Stopwatch.StartNew();
            Patience.WaitUntil(() => AcceptFailures(harness) > 0, "accept failure in the log");
            Thread.Sleep(500);
            failures = AcceptFailures(harness);
            exhaustedMs = exhausted.ElapsedMilliseconds;
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
            Libc.TrySetOpenFileLimit(soft, hard);
        }

        // One try a pause (100 ms): a loop retrying the listener that stays readable would log thousands.
        Assert.True(failures <= (exhaustedMs / 100) + 2, $"{failures} failed accepts in {exhaustedMs} ms");
        client.Send("ping\n"u8);
        byte[] reply = new byte[5];
        Assert.Equal(5, client.Receive(reply));
        Assert.Equal("PING\n"u8.ToArray(), reply);
    }

    private static async Task ServeTwoClientsAndStop()
    {
        await using var harness = new ServerHarness();
        using TestClient first = harness.Connect();
        using TestClient second = harness.Connect();
        first.Send("ping\n");
        Assert.Equal("PING", first.ReadLine());
        harness.WaitForClientCount(2);
    }

    private static int AcceptFailures(ServerHarness harness) =>
        harness.Sink.Lines.Count(l => l.Level == LogLevel.Error && l.Text.Contains("accept failed", StringComparison.Ordinal));

    /// <summary>A descriptor on /dev/null, or null once the open-file limit is reached.</summary>
    private static SafeFileHandle? OpenNullOrNone()
    {
        try
        {
            return File.OpenHandle("/dev/null");
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static int OpenDescriptors() => Directory.GetFiles("/proc/self/fd").Length;

    private static int HighestOpenDescriptor() => Directory.GetFiles("/proc/self/fd").Max(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture));

    // comm holds 15 bytes of the thread's name; a thread may end between the listing and the read.
    private static int LoopThreads() =>
        Directory.GetDirectories("/proc/self/task").Count(t => ThreadName(t) == "tinyfence socke");

    private static string? ThreadName(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
