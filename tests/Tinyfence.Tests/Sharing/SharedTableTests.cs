using System.Globalization;
using Tinyfence.Testing;
using Tinyfence.Tests.Hosting;

namespace Tinyfence.Tests.Sharing;

/// <summary>
/// Three daemons (and a fourth started later) sharing table "spam" through Debian's redis-server:
/// a block made on one reaches the others, the shared score is mod_security's arithmetic over all
/// their hits, a Redis that dies and comes back costs the nodes nothing, and a new node learns
/// the blocks in force.
/// </summary>
public sealed class SharedTableTests : IDisposable
{
    private const string Listening = "listening for blocks";

    private readonly RedisServer _redis = new();
    private readonly List<ScoreDaemon> _nodes = [];
    private readonly List<RunningDaemon> _daemons = [];

    public void Dispose()
    {
        foreach (RunningDaemon daemon in _daemons)
        {
            daemon.Dispose();
        }

        foreach (ScoreDaemon node in _nodes)
        {
            node.Dispose();
        }

        _redis.Dispose();
    }

    [Fact]
    public void SpamFromOneAddressOnOneNodeBlocksItOnTheOthers()
    {
        (ScoreDaemon a, ScoreDaemon b, ScoreDaemon c) = (StartNode("--test-clock"), StartNode("--test-clock"), StartNode("--test-clock"));
        const string Key = "tf:spam:192.0.2.7";

        for (int i = 0; i < 4; i++)
        {
            a.Ask("hit", "spam", "192.0.2.7", "5");
        }

        WaitForBlock(b, "192.0.2.7");
        WaitForBlock(c, "192.0.2.7");
        Assert.Equal("ALLOW", b.Ask("check", "spam", "192.0.2.8"));
        Assert.Equal(20, c.Get("192.0.2.7"));
        Assert.Contains("blocked by another node: 192.0.2.7 20 ", _daemons[1].Stderr, StringComparison.Ordinal);

        // 20 points, 5 over the threshold, 3 a day: blocked for two days from the hits. Six more
        // points push Redis's block end two days further, but the nodes hold the block for more
        // than a day yet: no message (the end last announced, "a", stays), B keeps 20.
        long decayedTo = long.Parse(_redis.Cli("HGET", Key, "d"), CultureInfo.InvariantCulture);
        string announcedEnd = (decayedTo + (2 * 86400)).ToString(CultureInfo.InvariantCulture);
        Assert.Equal(announcedEnd, _redis.Cli("HGET", Key, "a"));
        a.Ask("hit", "spam", "192.0.2.7", "6");
        Patience.WaitUntil(() => _redis.Cli("HGET", Key, "s") == "26", "the six points in redis");
        Assert.Equal((decayedTo + (4 * 86400)).ToString(CultureInfo.InvariantCulture), _redis.Cli("ZSCORE", "tf:spam:blocked", "192.0.2.7"));
        Assert.Equal(announcedEnd, _redis.Cli("HGET", Key, "a"));

        // A day and an hour later the announced end is less than a day away: the next hit renews
        // the block on every node, with Redis's score (26 less a day's 3, plus 1), logged on none.
        foreach (ScoreDaemon node in new[] { a, b, c })
        {
            Assert.Equal("OK", node.Ask("advance", "90000"));
        }

        a.Ask("hit", "spam", "192.0.2.7", "1");
        Patience.WaitUntil(() => b.Get("192.0.2.7") == 24, "the renewed block on B");
        Assert.Equal((decayedTo + (4 * 86400)).ToString(CultureInfo.InvariantCulture), _redis.Cli("HGET", Key, "a"));
        Assert.Equal(1, _daemons[1].CountLines("blocked by another node"));

        // Its connections closed, a shared node stops as any other.
        _daemons[0].Signal(Posix.SIGTERM);
        Assert.Equal(0, _daemons[0].WaitForExit(Patience.Short));
    }

