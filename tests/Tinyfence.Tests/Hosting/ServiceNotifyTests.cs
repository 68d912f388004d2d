using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Hosting;

/// <summary>
/// The daemon under a <c>Type=notify</c> systemd unit, as a real process with a NOTIFY_SOCKET the
/// test listens on: what it says at start, around a reload, at stop, and to the watchdog.
/// The waits are hang guards; nothing here measures time.
/// </summary>
public sealed class ServiceNotifyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-notify-").FullName;
    private readonly FakeProcTree _proc = new("idle");

    public void Dispose()
    {
        _proc.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SaysReadyThenReloadingAndReadyOnSighupThenStoppingOnSigterm(bool abstractNamespace)
    {
        using var systemd = new NotifyListener(abstractNamespace);
        string config = Config("rule 'beat' { la1 >= 0 } log step 200ms");
        using RunningDaemon daemon = Start(systemd, config);

        int ready = systemd.WaitFor("READY=1", daemon: daemon);
        Assert.Equal("1 rule", NotifyListener.Field(systemd.Messages[ready], "STATUS"));

        File.WriteAllText(config, "rule 'beat' { la1 >= 0 } log step 200ms\nrule 'two' { la1 >= 0 } log once");
        int reloading = systemd.SighupAndWaitForReloading(daemon, ready + 1); // MONOTONIC_USEC checked

        int readyAgain = systemd.WaitFor("READY=1", reloading + 1, daemon);
        Assert.Equal("2 rules", NotifyListener.Field(systemd.Messages[readyAgain], "STATUS"));

        daemon.Signal(Posix.SIGTERM);
        int stopping = systemd.WaitFor("STOPPING=1", readyAgain + 1, daemon);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Equal("stopping", NotifyListener.Field(systemd.Messages[stopping], "STATUS"));
    }

    [Fact]
    public void ARejectedReloadSaysReadyAgainAndTheStatusSaysTheOldRulesRunOn()
    {
        using var systemd = new NotifyListener();
        string config = Config("rule 'beat' { la1 >= 0 } log step 200ms");
        using RunningDaemon daemon = Start(systemd, config);
        int ready = systemd.WaitFor("READY=1", daemon: daemon);

        File.WriteAllText(config, "rule 'bad' { la2 > 1 } log");
        daemon.Signal(Posix.SIGHUP);
        int reloading = systemd.WaitFor("RELOADING=1", ready + 1, daemon);
        int readyAgain = systemd.WaitFor("READY=1", reloading + 1, daemon);
        Assert.Equal("reload rejected (errors in the config), the previous rules run on: 1 rule",
            NotifyListener.Field(systemd.Messages[readyAgain], "STATUS"));

        // Fixed: the note goes with the next reload.
        File.WriteAllText(config, "rule 'beat' { la1 >= 0 } log step 200ms");
        daemon.Signal(Posix.SIGHUP);
        int fixedReady = systemd.WaitFor("READY=1", readyAgain + 1, daemon);
        Assert.Equal("1 rule", NotifyListener.Field(systemd.Messages[fixedReady], "STATUS"));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void WatchdogUsecMakesTheMainLoopPingTheWatchdogAgainAndAgain()
    {
        using var systemd = new NotifyListener();
        string config = Config("rule 'calm' { la1 >= 100 } log step 1h");
        using RunningDaemon daemon = Start(systemd, config, ("WATCHDOG_USEC", "200000"));
        int next = systemd.WaitFor("READY=1", daemon: daemon);
        for (int i = 0; i < 3; i++)
        {
            next = systemd.WaitFor("WATCHDOG=1", next + 1, daemon);
        }

        daemon.Signal(Posix.SIGTERM);
        systemd.WaitFor("STOPPING=1", next + 1, daemon);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void CommandsDoNotInheritTheNotifySocketNorTheWatchdog()
    {
        using var systemd = new NotifyListener();
        string marker = Path.Combine(_dir, "environment");
        string config = Config($"rule 'env' {{ la1 >= 0 }} run once 'echo \"${{NOTIFY_SOCKET-unset}} ${{WATCHDOG_USEC-unset}} ${{WATCHDOG_PID-unset}}\" > {marker}.tmp && mv {marker}.tmp {marker}'");
        using RunningDaemon daemon = Start(systemd, config, ("WATCHDOG_USEC", "30000000"));
        var guard = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(marker) && guard.Elapsed < TimeSpan.FromSeconds(30) && !daemon.HasExited)
        {
            Thread.Sleep(50);
        }

        Assert.Equal("unset unset unset", File.ReadAllText(marker).Trim());

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void StatusCountsTheTablesAndTheirBlockedAddressesAsTheyChange()
    {
        using var env = new ScoreDaemon();
        env.Configure(ScoreDaemon.Table());
        using var systemd = new NotifyListener();
        using RunningDaemon daemon = TinyfenceProgram.Start(SystemdEnvironment(systemd), "run", "-c", env.ConfigPath);
        int ready = systemd.WaitFor("READY=1", daemon: daemon);
        Assert.Equal("0 rules, 1 table, 0 blocked addresses", NotifyListener.Field(systemd.Messages[ready], "STATUS"));

        env.Ask("set", "spam", "192.0.2.1", "40"); // above 15: blocked from the next sweep on
        systemd.WaitFor("STATUS=0 rules, 1 table, 1 blocked address", ready + 1, daemon);

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void WithoutNotifySocketTheDaemonRunsAsBefore()
    {
        string config = Config("rule 'beat' { la1 >= 0 } log step 200ms");
        using RunningDaemon daemon = TinyfenceProgram.Start(
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = null, ["WATCHDOG_USEC"] = "200000" },
            "run", "-c", config, "--proc-root", _proc.Root);
        daemon.WaitForLine("rule \"beat\" fired");
        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain("systemd", daemon.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("WATCHDOG", daemon.Stderr, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> SystemdEnvironment(NotifyListener systemd, params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = systemd.Address, ["WATCHDOG_USEC"] = null, ["WATCHDOG_PID"] = null };
        foreach ((string name, string value) in extra)
        {
            environment[name] = value;
        }

        return environment;
    }

    private RunningDaemon Start(NotifyListener systemd, string config, params (string Name, string Value)[] extra) =>
        TinyfenceProgram.Start(SystemdEnvironment(systemd, extra), "run", "-c", config, "--proc-root", _proc.Root);

    private string Config(string text)
    {
        string path = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(path, text);
        return path;
    }
}
