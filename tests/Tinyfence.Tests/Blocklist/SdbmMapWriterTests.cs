using System.Text;
using Tinyfence.Blocklist;

namespace Tinyfence.Tests.Blocklist;

/// <summary>
/// Maps written by <see cref="SdbmMapWriter"/>, read back through the real apr-util
/// (apr_dbm_open_ex "sdbm", as mod_rewrite opens a <c>dbm=sdbm:</c> map).
/// </summary>
public sealed class SdbmMapWriterTests : IDisposable
{
    private const string Value = "BLOCK";
    private static readonly byte[] s_value = Encoding.ASCII.GetBytes(Value);

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tinyfence-sdbm-");

    public void Dispose() => _folder.Delete(recursive: true);

    private string Base(string name = "blocked") => Path.Combine(_folder.FullName, name);

    [Fact]
    public void AnEmptyMapHasBothFilesAndFindsNothing()
    {
        var writer = new SdbmMapWriter(Base(), s_value);
        SdbmCommitResult result = TestKeys.Write(writer, []);

        Assert.Equal(new SdbmCommitResult(0, 0, 1, 0, 1024, true, 0), result);
        Assert.Equal(0, new FileInfo(Base() + ".dir").Length);
        Assert.Equal(1024, new FileInfo(Base() + ".pag").Length);
        Assert.All(SdbmLookupTool.Lookup(Base(), ["1.2.3.4", "::1"]), answer => Assert.Equal("NULL", answer));
    }

    [Fact]
    public void OneKeyIsFoundWithTheValue()
    {
        var writer = new SdbmMapWriter(Base(), s_value);
        SdbmCommitResult result = TestKeys.Write(writer, ["192.0.2.1"]);

        Assert.Equal(1, result.Keys);
        Assert.Equal(["BLOCK", "NULL", "NULL"], SdbmLookupTool.Lookup(Base(), ["192.0.2.1", "192.0.2.10", "192.0.2."]));
    }

    [Fact]
    public void TenThousandIPv4KeysAreAllFoundAndNoOtherKey()
    {
        List<string> keys = TestKeys.IPv4(10_000, seed: 1);
        List<string> absent = TestKeys.IPv4(12_000, seed: 2).Except(keys).Take(2000).ToList();
        var writer = new SdbmMapWriter(Base(), s_value);
        SdbmCommitResult result = TestKeys.Write(writer, keys);

        Assert.Equal(10_000, result.Keys);
        Assert.Equal(0, result.DroppedKeys);
        // 9 for the average page at half full, one or two more for sdbm's uneven spread.
        Assert.InRange(result.Depth, 9, 11);
        Assert.Equal(1024L << result.Depth, result.PageFileBytes);
        Assert.Equal(result.PageFileBytes, new FileInfo(Base() + ".pag").Length);
        Assert.Equal(4096, new FileInfo(Base() + ".dir").Length);
        AssertEveryPagePassesChkpage(Base());

        string[] answers = SdbmLookupTool.Lookup(Base(), [.. keys, .. absent]);
        Assert.All(answers.Take(keys.Count), answer => Assert.Equal(Value, answer));
        Assert.All(answers.Skip(keys.Count), answer => Assert.Equal("NULL", answer));
    }

    [Fact]
    public void LongIPv6KeysGrowTheTreeAndAreFoundAfterEachGrowth()
    {
        List<string> keys = TestKeys.LongIPv6(5000, seed: 3);
        List<string> absent = TestKeys.LongIPv6(5500, seed: 4).Except(keys).Take(500).ToList();
        var writer = new SdbmMapWriter(Base(), s_value);
        int previousDepth = -1;
        foreach (int count in (int[])[1, 40, 400, 5000])
        {
            SdbmCommitResult result = TestKeys.Write(writer, keys.Take(count));
            Assert.Equal(count, result.Keys);
            Assert.True(result.Depth > previousDepth, $"{count} keys: depth {result.Depth} after {previousDepth}");
            Assert.True(result.DirectoryRewritten);
            previousDepth = result.Depth;

            string[] answers = SdbmLookupTool.Lookup(Base(), [.. keys.Take(count), .. absent]);
            Assert.All(answers.Take(count), answer => Assert.Equal(Value, answer));
            Assert.All(answers.Skip(count), answer => Assert.Equal("NULL", answer));
        }

        Assert.InRange(previousDepth, 9, 11); // 5000 * (39 + 5 + 4) bytes: 512 pages at half fill, or more for the spread
    }