    [Fact]
    public void TheSharedScoreIsModSecurityArithmeticOverTheHitsOfEveryNode()
    {
        (ScoreDaemon a, ScoreDaemon b, ScoreDaemon c) = (StartNode("--test-clock"), StartNode("--test-clock"), StartNode("--test-clock"));
        const string Key = "tf:spam:198.51.100.4";

        a.Ask("hit", "spam", "198.51.100.4", "10");
        b.Ask("hit", "spam", "198.51.100.4", "4");
        Patience.WaitUntil(() => _redis.Cli("HGET", Key, "s") == "14", "the first 14 points in redis");
        long decayedTo = long.Parse(_redis.Cli("HGET", Key, "d"), CultureInfo.InvariantCulture);

        // A day and an hour later on every node: deprecatevar:IP.spam=3/86400 takes 3 points for
        // the one whole day (14 - 3 = 11) and keeps the hour; 3 more from B and 2 from A make 16,
        // above 15: blocked everywhere, C included, where no hit was taken.
        foreach (ScoreDaemon node in new[] { a, b, c })
        {
            Assert.Equal("OK", node.Ask("advance", "90000"));
        }

        b.Ask("hit", "spam", "198.51.100.4", "3");
        a.Ask("hit", "spam", "198.51.100.4", "2");

        WaitForBlock(c, "198.51.100.4");
        Assert.Equal("16", _redis.Cli("HGET", Key, "s"));
        Assert.Equal((decayedTo + 86400).ToString(CultureInfo.InvariantCulture), _redis.Cli("HGET", Key, "d"));
        Assert.Equal(16, c.Get("198.51.100.4"));

        // One point over the threshold decays away in one period: the block ends a day after it was decayed to.
        Assert.Equal((decayedTo + (2 * 86400)).ToString(CultureInfo.InvariantCulture), _redis.Cli("ZSCORE", "tf:spam:blocked", "198.51.100.4"));
    }

    [Fact]
    public void RedisKilledAndRestartedCostsTheNodesNothingAndBlocksPropagateAgain()
    {
        (ScoreDaemon a, ScoreDaemon b, ScoreDaemon c) = (StartNode(), StartNode(), StartNode());

        _redis.Kill();
        Assert.Equal("5", a.Ask("hit", "spam", "203.0.113.9", "5"));
        _daemons[0].WaitForLine("is out of reach");
        foreach (ScoreDaemon node in new[] { a, b, c })
        {
            Assert.Equal("PONG", node.Ask("ping"));
        }

        // Blocked on A alone while Redis is away; the hits wait in A's backlog.
        Assert.Equal("25", a.Ask("hit", "spam", "203.0.113.9", "20"));
        Assert.Equal("BLOCK", a.Ask("check", "spam", "203.0.113.9"));

        _redis.Start();
        _daemons[0].WaitForLine("is reachable again");
        Patience.WaitUntil(() => _redis.Cli("HGET", "tf:spam:203.0.113.9", "s") == "25", "A's backlog applied in redis");
        WaitForBlock(b, "203.0.113.9");
        WaitForBlock(c, "203.0.113.9");

        // A block made after the restart travels as before.
        Patience.WaitUntil(() => _daemons.TrueForAll(daemon => daemon.CountLines(Listening) == 2), "every node listening again");

        b.Ask("hit", "spam", "203.0.113.10", "16");
        WaitForBlock(a, "203.0.113.10");
        WaitForBlock(c, "203.0.113.10");

        // Said once per node, however many times it tried meanwhile.
        Assert.All(_daemons, daemon => Assert.Equal(1, daemon.CountLines("is out of reach")));

        // Stopped while Redis is away again: the pause between attempts ends with the daemon.
        int seen = _daemons[2].LineCount;
        _redis.Kill();
        _daemons[2].WaitForLine("is out of reach", skip: seen);
        _daemons[2].Signal(Posix.SIGTERM);
        Assert.Equal(0, _daemons[2].WaitForExit(Patience.Short));
    }

    [Fact]
    public void ANodeStartedLaterLearnsTheBlocksInForce()
    {
        ScoreDaemon a = StartNode();
        a.Ask("hit", "spam", "192.0.2.44", "30");
        Patience.WaitUntil(() => _redis.Cli("ZSCORE", "tf:spam:blocked", "192.0.2.44").Length > 0, "the block in redis");

        ScoreDaemon late = StartNode();

        Assert.Equal("BLOCK", late.Ask("check", "spam", "192.0.2.44"));
        Assert.Equal(30, late.Get("192.0.2.44"));
        Assert.Contains("1 blocked addresses adopted", _daemons[1].Stderr, StringComparison.Ordinal);
    }

    /// <summary>A daemon serving table "spam" shared through the test's Redis, started and listening.</summary>
    private ScoreDaemon StartNode(params string[] options)
    {
        var node = new ScoreDaemon();
        _nodes.Add(node);
        node.Configure(ScoreDaemon.Table(extra: $"share redis \"{_redis.Url}\""));
        RunningDaemon daemon = node.Start(options);
        _daemons.Add(daemon);
        daemon.WaitForLine(Listening);
        return node;
    }

    private static void WaitForBlock(ScoreDaemon node, string address) =>
        Patience.WaitUntil(() => node.Ask("check", "spam", address) == "BLOCK", $"{address} blocked on another node");
}
