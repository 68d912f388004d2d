using Tinyfence.Aot.Tests.Infrastructure;

namespace Tinyfence.Aot.Tests;

/// <summary>`run --once` against the fake /proc trees: the seed's Apache rules pick the right side.</summary>
/// <remarks>
/// The seed's rules run `/etc/init.d/apache2 stop|start` and `mail`: on a developer's machine with
/// Apache installed (the benchmarks use one) a test must not stop or start it, so the seed runs
/// here with --dry-run. The commands really run in the bullseye chroot (OldUserland/), where
/// neither exists, and a harmless command really runs on the host below.
/// </remarks>
public class RunOnceTests
{
    [Fact]
    public void OverloadedHostFiresApacheStopOnly()
    {
        AssertSeedFiresOnly("overloaded", "ApacheStop", "ApacheStart");
    }

    [Fact]
    public void IdleHostFiresApacheStartOnly()
    {
        AssertSeedFiresOnly("idle", "ApacheStart", "ApacheStop");
    }

    [Fact]
    public void RunOnceRunsTheRuleCommandAndWaitsForIt()
    {
        // The command sleeps before it writes: the file is there only if --once waited for it.
        using var dir = new TempDir();
        string marker = Path.Combine(dir.Path, "ran");
        string config = dir.Write("command.conf", $"rule \"Busy\" {{ la1 >= 10 }} run 'sleep 1; echo ran > {marker}'\n");

        var result = Repo.RunPublished(
            "run", "--once", "--proc-root", Repo.ProcTree("overloaded"), "-c", config);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Diagnostics.Fired("Busy"), result.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(marker), $"the rule's command did not run, or --once did not wait for it\n{result}");
        Assert.Equal("ran\n", File.ReadAllText(marker));
    }

    [Fact]
    public void BuiltInDefaultRulesRunOnceWithoutAConfig()
    {
        // `make run` starts the daemon with no -c: the built-in rules must at least evaluate.
        var result = Repo.RunPublished("run", "--once", "--proc-root", Repo.ProcTree("idle"));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    // The seed config run once, dry, against a fake /proc tree: one Apache rule fires, the other does not.
    private static void AssertSeedFiresOnly(string procTree, string fires, string doesNotFire)
    {
        var result = Repo.RunPublished(
            "run", "--once", "--dry-run", "--proc-root", Repo.ProcTree(procTree), "-c", Repo.SeedConfig);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(Diagnostics.Fired(fires), result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Diagnostics.Fired(doesNotFire), result.Stderr, StringComparison.Ordinal);
    }
}
