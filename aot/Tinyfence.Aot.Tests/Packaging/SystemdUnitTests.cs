using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.Packaging;

/// <summary>The systemd unit as make install writes it, checked by systemd's own verifier.</summary>
public sealed class SystemdUnitTests : IDisposable
{
    private const string SystemdAnalyze = "/usr/bin/systemd-analyze";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SystemdAnalyzeVerifyAcceptsTheInstalledUnit()
    {
        TestPackages.Require(SystemdAnalyze, "systemd", "the systemd unit's tests");
        // Installed under a PREFIX (not a DESTDIR), so ExecStart names a binary that exists:
        // verify checks that it is executable.
        string prefix = _dir.Path + "/usr";
        Packaging.AssertSucceeded(Packaging.Make("install", "", "PREFIX=" + prefix, "SYSCONFDIR=" + _dir.Path + "/etc"));
        string unit = prefix + "/lib/systemd/system/tinyfence.service";

        // --man=no: Documentation= names man pages that are not installed on this machine's MANPATH.
        var verify = ProcessResult.Run(SystemdAnalyze, ["verify", "--man=no", unit]);

        Assert.True(verify.ExitCode == 0 && verify.Stderr.Length == 0, verify.ToString());
        string text = File.ReadAllText(unit);
        foreach (string line in (string[])[
            "Type=notify", $"ExecStart={prefix}/sbin/tinyfence run -c {_dir.Path}/etc/tinyfence/tinyfence.conf",
            "ExecReload=/bin/kill -HUP $MAINPID", "Restart=on-failure", "RuntimeDirectory=tinyfence",
            "StateDirectory=tinyfence", "WatchdogSec="])
        {
            Assert.Contains("\n" + line, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryHardeningOptionOfTheUnitSaysWhyOnTheLineAbove()
    {
        string[] lines = File.ReadAllLines(Path.Combine(Repo.Root, "src", "packaging", "tinyfence.service"));
        string[] hardening = ["Protect", "Restrict", "Lock", "SystemCall", "NoNewPrivileges", "Private", "KillMode", "Memory"];
        int checkedOptions = 0;
        for (int i = 1; i < lines.Length; i++)
        {
            if (hardening.Any(h => lines[i].StartsWith(h, StringComparison.Ordinal)))
            {
                Assert.True(lines[i - 1].StartsWith("# ", StringComparison.Ordinal), $"no reason above '{lines[i]}'");
                checkedOptions++;
            }
        }
        Assert.True(checkedOptions >= 5, $"only {checkedOptions} hardening options");
    }
}
