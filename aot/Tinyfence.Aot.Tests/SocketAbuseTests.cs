using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The published daemon's socket under load and abuse at once: a thousand well-behaved clients
/// connected together, beside clients that send 10 MB without a newline, drip one byte a second,
/// never read, stay silent, send random bytes, half-close, and a storm of connections opened and
/// dropped. The well-behaved clients get exactly the right answers, the daemon's memory stays
/// within the bound the README states, and it gives back every descriptor it took.
/// </summary>
public class SocketAbuseTests
{
    private const int WellBehavedClients = 1000;
    private const int StormConnections = 3000;

    // The README ("Hardening") states this bound on the daemon's peak resident memory.
    private const long PeakRssBoundKiB = 64 * 1024;

    [Fact]
    public async Task AThousandClientsGetRightAnswersWhileOthersAbuseTheSocketAndEveryDescriptorComesBack()
    {
        Posix.EnsureOpenFileLimit(4 * WellBehavedClients);
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "run");
        // The idle timeout is what ends the drip, the silent and the non-reading clients; it is
        // long enough that a thousand connections are made well within it on a loaded machine.
        string config = dir.Write("tinyfence.conf", $$"""
            set run-dir "{{run}}"
            set state-dir "{{dir.Path}}/state"
            table "spam" { capacity 4096 decay 3 per 1d block above 15 }
            server { max-clients 1100 idle-timeout 10s }
            """);
        using RunningDaemon daemon = Repo.StartPublished("run", "-c", config);
        daemon.WaitForLine("serving 1 table(s)");
        string socket = Path.Combine(run, "tinyfence.sock");
        int descriptorsBefore = ProcStatus.OpenDescriptors(daemon.Pid);

        Task<string[]> flood = TenMegabytesWithoutANewline(socket);
        Task<bool> drip = OneByteASecondUntilClosed(socket);
        Task<bool> neverReads = RequestsNeverReadUntilClosed(socket);
        Task<bool> silent = SilentUntilClosed(socket);
        Task<string> noise = RandomBytesThenPing(socket);
        Task<string[]> halfClosed = HalfClosedAfterTwoRequests(socket);
        Task storm = ConnectCloseStorm(socket);

        var clients = new Socket[WellBehavedClients];
        try
        {
            var first = new Task<string[]>[WellBehavedClients];
            for (int i = 0; i < WellBehavedClients; i++)
            {
                clients[i] = Connect(socket);
                first[i] = Exchange(clients[i], $"HIT spam {Address(i)} 3\nGET spam {Address(i)}\nCHECK spam {Address(i)}\n", 3);
            }

            string[][] firstAnswers = await Task.WhenAll(first).WaitAsync(Patience.Long);
            Assert.All(firstAnswers, answers => Assert.Equal(["3", "3", "ALLOW"], answers));
            // Every one of them is still connected: a session (a descriptor) each, all at once.
            Assert.True(ProcStatus.OpenDescriptors(daemon.Pid) >= descriptorsBefore + WellBehavedClients,
                $"{ProcStatus.OpenDescriptors(daemon.Pid)} descriptors open with {WellBehavedClients} clients connected, {descriptorsBefore} before");

            string[][] secondAnswers = await Task.WhenAll(clients.Select((client, i) =>
                Exchange(client, $"HIT spam {Address(i)} 20\nCHECK spam {Address(i)}\nPING\n", 3))).WaitAsync(Patience.Long);
            Assert.All(secondAnswers, answers => Assert.Equal(["23", "BLOCK", "PONG"], answers));
        }
        finally
        {
            foreach (Socket? client in clients)
            {
                client?.Dispose();
            }
        }

        Assert.Equal(["ERR line too long", "PONG"], await flood.WaitAsync(Patience.Long));
        Assert.Equal("PONG", await noise.WaitAsync(Patience.Long));
        Assert.Equal(["PONG", "5"], await halfClosed.WaitAsync(Patience.Long));
        Assert.True(await drip.WaitAsync(Patience.Long), "the drip client was never closed");
        Assert.True(await neverReads.WaitAsync(Patience.Long), "the client that never reads was never closed");
        Assert.True(await silent.WaitAsync(Patience.Long), "the silent client was never closed");
        await storm.WaitAsync(Patience.Long);

        Patience.WaitUntil(() => ProcStatus.OpenDescriptors(daemon.Pid) <= descriptorsBefore,
            $"return to the {descriptorsBefore} descriptors open before (now {ProcStatus.OpenDescriptors(daemon.Pid)})", intervalMs: 100);
        long peakKiB = ProcStatus.KiB(daemon.Pid, "VmHWM");
        Assert.True(peakKiB is > 0 and < PeakRssBoundKiB, $"the daemon's peak RSS was {peakKiB} kB");
        Assert.Contains($"spam entries={WellBehavedClients + 1} ", Score(run, "stats"), StringComparison.Ordinal);
        Assert.DoesNotContain("session ended by an error", daemon.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("accept failed", daemon.Stderr, StringComparison.Ordinal);

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }

