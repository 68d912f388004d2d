using System.Globalization;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Hosting;

/// <summary>
/// A scratch directory with a config, a run dir and a state dir for daemons that serve score
/// tables, and the <c>tinyfence score</c> client pointed at them.
/// </summary>
internal sealed class ScoreDaemon : IDisposable
{
    public ScoreDaemon()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tf-scored-").FullName;
        RunDir = Path.Combine(Directory, "run");
        StateDir = Path.Combine(Directory, "state");
        ConfigPath = Path.Combine(Directory, "tinyfence.conf");
    }

    public string Directory { get; }

    public string RunDir { get; }

    public string StateDir { get; }

    public string ConfigPath { get; }

    public string Socket => Path.Combine(RunDir, "tinyfence.sock");

    public string ViewPath(string table = "spam") => Path.Combine(RunDir, table + ".table");

    public string SnapshotPath(string table = "spam") => Path.Combine(StateDir, table + ".scores");

    public string BlocklistBase(string table = "spam") => Path.Combine(RunDir, table + ".blocked");

    /// <summary>Writes the config: run and state dirs, then <paramref name="body"/> (tables, rules).</summary>
    public void Configure(string body)
    {
        string text = $"set run-dir \"{RunDir}\"\nset state-dir \"{StateDir}\"\n{body}\n";
        File.WriteAllText(ConfigPath + ".tmp", text);
        File.Move(ConfigPath + ".tmp", ConfigPath, overwrite: true);
    }

    public static string Table(string name = "spam", int capacity = 1000, string extra = "") =>
        $"table \"{name}\" {{ capacity {capacity} decay 3 per 1d block above 15 {extra} }}";

    /// <summary>Starts the daemon and waits until it serves its socket.</summary>
    public RunningDaemon Start(params string[] extra)
    {
        RunningDaemon daemon = TinyfenceProgram.Start(["run", "-c", ConfigPath, .. extra]);
        daemon.WaitForLine("serving ");
        return daemon;
    }

    /// <summary>
    /// Waits for <paramref name="count"/> more saves of a table's snapshot. With <c>snapshot every
    /// 1s</c> they are the daemon's upkeep passes, a second apart on its own clock: a clock that a
    /// loaded machine slows down with the daemon, where a sleep would not.
    /// </summary>
    public void WaitForSnapshots(int count, string table = "spam")
    {
        for (int i = 1; i <= count; i++)
        {
            Patience.WaitForRewrite(SnapshotPath(table), $"snapshot save {i} of {count} of table \"{table}\"");
        }
    }

    /// <summary>Runs <c>tinyfence score --run-dir RUN ARGS</c>.</summary>
    public ProcessResult Score(params string[] args) =>
        ProcessResult.Run(TinyfenceProgram.Path, ["score", "--run-dir", RunDir, .. args], Patience.Short);

    /// <summary>The one-line answer of a request that must succeed.</summary>
    public string Ask(params string[] args)
    {
        ProcessResult result = Score(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.TrimEnd('\n');
    }

    public int Get(string address, string table = "spam") =>
        int.Parse(Ask("get", table, address), CultureInfo.InvariantCulture);

    public static long Inode(string path)
    {
        ProcessResult stat = ProcessResult.Run("stat", ["-c", "%i", path]);
        Assert.True(stat.ExitCode == 0, stat.ToString());
        return long.Parse(stat.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
