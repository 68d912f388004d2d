using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class MemInfoParserTests
{
    private const string Modern =
        "MemTotal:       24683656 kB\n" +
        "MemFree:        23997080 kB\n" +
        "MemAvailable:   24384652 kB\n" +
        "Buffers:            4376 kB\n" +
        "Cached:           583412 kB\n" +
        "SwapCached:          777 kB\n" +
        "Active:           266736 kB\n" +
        "SwapTotal:       2097148 kB\n" +
        "SwapFree:        1048576 kB\n" +
        "HugePages_Total:       0\n" +
        "Hugepagesize:       2048 kB\n";

    [Fact]
    public void ReadsTheSevenFiguresOfAModernKernel()
    {
        Assert.True(MemInfoParser.TryParse(ProcFixtures.Bytes(Modern), out MemInfo m));
        Assert.Equal(24683656, m.MemTotalKiB);
        Assert.Equal(23997080, m.MemFreeKiB);
        Assert.Equal(24384652, m.MemAvailableKiB);
        Assert.True(m.HasMemAvailable);
        Assert.Equal(4376, m.BuffersKiB);
        Assert.Equal(583412, m.CachedKiB);
        Assert.Equal(2097148, m.SwapTotalKiB);
        Assert.Equal(1048576, m.SwapFreeKiB);
    }

    [Fact]
    public void CachedDoesNotMatchSwapCachedEvenWhenSwapCachedComesFirst()
    {
        string text = "SwapCached:   999 kB\nMemTotal: 100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 7 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n";
        Assert.True(MemInfoParser.TryParse(ProcFixtures.Bytes(text), out MemInfo m));
        Assert.Equal(7, m.CachedKiB);
    }

    [Fact]
    public void MissingMemAvailableIsReportedNotGuessed()
    {
        string text = "MemTotal: 2075020 kB\nMemFree: 512340 kB\nBuffers: 84212 kB\nCached: 903120 kB\nSwapTotal: 4192956 kB\nSwapFree: 4192956 kB\n";
        Assert.True(MemInfoParser.TryParse(ProcFixtures.Bytes(text), out MemInfo m));
        Assert.False(m.HasMemAvailable);
        Assert.Equal(0, m.MemAvailableKiB);
    }

    [Theory]
    [InlineData("MemTotal: 100 kB\r\nMemFree: 50 kB\r\nBuffers: 1 kB\r\nCached: 2 kB\r\nSwapTotal: 0 kB\r\nSwapFree: 0 kB\r\n", "CR LF line ends")]
    [InlineData("MemTotal:\t100 kB\nMemFree:\t50 kB\nBuffers:\t1 kB\nCached:\t2 kB\nSwapTotal:\t0 kB\nSwapFree:\t0 kB\n", "tabs instead of spaces")]
    [InlineData("MemTotal: 100\nMemFree: 50\nBuffers: 1\nCached: 2\nSwapTotal: 0\nSwapFree: 0\n", "no unit")]
    [InlineData("MemTotal: 100 kB\nMemTotal: 999 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "a repeated key: the first wins")]
    [InlineData("Weird line\nMemTotal: 100 kB\n: 5 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\nNot:a:number kB\n", "unknown lines are skipped")]
    public void AcceptsHarmlessVariations(string text, string why)
    {
        Assert.True(MemInfoParser.TryParse(ProcFixtures.Bytes(text), out MemInfo m), why);
        Assert.Equal(100, m.MemTotalKiB);
        Assert.Equal(50, m.MemFreeKiB);
    }

    [Fact]
    public void AcceptsTheLargestValueThatStillConvertsToBytes()
    {
        long max = long.MaxValue / 1024;
        string text = $"MemTotal: {max} kB\nMemFree: 0 kB\nBuffers: 0 kB\nCached: 0 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n";
        Assert.True(MemInfoParser.TryParse(ProcFixtures.Bytes(text), out MemInfo m));
        Assert.Equal(max, m.MemTotalKiB);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("MemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "MemTotal missing")]
    [InlineData("MemTotal: 100 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "MemFree missing: memfree would read as tiny")]
    [InlineData("MemTotal: 100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 10 kB\n", "SwapFree missing: swapused would read as all")]
    [InlineData("MemTotal: 100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nSwapCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "only SwapCached, no Cached")]
    [InlineData("MemTotal: 100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB", "last line cut: no newline")]
    [InlineData("MemTotal: 100 kB\nMemFree: 5", "cut inside a number")]
    [InlineData(" MemTotal: 100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "key not at line start")]
    [InlineData("memtotal: 100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "keys are case-sensitive")]
    [InlineData("MemTotal: -100 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "negative")]
    [InlineData("MemTotal: 100 MB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "a unit the kernel never prints")]
    [InlineData("MemTotal: 100kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "unit glued to the number")]
    [InlineData("MemTotal: kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "no number")]
    [InlineData("MemTotal: 9007199254740992 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "2^53 KiB overflows a long in bytes")]
    [InlineData("MemTotal: 99999999999999999999999 kB\nMemFree: 50 kB\nBuffers: 1 kB\nCached: 2 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n", "larger than any integer")]
    [InlineData("\x00\x01\x02MemTotal\xff: 1\n", "binary garbage")]
    public void RefusesIncompleteOrCorruptFiles(string text, string why) =>
        ProcFixtures.AssertRefused<MemInfo>(MemInfoParser.TryParse, text, why);
}
