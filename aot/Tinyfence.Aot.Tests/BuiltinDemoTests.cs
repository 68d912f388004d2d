using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// <c>make run</c>'s job with the published binary, as a user without root: the built-in config
/// serves its score table from a directory of its own, the commands it prints work as printed
/// (each prints what its comment says), and Ctrl-C removes the directory.
/// </summary>
public class BuiltinDemoTests
{
    private static readonly TimeSpan s_event = TimeSpan.FromSeconds(30);

    [Fact]
    public void BuiltinDaemonServesTheSpamTableAndItsPrintedCommandsWorkAsPrinted()
    {
        // A copy every user can run: the checkout may sit under a directory only root can enter.
        using var dir = new TempDir();
        File.SetUnixFileMode(dir.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        string binary = Path.Combine(dir.Path, "tinyfence");
        File.Copy(Repo.PublishedBinary, binary);
        File.SetUnixFileMode(binary, (UnixFileMode)Convert.ToInt32("755", 8));

        using var daemon = RunningDaemon.Start("/usr/bin/setpriv", [.. AsNobody, binary, "run"]);
        daemon.WaitForLine(l => l.StartsWith("Ctrl-C stops the daemon and removes ", StringComparison.Ordinal), s_event, "the try-it commands");
        string[] commands = daemon.Stderr.Split('\n').Where(l => l.StartsWith("  " + binary + " score ", StringComparison.Ordinal)).ToArray();
        Assert.True(commands.Length >= 5, daemon.Stderr);
        string demoDirectory = daemon.Stderr.Split('\n').Single(l => l.StartsWith("Ctrl-C", StringComparison.Ordinal))[
            "Ctrl-C stops the daemon and removes ".Length..].Trim();
        Assert.True(Directory.Exists(demoDirectory), demoDirectory);

        foreach (string printed in commands)
        {
            // "  COMMAND   # EXPECTED: why" (or "# EXPECTED"): the shell ignores the comment.
            string expected = printed[(printed.IndexOf('#') + 1)..].Split(':')[0].Trim();
            ProcessResult result = ProcessResult.Run("/usr/bin/setpriv", [.. AsNobody, "/bin/sh", "-c", printed]);
            Assert.True(result.ExitCode == 0 && result.Stdout.Trim() == expected, $"{printed}\n{result}");
        }

        daemon.Signal(Posix.SIGINT);
        Assert.Equal(0, daemon.WaitForExit(s_event));
        Assert.False(Directory.Exists(demoDirectory), $"{demoDirectory} is still there after Ctrl-C");
    }

    // As root (CI), the test drops to nobody; as a user, it stays that user.
    private static string[] AsNobody => Environment.UserName == "root"
        ? ["--reuid=65534", "--regid=65534", "--clear-groups", "--reset-env"]
        : [];
}
