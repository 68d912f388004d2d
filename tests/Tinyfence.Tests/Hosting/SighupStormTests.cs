using Tinyfence.Testing;
using Tinyfence.Tests.Actions;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Hosting;

/// <summary>Hundreds of SIGHUPs while a command runs: reloads, never a second start, no zombie.</summary>
public sealed class SighupStormTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-hupstorm-").FullName;
    private readonly FakeProcTree _proc = new("idle");

    public void Dispose()
    {
        _proc.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void ASighupStormWhileACommandRunsNeitherRestartsNorLosesItAndLeavesNoZombie()
    {
        string gate = Path.Combine(_dir, "gate");
        string marker = Path.Combine(_dir, "finished");
        string config = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(config, $"""
            rule 'slow' {"{"} la1 >= 0 {"}"} run once 'while [ ! -e {gate} ]; do sleep 0.05; done; echo done > {marker}'
            rule 'beat' {"{"} la1 >= 0 {"}"} log step 200ms
            """);
        using var daemon = TinyfenceProgram.Start("run", "-c", config, "--proc-root", _proc.Root);
        daemon.WaitForLine("slow: started");

        for (int i = 0; i < 500; i++)
        {
            daemon.Signal(Posix.SIGHUP);
        }

        // Signals that arrive during a reload are one more reload, not one each.
        int reloaded = daemon.WaitForLine("reloaded: 2 rules, 2 kept their state");
        daemon.WaitForLine("rule \"beat\" fired", reloaded);
        File.WriteAllText(gate, "");
        daemon.WaitForLine("slow: command exited with status 0");
        Assert.Equal("done", File.ReadAllText(marker).Trim());
        Assert.Equal(1, daemon.CountLines("slow: started"));
        Assert.InRange(daemon.CountLines("SIGHUP: reloading"), 1, 500);
        Assert.Empty(ProcFs.ZombieChildren(daemon.Pid));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }
}
