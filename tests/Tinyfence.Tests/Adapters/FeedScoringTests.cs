using System.Text;
using Tinyfence.Adapters;

namespace Tinyfence.Tests.Adapters;

public class FeedScoringTests
{
    private static readonly PatternSet s_urls = PatternSet.FromPatterns(["wp-login", "/.env", "xmlrpc.php"]);

    private static int Points(FeedScoring scoring, string line, bool blocked = false)
    {
        Assert.True(AccessLogLine.TryParse(Encoding.ASCII.GetBytes(line), out AccessLogLine parsed));
        return scoring.PointsFor(parsed, blocked);
    }

    private static string Request(string target, int status) =>
        $"192.0.2.1 - - [25/Nov/2026:12:00:00 +0000] \"GET {target} HTTP/1.1\" {status} 5 \"-\" \"curl\"";

    private static FeedScoring Scoring(params string[] statuses) =>
        FeedScoring.Create(blockedPoints: null, statuses, s_urls, urlPoints: "15");

    [Fact]
    public void StatusCodesScoreTheirPoints()
    {
        FeedScoring scoring = Scoring("404=2", "401=5");
        Assert.Equal(2, Points(scoring, Request("/missing", 404)));
        Assert.Equal(5, Points(scoring, Request("/admin", 401)));
        Assert.Equal(0, Points(scoring, Request("/", 200)));
    }

    [Fact]
    public void ABlockedAddressScoresOnlyTheBlockedPoints()
    {
        FeedScoring scoring = FeedScoring.Create("3", ["403=4"], s_urls, "15");
        Assert.Equal(3, Points(scoring, Request("/wp-login.php", 403), blocked: true));
        Assert.Equal(3, scoring.BlockedPoints);
    }

    [Fact]
    public void BlockedPointsDefaultToOne() =>
        Assert.Equal(1, Points(FeedScoring.Create(null, [], null, null), Request("/", 403), blocked: true));

    [Fact]
    public void AUrlPatternMatchAddsItsPointsToTheStatusPoints()
    {
        FeedScoring scoring = Scoring("404=2");
        Assert.Equal(17, Points(scoring, Request("/WP-LOGIN.php", 404)));
        Assert.Equal(0, scoring.LastUrlPattern);
        Assert.Equal(15, Points(scoring, Request("/blog/xmlrpc.php?x=1", 200)));
        Assert.Equal(2, scoring.LastUrlPattern);
        Assert.Equal(0, Points(scoring, Request("/index.html", 200)));
        Assert.Equal(-1, scoring.LastUrlPattern);
    }

    [Fact]
    public void AUrlPatternMatchesTheTargetAsLoggedAndDecoded()
    {
        FeedScoring scoring = Scoring();
        Assert.Equal(15, Points(scoring, Request("/wp%2Dlogin.php", 200)));
        Assert.Equal(15, Points(scoring, Request("/%2e%65nv", 200)));
    }

    [Fact]
    public void OnlyTheTargetIsMatchedNotTheRestOfTheLine()
    {
        FeedScoring scoring = Scoring();
        Assert.Equal(0, Points(scoring, "192.0.2.1 - wp-login [x] \"GET / HTTP/1.1\" 200 5 \"http://x/wp-login\" \"xmlrpc.php\""));
    }

    [Fact]
    public void ARequestLineWithoutATargetScoresItsStatusOnly() =>
        Assert.Equal(2, Points(Scoring("408=2"), "192.0.2.1 - - [x] \"-\" 408 - \"-\" \"-\""));

    [Fact]
    public void TheSumIsCappedAtTheProtocolMaximum()
    {
        FeedScoring scoring = FeedScoring.Create(null, ["404=1000000000"], s_urls, "1000000000");
        Assert.Equal(FeedScoring.MaxPoints, Points(scoring, Request("/.env", 404)));
    }

    [Theory]
    [InlineData("404=2", 404, 2)]
    [InlineData("100=0", 100, 0)]
    [InlineData("599=1000000000", 599, 1_000_000_000)]
    public void ValidStatusOptionsParse(string text, int status, int points)
    {
        Assert.True(FeedScoring.TryParseStatusPoints(text, out int s, out int p, out string? error), error);
        Assert.Equal((status, points), (s, p));
    }

    [Theory]
    [InlineData("404", "--status '404': expected CODE=POINTS, such as 404=2")]
    [InlineData("=2", "--status '=2': the status code must be a number from 100 to 599")]
    [InlineData("99=2", "--status '99=2': the status code must be a number from 100 to 599")]
    [InlineData("600=2", "--status '600=2': the status code must be a number from 100 to 599")]
    [InlineData("4o4=2", "--status '4o4=2': the status code must be a number from 100 to 599")]
    [InlineData(" 404=2", "--status ' 404=2': the status code must be a number from 100 to 599")]
    [InlineData("+404=2", "--status '+404=2': the status code must be a number from 100 to 599")]
    [InlineData("404=", "--status '404=': the points must be a whole number from 0 to 1000000000")]
    [InlineData("404=-1", "--status '404=-1': the points must be a whole number from 0 to 1000000000")]
    [InlineData("404=1.5", "--status '404=1.5': the points must be a whole number from 0 to 1000000000")]
    [InlineData("404=1000000001", "--status '404=1000000001': the points must be a whole number from 0 to 1000000000")]
    [InlineData("404=99999999999999999999", "--status '404=99999999999999999999': the points must be a whole number from 0 to 1000000000")]
    [InlineData("404=2=3", "--status '404=2=3': the points must be a whole number from 0 to 1000000000")]
    [InlineData("404=2\n", "--status '404=20x0A': the points must be a whole number from 0 to 1000000000")]
    public void InvalidStatusOptionsSayWhatIsWrong(string text, string expected)
    {
        Assert.False(FeedScoring.TryParseStatusPoints(text, out _, out _, out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void EveryBadOptionIsReportedAtOnce()
    {
        var e = Assert.Throws<AdapterOptionException>(() =>
            FeedScoring.Create("x", ["404=2", "404=3", "abc"], null, "-5"));
        Assert.Equal(
            [
                "--blocked-points 'x': expected a whole number from 0 to 1000000000",
                "--status '404=3': status 404 is given twice",
                "--status 'abc': expected CODE=POINTS, such as 404=2",
                "--url-points '-5': expected a whole number from 0 to 1000000000",
            ],
            e.Errors);
    }

    [Fact]
    public void UrlPointsAndUrlPatternsGoTogether()
    {
        Assert.Equal(
            ["--url-points needs --url-patterns FILE: there is nothing to match"],
            Assert.Throws<AdapterOptionException>(() => FeedScoring.Create(null, [], null, "5")).Errors);
        Assert.Equal(
            ["--url-patterns needs --url-points N: how many points a match adds"],
            Assert.Throws<AdapterOptionException>(() => FeedScoring.Create(null, [], s_urls, null)).Errors);
    }

    [Fact]
    public void ScoringALineAllocatesNothing()
    {
        FeedScoring scoring = Scoring("404=2");
        byte[] line = Encoding.ASCII.GetBytes(Request("/wp-login.php?x=%2e", 404));
        long total = 0;
        for (int i = 0; i < 100; i++)
        {
            total += Score(scoring, line);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            total += Score(scoring, line);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(10_100 * 17, total);
    }

    private static int Score(FeedScoring scoring, byte[] line) =>
        AccessLogLine.TryParse(line, out AccessLogLine parsed) ? scoring.PointsFor(parsed, blocked: false) : -1;
}
