using System.Net.Sockets;
using System.Text;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The published daemon keeps what its tables promise: a table holds its declared capacity with
/// no eviction, and a snapshot cut short by SIGKILL leaves the previous one whole, so every
/// restart brings back every address.
/// </summary>
public class ScoreTableCapacityTests
{
    private const int Scored = 150_000;
    private const int FullCapacity = 100_000;
    private const int Kills = 20;

    [Fact]
    public void TwentySigkillsDuringSnapshotWritesLoseNoAddressAndAFullTableEvictsNone()
    {
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "run");
        string state = Path.Combine(dir.Path, "state");
        string config = dir.Write("tinyfence.conf", $$"""
            set run-dir "{{run}}"
            set state-dir "{{state}}"
            table "spam" { capacity 200000 decay 3 per 1d block above 15 snapshot every 1s blocklist off }
            table "full" { capacity {{FullCapacity}} decay 3 per 1d block above 15 snapshot every 1s blocklist off }
            """);
        string snapshot = Path.Combine(state, "spam.scores");

        RunningDaemon daemon = Repo.StartPublished("run", "-c", config);
        try
        {
            daemon.WaitForLine("serving 2 table(s)");
            string stats = Fill(run, ("spam", Scored), ("full", FullCapacity));
            AssertHolds(stats, "spam", Scored, 200_000);
            AssertHolds(stats, "full", FullCapacity, FullCapacity);

            // A snapshot that holds them all, then a kill in the middle of each of the next writes.
            Patience.WaitForRewrite(snapshot, "a snapshot after the fill");
            Patience.WaitForRewrite(snapshot, "a whole snapshot after the fill");
            // The temporary file exists only while a snapshot is written (a killed write leaves it
            // behind: it is removed while the daemon is down).
            string temporary = snapshot + ".tmp";
            var random = new Random(Kills);
            for (int kill = 1; kill <= Kills; kill++)
            {
                Patience.WaitUntil(() => File.Exists(temporary), $"snapshot write {kill}", intervalMs: 1);
                Thread.Sleep(random.Next(0, 20));
                daemon.Signal(Posix.SIGKILL);
                Assert.Equal(128 + Posix.SIGKILL, daemon.WaitForExit(Patience.Short));
                daemon.Dispose();
                File.Delete(temporary);

                daemon = Repo.StartPublished("run", "-c", config);
                daemon.WaitForLine("serving 2 table(s)");
                Assert.Equal(1, daemon.CountLines($"table \"spam\": {Scored} entries from {snapshot}"));
                Assert.Equal(1, daemon.CountLines($"table \"full\": {FullCapacity} entries from"));
            }

            Assert.Empty(Directory.GetFiles(state, "*.corrupt-*"));
            stats = Request(run, "STATS\n");
            AssertHolds(stats, "spam", Scored, 200_000);
            AssertHolds(stats, "full", FullCapacity, FullCapacity);

            daemon.Signal(Posix.SIGTERM);
            Assert.Equal(0, daemon.WaitForExit(Patience.Short));
        }
        finally
        {
            daemon.Dispose();
        }
    }

    /// <summary>Scores distinct addresses in each table (20 points, pipelined in QUIET mode); returns STATS.</summary>
    private static string Fill(string run, params (string Table, int Count)[] tables)
    {
        var lines = new StringBuilder("QUIET\n");
        foreach ((string table, int count) in tables)
        {
            for (int i = 1; i <= count; i++)
            {
                lines.Append($"HIT {table} 10.{i >> 16}.{(i >> 8) & 255}.{i & 255} 20\n");
            }
        }

        string reply = Request(run, lines.Append("STATS\n").ToString());
        Assert.StartsWith("OK\n", reply, StringComparison.Ordinal);
        return reply;
    }

    /// <summary>Sends the lines on one connection and reads the replies up to the END of STATS.</summary>
    private static string Request(string run, string lines)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(Path.Combine(run, "tinyfence.sock")));
        socket.ReceiveTimeout = (int)Patience.Short.TotalMilliseconds;
        using var stream = new NetworkStream(socket);
        Task send = Task.Run(() => stream.Write(Encoding.ASCII.GetBytes(lines)));
        var replies = new StringBuilder();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        while (reader.ReadLine() is { } line)
        {
            replies.Append(line).Append('\n');
            if (line == "END")
            {
                break;
            }
        }

        send.Wait(Patience.Short);
        return replies.ToString();
    }

    /// <summary>The table's STATS line says it holds <paramref name="entries"/> and evicted none.</summary>
    private static void AssertHolds(string stats, string table, int entries, int capacity)
    {
        string line = stats.Split('\n').Single(l => l.StartsWith(table + " ", StringComparison.Ordinal));
        Assert.StartsWith($"{table} entries={entries} capacity={capacity} ", line, StringComparison.Ordinal);
        Assert.EndsWith(" evictions=0", line, StringComparison.Ordinal);
    }
}
