using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.Packaging;

/// <summary>The logrotate snippet make install writes, run by logrotate on a temporary log dir.</summary>
public sealed class LogrotateTests : IDisposable
{
    private const string Logrotate = "/usr/sbin/logrotate";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void TheSnippetRotatesTheFeedsAccessLogAndCreatesAnEmptyOne()
    {
        TestPackages.Require(Logrotate, "logrotate", "the logrotate snippet's test");
        string snippet = File.ReadAllText(Path.Combine(Repo.Root, "src", "packaging", "tinyfence.logrotate"));
        Assert.Contains("/var/log/tinyfence/*.log {", snippet, StringComparison.Ordinal);
        string logs = Directory.CreateDirectory(Path.Combine(_dir.Path, "log")).FullName;
        // logrotate refuses a config that others could write: the temp dir's file is root's, 0644.
        string config = _dir.Write("tinyfence.logrotate", snippet.Replace("/var/log/tinyfence/", logs + "/", StringComparison.Ordinal));
        File.SetUnixFileMode(config, (UnixFileMode)0b110_100_100);
        File.WriteAllText(Path.Combine(logs, "access.log"), "192.0.2.1 - - [06/Dec/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5\n");

        var rotated = ProcessResult.Run(Logrotate, ["--force", "--state", Path.Combine(_dir.Path, "state"), config]);

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.StartsWith("192.0.2.1 ", File.ReadAllText(Path.Combine(logs, "access.log.1")), StringComparison.Ordinal);
        // Compressed only at the next rotation (delaycompress): the feed may still end a line in .1.
        Assert.False(File.Exists(Path.Combine(logs, "access.log.1.gz")));
        Assert.Equal(0, new FileInfo(Path.Combine(logs, "access.log")).Length);
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(Path.Combine(logs, "access.log")));
    }
}
