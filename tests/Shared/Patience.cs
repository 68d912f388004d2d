using System.Diagnostics;

namespace Tinyfence.Testing;

/// <summary>
/// How long a test waits for something to happen before it gives up: a guard against a hang,
/// never a measurement. A passing test waits only as long as the event takes; the guards are
/// generous because the tests run on loaded 2-core machines, beside other jobs.
/// </summary>
internal static class Patience
{
    /// <summary>For what takes milliseconds on an idle machine: a reply, a log line, a file, a short command.</summary>
    public static readonly TimeSpan Short = TimeSpan.FromSeconds(30);

    /// <summary>For what takes seconds on an idle machine: Apache starting or restarting, a command run to its end.</summary>
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    /// <summary>Polls <paramref name="condition"/> until it holds; false after <paramref name="guard"/> (default <see cref="Short"/>).</summary>
    public static bool Until(Func<bool> condition, TimeSpan? guard = null, int intervalMs = 20)
    {
        TimeSpan limit = guard ?? Short;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            Thread.Sleep(intervalMs);
        }

        return true;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test naming <paramref name="what"/> after the guard.</summary>
    public static void WaitUntil(Func<bool> condition, string what, TimeSpan? guard = null, int intervalMs = 20)
    {
        if (!Until(condition, guard, intervalMs))
        {
            Assert.Fail($"no {what} within {(guard ?? Short).TotalSeconds} s");
        }
    }

    /// <summary>Waits until the file at <paramref name="path"/> is written again (a new modification time).</summary>
    public static void WaitForRewrite(string path, string what)
    {
        DateTime before = File.GetLastWriteTimeUtc(path);
        WaitUntil(() => File.GetLastWriteTimeUtc(path) != before, what, intervalMs: 50);
    }
}
