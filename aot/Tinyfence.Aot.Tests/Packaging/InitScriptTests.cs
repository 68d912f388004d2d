using System.Diagnostics;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.Packaging;

/// <summary>
/// The LSB init script as make install writes it, run as root on this machine (Debian:
/// start-stop-daemon, /lib/lsb/init-functions when present) with a defaults file that points it
/// at a temporary config, run dir and pid file.
/// </summary>
public sealed class InitScriptTests : IDisposable
{
    // Generous guards against a hang, not measurements: each step is usually well under a second.
    private static readonly TimeSpan s_eventLimit = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        // A failed test must not leave a daemon behind.
        if (File.Exists(PidFilePath) && int.TryParse(File.ReadAllText(PidFilePath).Trim(), out int pid))
        {
            try
            {
                Posix.Kill(pid, Posix.SIGKILL);
            }
            catch (InvalidOperationException)
            {
            }
        }
        _dir.Dispose();
    }

    private string Dest => _dir.Path + "/dest";

    private string PidFilePath => _dir.Path + "/run/tinyfence.pid";

    // TINYFENCE_DEFAULTS: the script reads this file instead of /etc/default/tinyfence.
    private ProcessResult Init(string action) =>
        ProcessResult.Run("/usr/bin/env", ["TINYFENCE_DEFAULTS=" + _dir.Path + "/defaults", "/bin/sh", Dest + "/etc/init.d/tinyfence", action],
            s_eventLimit + s_eventLimit);

    // As root: make install into Dest, the config written, and a defaults file that points the script
    // at it and at this test's run dir, pid file and state dir, then has the extra lines. The config's path.
    private string Install(string configText, string extraDefaults = "")
    {
        if (Environment.UserName != "root")
        {
            Assert.Fail("the init script test needs root (the script is run as init would); CI runs as root");
        }
        Directory.CreateDirectory(Dest);
        Packaging.AssertSucceeded(Packaging.Make("install", Dest, "PREFIX=/usr"));
        string config = _dir.Write("tinyfence.conf", configText);
        _dir.Write("defaults", $"""
            DAEMON={Dest}/usr/sbin/tinyfence
            CONFIG={config}
            RUNDIR={_dir.Path}/run
            PIDFILE={PidFilePath}
            STATEDIR={_dir.Path}/state
            {extraDefaults}
            """);
        return config;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // as on CentOS: no start-stop-daemon, so the script daemonizes with setsid
    public void StartStatusReloadStopStatus(bool withStartStopDaemon)
    {
        string first = _dir.Path + "/first-fired";
        string second = _dir.Path + "/second-fired";
        Install($"""
            rule "first" {"{"} la1 >= 0 {"}"} run once 'touch {first}' step 200ms
            """,
            withStartStopDaemon ? "STOP_TIMEOUT=60" : "STOP_TIMEOUT=60\nPATH=/usr/bin:/bin");
        if (!withStartStopDaemon)
        {
            Assert.False(File.Exists("/usr/bin/start-stop-daemon") || File.Exists("/bin/start-stop-daemon"),
                "start-stop-daemon is on the reduced PATH: this run would not test the fallback");
        }
        ProcessResult start = Init("start");
        Assert.True(start.ExitCode == 0, start.ToString());
        int pid = PidFile();
        Assert.Equal("tinyfence", File.ReadAllText($"/proc/{pid}/comm").Trim());
        WaitFor(first, "the first rule's command");

        ProcessResult running = Init("status");
        Assert.True(running.ExitCode == 0, running.ToString());
        Assert.Contains($"running (pid {pid})", running.Stdout, StringComparison.Ordinal);

        // A second start is a no-op on the running daemon.
        Assert.Equal(0, Init("start").ExitCode);
        Assert.Equal(pid, PidFile());

        _dir.Write("tinyfence.conf", $"""
            rule "first" {"{"} la1 >= 0 {"}"} run once 'touch {first}' step 200ms
            rule "second" {"{"} la1 >= 0 {"}"} run once 'touch {second}' step 200ms
            """);
        ProcessResult reload = Init("reload");
        Assert.True(reload.ExitCode == 0, reload.ToString());
        WaitFor(second, "the rule added by the reload");
        Assert.Equal(pid, PidFile());

        ProcessResult stop = Init("stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.False(Directory.Exists($"/proc/{pid}"), $"pid {pid} still runs after stop");
        Assert.False(File.Exists(PidFilePath), "the daemon left its pid file");

        ProcessResult stopped = Init("status");
        Assert.True(stopped.ExitCode == 3, stopped.ToString());
        Assert.Contains("not running", stopped.Stdout + stopped.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void StartReportsABrokenConfigAndStartsNothing()
    {
        string config = Install("rule \"bad\" { la2 > 1 } log\n");
        ProcessResult start = Init("start");

        Assert.NotEqual(0, start.ExitCode);
        Assert.NotEmpty(Diagnostics.ErrorsIn(start.Stderr, config));
        Assert.False(File.Exists(PidFilePath));
        Assert.Equal(3, Init("status").ExitCode);
    }

    private int PidFile()
    {
        Assert.True(File.Exists(PidFilePath), $"no pid file {PidFilePath}");
        return int.Parse(File.ReadAllText(PidFilePath).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void WaitFor(string file, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!File.Exists(file))
        {
            Assert.True(waited.Elapsed < s_eventLimit, $"{what} did not create {file} within {s_eventLimit.TotalSeconds} s");
            Thread.Sleep(100);
        }
    }
}
