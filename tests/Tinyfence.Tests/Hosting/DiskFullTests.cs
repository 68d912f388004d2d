using Tinyfence.Table;
using Tinyfence.Testing;
using Tinyfence.Tests.Blocklist;
using Tinyfence.Tests.Support;
using Tinyfence.Tests.Table;

namespace Tinyfence.Tests.Hosting;

/// <summary>
/// The daemon on a full disk: its run and state directories on a 1 MB tmpfs mounted in a mount
/// namespace of its own (<c>unshare -m</c>), so the test needs no loop device and leaves no mount
/// behind; the test reaches the files through <c>/proc/PID/root</c>.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tf-diskfull-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AFullDiskKeepsTheOldSnapshotAndBlocklistLogsEachFailureOnceAndTheDaemonGoesOn()
    {
        string disk = Path.Combine(_dir, "disk");
        Directory.CreateDirectory(disk);
        string config = Path.Combine(_dir, "tinyfence.conf");
        File.WriteAllText(config, $"""
            set run-dir "{disk}/run"
            set state-dir "{disk}/state"
            {ScoreDaemon.Table(extra: "snapshot every 1s blocklist every 1s")}
            """);
        using RunningDaemon daemon = RunningDaemon.Start("unshare",
            ["-m", "--", "sh", "-c", "mount -t tmpfs -o size=1m tinyfence-full \"$1\" && shift && exec \"$@\"",
             "sh", disk, TinyfenceProgram.Path, "run", "-c", config]);
        daemon.WaitForLine("serving ");
        string root = $"/proc/{daemon.Pid}/root{disk}";
        string snapshot = Path.Combine(root, "state", "spam.scores");
        string blocklist = Path.Combine(root, "run", "spam.blocked");
        string Ask(params string[] request) => AskAt(Path.Combine(root, "run", "tinyfence.sock"), request);

        Assert.Equal("OK", Ask("set", "spam", "192.0.2.1", "20"));
        Patience.WaitUntil(() => File.Exists(snapshot) && Lookup(blocklist, "192.0.2.1") == "BLOCK", "the first snapshot and blocklist", intervalMs: 100);
        Patience.WaitForRewrite(snapshot, "a snapshot save after the first");

        string filler = Path.Combine(root, "filler");
        string topUp = Path.Combine(root, "top-up");
        FillDisk(filler);
        daemon.WaitForLine("cannot save the snapshot");
        // A save under way while the disk filled may have freed the file it replaced: take that too.
        FillDisk(topUp);
        Assert.Equal("OK", Ask("set", "spam", "192.0.2.2", "30"));
        daemon.WaitForLine("cannot write the blocklist");
        // Both are retried every second: still said once each.
        Thread.Sleep(TimeSpan.FromSeconds(3));
        Assert.Equal(1, daemon.CountLines("cannot save the snapshot"));
        Assert.Equal(1, daemon.CountLines("cannot write the blocklist"));

        // The old files stay, whole and readable; nothing half-written is left to fill the disk.
        Assert.Equal((1, 20, 0), Snapshot(snapshot));
        Assert.Equal(["BLOCK", "NULL"], SdbmLookupTool.Lookup(blocklist, ["192.0.2.1", "192.0.2.2"]));
        Assert.Equal(["spam.scores"], Directory.GetFiles(Path.GetDirectoryName(snapshot)!).Select(Path.GetFileName));
        // The daemon goes on answering from memory.
        Assert.Equal("30", Ask("get", "spam", "192.0.2.2"));
        Assert.Equal("21", Ask("hit", "spam", "192.0.2.1"));

        File.Delete(filler);
        File.Delete(topUp);
        daemon.WaitForLine("snapshot saved again");
        daemon.WaitForLine("blocklist written again");
        Assert.Equal(["BLOCK", "BLOCK"], SdbmLookupTool.Lookup(blocklist, ["192.0.2.1", "192.0.2.2"]));
        Assert.Equal((2, 21, 30), Snapshot(snapshot));

        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }

    private static string AskAt(string socket, params string[] request)
    {
        ProcessResult result = ProcessResult.Run(TinyfenceProgram.Path, ["score", "--socket", socket, .. request], Patience.Short);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.TrimEnd('\n');
    }

    private static string Lookup(string blocklist, string key) =>
        File.Exists(blocklist + ".pag") ? SdbmLookupTool.Lookup(blocklist, [key])[0] : "NULL";

    /// <summary>Writes zeros until the file system says it is full.</summary>
    private static void FillDisk(string path)
    {
        byte[] chunk = new byte[16 * 1024];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }
    }

    /// <summary>A snapshot file loaded as the daemon loads it: its entry count and the scores of 192.0.2.1 and 192.0.2.2.</summary>
    private static (int Entries, int First, int Second) Snapshot(string path)
    {
        using ScoreTable table = ScoreTable.CreatePrivate(ScoreTableTests.Spec());
        int entries = TableSnapshot.Load(table, path, out string? problem);
        Assert.Null(problem);
        return (entries, table.Get(Keys.V4(192, 0, 2, 1), table.Now), table.Get(Keys.V4(192, 0, 2, 2), table.Now));
    }
}
