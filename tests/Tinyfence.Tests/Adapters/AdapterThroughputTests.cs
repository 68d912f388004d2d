using System.Diagnostics;
using System.Text;
using Tinyfence.Adapters;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Adapters;

/// <summary>
/// Throughput figures for the report (printed, not asserted: the machine is shared). Run in
/// Release for meaningful numbers:
/// <c>dotnet test -c Release --filter FullyQualifiedName~AdapterThroughputTests --logger "console;verbosity=detailed"</c>.
/// Rates are per second of the process's CPU time, so that a loaded machine skews them less.
/// About 10 s in Debug; <c>--filter Category!=Bench</c> leaves them out.
/// </summary>
[Collection(SerialTests.Name)]
[Trait("Category", "Bench")]
public class AdapterThroughputTests(ITestOutputHelper output)
{
    private static PatternSet HundredPatterns()
    {
        var random = new Random(42);
        string[] words = [.. Enumerable.Range(0, 100).Select(_ =>
            new string([.. Enumerable.Range(0, random.Next(5, 16)).Select(_ => (char)random.Next('a', 'z' + 1))]))];
        return PatternSet.FromPatterns(words);
    }

    [Fact]
    public void MatcherThroughputOverFiftyMegabytes()
    {
        const long BodyBytes = 50L * 1024 * 1024;
        PatternSet set = HundredPatterns();
        var pump = new BodyPump(new StreamMatcher(set));

        // Warm-up (tiering), then the measured run.
        pump.Run(new GeneratedBodyStream(4L * 1024 * 1024), new CountingSink(), null);
        var sink = Stream.Null;
        var stopwatch = CpuStopwatch.StartNew();
        PumpOutcome outcome = pump.Run(new GeneratedBodyStream(BodyBytes), sink, null);
        stopwatch.Stop();
        Assert.Equal(PumpOutcome.Completed, outcome);
        double pumpMBps = BodyBytes / 1048576.0 / stopwatch.Elapsed.TotalSeconds;

        // The matcher alone over an in-memory chunk, and a raw-only scan for comparison.
        byte[] chunk = new byte[1024 * 1024];
        new GeneratedBodyStream(chunk.Length).ReadExactly(chunk);
        var matcher = new StreamMatcher(set);
        stopwatch.Restart();
        for (int i = 0; i < 50; i++)
        {
            matcher.Reset();
            matcher.Feed(chunk);
        }

        stopwatch.Stop();
        double matcherMBps = 50 / stopwatch.Elapsed.TotalSeconds;
        Assert.False(matcher.HasMatch);

        stopwatch.Restart();
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(-1, set.FindFirst(chunk));
        }

        stopwatch.Stop();
        double rawMBps = 50 / stopwatch.Elapsed.TotalSeconds;
        output.WriteLine($"100 patterns ({set.Automaton.StateCount} states x {set.Automaton.ClassCount} classes): " +
            $"pump {pumpMBps:F0} MB/s, matcher raw+decoded {matcherMBps:F0} MB/s, raw only {rawMBps:F0} MB/s");
    }

    [Fact]
    public void LogParsingThroughput()
    {
        byte[][] lines =
        [
            .. new[]
            {
                """203.0.113.9 - - [25/Nov/2026:12:00:01 +0000] "GET /index.html HTTP/1.1" 200 5120 "https://example.org/" "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36" """,
                """2001:db8::1 - - [25/Nov/2026:12:00:01 +0000] "POST /wp-login.php HTTP/1.1" 404 196 "-" "python-requests/2.31" """,
                """198.51.100.7 - bob [25/Nov/2026:12:00:01 +0000] "GET /search?q=\"x\"+OR+1=1 HTTP/1.1" 403 199 "-" "curl/8.5.0" """,
            }.Select(l => Encoding.ASCII.GetBytes(l.TrimEnd())),
        ];
        FeedScoring scoring = FeedScoring.Create(null, ["404=2", "403=1"], PatternSet.FromPatterns(["wp-login", "xmlrpc", "/.env"]), "15");
        const int Count = 3_000_000;
        long points = 0;
        for (int i = 0; i < 100_000; i++)
        {
            points += Score(scoring, lines[i % 3]);
        }

        var stopwatch = CpuStopwatch.StartNew();
        for (int i = 0; i < Count; i++)
        {
            if (AccessLogLine.TryParse(lines[i % 3], out AccessLogLine parsed))
            {
                points += parsed.Status;
            }
        }

        stopwatch.Stop();
        double parseRate = Count / stopwatch.Elapsed.TotalSeconds;
        stopwatch.Restart();
        for (int i = 0; i < Count; i++)
        {
            points += Score(scoring, lines[i % 3]);
        }

        stopwatch.Stop();
        double scoreRate = Count / stopwatch.Elapsed.TotalSeconds;
        Assert.True(points > 0);
        output.WriteLine($"access log lines: parse {parseRate / 1e6:F1} M lines/s, parse + score (status + 3 URL patterns) {scoreRate / 1e6:F1} M lines/s");
    }

    [Fact]
    public void LogWriterThroughput()
    {
        string dir = Directory.CreateTempSubdirectory("tinyfence-logbench-").FullName;
        try
        {
            byte[] line = """203.0.113.9 - - [25/Nov/2026:12:00:01 +0000] "GET /index.html HTTP/1.1" 200 5120 "https://example.org/" "Mozilla/5.0 (X11; Linux x86_64)" """u8.ToArray();
            const int Count = 1_000_000;
            using var writer = new AccessLogWriter(Path.Combine(dir, "access.log"), maxBytes: 50L * 1024 * 1024);
            var stopwatch = CpuStopwatch.StartNew();
            for (int i = 0; i < Count; i++)
            {
                writer.WriteLine(line);
            }

            writer.Flush();
            stopwatch.Stop();
            output.WriteLine($"log writer: {Count / stopwatch.Elapsed.TotalSeconds / 1e6:F1} M lines/s ({line.Length + 1} bytes each), {writer.Rotations} rotations");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Score(FeedScoring scoring, byte[] line) =>
        AccessLogLine.TryParse(line, out AccessLogLine parsed) ? scoring.PointsFor(parsed, blocked: false) : 0;
}

/// <summary>Like a stopwatch, over the process's CPU time (the serial collection keeps other tests off it).</summary>
internal sealed class CpuStopwatch
{
    private TimeSpan _start;

    public TimeSpan Elapsed { get; private set; }

    public static CpuStopwatch StartNew()
    {
        var stopwatch = new CpuStopwatch();
        stopwatch.Restart();
        return stopwatch;
    }

    public void Restart()
    {
        Elapsed = TimeSpan.Zero;
        _start = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public void Stop() => Elapsed = Process.GetCurrentProcess().TotalProcessorTime - _start;
}