    [Fact]
    public void TheDaemonRaisesItsOpenFileLimitForMaxClientsOrSaysWhatToRaise()
    {
        using var dir = new TempDir();
        string config = dir.Write("tinyfence.conf", $$"""
            set run-dir "{{dir.Path}}/run"
            set state-dir "{{dir.Path}}/state"
            table "spam" { capacity 1000 decay 3 per 1d block above 15 }
            server { max-clients 1100 }
            """);

        // Started with systemd's soft limit, under a hard limit with room: raised as far as needed.
        using (RunningDaemon daemon = RunningDaemon.Start("prlimit", "--nofile=1024:8192", Repo.PublishedBinary, "run", "-c", config))
        {
            daemon.WaitForLine("serving 1 table(s)");
            Assert.Equal((1228, 8192), OpenFileLimits(daemon.Pid));
            Assert.Equal(0, daemon.CountLines("open files"));
            daemon.Signal(Posix.SIGTERM);
            Assert.Equal(0, daemon.WaitForExit(Patience.Short));
        }

        // A hard limit too low: raised to it, and the log says what to raise.
        using (RunningDaemon daemon = RunningDaemon.Start("prlimit", "--nofile=256:512", Repo.PublishedBinary, "run", "-c", config))
        {
            daemon.WaitForLine("server: max-clients 1100 needs 1228 open files and the limit is 512: raise it");
            daemon.WaitForLine("serving 1 table(s)");
            Assert.Equal((512, 512), OpenFileLimits(daemon.Pid));
            daemon.Signal(Posix.SIGTERM);
            Assert.Equal(0, daemon.WaitForExit(Patience.Short));
        }
    }

    /// <summary>The soft and hard "Max open files" of /proc/PID/limits.</summary>
    private static (int Soft, int Hard) OpenFileLimits(int pid)
    {
        string line = File.ReadLines($"/proc/{pid}/limits").Single(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (int.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture));
    }

    private static string Address(int i) => $"10.20.{i / 250}.{(i % 250) + 1}";

    private static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        // A blocking connect waits while the listen backlog is full instead of failing.
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static async Task<string[]> Exchange(Socket socket, string requests, int replies)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(requests));
        return await ReadLines(socket, replies);
    }

    /// <summary>Reads exactly <paramref name="count"/> reply lines (fails on an early end of stream).</summary>
    private static async Task<string[]> ReadLines(Socket socket, int count)
    {
        var text = new StringBuilder();
        byte[] buffer = new byte[256];
        while (text.ToString().Count(c => c == '\n') < count)
        {
            int read = await socket.ReceiveAsync(buffer);
            if (read == 0)
            {
                throw new InvalidOperationException($"the daemon closed the connection after '{text}'");
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString().TrimEnd('\n').Split('\n');
    }

    private static async Task<string> ReadToEnd(Socket socket)
    {
        var received = new MemoryStream();
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer)) > 0)
        {
            received.Write(buffer, 0, read);
        }

        return Encoding.ASCII.GetString(received.ToArray());
    }

    private static async Task<string[]> TenMegabytesWithoutANewline(string path)
    {
        using Socket socket = Connect(path);
        Task<string[]> replies = ReadLines(socket, 2);
        byte[] chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'A');
        for (int sent = 0; sent < 10 * 1024 * 1024; sent += chunk.Length)
        {
            await socket.SendAsync(chunk);
        }

        await socket.SendAsync("\nPING\n"u8.ToArray());
        return await replies;
    }

    /// <summary>True once the daemon closes a client that never completes a line.</summary>
    private static async Task<bool> OneByteASecondUntilClosed(string path)
    {
        using Socket socket = Connect(path);
        byte[] buffer = new byte[64];
        for (int second = 0; second < Patience.Long.TotalSeconds; second++)
        {
            try
            {
                await socket.SendAsync("P"u8.ToArray());
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                if (await socket.ReceiveAsync(buffer, wait.Token) == 0)
                {
                    return true;
                }
            }
            catch (OperationCanceledException)
            {
                // A second without news from the daemon: the next byte.
            }
            catch (SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True once the daemon closes a client that sends requests and never reads a reply.</summary>
    private static async Task<bool> RequestsNeverReadUntilClosed(string path)
    {
        using Socket socket = Connect(path);
        byte[] pings = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("PING\n", 20_000)));
        try
        {
            while (true)
            {
                await socket.SendAsync(pings);
            }
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<bool> SilentUntilClosed(string path)
    {
        using Socket socket = Connect(path);
        try
        {
            return await socket.ReceiveAsync(new byte[16]) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    /// <summary>A megabyte of random bytes, then a PING and the end of the requests: the last reply.</summary>
    private static async Task<string> RandomBytesThenPing(string path)
    {
        using Socket socket = Connect(path);
        Task<string> replies = ReadToEnd(socket);
        byte[] noise = new byte[1024 * 1024];
        new Random(20).NextBytes(noise);
        await socket.SendAsync(noise);
        await socket.SendAsync("\nPING\n"u8.ToArray());
        socket.Shutdown(SocketShutdown.Send);
        return (await replies).TrimEnd('\n').Split('\n')[^1];
    }

    private static async Task<string[]> HalfClosedAfterTwoRequests(string path)
    {
        using Socket socket = Connect(path);
        await socket.SendAsync("PING\nHIT spam 198.51.100.1 5\n"u8.ToArray());
        socket.Shutdown(SocketShutdown.Send);
        return (await ReadToEnd(socket)).TrimEnd('\n').Split('\n');
    }

    /// <summary>Connections dropped at once, after half a request, or after a request whose reply nobody reads.</summary>
    private static Task ConnectCloseStorm(string path) =>
        Parallel.ForAsync(0, StormConnections, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancel) =>
        {
            using Socket socket = Connect(path);
            switch (i % 3)
            {
                case 1:
                    await socket.SendAsync("PI"u8.ToArray(), cancel);
                    break;
                case 2:
                    await socket.SendAsync("PING\n"u8.ToArray(), cancel);
                    break;
            }
        });

    private static string Score(string runDir, params string[] request)
    {
        ProcessResult result = ProcessResult.Run(Repo.PublishedBinary, ["score", "--run-dir", runDir, .. request]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }
}