    [Fact]
    public void ARewriteReplacesTheWholeKeySet()
    {
        List<string> first = TestKeys.IPv4(3000, seed: 5);
        List<string> second = TestKeys.IPv4(3000, seed: 6);
        var writer = new SdbmMapWriter(Base(), s_value);
        TestKeys.Write(writer, first);
        SdbmCommitResult result = TestKeys.Write(writer, second);

        Assert.Equal(3000, result.Keys);
        Assert.False(result.DirectoryRewritten);
        string[] answers = SdbmLookupTool.Lookup(Base(), [.. second, .. first]);
        Assert.All(answers.Take(second.Count), answer => Assert.Equal(Value, answer));
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(second.Contains(first[i]) ? Value : "NULL", answers[second.Count + i]);
        }
    }

    [Fact]
    public void LookupsAgreeWithTheMapHttxt2dbmWritesForTheSameKeys()
    {
        List<string> keys = [.. TestKeys.IPv4(6000, seed: 7), .. TestKeys.LongIPv6(2000, seed: 8)];
        List<string> probes = [.. keys, .. TestKeys.IPv4(8000, seed: 9).Except(keys).Take(1000), .. TestKeys.LongIPv6(200, seed: 10)];
        var writer = new SdbmMapWriter(Base("ours"), s_value);
        TestKeys.Write(writer, keys);
        SdbmLookupTool.Httxt2Dbm(Base("apache"), keys, Value);

        string[] ours = SdbmLookupTool.Lookup(Base("ours"), probes);
        string[] apache = SdbmLookupTool.Lookup(Base("apache"), probes);
        Assert.Equal(apache, ours);
        Assert.Equal(keys.Count, ours.Count(a => a == Value));
    }

    [Fact]
    public void GrowingByAFewKeysIsSeamlessForAReaderStillHoldingTheOldDirectory()
    {
        List<string> keys = TestKeys.IPv4(4000, seed: 11);
        // The smallest key count that needs one more level than 1000 keys do.
        int before = DepthFor(keys.Take(1000));
        int grown = 1000;
        while (DepthFor(keys.Take(grown)) == before)
        {
            grown += 10;
        }

        var writer = new SdbmMapWriter(Base(), s_value);
        Assert.Equal(before, TestKeys.Write(writer, keys.Take(1000)).Depth);
        File.Copy(Base() + ".dir", Base("mixed") + ".dir");

        SdbmCommitResult result = TestKeys.Write(writer, keys.Take(grown));
        Assert.Equal(before + 1, result.Depth);
        Assert.True(result.DirectoryRewritten);
        Assert.Equal(0, result.OldLayoutMisses);
        File.Copy(Base() + ".pag", Base("mixed") + ".pag");

        // The old directory with the transitional page file, and the new directory with it.
        Assert.All(SdbmLookupTool.Lookup(Base("mixed"), keys.Take(grown).ToList()), answer => Assert.Equal(Value, answer));
        Assert.All(SdbmLookupTool.Lookup(Base(), keys.Take(grown).ToList()), answer => Assert.Equal(Value, answer));
        Assert.Equal(2 << before, result.Pages);
    }

    [Fact]
    public void AJumpInTheKeySetKeepsEveryPreviousKeyForAReaderStillHoldingTheOldDirectory()
    {
        // A spam wave: 30 blocked addresses, then 3,000 more in one commit. The old small layout
        // cannot hold them all; what it drops must be new keys, never the 25 blocked before and after.
        List<string> keys = TestKeys.IPv4(3030, seed: 21);
        List<string> before = keys[..30];
        List<string> after = keys[5..];
        var writer = new SdbmMapWriter(Base(), s_value);
        int oldDepth = TestKeys.Write(writer, before).Depth;
        File.Copy(Base() + ".dir", Base("mixed") + ".dir");

        SdbmCommitResult result = TestKeys.Write(writer, after);
        File.Copy(Base() + ".pag", Base("mixed") + ".pag");

        Assert.True(result.Depth > oldDepth && result.OldLayoutMisses > 0, result.ToString());
        Assert.All(SdbmLookupTool.Lookup(Base("mixed"), keys[5..30]), answer => Assert.Equal(Value, answer));
        Assert.All(SdbmLookupTool.Lookup(Base("mixed"), keys[..5]), answer => Assert.Equal("NULL", answer));
        Assert.All(SdbmLookupTool.Lookup(Base(), after), answer => Assert.Equal(Value, answer));
    }

    [Fact]
    public void TheDirectoryFileStaysTheSameWhileTheDepthDoesAndTheDepthNeverShrinks()
    {
        var writer = new SdbmMapWriter(Base(), s_value);
        TestKeys.Write(writer, TestKeys.IPv4(5000, seed: 12));
        var dir = new FileInfo(Base() + ".dir");
        byte[] content = File.ReadAllBytes(dir.FullName);
        DateTime written = dir.LastWriteTimeUtc;

        SdbmCommitResult small = TestKeys.Write(writer, ["198.51.100.7"]);
        SdbmCommitResult again = TestKeys.Write(writer, TestKeys.IPv4(5000, seed: 13));

        Assert.False(small.DirectoryRewritten);
        Assert.False(again.DirectoryRewritten);
        Assert.Equal(again.Depth, small.Depth);
        dir.Refresh();
        Assert.Equal(content, File.ReadAllBytes(dir.FullName));
        Assert.Equal(written, dir.LastWriteTimeUtc);
    }

    [Fact]
    public void ANewWriterMovesFromTheDepthOnDiskWithoutLosingKeysForOldReaders()
    {
        List<string> many = TestKeys.IPv4(5000, seed: 14);
        List<string> few = many.Take(30).ToList();
        SdbmCommitResult first = TestKeys.Write(new SdbmMapWriter(Base(), s_value), many);
        File.Copy(Base() + ".dir", Base("mixed") + ".dir");

        // A restarted daemon with a much smaller set: the tree shrinks in one transition.
        SdbmCommitResult restart = TestKeys.Write(new SdbmMapWriter(Base(), s_value), few);
        File.Copy(Base() + ".pag", Base("mixed") + ".pag");

        Assert.True(restart.Depth < first.Depth);
        Assert.True(restart.DirectoryRewritten);
        Assert.Equal(0, restart.OldLayoutMisses);
        Assert.Equal(1 << first.Depth, restart.Pages); // transitional: both layouts in one file
        Assert.All(SdbmLookupTool.Lookup(Base("mixed"), few), answer => Assert.Equal(Value, answer));
        Assert.All(SdbmLookupTool.Lookup(Base(), few), answer => Assert.Equal(Value, answer));
        Assert.Equal("NULL", SdbmLookupTool.Lookup(Base(), [many[^1]])[0]);
    }

    [Fact]
    public void EachPageFileGetsALaterMtimeAndTheDirectoryMtimeZero()
    {
        // mod_rewrite caches per child under max(mtime of .dir, mtime of .pag), to the microsecond.
        var writer = new SdbmMapWriter(Base(), s_value, fileMode: 0x1A0 /* 0640 */);
        var seen = new List<DateTime>();
        for (int i = 0; i < 20; i++)
        {
            TestKeys.Write(writer, ["203.0.113." + i.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            seen.Add(File.GetLastWriteTimeUtc(Base() + ".pag"));
        }

        for (int i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i] > seen[i - 1], $"commit {i}: {seen[i]:O} after {seen[i - 1]:O}");
        }

        Assert.Equal(DateTime.UnixEpoch, File.GetLastWriteTimeUtc(Base() + ".dir"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Base() + ".pag"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Base() + ".dir"));
        Assert.Equal(["blocked.dir", "blocked.pag"], _folder.GetFiles().Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("", "an empty key cannot be looked up (apr_sdbm_fetch rejects dsize <= 0)")]
    [InlineData("1.2.3.4\0", "mod_rewrite looks up strlen(key) bytes: a NUL ends the key")]
    [InlineData("1.2.3.\u00e9", "a byte >= 0x80 hashes differently on x86-64 (signed char) and arm64")]
    public void AddRejects(string key, string why)
    {
        var writer = new SdbmMapWriter(Base(), s_value);
        byte[] bytes = Encoding.Latin1.GetBytes(key);
        Assert.Throws<ArgumentException>(() => writer.Add(bytes));
        Assert.Throws<ArgumentException>(() => writer.Add(new byte[SdbmMapWriter.MaxKeyLength + 1]));
        Assert.Equal(0, writer.Count);
        _ = why;
    }

    [Fact]
    public void ACommitThatCannotWriteThrowsAndLeavesThePreviousMap()
    {
        var writer = new SdbmMapWriter(Base(), s_value);
        TestKeys.Write(writer, ["192.0.2.1"]);
        File.SetUnixFileMode(_folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            if (Environment.UserName == "root")
            {
                // root writes anyway; use a folder that does not exist instead.
                var lost = new SdbmMapWriter(Path.Combine(_folder.FullName, "gone", "blocked"), s_value);
                IOException missing = Assert.Throws<IOException>(() => TestKeys.Write(lost, ["192.0.2.2"]));
                Assert.Contains("gone/blocked.pag.tmp", missing.Message, StringComparison.Ordinal);
                return;
            }

            IOException e = Assert.Throws<IOException>(() => TestKeys.Write(writer, ["192.0.2.2"]));
            Assert.Contains("blocked.pag.tmp", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.SetUnixFileMode(_folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Assert.Equal(["BLOCK", "NULL"], SdbmLookupTool.Lookup(Base(), ["192.0.2.1", "192.0.2.2"]));
    }

    [Fact]
    public void KeysWhoseHashesCollideAreDroppedInsteadOfGrowingTheTreeWithoutBound()
    {
        // 100 addresses whose hashes share their low 12 bits, as an attacker could pick them.
        var colliding = new List<string>();
        var random = new Random(15);
        while (colliding.Count < 100)
        {
            string key = "2001:db8::" + random.Next(0x1000, 0x10000).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)
                + ":" + random.Next(0x1000, 0x10000).ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
            if ((SdbmFormat.Hash(Encoding.ASCII.GetBytes(key)) & 0xFFF) == 0x5A5 && !colliding.Contains(key))
            {
                colliding.Add(key);
            }
        }

        var writer = new SdbmMapWriter(Base(), s_value);
        SdbmCommitResult result = TestKeys.Write(writer, colliding);

        // 100 pairs of 19 + 5 + 4 bytes need 8 pages at half fill (depth 3); an uneven spread may
        // add 3 levels, and then the one page they all share keeps what fits: 1022 / 28 = 36 pairs.
        Assert.Equal(6, result.Depth);
        Assert.Equal(36, result.Keys);
        Assert.Equal(64, result.DroppedKeys);
        Assert.Equal(36, SdbmLookupTool.Lookup(Base(), colliding).Count(a => a == Value));
    }

    private int DepthFor(IEnumerable<string> keys)
    {
        string probe = Base("probe-" + Guid.NewGuid().ToString("N"));
        return TestKeys.Write(new SdbmMapWriter(probe, s_value), keys).Depth;
    }

    private static void AssertEveryPagePassesChkpage(string basePath)
    {
        byte[] pages = File.ReadAllBytes(basePath + ".pag");
        for (int offset = 0; offset < pages.Length; offset += SdbmFormat.PageSize)
        {
            Assert.True(SdbmPage.IsValid(pages.AsSpan(offset, SdbmFormat.PageSize)), $"page {offset / SdbmFormat.PageSize}");
        }
    }
}
