using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class CpuStatParserTests
{
    [Theory]
    [InlineData("cpu  7871 12 2114 62455 325 1 63 41 0 0\ncpu0 3268 0 927 32165 32 0 25 20 0 0\nintr 1 2 3\n", 7871, 12, 2114, 62455, 325, 1, 63, 41)]
    [InlineData("cpu  7871 12 2114 62455 325 1 63 41 900 7\n", 7871, 12, 2114, 62455, 325, 1, 63, 41)]      // guest columns ignored
    [InlineData("cpu  7871 12 2114 62455 325 1 63 41 0 0 55 66\n", 7871, 12, 2114, 62455, 325, 1, 63, 41)] // future columns ignored
    [InlineData("cpu  102345 812 40211 8823401 10223 1201 3310\n", 102345, 812, 40211, 8823401, 10223, 1201, 3310, 0)] // 2.6.0-2.6.10: seven columns
    [InlineData("cpu  1 2 3 4 5 6 7 8\n", 1, 2, 3, 4, 5, 6, 7, 8)]                                               // 2.6.11-2.6.23: eight
    [InlineData("cpu  100 0 50 1000\n", 100, 0, 50, 1000, 0, 0, 0, 0)]                                            // 2.4: four
    [InlineData("cpu  1 2 3 4 5 6 7 8 0 0\r\n", 1, 2, 3, 4, 5, 6, 7, 8)]                                         // CR LF
    [InlineData("cpu\t1 2 3 4\n", 1, 2, 3, 4, 0, 0, 0, 0)]                                                       // a tab after the label
    [InlineData("cpu  18446744073709551615 0 0 0\n", ulong.MaxValue, 0, 0, 0, 0, 0, 0, 0)]                      // the largest tick count
    [InlineData("cpu0 9 9 9 9\ncpu  1 2 3 4\n", 1, 2, 3, 4, 0, 0, 0, 0)]                                         // cpu0 is not the aggregate
    public void ReadsTheAggregateCpuLine(string text, ulong user, ulong nice, ulong system, ulong idle, ulong iowait, ulong irq, ulong softirq, ulong steal)
    {
        Assert.True(CpuStatParser.TryParse(ProcFixtures.Bytes(text), out CpuTimes t));
        Assert.Equal([user, nice, system, idle, iowait, irq, softirq, steal], new[] { t.User, t.Nice, t.System, t.Idle, t.IoWait, t.Irq, t.SoftIrq, t.Steal });
    }

    [Fact]
    public void TotalSumsTheEightColumnsAndBusyLeavesOutIdleAndIoWait()
    {
        Assert.True(CpuStatParser.TryParse("cpu  10 20 30 400 50 6 7 8 1000 2000\n"u8, out CpuTimes t));
        Assert.Equal(10UL + 20 + 30 + 400 + 50 + 6 + 7 + 8, t.Total);
        Assert.Equal(10UL + 20 + 30 + 6 + 7 + 8, t.Busy);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("intr 1 2 3\nctxt 5\n", "no cpu line")]
    [InlineData("cpu  1 2 3\n", "fewer than the four columns of 2.4")]
    [InlineData("cpu\n", "a label without columns")]
    [InlineData("cpu  1 2 3 4 5 6 7 8 0 0", "no newline: the read may have been cut")]
    [InlineData("cpu  1 2 x 4 5 6 7 8\n", "a column that is not a number")]
    [InlineData("cpu  1 2 -3 4 5 6 7 8\n", "a negative column")]
    [InlineData("cpu  1 2 3 4 5.5 6 7 8\n", "a fraction")]
    [InlineData("cpu  18446744073709551616 0 0 0\n", "larger than a 64-bit counter")]
    [InlineData("cpux 1 2 3 4\ncpu0 1 2 3 4\n", "no aggregate line")]
    [InlineData("\xff\xfe cpu  1 2 3 4", "binary garbage")]
    public void RefusesTextWithoutAValidAggregateLine(string text, string why) =>
        ProcFixtures.AssertRefused<CpuTimes>(CpuStatParser.TryParse, text, why);
}
