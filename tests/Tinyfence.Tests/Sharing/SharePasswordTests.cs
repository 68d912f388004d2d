using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Sharing;
using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Sharing;

/// <summary><c>password-file</c>: a share authenticates with the file's first line, and a file others may read is refused, said once.</summary>
public sealed class SharePasswordTests : IDisposable
{
    private readonly RedisServer _redis = new("--requirepass", "s3cret");
    private readonly string _passwordFile;

    public SharePasswordTests()
    {
        _passwordFile = Path.Combine(_redis.Directory, "redis.pass");
        File.WriteAllText(_passwordFile, "s3cret\n");
        File.SetUnixFileMode(_passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose() => _redis.Dispose();

    [Fact]
    public void ASharedTableAuthenticatesWithThePasswordOfItsFile()
    {
        var sink = new MemorySink();
        using ScoreTable table = ScoreTable.CreatePrivate(new TableSpec("spam", 1000, 3, 86400, 15, 128));
        using var share = new TableShare(Share(), table, new Logger(sink));
        share.Start();

        table.Hit(Keys.V4(192, 0, 2, 1), 4, table.Now);

        Patience.WaitUntil(() => Cli("HGET", "tf:spam:192.0.2.1", "s") == "4", "the hit in redis");
        Assert.DoesNotContain("out of reach", sink.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void APasswordFileOthersMayReadIsRefusedAndTheNodeGoesOnAlone()
    {
        File.SetUnixFileMode(_passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var sink = new MemorySink();
        using ScoreTable table = ScoreTable.CreatePrivate(new TableSpec("spam", 1000, 3, 86400, 15, 128));
        using var share = new TableShare(Share(), table, new Logger(sink));
        share.Start();

        Assert.Equal(4, table.Hit(Keys.V4(192, 0, 2, 1), 4, table.Now));

        Patience.WaitUntil(() => sink.Text.Contains("chmod 600", StringComparison.Ordinal), "the refusal in the log");
        Assert.Equal(1, share.Backlog);
    }

    private ShareSection Share() => ShareSection.TryParseUrl(_redis.Url, out _)! with { PasswordFile = _passwordFile };

    private string Cli(params string[] args) => _redis.Cli(["-a", "s3cret", "--no-auth-warning", .. args]);
}
