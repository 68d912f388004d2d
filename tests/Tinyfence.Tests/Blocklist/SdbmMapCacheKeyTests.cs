using System.Text;
using Tinyfence.Blocklist;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Blocklist;

/// <summary>
/// mod_rewrite's per-child cache of a <c>dbm=</c> map: answers are kept under
/// max(mtime(BASE.pag), mtime(BASE.dir)), read before the lookup opens the files, and flushed when
/// that key changes. A lookup that raced a depth change (page file already new, directory still
/// old) may miss a key the old layout had no room for; whatever it cached must not outlive the change.
/// </summary>
public sealed class SdbmMapCacheKeyTests(ITestOutputHelper output) : IDisposable
{
    private const int Cycles = 40;

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tinyfence-sdbm-cache-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task AnAnswerCachedDuringADepthChangeIsFlushedOnceTheNewDirectoryIsInPlace()
    {
        // A few blocked addresses (depth 0), then a wave of 3,000 more in one commit: the old
        // one-page layout cannot hold them all, so a reader of the old directory misses new ones
        // (the previous map's answer, for one lookup) but never one of the few blocked before.
        List<string> all = TestKeys.IPv4(3010, seed: 7);
        byte[][] few = TestKeys.Bytes(all[..10]);
        byte[][] wave = TestKeys.Bytes(all);
        List<string> probes = all[..60];
        int staleMisses = 0;
        int racedNewMisses = 0;
        int racedOldMisses = 0;
        for (int cycle = 0; cycle < Cycles; cycle++)
        {
            string basePath = Path.Combine(_folder.FullName, $"blocked{cycle}");
            var writer = new SdbmMapWriter(basePath, "BLOCK"u8);
            Write(writer, few);
            var cache = new CachingReader(basePath, probes);
            using var stop = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    cache.LookUpAll();
                    racedOldMisses += cache.MissesAmongFirst(10);
                    racedNewMisses += cache.Misses.Count;
                }
            });
            SdbmCommitResult result = Write(writer, wave);
            await stop.CancelAsync();
            await reader;
            Assert.True(result.DirectoryRewritten && result.OldLayoutMisses > 0, $"no overflowing depth change: {result}");

            // The map is stable now: every answer a lookup gives (from the cache or the files) is the truth.
            cache.LookUpAll();
            staleMisses += cache.Misses.Count;
        }

        output.WriteLine($"{Cycles} depth changes; misses while racing one: {racedNewMisses} (of keys blocked before: {racedOldMisses}); stale misses after: {staleMisses}");
        Assert.Equal(0, staleMisses);
        Assert.Equal(0, racedOldMisses);
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

    /// <summary>One Apache child's view of the map: lookup_map's cache over lookup_map_dbmfile's fresh opens.</summary>
    private sealed class CachingReader(string basePath, List<string> probes)
    {
        private readonly Dictionary<string, bool> _cache = new(StringComparer.Ordinal);
        private long _cacheKey = long.MinValue;

        /// <summary>Indexes of the probes answered "absent" by the last <see cref="LookUpAll"/> (they are all blocked).</summary>
        public List<int> Misses { get; } = [];

        public int MissesAmongFirst(int count) => Misses.Count(i => i < count);

        public void LookUpAll()
        {
            Misses.Clear();
            for (int i = 0; i < probes.Count; i++)
            {
                string probe = probes[i];
                long key = Math.Max(MtimeUs(basePath + ".pag"), MtimeUs(basePath + ".dir"));
                if (key != _cacheKey)
                {
                    _cache.Clear();
                    _cacheKey = key;
                }

                if (!_cache.TryGetValue(probe, out bool found))
                {
                    found = Fetch(probe);
                    _cache[probe] = found;
                }

                if (!found)
                {
                    Misses.Add(i);
                }
            }
        }

        // apr_sdbm_open opens BASE.dir, then BASE.pag; the fetch reads both through those descriptors.
        private bool Fetch(string probe)
        {
            using var dir = new FileStream(basePath + ".dir", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var pag = new FileStream(basePath + ".pag", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            byte[] directory = new byte[dir.Length];
            dir.ReadExactly(directory);
            byte[] key = Encoding.ASCII.GetBytes(probe);
            long page = SdbmDirectory.PageOf(SdbmFormat.Hash(key), directory);
            byte[] bytes = new byte[SdbmFormat.PageSize];
            // Past the end of the file, apr-util reads a page of zeros: an empty page.
            pag.Position = page * SdbmFormat.PageSize;
            _ = pag.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return SdbmPage.TryFind(bytes, key, out _);
        }

        private static long MtimeUs(string path) =>
            (File.GetLastWriteTimeUtc(path).Ticks - DateTime.UnixEpoch.Ticks) / 10;
    }
}
