using System.Diagnostics;
using Tinyfence.Blocklist;
using Tinyfence.Testing;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Blocklist;

/// <summary>
/// A reader (the real apr-util, opening the map afresh for every lookup as mod_rewrite does) never
/// sees a half-written map while the writer replaces it as fast as it can. The run is counted in
/// lookups and rewrites, so a loaded machine makes it longer, not weaker; it lasts 4 s at least.
/// </summary>
public sealed class SdbmMapStressTests(ITestOutputHelper output) : IDisposable
{
    private const int MinLookups = 1000;
    private const int MinRewrites = 20;
    private static readonly TimeSpan s_minimumRun = TimeSpan.FromSeconds(4);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tinyfence-sdbm-stress-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task AReaderOnlyEverSeesTheCurrentOrThePreviousKeySet()
    {
        // Two sets sharing half their keys: a shared key must always be found, a key of one set
        // only may be found or not (current or previous map), any other key never.
        List<string> universe = TestKeys.IPv4(5000, seed: 31);
        List<string> first = universe[..3000];
        List<string> second = universe[1500..4500];
        List<string> never = universe[4500..];
        byte[][] firstBytes = TestKeys.Bytes(first);
        byte[][] secondBytes = TestKeys.Bytes(second);

        string basePath = Path.Combine(_folder.FullName, "blocked");
        var writer = new SdbmMapWriter(basePath, "BLOCK"u8);
        Write(writer, firstBytes);

        var probes = new List<(char, string)>();
        probes.AddRange(universe[1500..3000].Select(k => ('1', k)));
        probes.AddRange(universe[..1500].Select(k => ('?', k)));
        probes.AddRange(universe[3000..4500].Select(k => ('?', k)));
        probes.AddRange(never.Select(k => ('0', k)));
        // Shuffled so every stretch of the run probes every class.
        var random = new Random(32);
        probes = probes.OrderBy(_ => random.Next()).ToList();

        // The reader stops once the stop file exists and it has made its lookups; the writer goes
        // on until then, so every rewrite it counts happened while the reader looked up.
        string stop = Path.Combine(_folder.FullName, "stop");
        using Process reader = SdbmLookupTool.StartLoop(basePath, MinLookups, stop, "BLOCK", probes);
        Task<string> stdout = reader.StandardOutput.ReadToEndAsync();
        Task<string> stderr = reader.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        int rewrites = 0;
        int depth = -1;
        try
        {
            while (!reader.HasExited)
            {
                SdbmCommitResult result = Write(writer, (rewrites & 1) == 0 ? secondBytes : firstBytes);
                Assert.False(result.DirectoryRewritten && rewrites > 0, "the depth changed between two sets of one size");
                depth = result.Depth;
                rewrites++;
                if (rewrites >= MinRewrites && clock.Elapsed >= s_minimumRun && !File.Exists(stop))
                {
                    File.WriteAllText(stop, "");
                }

                Assert.True(clock.Elapsed < Patience.Long, $"the reader did not end within {Patience.Long.TotalSeconds} s, after {rewrites} rewrites");
            }
        }
        finally
        {
            // A test that failed must not leave the reader looking up for ever.
            if (!reader.HasExited)
            {
                reader.Kill();
            }
        }

        await reader.WaitForExitAsync();
        string summary = (await stdout).Trim();
        output.WriteLine($"{rewrites} rewrites at depth {depth} during the reader's {clock.Elapsed.TotalSeconds:F1} s: {summary}");
        Assert.True(reader.ExitCode == 0, $"{summary}\n{await stderr}");
        Assert.True(rewrites >= MinRewrites, $"only {rewrites} rewrites");
        Assert.Matches(@"^lookups=\d{4,} found=[1-9]\d* absent=[1-9]\d* violations=0 errors=0$", summary);
    }

    private static SdbmCommitResult Write(SdbmMapWriter writer, byte[][] keys)
    {
        writer.Begin();
        foreach (byte[] key in keys)
        {
            writer.Add(key);
        }

        return writer.Commit();
    }
}
