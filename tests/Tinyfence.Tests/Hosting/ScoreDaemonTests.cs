using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Blocklist;
using Tinyfence.Tests.Support;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Hosting;

/// <summary>
/// The daemon serving score tables, as a real process: the score client, snapshots across
/// restarts, reloads that keep, reshape or remove tables, the blocklist map, table figures in
/// rules, the test clock, and a second daemon that must not take over.
/// </summary>
public sealed class ScoreDaemonTests : IDisposable
{
    private static readonly TimeSpan s_stop = Patience.Short;

    private readonly ScoreDaemon _env = new();

    public void Dispose() => _env.Dispose();

    [Fact]
    public void TheScoreClientSpeaksEveryVerbAndExits0And1Or69()
    {
        _env.Configure(ScoreDaemon.Table());
        using RunningDaemon daemon = _env.Start();

        Assert.Equal("PONG", _env.Ask("ping"));
        Assert.Equal("OK", _env.Ask("set", "spam", "192.0.2.1", "20"));
        Assert.Equal("20", _env.Ask("get", "spam", "192.0.2.1"));
        Assert.Equal("21", _env.Ask("hit", "spam", "192.0.2.1"));
        Assert.Equal("26", _env.Ask("HIT", "spam", "::ffff:192.0.2.1", "5"));
        Assert.Equal("3", _env.Ask("hit", "spam", "2001:db8::1", "3"));
        Assert.Equal("BLOCK", _env.Ask("check", "spam", "192.0.2.1"));
        Assert.Equal("ALLOW", _env.Ask("check", "spam", "2001:db8::1"));
        Assert.Equal("ALLOW", _env.Ask("check", "spam", "192.0.2.99"));
        Assert.Equal("0", _env.Ask("get", "spam", "192.0.2.99"));
        Assert.Equal("192.0.2.1 26\n2001:db8::1 3", _env.Ask("top", "spam", "5"));
        Assert.Equal("192.0.2.1 26", _env.Ask("top", "spam", "1"));
        Assert.StartsWith("spam entries=2 capacity=1000 ", _env.Ask("stats"), StringComparison.Ordinal);
        Assert.Equal("DELETED", _env.Ask("del", "spam", "2001:db8::1"));
        Assert.Equal("NOTFOUND", _env.Ask("del", "spam", "2001:db8::1"));

        // An ERR reply: status 1, the reply on stderr.
        AssertFails(1, "ERR unknown table", "get", "nosuch", "192.0.2.1");
        AssertFails(1, "ERR bad address", "get", "spam", "192.0.2.256");
        AssertFails(1, "ERR bad number", "hit", "spam", "192.0.2.1", "-1");
        AssertFails(1, "ERR wrong number of arguments", "get", "spam");
        AssertFails(1, "ERR clock is fixed", "advance", "60");

        // No daemon there: 69. Not a request: 64.
        ProcessResult gone = ProcessResult.Run(TinyfenceProgram.Path, ["score", "--socket", Path.Combine(_env.Directory, "none.sock"), "ping"]);
        Assert.True(gone.ExitCode == 69, gone.ToString());
        Assert.Contains("no answer from", gone.Stderr, StringComparison.Ordinal);
        AssertFails(64, "give a request", "frobnicate");
        AssertFails(64, "unknown option", "--bogus", "1", "ping");

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));

        // The daemon stopped: 69 again, at once.
        ProcessResult stopped = _env.Score("ping");
        Assert.True(stopped.ExitCode == 69, stopped.ToString());
    }

    [Fact]
    public void SigtermSavesTheSnapshotAndTheNextStartLoadsIt()
    {
        _env.Configure(ScoreDaemon.Table());
        using (RunningDaemon daemon = _env.Start())
        {
            _env.Ask("set", "spam", "192.0.2.1", "40");
            _env.Ask("set", "spam", "2001:db8::7", "9");
            Assert.False(File.Exists(_env.SnapshotPath()));
            daemon.Signal(Posix.SIGTERM);
            Assert.Equal(0, daemon.WaitForExit(s_stop));
        }

        Assert.True(File.Exists(_env.SnapshotPath()));
        using (RunningDaemon daemon = _env.Start())
        {
            daemon.WaitForLine($"table \"spam\": 2 entries from {_env.SnapshotPath()}");
            Assert.Equal(40, _env.Get("192.0.2.1"));
            Assert.Equal(9, _env.Get("2001:db8::7"));
            daemon.Signal(Posix.SIGTERM);
            Assert.Equal(0, daemon.WaitForExit(s_stop));
        }
    }

    [Fact]
    public void ACorruptSnapshotIsReportedMovedAsideAndTheDaemonStartsEmpty()
    {
        _env.Configure(ScoreDaemon.Table());
        Directory.CreateDirectory(_env.StateDir);
        File.WriteAllBytes(_env.SnapshotPath(), [.. "TFSCORE1"u8, .. new byte[100]]);

        using RunningDaemon daemon = _env.Start();
        daemon.WaitForLine("table \"spam\": snapshot ");
        Assert.Contains("moved to", daemon.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_env.SnapshotPath()));
        Assert.Single(Directory.GetFiles(_env.StateDir, "spam.scores.corrupt-*"));
        Assert.Equal(0, _env.Get("192.0.2.1"));
        Assert.Equal("OK", _env.Ask("set", "spam", "192.0.2.1", "3"));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
        Assert.True(File.Exists(_env.SnapshotPath()));
    }

    [Fact]
    public void SighupWithAnUnchangedTableKeepsItsEntriesAndItsViewFile()
    {
        using RunningDaemon daemon = StartWithAnEntry();
        long inode = ScoreDaemon.Inode(_env.ViewPath());
        using TableView view = TableView.TryOpen(_env.ViewPath())!;

        // Only a rule changes: the table stays as it is.
        _env.Configure(ScoreDaemon.Table() + "\nrule \"r\" { la1 >= 0 } log once");
        int before = daemon.LineCount;
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine("reloaded", before);

        AssertTheSameTableFileServesTheEntry(view, inode);

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }

    [Fact]
    public void SighupWithAnotherCapacityRebuildsTheTableWithItsEntriesAndRetiresTheOldView()
    {
        _env.Configure(ScoreDaemon.Table(capacity: 1000));
        using RunningDaemon daemon = _env.Start();
        for (int i = 1; i <= 50; i++)
        {
            _env.Ask("set", "spam", $"192.0.2.{i}", (i + 10).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using TableView old = TableView.TryOpen(_env.ViewPath())!;
        using LineProcess map = LineProcess.Start(TinyfenceProgram.Path, ["map", "--table", "spam", "--op", "get", "--run-dir", _env.RunDir]);
        Assert.Equal("11", SharedViewProcessTests.Ask(map, "192.0.2.1"));

        _env.Configure(ScoreDaemon.Table(capacity: 20000));
        int before = daemon.LineCount;
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine("table \"spam\" reshaped: 50 entries carried over", before);
        daemon.WaitForLine("reloaded", before);

        Assert.True(old.IsRetired);
        using TableView fresh = TableView.TryOpen(_env.ViewPath())!;
        Assert.Equal(20000, fresh.Capacity);
        Assert.True(fresh.TryGetScore(Keys.V4(192, 0, 2, 50), fresh.Now, out int score));
        Assert.Equal(60, score);
        Assert.Contains("spam entries=50 capacity=20000", _env.Ask("stats"), StringComparison.Ordinal);

        // The daemon writes the new table only; the running map follows it.
        _env.Ask("set", "spam", "192.0.2.1", "77");
        SharedViewProcessTests.WaitForAnswer(map, "192.0.2.1", "77");
        Assert.True(old.TryGetScore(Keys.V4(192, 0, 2, 1), old.Now, out score));
        Assert.Equal(11, score);

        // Still healthy after its upkeep ran over the new table (and not over the old one): the
        // blocked count comes from the sweep, and 192.0.2.1 is the 46th blocked address.
        WaitFor(() => _env.Ask("stats") is var stats
            && stats.Contains("spam entries=50 capacity=20000 ", StringComparison.Ordinal)
            && stats.Contains(" blocked=46 ", StringComparison.Ordinal), "sweep of the new table");
        Assert.Equal("PONG", _env.Ask("ping"));
        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
        Assert.DoesNotContain("no longer in the config", daemon.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void SighupRemovingATableSavesItAndAddingItBackLoadsIt()
    {
        _env.Configure(ScoreDaemon.Table() + "\n" + ScoreDaemon.Table("ham"));
        using RunningDaemon daemon = _env.Start();
        _env.Ask("set", "ham", "192.0.2.5", "12");

        _env.Configure(ScoreDaemon.Table());
        int before = daemon.LineCount;
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine("table \"ham\" is no longer in the config: saved", before);
        Assert.True(File.Exists(_env.SnapshotPath("ham")));
        ProcessResult gone = _env.Score("get", "ham", "192.0.2.5");
        Assert.True(gone.ExitCode == 1, gone.ToString());

        _env.Configure(ScoreDaemon.Table() + "\n" + ScoreDaemon.Table("ham"));
        before = daemon.LineCount;
        daemon.Signal(Posix.SIGHUP);
        daemon.WaitForLine("table \"ham\": 1 entries from", before);
        Assert.Equal(12, _env.Get("192.0.2.5", "ham"));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }

    [Fact]
    public void TheBlocklistListsTheBlockedAddressesAndIsRewrittenOnlyWhenTheyChange()
    {
        _env.Configure(ScoreDaemon.Table(extra: "blocklist every 1s snapshot every 1s"));
        using RunningDaemon daemon = _env.Start();
        _env.Ask("set", "spam", "192.0.2.1", "20");
        _env.Ask("set", "spam", "192.0.2.2", "5");
        _env.Ask("set", "spam", "2001:db8::1", "16");
        string pag = _env.BlocklistBase() + ".pag";
        // The daemon may write the map between the two SETs; the next rewrite follows within a second.
        WaitFor(() => File.Exists(pag) && Lookup("192.0.2.1", "2001:db8::1").All(v => v == "BLOCK"), "the blocklist with both blocked addresses");
        Assert.Equal(["BLOCK", "NULL", "BLOCK", "NULL"], Lookup("192.0.2.1", "192.0.2.2", "2001:db8::1", "192.0.2.3"));
        Assert.True(File.Exists(_env.BlocklistBase() + ".dir"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(pag));

        // Nothing changes in the blocked set (a blocked score rising, an unblocked one): no rewrite,
        // not even at the third upkeep after, which is past the blocklist's own one-second spacing.
        (long inode, DateTime written) = (ScoreDaemon.Inode(pag), File.GetLastWriteTimeUtc(pag));
        _env.Ask("set", "spam", "192.0.2.1", "30");
        _env.Ask("hit", "spam", "192.0.2.2");
        _env.WaitForSnapshots(3);
        Assert.Equal((inode, written), (ScoreDaemon.Inode(pag), File.GetLastWriteTimeUtc(pag)));

        // One more blocked address: rewritten within a second or two.
        _env.Ask("set", "spam", "192.0.2.3", "99");
        WaitFor(() => Lookup("192.0.2.3")[0] == "BLOCK", "192.0.2.3 in the blocklist");
        Assert.Equal(["BLOCK", "NULL", "BLOCK", "BLOCK"], Lookup("192.0.2.1", "192.0.2.2", "2001:db8::1", "192.0.2.3"));

        // Unblocked again: gone from the map.
        _env.Ask("del", "spam", "192.0.2.1");
        WaitFor(() => Lookup("192.0.2.1")[0] == "NULL", "192.0.2.1 out of the blocklist");

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }

    [Fact]
    public void ABlockedRuleFiresOnceAnAddressIsBlocked()
    {
        _env.Configure(ScoreDaemon.Table() + """

            set step 200ms
            rule "spammers" { blocked "spam" > 0 } log
            rule "beat" { scored "spam" > 0 } log
            """);
        using RunningDaemon daemon = _env.Start();
        _env.Ask("set", "spam", "192.0.2.1", "15"); // 15 is not above 15

        // "beat" fires once there is an address, a step (200 ms of the daemon's own time) after
        // another: twelve of them span upkeeps (which count the blocked) and checks of
        // "spammers" after them, however slow the machine.
        int beat = -1;
        for (int i = 0; i < 12; i++)
        {
            beat = daemon.WaitForLine("rule \"beat\" fired", beat + 1);
        }

        Assert.Equal(0, daemon.CountLines("rule \"spammers\" fired"));

        _env.Ask("hit", "spam", "192.0.2.1");
        daemon.WaitForLine("rule \"spammers\" fired");

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }

    [Fact]
    public void WithTheTestClockAdvanceDecaysScoresForTheDaemonAndTheMap()
    {
        _env.Configure(ScoreDaemon.Table());
        using RunningDaemon daemon = _env.Start("--test-clock");
        _env.Ask("set", "spam", "192.0.2.1", "20");
        using LineProcess map = LineProcess.Start(TinyfenceProgram.Path, ["map", "--table", "spam", "--run-dir", _env.RunDir]);
        Assert.Equal("BLOCK", SharedViewProcessTests.Ask(map, "192.0.2.1"));

        Assert.Equal("OK", _env.Ask("advance", "86400"));
        Assert.Equal(17, _env.Get("192.0.2.1"));
        Assert.Equal("BLOCK", SharedViewProcessTests.Ask(map, "192.0.2.1"));

        Assert.Equal("OK", _env.Ask("advance", "86400"));
        Assert.Equal(14, _env.Get("192.0.2.1"));
        Assert.Equal("ALLOW", _env.Ask("check", "spam", "192.0.2.1"));
        Assert.Equal("ALLOW", SharedViewProcessTests.Ask(map, "192.0.2.1"));

        // Decayed to nothing: the sweep drops the entry.
        Assert.Equal("OK", _env.Ask("advance", "864000"));
        WaitFor(() => _env.Ask("stats").Contains("spam entries=0 ", StringComparison.Ordinal), "the sweep to drop the entry");

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(s_stop));
    }

    [Fact]
    public void ASecondDaemonOnTheSameSocketRefusesToStartAndLeavesTheFirstAlone()
    {
        using RunningDaemon first = StartWithAnEntry();
        long inode = ScoreDaemon.Inode(_env.ViewPath());
        using TableView view = TableView.TryOpen(_env.ViewPath())!;

        using RunningDaemon second = TinyfenceProgram.Start("run", "-c", _env.ConfigPath);
        Assert.Equal(78, second.WaitForExit(s_stop));
        Assert.Contains("another server is listening", second.Stderr, StringComparison.Ordinal);

        // The first daemon still serves, and its table file is still the one readers map.
        Assert.False(first.HasExited);
        AssertTheSameTableFileServesTheEntry(view, inode);
        Assert.Empty(Directory.GetFiles(_env.RunDir, "spam.table.new-*"));

        first.Signal(Posix.SIGTERM);
        Assert.Equal(0, first.WaitForExit(s_stop));
    }

    // The table configured, a daemon started on it, and 192.0.2.1 set to 20.
    private RunningDaemon StartWithAnEntry()
    {
        _env.Configure(ScoreDaemon.Table());
        RunningDaemon daemon = _env.Start();
        _env.Ask("set", "spam", "192.0.2.1", "20");
        return daemon;
    }

    // StartWithAnEntry's entry is still served, from the same table file: the reader's view is not
    // retired and sees a new score.
    private void AssertTheSameTableFileServesTheEntry(TableView view, long inode)
    {
        Assert.Equal(inode, ScoreDaemon.Inode(_env.ViewPath()));
        Assert.False(view.IsRetired);
        Assert.Equal(20, _env.Get("192.0.2.1"));
        _env.Ask("set", "spam", "192.0.2.1", "21");
        Assert.True(view.TryGetScore(Keys.V4(192, 0, 2, 1), view.Now, out int score));
        Assert.Equal(21, score);
    }

    private void AssertFails(int status, string message, params string[] args)
    {
        ProcessResult result = _env.Score(args);
        Assert.True(result.ExitCode == status, result.ToString());
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Equal("", result.Stdout);
    }

    private string[] Lookup(params string[] keys) => SdbmLookupTool.Lookup(_env.BlocklistBase(), keys);

    private static void WaitFor(Func<bool> condition, string what) => Patience.WaitUntil(condition, what, intervalMs: 100);
}
