using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The published static binary as the score daemon and as every adapter Apache runs: the daemon
/// with a table, the score client, the map answering from the shared view (and sending hits),
/// the feed scoring log lines, the filter scoring bodies in bounded memory.
/// </summary>
public class ScoreTableEndToEndTests
{
    private static readonly TimeSpan s_answer = Patience.Short;
    private static readonly TimeSpan s_stop = Patience.Short;

    [Fact]
    public async Task DaemonScoreMapFeedAndFilterWorkTogether()
    {
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "run");
        string state = Path.Combine(dir.Path, "state");
        string config = dir.Write("tinyfence.conf", $$"""
            set run-dir "{{run}}"
            set state-dir "{{state}}"
            table "spam" { capacity 4096 decay 3 per 1d block above 15 blocklist every 1s }
            """);
        using RunningDaemon daemon = Repo.StartPublished("run", "-c", config);
        daemon.WaitForLine("serving 1 table(s)");

        Assert.Equal("OK", Score(run, "set", "spam", "192.0.2.1", "20"));
        Assert.Equal("21", Score(run, "hit", "spam", "192.0.2.1"));
        Assert.Equal("BLOCK", Score(run, "check", "spam", "192.0.2.1"));
        Assert.Equal("ALLOW", Score(run, "check", "spam", "192.0.2.2"));
        ProcessResult error = ProcessResult.Run(Repo.PublishedBinary, ["score", "--run-dir", run, "get", "nosuch", "192.0.2.1"]);
        Assert.True(error.ExitCode == 1, error.ToString());

        // The map answers from the view, and a blocked lookup sends +1 without waiting.
        using (LineProcess map = LineProcess.Start(Repo.PublishedBinary, ["map", "--table", "spam", "--run-dir", run, "--hit-blocked", "1"]))
        {
            Assert.Equal("BLOCK", Ask(map, "192.0.2.1"));
            Assert.Equal("ALLOW", Ask(map, "192.0.2.2"));
            Assert.Equal("NULL", Ask(map, "garbage"));
            Assert.Equal("NULL", Ask(map, new string('7', 100 * 1024)));
            map.CloseInput();
            Assert.Equal(0, map.WaitForExit(s_stop));
        }

        WaitFor(() => Score(run, "get", "spam", "192.0.2.1") == "22", "the map's hit");

        // The feed: every line logged; a request from a blocked address +1, a 404 +2.
        string log = Path.Combine(dir.Path, "access.log");
        using (LineProcess feed = LineProcess.Start(Repo.PublishedBinary,
            ["feed", "--table", "spam", "--run-dir", run, "--status", "404=2", "--log", log]))
        {
            feed.WriteLine("192.0.2.1 - - [25/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 403 199");
            feed.WriteLine("192.0.2.9 - - [25/Nov/2026:10:00:00 +0000] \"GET /wp-login.php HTTP/1.1\" 404 199");
            feed.CloseInput();
            Assert.Equal(0, feed.WaitForExit(s_stop));
        }

        Assert.Equal(2, File.ReadAllLines(log).Length);
        WaitFor(() => Score(run, "get", "spam", "192.0.2.1") == "23" && Score(run, "get", "spam", "192.0.2.9") == "2", "the feed's hits");

        // The filter: a 20 MB body copied unchanged in a few MB, with the pattern's points added.
        string patterns = dir.Write("patterns", "viagra-offer\n");
        using (LineProcess filter = LineProcess.Start(Repo.PublishedBinary,
            ["filter", "--table", "spam", "--add", "30", "--patterns", patterns, "--run-dir", run],
            new Dictionary<string, string> { ["REMOTE_ADDR"] = "192.0.2.44" }))
        {
            byte[] body = new byte[20 * 1024 * 1024];
            new Random(5).NextBytes(body);
            Encoding.ASCII.GetBytes("text=VIAGRA-offer").CopyTo(body, 10 * 1024 * 1024);
            var received = new MemoryStream();
            Task reader = Task.Run(() => filter.Output.CopyTo(received));
            long hwm = 0;
            for (int offset = 0; offset < body.Length; offset += 64 * 1024)
            {
                filter.Input.Write(body, offset, 64 * 1024);
                if (offset % (2 * 1024 * 1024) == 0)
                {
                    hwm = Math.Max(hwm, filter.StatusKiB("VmHWM"));
                }
            }

            filter.Input.Flush();
            hwm = Math.Max(hwm, filter.StatusKiB("VmHWM"));
            filter.CloseInput();
            await reader.WaitAsync(Patience.Long);
            Assert.Equal(0, filter.WaitForExit(s_stop));
            Assert.Equal(SHA256.HashData(body), SHA256.HashData(received.ToArray()));
            Assert.True(hwm is > 0 and < 10 * 1024, $"the filter's VmHWM was {hwm} kB for a 20 MB body");
        }

        Assert.Equal("30", Score(run, "get", "spam", "192.0.2.44"));
        WaitFor(() => File.Exists(Path.Combine(run, "spam.blocked.pag")), "the blocklist");

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
        Assert.True(File.Exists(Path.Combine(state, "spam.scores")));
    }

    [Fact]
    public void ReloadThatReshapesATableKeepsServingAndTheMapFollows()
    {
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "run");
        string Config(int capacity) => dir.Write("tinyfence.conf", $$"""
            set run-dir "{{run}}"
            set state-dir "{{dir.Path}}/state"
            table "spam" { capacity {{capacity}} decay 3 per 1d block above 15 }
            """);
        string config = Config(1000);
        using RunningDaemon daemon = Repo.StartPublished("run", "-c", config);
        daemon.WaitForLine("serving 1 table(s)");
        Score(run, "set", "spam", "192.0.2.1", "20");
        using LineProcess map = LineProcess.Start(Repo.PublishedBinary, ["map", "--table", "spam", "--op", "get", "--run-dir", run]);
        Assert.Equal("20", Ask(map, "192.0.2.1"));

        Config(50000);
        int before = daemon.LineCount;
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine("reloaded", before);
        Score(run, "set", "spam", "192.0.2.1", "31");
        WaitFor(() => Ask(map, "192.0.2.1") == "31", "the map on the reshaped table");
        // The daemon lives on through its upkeep of the reshaped table: one more blocked address
        // is counted by a sweep after it was set.
        Score(run, "set", "spam", "192.0.2.2", "40");
        WaitFor(() => Score(run, "stats") is var stats
            && stats.Contains("spam entries=2 capacity=50000 ", StringComparison.Ordinal)
            && stats.Contains(" blocked=2 ", StringComparison.Ordinal), "sweep of the reshaped table");

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }

    internal static string Ask(LineProcess map, string key)
    {
        map.WriteLine(key);
        return map.ReadLine(s_answer) ?? throw new InvalidOperationException("the map's output ended; stderr:\n" + map.Stderr);
    }

    private static string Score(string runDir, params string[] request)
    {
        ProcessResult result = ProcessResult.Run(Repo.PublishedBinary, ["score", "--run-dir", runDir, .. request]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.TrimEnd('\n');
    }

    private static void WaitFor(Func<bool> condition, string what) => Patience.WaitUntil(condition, what, intervalMs: 100);
}
