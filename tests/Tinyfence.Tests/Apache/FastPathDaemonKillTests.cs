using System.Globalization;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Apache;

/// <summary>
/// The fast path with its daemon killed (SIGKILL: no last snapshot, files left behind): Apache
/// goes on with the last blocklist, and the restarted daemon has every snapshotted score back.
/// A class (and so an Apache and a daemon) of its own: it needs a clock that no other test moved.
/// </summary>
public sealed class FastPathDaemonKillTests
{
    private const int Day = 86_400;

    [Fact]
    public async Task ApacheServesFromTheLastBlocklistAndNoSnapshottedScoreIsLost()
    {
        using var site = new TinyfenceSite("tinyfence-fast.conf", testClock: true);
        var scores = new Dictionary<string, int>
        {
            ["192.0.2.21"] = 20,
            ["192.0.2.22"] = 400,
            ["192.0.2.23"] = 10,
            ["2001:db8::23"] = 25,
        };
        Assert.All(site.ScoreMany([.. scores.Select(s => $"SET spam {s.Key} {s.Value}")]), reply => Assert.Equal("OK", reply));
        int tries = 0;
        await site.WaitUntilAsync(async () =>
        {
            tries++;
            return await site.StatusAsync("192.0.2.21") == 403;
        }, "the first blocklist");
        // The feed's +1s for those tries (blocked in the table, passed or refused) are
        // snapshotted too: wait for them, then for a snapshot after them.
        int tried = 20 + tries;
        site.WaitForScore("192.0.2.21", tried);
        scores["192.0.2.21"] = tried;
        site.WaitForSnapshotAfterNow();

        site.KillDaemon();

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(403, await site.StatusAsync("192.0.2.21"));
            Assert.Equal(403, await site.StatusAsync("2001:db8::23"));
            Assert.Equal(200, await site.StatusAsync("192.0.2.23"));
        }

        // A spam body while the daemon is away: the body goes through, its points are lost.
        ApacheReply spam = await site.Apache.PostAsync("/comments", TinyfenceSite.SpamBody, "192.0.2.24");
        Assert.True(spam.Status is 404 or 405, $"{spam}\n{site.Apache.Describe()}");

        site.StartDaemon();

        // What the last snapshot held, no more (the tries while it was down were not scored).
        foreach ((string address, int score) in scores)
        {
            Assert.Equal(score, site.ScoreOf(address));
        }

        Assert.Equal(0, site.ScoreOf("192.0.2.24"));
        // Restored entries decay from their own timestamps: a day is 3 points off each.
        Advance(site, Day);
        foreach ((string address, int score) in scores)
        {
            Assert.Equal(score - 3, site.ScoreOf(address));
        }

        // Enough days to bring 192.0.2.21 to 15 or less: the new daemon's blocklist lets it in.
        Advance(site, Day * ((tried - 3 - 15 + 2) / 3));
        await site.WaitUntilAsync(async () => await site.StatusAsync("192.0.2.21") == 200, "200 after the decay");
        Assert.Equal(403, await site.StatusAsync("192.0.2.22"));

        // A map that vanishes under Apache: the lookup gives the default (ALLOW), not an error.
        File.Delete(site.BlocklistPagePath);
        File.Delete(Path.ChangeExtension(site.BlocklistPagePath, ".dir"));
        Assert.Equal(200, await site.StatusAsync("192.0.2.22"));
    }

    private static void Advance(TinyfenceSite site, int seconds)
    {
        (int exitCode, string text) = TinyfenceProgram.Run("score", "--run-dir", site.RunDirectory, "advance", seconds.ToString(CultureInfo.InvariantCulture));
        Assert.True(exitCode == 0 && text.Trim() == "OK", $"score advance: {exitCode} {text}");
    }
}
