using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Apache;

/// <summary>One Apache with the shipped <c>tinyfence-fast.conf</c> and its daemon (test clock), shared by <see cref="FastSetupTests"/>.</summary>
public sealed class FastSite : IDisposable
{
    public FastSite() => Site = new TinyfenceSite("tinyfence-fast.conf", testClock: true);

    internal TinyfenceSite Site { get; }

    public void Dispose() => Site.Dispose();
}

/// <summary>
/// The seed's policy through the fast path with a real Apache: the daemon's <c>dbm=sdbm:</c>
/// blocklist in each worker, the piped-log feed for the +1s, the filter for spam bodies.
/// </summary>
public sealed partial class FastSetupTests(FastSite fixture, ITestOutputHelper output) : IClassFixture<FastSite>
{
    private const int Day = 86_400;

    private readonly TinyfenceSite _site = fixture.Site;

    [Fact]
    public async Task TheSeedsPolicyWorksEndToEndAndDecayLetsTheAddressBackIn()
    {
        const string Spammer = "192.0.2.77";
        const string Neighbour = "192.0.2.78";
        Assert.Equal(200, await _site.StatusAsync(Spammer));

        // The request that crosses the threshold: its body adds 30 through the filter.
        ApacheReply spam = await _site.Apache.PostAsync("/comments", TinyfenceSite.SpamBody, Spammer);
        var sinceCrossing = Stopwatch.StartNew();
        Assert.True(spam.Status is 404 or 405, $"{spam}\n{_site.Apache.Describe()}");
        Assert.True(_site.ScoreOf(Spammer) >= TinyfenceSite.SpamPoints);

        // Apache sees it once the daemon has rewritten the blocklist (once a second at most).
        int passed = 0;
        await _site.WaitUntilAsync(async () =>
        {
            bool refused = await _site.StatusAsync(Spammer) == 403;
            passed += refused ? 0 : 1;
            return refused;
        }, "403 for the spammer");
        TimeSpan firstRefusal = sinceCrossing.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fast path: {firstRefusal.TotalMilliseconds:F0} ms from the spam POST's reply to the first 403 ({passed} requests passed meanwhile, polled every 20 ms)"));
        Assert.Equal(200, await _site.StatusAsync(Neighbour));

        // Each request while blocked is +1 through the feed: the spam POST itself (logged when
        // the address was already blocked), the requests that passed and the 403 so far.
        int settled = TinyfenceSite.SpamPoints + 1 + passed + 1;
        _site.WaitForScore(Spammer, settled);
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(403, await _site.StatusAsync(Spammer));
        }

        _site.WaitForScore(Spammer, settled + 5);
        Thread.Sleep(300);
        Assert.Equal(settled + 5, _site.ScoreOf(Spammer)); // none counted twice
        Assert.Equal(0, _site.ScoreOf(Neighbour));

        // Five days take 15 points away: one spam POST alone would be over, but every try while
        // blocked added a point, as in the seed, so the address is still blocked.
        int atLastTry = settled + 5;
        int beforeDecay = atLastTry;
        Advance(5 * Day);
        Assert.Equal(beforeDecay - 15, _site.ScoreOf(Spammer));
        Assert.Equal(403, await _site.StatusAsync(Spammer));
        beforeDecay -= 15 - 1;
        _site.WaitForScore(Spammer, beforeDecay);

