using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.Packaging;

/// <summary>
/// The package <c>make deb</c> builds, installed with dpkg in a private copy of the Debian 11
/// tree the old-userland tests use: no init system runs there, as in a chroot or a container,
/// and the install must still succeed.
/// </summary>
public sealed class DebianPackageTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _root;

    public DebianPackageTests() => _root = _dir.Path + "/bullseye";

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// A private copy of the Debian 11 tree: installing and purging must not touch the tree other
    /// tests share (nor leave tinyfence installed in the cache when a test fails half-way).
    /// </summary>
    private void CopyBullseye()
    {
        if (Environment.UserName != "root")
        {
            Assert.Fail("the package tests need root (dpkg in a chroot); CI runs as root");
        }
        var made = ProcessResult.Run("bash", [Path.Combine(Repo.Root, "tests", "scripts", "bullseye-root.sh")], TimeSpan.FromMinutes(20));
        Assert.True(made.ExitCode == 0, made.ToString());
        var copied = ProcessResult.Run("cp", ["-a", "--reflink=auto", made.Stdout.Trim().Split('\n')[^1], _root], TimeSpan.FromMinutes(5));
        Assert.True(copied.ExitCode == 0, copied.ToString());
    }

    private ProcessResult Chroot(params string[] command) => ProcessResult.Run("chroot", [_root, .. command], TimeSpan.FromMinutes(2));

    private string Build()
    {
        var built = ProcessResult.Run("env", ["BINARY=" + Repo.PublishedBinary, "bash", Path.Combine(Repo.Root, "src", "packaging", "build-deb.sh"),
            Packaging.Version, _dir.Path + "/out"], TimeSpan.FromMinutes(2));
        Assert.True(built.ExitCode == 0, built.ToString());
        string deb = built.Stdout.Trim();
        Assert.Equal(_dir.Path + $"/out/tinyfence_{Packaging.Version}_amd64.deb", deb);
        return deb;
    }

    [Fact]
    public void PackageHoldsTheInstallTreeUnderUsrWithTheConfigAsAConffile()
    {
        string deb = Build();

        var contents = ProcessResult.Run("dpkg-deb", ["--contents", deb]);
        Assert.True(contents.ExitCode == 0, contents.ToString());
        foreach (string path in (string[])["./usr/sbin/tinyfence", "./usr/share/man/man8/tinyfence.8", "./etc/tinyfence/tinyfence.conf",
            "./etc/tinyfence/conf.d/", "./lib/systemd/system/tinyfence.service", "./etc/init.d/tinyfence",
            "./etc/logrotate.d/tinyfence", "./etc/default/tinyfence"])
        {
            Assert.Contains(" " + path + "\n", contents.Stdout, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("/usr/local", contents.Stdout, StringComparison.Ordinal);
        Assert.All(contents.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Contains(" root/root ", line, StringComparison.Ordinal));

        var fields = ProcessResult.Run("dpkg-deb", ["--field", deb, "Package", "Version", "Architecture", "Depends"]);
        Assert.Equal($"Package: tinyfence\nVersion: {Packaging.Version}\nArchitecture: amd64\n", fields.Stdout);
        var conffiles = ProcessResult.Run("dpkg-deb", ["--info", deb, "conffiles"]);
        Assert.Contains("/etc/tinyfence/tinyfence.conf\n", conffiles.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a policy-rc.d that refuses every start, as in Docker's Debian images
    public void InstallsOnDebian11WithoutAnInitSystemChecksItsConfigKeepsAChangedOneAndPurges(bool policyRefuses)
    {
        CopyBullseye();
        File.Copy(Build(), _root + "/tmp/tinyfence.deb");
        const string deb = "/tmp/tinyfence.deb";
        if (policyRefuses)
        {
            File.WriteAllText(_root + "/usr/sbin/policy-rc.d", "#!/bin/sh\nexit 101\n");
            File.SetUnixFileMode(_root + "/usr/sbin/policy-rc.d", (UnixFileMode)0b111_101_101);
        }

        // No init system runs here (no /run/systemd/system; sysvinit's runlevel unknown): the
        // postinst must not fail, and must start nothing in the tree.
        var installed = Chroot("dpkg", "-i", deb);
        Assert.True(installed.ExitCode == 0, installed.ToString());
        var status = Chroot("dpkg-query", "-W", "-f=${Status} ${Version}", "tinyfence");
        Assert.Equal($"install ok installed {Packaging.Version}", status.Stdout);
        Assert.True(Directory.Exists(_root + "/var/lib/tinyfence"), "postinst made no state dir");

        var check = Chroot("/usr/sbin/tinyfence", "check", "-c", "/etc/tinyfence/tinyfence.conf");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("OK, ", check.Stderr, StringComparison.Ordinal);

        // An admin's change survives a reinstall of the package (the upgrade path of a conffile),
        // with no question asked (stdin is closed: a prompt would fail the install).
        string config = _root + "/etc/tinyfence/tinyfence.conf";
        File.AppendAllText(config, "\nrule \"admin\" { la1 >= 40 } log\n");
        string changed = File.ReadAllText(config);
        var again = Chroot("dpkg", "-i", deb);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(changed, File.ReadAllText(config));
        check = Chroot("/usr/sbin/tinyfence", "check", "-c", "/etc/tinyfence/tinyfence.conf");
        Assert.True(check.ExitCode == 0 && check.Stdout.Contains("rule \"admin\"", StringComparison.Ordinal), check.ToString());

        File.WriteAllText(_root + "/var/lib/tinyfence/spam.scores", "a snapshot");
        var purged = Chroot("dpkg", "--purge", "tinyfence");
        Assert.True(purged.ExitCode == 0, purged.ToString());

        Assert.NotEqual(0, Chroot("dpkg-query", "-W", "tinyfence").ExitCode);
        foreach (string path in (string[])["/usr/sbin/tinyfence", "/etc/tinyfence", "/etc/init.d/tinyfence", "/etc/default/tinyfence",
            "/etc/logrotate.d/tinyfence", "/lib/systemd/system/tinyfence.service", "/var/lib/tinyfence", "/var/log/tinyfence"])
        {
            Assert.False(Path.Exists(_root + path), $"{path} outlived dpkg --purge");
        }
        Assert.Empty(Directory.GetFiles(_root + "/etc", "*tinyfence*", SearchOption.AllDirectories));
    }
}
