using Tinyfence.Config;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Config;

/// <summary>A table's <c>share redis</c>: the URLs it takes, what it refuses and why, and how check prints it.</summary>
public sealed class ShareSectionTests
{
    [Theory]
    [InlineData("redis://10.0.0.5:6379/0", "10.0.0.5", 6379, null, 0)]
    [InlineData("redis://10.0.0.5", "10.0.0.5", 6379, null, 0)]
    [InlineData("redis://redis.example.net:7000/2", "redis.example.net", 7000, null, 2)]
    [InlineData("redis://[2001:db8::5]:6380/15", "2001:db8::5", 6380, null, 15)]
    [InlineData("redis://[2001:db8::5]", "2001:db8::5", 6379, null, 0)]
    [InlineData("unix:///run/redis/redis-server.sock", null, 0, "/run/redis/redis-server.sock", 0)]
    [InlineData("unix:///run/redis/redis-server.sock?db=4", null, 0, "/run/redis/redis-server.sock", 4)]
    public void UrlsOfATcpOrUnixServerAndItsDatabase(string url, string? host, int port, string? path, int database)
    {
        ShareSection share = ShareSection.TryParseUrl(url, out string? problem)!;
        Assert.Null(problem);
        Assert.Equal((host, port, path, database), (share.Host, share.Port, share.UnixPath, share.Database));
    }

    [Theory]
    [InlineData("http://10.0.0.5", "a Redis URL is redis://")]
    [InlineData("rediss://10.0.0.5", "TLS (rediss://) is not supported")] // said outright: TLS is left to a tunnel
    [InlineData("redis://:secret@10.0.0.5", "a password does not go in the URL")] // the config is readable by more than the password should be
    [InlineData("redis://10.0.0.5:0", "the port after the host")]
    [InlineData("redis://10.0.0.5:99999", "the port after the host")]
    [InlineData("redis://10.0.0.5/16", "the database after the host")]
    [InlineData("redis://10.0.0.5/x", "the database after the host")]
    [InlineData("redis:///0", "the URL names no host")]
    [InlineData("unix://relative.sock", "an absolute socket path")]
    [InlineData("unix:///run/r.sock?timeout=1", "the only query a unix:// URL takes")]
    public void UrlsRefusedSayWhy(string url, string expected)
    {
        Assert.Null(ShareSection.TryParseUrl(url, out string? problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AShareWithPrefixAndPasswordFileLoadsAndPrintsAsUnderstood()
    {
        TinyfenceConfig config = TestConfig.LoadValid("""
            table "spam" {
                block above 15
                share redis "redis://10.0.0.5:6379/1" prefix "site-a:" password-file "/etc/tinyfence/redis.pass"
            }
            table "login" { block above 5 share redis "unix:///run/redis/redis-server.sock" }
            """);
        ShareSection spam = config.Tables[0].Share!;
        Assert.Equal(("10.0.0.5", 1, "site-a:", "/etc/tinyfence/redis.pass"), (spam.Host, spam.Database, spam.Prefix, spam.PasswordFile));
        ShareSection login = config.Tables[1].Share!;
        Assert.Equal((ShareSection.DefaultPrefix, (string?)null), (login.Prefix, login.PasswordFile));

        string text = ConfigFormatter.Format(config);
        Assert.Contains("    share redis \"redis://10.0.0.5:6379/1\" prefix \"site-a:\" password-file \"/etc/tinyfence/redis.pass\"\n", text, StringComparison.Ordinal);
        Assert.Equal(text, ConfigFormatter.Format(TestConfig.LoadValid(text)));
    }

    [Theory]
    [InlineData("table \"t\" { block above 1 share memcached \"x\" }", "1:33: error: expected 'redis' and a URL after 'share'")]
    [InlineData("table \"t\" { block above 1 share redis }", "1:39: error: expected a Redis URL after 'share redis'")]
    [InlineData("table \"t\" { block above 1 share redis \"rediss://h\" }", "1:39: error: share redis \"rediss://h\": TLS (rediss://) is not supported")]
    [InlineData("table \"t\" { block above 1 share redis \"redis://h\" prefix }", "1:58: error: expected a key prefix after 'prefix'")]
    [InlineData("table \"t\" { block above 1 share redis \"redis://h\" share redis \"redis://i\" }", "1:51: error: 'share' is already set")]
    public void ShareMistakesAreReportedWhereTheyAre(string text, string expected)
    {
        (TinyfenceConfig? config, DiagnosticBag diagnostics) = TestConfig.Load(text);
        Assert.Null(config);
        Assert.Contains(TestConfig.Errors(diagnostics), e => e.StartsWith("test.conf:" + expected, StringComparison.Ordinal));
    }
}