        // The days those tries cost: once at 15 or below, the next blocklist lets it in.
        int days = (beforeDecay - TinyfenceSite.BlockAbove + 2) / 3;
        Advance(days * Day);
        Assert.True(_site.ScoreOf(Spammer) <= TinyfenceSite.BlockAbove);
        TimeSpan back = await _site.WaitUntilAsync(async () => await _site.StatusAsync(Spammer) == 200,
            "200 for the spammer after the decay");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fast path: {atLastTry} points after the spam and its tries; let in again {back.TotalMilliseconds:F0} ms after the clock moved {5 + days} days"));
        Assert.True(_site.ScoreOf(Spammer) <= TinyfenceSite.BlockAbove); // requests that pass score nothing
    }

    [Fact]
    public async Task TheBlocklistIsReplacedDuringALoadRunWithoutAFailedRequestOrAWrongAnswer()
    {
        // At least this many requests, and on until the blocklist was replaced twice meanwhile
        // (once a second at most), however long a loaded machine takes.
        const int Requests = 2000;
        const int Concurrency = 6;
        string[] blocked = [.. Enumerable.Range(1, 10).Select(i => $"198.51.100.{100 + i}")];
        string[] allowed = [.. Enumerable.Range(1, 10).Select(i => $"198.51.100.{200 + i}")];
        Assert.All(_site.ScoreMany([.. blocked.Select(a => $"SET spam {a} 20")]), reply => Assert.Equal("OK", reply));
        foreach (string address in blocked)
        {
            await _site.WaitUntilAsync(async () => await _site.StatusAsync(address) == 403, $"403 for {address}");
        }

        using var stop = new CancellationTokenSource();
        int rewrites = 0;
        Task churn = Task.Run(() => ChurnOtherAddresses(() => Interlocked.Increment(ref rewrites), stop.Token));
        var failures = new ConcurrentQueue<string>();
        int next = -1;
        var clock = Stopwatch.StartNew();
        Task[] clients = [.. Enumerable.Range(0, Concurrency).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while ((Interlocked.Increment(ref next) < Requests || Volatile.Read(ref rewrites) < 2) && clock.Elapsed < Patience.Long)
            {
                bool isBlocked = random.Next(2) == 0;
                string address = isBlocked ? blocked[random.Next(blocked.Length)] : allowed[random.Next(allowed.Length)];
                try
                {
                    ApacheReply reply = await _site.Apache.GetAsync("/", address);
                    if (reply.Status != (isBlocked ? 403 : 200))
                    {
                        failures.Enqueue(string.Create(CultureInfo.InvariantCulture,
                            $"{address}: {reply.Status} at {clock.ElapsedMilliseconds} ms, page file {File.GetLastWriteTimeUtc(_site.BlocklistPagePath):HH:mm:ss.ffffff}"));
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue($"{address}: {e.GetType().Name} {e.Message}");
                }
            }
        }))];
        await Task.WhenAll(clients);
        TimeSpan elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await churn;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{next - Concurrency + 1} requests, {Concurrency} at a time, in {elapsed.TotalSeconds:F1} s; the blocklist was replaced {rewrites} times meanwhile; {failures.Count} failures"));
        Assert.True(failures.IsEmpty, $"{failures.Count} wrong answers, first: {string.Join("; ", failures.Take(10))}\n{_site.Apache.Describe()}\n{_site.DescribeDaemon()}");
        Assert.True(rewrites >= 2, $"the blocklist was replaced only {rewrites} times during the run");
    }

    [Fact]
    public async Task TheFeedLosesNoLineAcrossAGracefulRestartAndItsHitsResumeAfterADaemonRestart()
    {
        const string Blocked = "203.0.113.90";
        Assert.Equal("OK", _site.Score($"SET spam {Blocked} 20"));
        // Each request from it is +1 through the feed, the first ones too (blocked in the table
        // before the blocklist shows it).
        int polls = 0;
        await _site.WaitUntilAsync(async () =>
        {
            polls++;
            return await _site.StatusAsync(Blocked) == 403;
        }, "403 for the blocked address");

        // Requests run on while Apache restarts gracefully: the old feed reads its pipe to the
        // end and flushes, the new one takes over; every answered request is logged once.
        var answered = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        Task load = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                string marker = $"graceful-{i}";
                ApacheReply reply = await _site.Apache.GetAsync($"/index.html?{marker}", $"203.0.113.{i % 50}");
                Assert.Equal(200, reply.Status);
                answered.Enqueue(marker);
            }
        });
        await WaitForCount(answered, 20, load);
        _site.Apache.GracefulRestart();
        await WaitForCount(answered, answered.Count + 20, load);
        await stop.CancelAsync();
        await load;
        int scoreBefore = 20 + polls;
        _site.WaitForScore(Blocked, scoreBefore);
        Assert.Equal(403, await _site.StatusAsync(Blocked));
        _site.WaitForScore(Blocked, scoreBefore + 1); // through the new feed

        // A daemon restart: the feed keeps writing the log, drops the points while the daemon is
        // away, and reconnects (at most a second later) to the new one.
        _site.StopDaemon();
        for (int i = 0; i < 5; i++)
        {
            ApacheReply reply = await _site.Apache.GetAsync($"/index.html?daemon-down-{i}", "203.0.113.60");
            Assert.Equal(200, reply.Status);
            answered.Enqueue($"daemon-down-{i}");
        }

        _site.StartDaemon();
        var sinceStart = Stopwatch.StartNew();
        int restored = _site.ScoreOf(Blocked);
        Assert.True(restored >= scoreBefore + 1, $"score {restored} after the restart");
        await _site.WaitUntilAsync(async () =>
        {
            Assert.Equal(403, await _site.StatusAsync(Blocked));
            return _site.ScoreOf(Blocked) > restored;
        }, "hit through the feed after the daemon restart", intervalMs: 100);
        TimeSpan resumed = sinceStart.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"feed: {answered.Count} requests across a graceful restart and a daemon restart; hits resumed {resumed.TotalMilliseconds:F0} ms after the daemon was back"));

        string[] markers = [.. answered];
        Dictionary<string, int> logged = [];
        Patience.Until(() => markers.All((logged = CountMarkers()).ContainsKey), intervalMs: 100);

        string[] missing = [.. markers.Where(m => !logged.ContainsKey(m))];
        Assert.True(missing.Length == 0,
            $"{missing.Length} of {markers.Length} answered requests not in the access log: {string.Join(", ", missing)}\n" +
            $"feeds: {string.Join("; ", FeedProcesses())}\n{_site.Apache.Describe()}");
        Assert.All(markers, marker => Assert.Equal(1, logged[marker]));
        // The old generation's feed read its pipe to the end and went: one feed, not one per restart.
        Patience.WaitUntil(() => FeedProcesses().Count() == 1, "single feed process", intervalMs: 100);
        Assert.Contains("Doing graceful restart", _site.Apache.ErrorLog, StringComparison.Ordinal);
    }

    private IEnumerable<string> FeedProcesses() =>
        _site.Apache.ProcessIds()
            .Select(pid => (pid, command: File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')))
            .Where(p => p.command.Contains(" feed ", StringComparison.Ordinal))
            .Select(p => $"{p.pid} {p.command}");

    private static async Task WaitForCount(ConcurrentQueue<string> answered, int count, Task load)
    {
        var clock = Stopwatch.StartNew();
        while (answered.Count < count && !load.IsCompleted)
        {
            Assert.True(clock.Elapsed < Patience.Short, $"only {answered.Count} requests answered");
            await Task.Delay(20);
        }

        if (load.IsFaulted)
        {
            await load;
        }
    }

    private Dictionary<string, int> CountMarkers()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using var stream = new FileStream(_site.AccessLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            Match match = LoggedMarker().Match(line);
            if (match.Success)
            {
                string marker = match.Groups[1].Value;
                counts[marker] = counts.GetValueOrDefault(marker) + 1;
            }
        }

        return counts;
    }

    private void Advance(int seconds)
    {
        (int exitCode, string text) = TinyfenceProgram.Run("score", "--run-dir", _site.RunDirectory, "advance", seconds.ToString(CultureInfo.InvariantCulture));
        Assert.True(exitCode == 0 && text.Trim() == "OK", $"score advance: {exitCode} {text}");
    }

    /// <summary>
    /// Blocks and unblocks batches of addresses that the load never uses, of sizes that make the
    /// map change depth, until cancelled; calls <paramref name="rewritten"/> each time the page
    /// file was replaced.
    /// </summary>
    private void ChurnOtherAddresses(Action rewritten, CancellationToken stop)
    {
        int[] sizes = [50, 3000, 200, 1500];
        string? lastPage = null;
        var previous = new List<string>();
        for (int round = 0; !stop.IsCancellationRequested; round++)
        {
            int size = sizes[round % sizes.Length];
            var requests = previous.Select(a => $"DEL spam {a}").ToList();
            previous = [.. Enumerable.Range(0, size).Select(i => $"10.{round % 200}.{i / 256}.{i % 256}")];
            requests.AddRange(previous.Select(a => $"SET spam {a} 20"));
            _site.ScoreMany(requests);
            var wait = Stopwatch.StartNew();
            while (wait.ElapsedMilliseconds < 1100 && !stop.IsCancellationRequested)
            {
                string page = File.GetLastWriteTimeUtc(_site.BlocklistPagePath).Ticks.ToString(CultureInfo.InvariantCulture);
                if (page != lastPage)
                {
                    if (lastPage is not null)
                    {
                        rewritten();
                    }

                    lastPage = page;
                }

                Thread.Sleep(20);
            }
        }

        _site.ScoreMany([.. previous.Select(a => $"DEL spam {a}")]);
    }

    [GeneratedRegex(@"^\S+ \S+ \S+ \[[^\]]+\] ""GET /index\.html\?(\S+) HTTP/1\.1"" 200 ")]
    private static partial Regex LoggedMarker();
}
