using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.Packaging;

/// <summary><c>make install</c> and <c>make uninstall</c> into a temporary DESTDIR.</summary>
public sealed class InstallTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Dest => Path.Combine(_dir.Path, "dest");

    private static IEnumerable<string> ManPages =>
        Directory.EnumerateFiles(Path.Combine(Repo.Root, "src", "man"))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), @"\.[1-8]$"))
            .Select(f => $"/usr/local/share/man/man{f[^1]}/{Path.GetFileName(f)}");

    [Fact]
    public void InstallWritesTheTreeUnderPrefixAndUninstallLeavesTheDestdirEmpty()
    {
        Directory.CreateDirectory(Dest);
        Packaging.AssertSucceeded(Packaging.Make("install", Dest));

        List<string> expected =
        [
            "/etc/default/tinyfence",
            "/etc/init.d/tinyfence",
            "/etc/logrotate.d/tinyfence",
            "/etc/tinyfence/tinyfence.conf",
            "/usr/local/lib/systemd/system/tinyfence.service",
            "/usr/local/sbin/tinyfence",
            .. ManPages,
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Packaging.Files(Dest));
        Assert.Contains("/usr/local/share/man/man8/tinyfence.8", expected);
        Assert.True(Directory.Exists(Dest + "/etc/tinyfence/conf.d"), "no conf.d directory");

        Assert.Equal(File.ReadAllBytes(Repo.PublishedBinary), File.ReadAllBytes(Dest + "/usr/local/sbin/tinyfence"));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Dest + "/usr/local/sbin/tinyfence"));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Dest + "/etc/init.d/tinyfence"));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Dest + "/etc/tinyfence/tinyfence.conf"));

        // The paths in the unit and the init script are the ones of this PREFIX, none left unfilled.
        string unit = File.ReadAllText(Dest + "/usr/local/lib/systemd/system/tinyfence.service");
        Assert.Contains("ExecStart=/usr/local/sbin/tinyfence run -c /etc/tinyfence/tinyfence.conf\n", unit, StringComparison.Ordinal);
        string init = File.ReadAllText(Dest + "/etc/init.d/tinyfence");
        Assert.Contains("DAEMON=/usr/local/sbin/tinyfence\n", init, StringComparison.Ordinal);
        foreach (string file in (string[])["/usr/local/lib/systemd/system/tinyfence.service", "/etc/init.d/tinyfence", "/etc/default/tinyfence"])
        {
            Assert.DoesNotMatch(@"@[A-Z]+@", File.ReadAllText(Dest + file));
        }

        Packaging.AssertSucceeded(Packaging.Make("uninstall", Dest));

        Assert.Empty(Directory.EnumerateFileSystemEntries(Dest));
    }

    [Fact]
    public void TheInstalledDefaultConfigPassesCheckAndOnlyLogs()
    {
        Directory.CreateDirectory(Dest);
        Packaging.AssertSucceeded(Packaging.Make("install", Dest, "PREFIX=/usr"));
        string config = Dest + "/etc/tinyfence/tinyfence.conf";

        var check = ProcessResult.Run(Dest + "/usr/sbin/tinyfence", ["check", "-c", config]);

        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("OK, ", check.Stderr, StringComparison.Ordinal);
        // As shipped it guards and logs: no rule runs a command, mails or needs Apache.
        Assert.DoesNotContain("    run ", check.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("    mail", check.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("table ", check.Stdout, StringComparison.Ordinal);

        // A file dropped in conf.d is read with it.
        File.WriteAllText(Dest + "/etc/tinyfence/conf.d/local.conf", "rule \"local\" { la1 >= 50 } log\n");
        check = ProcessResult.Run(Dest + "/usr/sbin/tinyfence", ["check", "-c", config]);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("rule \"local\"", check.Stdout, StringComparison.Ordinal);
        File.Delete(Dest + "/etc/tinyfence/conf.d/local.conf");

        Packaging.AssertSucceeded(Packaging.Make("uninstall", Dest, "PREFIX=/usr"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Dest));
    }

    [Fact]
    public void InstallNeverOverwritesAnExistingConfigAndUninstallKeepsAChangedOne()
    {
        string config = Dest + "/etc/tinyfence/tinyfence.conf";
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        const string Mine = "rule \"mine\" { la1 >= 3 } log\n";
        File.WriteAllText(config, Mine);

        ProcessResult install = Packaging.Make("install", Dest);
        Packaging.AssertSucceeded(install);
        Assert.Contains($"keeping {config}", install.Stdout, StringComparison.Ordinal);
        Assert.Equal(Mine, File.ReadAllText(config));

        ProcessResult uninstall = Packaging.Make("uninstall", Dest);
        Packaging.AssertSucceeded(uninstall);
        Assert.Contains($"keeping {config} (changed since install)", uninstall.Stdout, StringComparison.Ordinal);
        Assert.Equal(["/etc/tinyfence/tinyfence.conf"], Packaging.Files(Dest));
    }
}
