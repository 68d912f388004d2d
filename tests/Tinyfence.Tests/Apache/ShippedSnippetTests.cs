using System.Text.RegularExpressions;
using Tinyfence.Config;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Apache;

/// <summary>
/// What the files of fixtures/apache promise without running Apache: the seed's numbers, the
/// default paths (the Apache tests replace exactly those), the feed's log layout.
/// </summary>
public sealed class ShippedSnippetTests
{
    [Fact]
    public void TheDaemonConfigHoldsTheSeedsPolicy()
    {
        TinyfenceConfig config = TestConfig.LoadValid(File.ReadAllText(TinyfenceSite.Fixture("tinyfence.conf")));

        TableSection table = Assert.Single(config.Tables);
        Assert.Equal(("spam", 3, TimeSpan.FromDays(1), 15), (table.Name, table.DecayPoints, table.DecayPeriod, table.BlockAbove));
        Assert.Equal(TimeSpan.FromSeconds(1), table.BlocklistEvery);
        Assert.Equal("/run/tinyfence", config.Settings.RunDirectory);
        Assert.Equal("/var/lib/tinyfence", config.Settings.StateDirectory);
    }

    [Theory]
    [InlineData("tinyfence-prg.conf")]
    [InlineData("tinyfence-fast.conf")]
    public void EachSnippetFiltersPostBodiesForThirtyPointsWithTheShippedPatterns(string snippet)
    {
        string text = File.ReadAllText(TinyfenceSite.Fixture(snippet));

        Assert.Contains("cmd=\"/usr/sbin/tinyfence filter --table spam --add 30 --patterns /etc/tinyfence/spam-patterns.txt --run-dir /run/tinyfence\"", text, StringComparison.Ordinal);
        Assert.Contains("<If \"%{REQUEST_METHOD} == 'POST'\">", text, StringComparison.Ordinal);
        Assert.DoesNotMatch("@[A-Z_]+@", text); // no placeholder: the file is what runs
    }

    [Fact]
    public void TheFastSnippetLogsWithTheClientAddressFirstForTheFeed()
    {
        string text = File.ReadAllText(TinyfenceSite.Fixture("tinyfence-fast.conf"));

        Assert.Matches(new Regex("""^LogFormat "%a %l %u %t \\"%r\\" %>s %O .* tinyfence$""", RegexOptions.Multiline), text);
        Assert.Contains("""CustomLog "|/usr/sbin/tinyfence feed --table spam --run-dir /run/tinyfence --log /var/log/apache2/access.log" tinyfence""", text, StringComparison.Ordinal);
        Assert.Contains("RewriteMap tfb \"dbm=sdbm:/run/tinyfence/spam.blocked\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePatternsAreSingleWordsSinceBodiesAreNotUrlDecoded()
    {
        string[] patterns = [.. File.ReadAllLines(TinyfenceSite.Fixture("spam-patterns.txt")).Where(l => l.Length > 0 && l[0] != '#')];

        Assert.Contains("tramadol", patterns);
        Assert.All(patterns, p => Assert.Matches("^[a-z]+$", p));
    }
}
