using System.Diagnostics;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Cli;

/// <summary><c>tinyfence feed</c> as Apache runs it: a process reading a pipe.</summary>
public sealed class FeedCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tinyfence-feed-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void SigtermFlushesTheLogAndReadingGoesOnToTheEndOfTheInput()
    {
        // Apache's graceful restart: SIGTERM to the piped logger while the old workers still
        // hold the pipe and log the requests they finish.
        string log = Path.Combine(_folder.FullName, "access.log");
        var psi = new ProcessStartInfo(TinyfenceProgram.Path)
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["feed", "--table", "spam", "--run-dir", _folder.FullName, "--log", log])
        {
            psi.ArgumentList.Add(arg);
        }

        using Process feed = Process.Start(psi)!;
        try
        {
            for (int i = 0; i < 3; i++)
            {
                feed.StandardInput.WriteLine($"192.0.2.{i} - - [26/Nov/2026:00:00:00 +0000] \"GET /before-{i} HTTP/1.1\" 200 5 \"-\" \"t\"");
            }

            feed.StandardInput.Flush();
            // The once-a-second flush shows the feed is up (its signal handlers too).
            WaitForLines(log, 3);

            Posix.Kill(feed.Id, Posix.SIGTERM);
            Thread.Sleep(300);
            Assert.False(feed.HasExited, "the feed died at SIGTERM");
            for (int i = 0; i < 2; i++)
            {
                feed.StandardInput.WriteLine($"192.0.2.{i} - - [26/Nov/2026:00:00:00 +0000] \"GET /after-{i} HTTP/1.1\" 200 5 \"-\" \"t\"");
            }

            feed.StandardInput.Close();
            Assert.True(feed.WaitForExit(Patience.Short), "the feed did not exit at the end of its input");
            Assert.Equal(0, feed.ExitCode);
            string[] lines = File.ReadAllLines(log);
            Assert.Equal(["/before-0", "/before-1", "/before-2", "/after-0", "/after-1"], lines.Select(l => l.Split(' ')[6]));
        }
        finally
        {
            if (!feed.HasExited)
            {
                feed.Kill();
            }
        }
    }

    private static void WaitForLines(string path, int count) =>
        Patience.WaitUntil(() => File.Exists(path) && File.ReadAllLines(path).Length >= count, $"{count} lines in {path}");
}
