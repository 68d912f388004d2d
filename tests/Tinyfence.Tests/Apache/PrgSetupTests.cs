using Tinyfence.Testing;

namespace Tinyfence.Tests.Apache;

/// <summary>One Apache with the shipped <c>tinyfence-prg.conf</c> and its daemon, shared by <see cref="PrgSetupTests"/>.</summary>
public sealed class PrgSite : IDisposable
{
    // Test only, after the shipped snippet: the map's raw answer for a key taken from a header, so
    // a test can hand it keys that are not addresses (mod_remoteip never lets such a key reach
    // %{REMOTE_ADDR}); and a second map over a table that has no view, to see the fallback.
    private const string ProbeConfig = """
        RewriteMap tfabsent "prg:/usr/sbin/tinyfence map --table absent --op check --run-dir /run/tinyfence --fallback NOVIEW"
        RewriteCond %{HTTP:X-Map-Key} ^(.+)$
        RewriteRule ^/probe\.txt$ - [E=MAPANSWER:${tf:%1|EMPTY}]
        RewriteCond %{HTTP:X-Map-Key} ^(.+)$
        RewriteRule ^/probe-absent\.txt$ - [E=MAPANSWER:${tfabsent:%1|EMPTY}]
        Header always set X-Map-Answer "%{MAPANSWER}e"
        """;

    public PrgSite()
    {
        Site = new TinyfenceSite("tinyfence-prg.conf", extraApacheConfig: ProbeConfig);
        Site.Apache.WriteDocument("probe.txt", "probe\n");
        Site.Apache.WriteDocument("probe-absent.txt", "probe\n");
    }

    internal TinyfenceSite Site { get; }

    public void Dispose() => Site.Dispose();
}

/// <summary>
/// The seed's policy through the <c>RewriteMap prg:</c> adapter with a real Apache: the map
/// answers from the daemon's shared view, so every point counts for the very next request.
/// </summary>
public sealed class PrgSetupTests(PrgSite fixture) : IClassFixture<PrgSite>
{
    private readonly TinyfenceSite _site = fixture.Site;

    [Fact]
    public async Task RequestsPassUntilTheScoreIsAboveFifteenThenGet403AndEachAddsAPoint()
    {
        const string Client = "192.0.2.10";

        Assert.Equal(200, await _site.StatusAsync(Client));
        Assert.Equal("15", _site.Score($"HIT spam {Client} 15"));
        Assert.Equal(200, await _site.StatusAsync(Client)); // 15 is not above 15
        Assert.Equal(15, _site.ScoreOf(Client));            // a request that passes scores nothing
        Assert.Equal("16", _site.Score($"HIT spam {Client}"));

        Assert.Equal(403, await _site.StatusAsync(Client));
        // Hits go to the daemon without waiting for it: the score follows a moment later.
        _site.WaitForScore(Client, 17); // +1 for the blocked request
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(403, await _site.StatusAsync(Client));
        }

