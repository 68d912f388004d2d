using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The published binary under a <c>Type=notify</c> systemd unit: a NOTIFY_SOCKET the test listens
/// on (a path, or an abstract name), and WATCHDOG_USEC set. The waits are hang guards; nothing here
/// measures time.
/// </summary>
public class ServiceNotifyTests
{
    private static readonly TimeSpan s_stop = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NotifiesReadyReloadingStoppingAndFeedsTheWatchdog(bool abstractNamespace)
    {
        using var dir = new TempDir();
        using var systemd = new NotifyListener(abstractNamespace);
        string marker = Path.Combine(dir.Path, "environment");
        string config = dir.Write("notify.conf", $$"""
            rule "Always" { la1 >= 0 } log step 1s
            rule "Env" { la1 >= 0 } run once 'echo "${NOTIFY_SOCKET-unset}" > {{marker}}.tmp && mv {{marker}}.tmp {{marker}}'
            """);
        var environment = new Dictionary<string, string?>
        {
            ["NOTIFY_SOCKET"] = systemd.Address,
            ["WATCHDOG_USEC"] = "200000",
            ["WATCHDOG_PID"] = null,
        };
        using var daemon = Repo.StartPublished(environment, "run", "-c", config);

        int ready = systemd.WaitFor("READY=1", daemon: daemon);
        Assert.Equal("2 rules", NotifyListener.Field(systemd.Messages[ready], "STATUS"));
        int watchdog = systemd.WaitFor("WATCHDOG=1", ready + 1, daemon);
        watchdog = systemd.WaitFor("WATCHDOG=1", watchdog + 1, daemon);

        int reloading = systemd.SighupAndWaitForReloading(daemon, watchdog + 1);
        int readyAgain = systemd.WaitFor("READY=1", reloading + 1, daemon);
        systemd.WaitFor("WATCHDOG=1", readyAgain + 1, daemon); // the loop goes on feeding it after a reload

        daemon.Signal(Posix.SIGTERM);
        systemd.WaitFor("STOPPING=1", readyAgain + 1, daemon);
        Assert.Equal(0, daemon.WaitForExit(s_stop));

        // The rule's command ran without the daemon's socket in its environment.
        Assert.True(File.Exists(marker), $"the Env rule's command did not run\n{daemon.Stderr}");
        Assert.Equal("unset", File.ReadAllText(marker).Trim());
    }
}