        _site.WaitForScore(Client, 20); // +1 for each blocked request
        Assert.Equal(200, await _site.StatusAsync("192.0.2.11"));
        Thread.Sleep(200);
        Assert.Equal(20, _site.ScoreOf(Client));
    }

    [Fact]
    public async Task AnIPv6ClientIsBlockedLikeAnIPv4One()
    {
        const string Client = "2001:db8:0:0::10";

        Assert.Equal(200, await _site.StatusAsync(Client));
        Assert.Equal("OK", _site.Score("SET spam 2001:db8::10 16"));

        Assert.Equal(403, await _site.StatusAsync(Client));
        Assert.Equal(200, await _site.StatusAsync("2001:db8::11"));
        _site.WaitForScore("2001:db8::10", 17); // +1 for the blocked request
    }

    [Fact]
    public async Task ASpamPostThroughTheFilterBlocksTheAddressForItsNextRequest()
    {
        const string Spammer = "198.51.100.20";
        const string Commenter = "198.51.100.21";

        ApacheReply clean = await _site.Apache.PostAsync("/comments", TinyfenceSite.CleanBody, Commenter);
        ApacheReply spam = await _site.Apache.PostAsync("/comments", TinyfenceSite.SpamBody, Spammer);

        // The check ran before the body was read: the spam itself is answered as usual (404 here,
        // there is no comment handler), then the filter has already added its points.
        Assert.True(spam.Status is 404 or 405, $"{spam}\n{_site.Apache.Describe()}");
        Assert.Equal(clean.Status, spam.Status);
        Assert.Equal(TinyfenceSite.SpamPoints, _site.ScoreOf(Spammer));
        Assert.Equal(0, _site.ScoreOf(Commenter));
        Assert.Equal(403, await _site.StatusAsync(Spammer));
        Assert.Equal(200, await _site.StatusAsync(Commenter));
        ApacheReply again = await _site.Apache.PostAsync("/comments", TinyfenceSite.SpamBody, Spammer);
        Assert.Equal(403, again.Status);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("01.2.3.4")]        // leading zero: octal in some parsers
    [InlineData("::")]              // the unspecified address marks an empty slot
    [InlineData("fe80::1%eth0")]    // zone ids are not keys
    [InlineData("[2001:db8::1]")]
    [InlineData("192.0.2.1, 192.0.2.2")]
    [InlineData("192.0.2.1 192.0.2.2")]
    [InlineData("' OR 1=1 --")]
    [InlineData("%00")]
    [InlineData("BLOCK")]
    public async Task AKeyThatIsNotAnAddressIsAnsweredNullAndTheMapGoesOn(string key)
    {
        const string Blocked = "192.0.2.40";
        _site.Score($"SET spam {Blocked} 40");

        ApacheReply probe = await Probe("/probe.txt", key);
        // The same garbage as a client's X-Forwarded-For: mod_remoteip refuses it or ignores it.
        ApacheReply forwarded = await _site.Apache.GetAsync("/", key);

        Assert.Equal(200, probe.Status);
        Assert.Equal("EMPTY", probe.Header("X-Map-Answer")); // NULL: mod_rewrite's default
        Assert.True(forwarded.Status is 200 or 400, $"{forwarded}\n{_site.Apache.Describe()}");
        Assert.Equal("BLOCK", (await Probe("/probe.txt", Blocked)).Header("X-Map-Answer"));
        Assert.Equal(403, await _site.StatusAsync(Blocked));
        Assert.Equal(200, await _site.StatusAsync("192.0.2.41"));
    }

    [Fact]
    public async Task AnOverLongKeyIsAnsweredNullAndTheNextKeyIsAnsweredRight()
    {
        ApacheReply longKey = await Probe("/probe.txt", new string('1', 300));
        ApacheReply next = await Probe("/probe.txt", "192.0.2.42");

        Assert.Equal("EMPTY", longKey.Header("X-Map-Answer"));
        Assert.Equal("ALLOW", next.Header("X-Map-Answer"));
    }

    [Fact]
    public async Task ATableWithNoViewGetsTheFallback()
    {
        ApacheReply reply = await Probe("/probe-absent.txt", "192.0.2.43");

        Assert.Equal(200, reply.Status);
        Assert.Equal("NOVIEW", reply.Header("X-Map-Answer"));
    }

    [Fact]
    public async Task ApacheKeepsServingWhileTheDaemonIsKilledAndRecoversWhenItIsBack()
    {
        const string Blocked = "203.0.113.30";
        const string Allowed = "203.0.113.31";
        const string Spammer = "203.0.113.32";
        const string LaterBlocked = "203.0.113.33";
        Assert.Equal("OK", _site.Score($"SET spam {Blocked} 20"));
        Assert.Equal(403, await _site.StatusAsync(Blocked));
        // Its +1 in, then a snapshot after it: no save can fall between a hit and the kill.
        _site.WaitForScore(Blocked, 21);
        _site.WaitForSnapshotAfterNow();

        _site.KillDaemon();

        // The map answers from the view's last state: the blocked stay blocked, others pass, and
        // nothing waits for the dead daemon (hits and the filter's points are dropped).
        for (int i = 0; i < 10; i++)
        {
            int blocked = await _site.StatusAsync(Blocked);
            int allowed = await _site.StatusAsync(Allowed);
            int spam = (await _site.Apache.PostAsync("/comments", TinyfenceSite.SpamBody, Spammer)).Status;
            Assert.Equal((403, 200, 404), (blocked, allowed, spam));
        }

        _site.StartDaemon();

        // The snapshot brought the score back; the new daemon retired the old view, and the map
        // reopens the new one (at most a second later) and reconnects for its hits.
        Assert.Equal(21, _site.ScoreOf(Blocked));
        Assert.Equal(0, _site.ScoreOf(Spammer));
        Assert.Equal("OK", _site.Score($"SET spam {LaterBlocked} 20"));
        await _site.WaitUntilAsync(async () => await _site.StatusAsync(LaterBlocked) == 403,
            "403 for an address blocked by the new daemon");
        await _site.WaitUntilAsync(async () => await _site.StatusAsync(Blocked) == 403 && _site.ScoreOf(Blocked) > 21,
            "hits from the map to the new daemon", intervalMs: 100);
        Assert.Equal(200, await _site.StatusAsync(Allowed));
    }

    private Task<ApacheReply> Probe(string path, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("X-Map-Key", key);
        return _site.Apache.SendAsync(request, clientAddress: null);
    }
}
