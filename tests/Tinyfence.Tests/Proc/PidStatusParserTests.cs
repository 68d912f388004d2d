using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class PidStatusParserTests
{
    private const string Modern =
        "Name:\tpasswd\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1410\nNgid:\t0\nPid:\t1410\nPPid:\t1200\nTracerPid:\t0\n" +
        "Uid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\nFDSize:\t64\n";

    [Fact]
    public void ReadsRealAndEffectiveUidOfASetuidProgram()
    {
        Assert.True(PidStatusParser.TryParseUids(ProcFixtures.Bytes(Modern), out uint real, out uint effective));
        Assert.Equal(1000u, real);
        Assert.Equal(0u, effective);
        Assert.True(PidStatusParser.TryParseRealUid(ProcFixtures.Bytes(Modern), out uint r));
        Assert.Equal(1000u, r);
        Assert.True(PidStatusParser.TryParseEffectiveUid(ProcFixtures.Bytes(Modern), out uint e));
        Assert.Equal(0u, e);
    }

    [Theory]
    [InlineData("Name:\thttpd\nState:\tS (sleeping)\nSleepAVG:\t98%\nTgid:\t2205\nPid:\t2205\nPPid:\t2201\nTracerPid:\t0\nUid:\t48\t48\t48\t48\n", 48u, 48u)] // 2.6.18: Uid is the 8th line
    [InlineData("Uid:\t33\t33\t33\t33\n", 33u, 33u)]
    [InlineData("Uid: 33 34 35 36\n", 33u, 34u)]                                   // spaces instead of tabs
    [InlineData("Uid:\t33\t34\n", 33u, 34u)]                                       // real and effective are enough
    [InlineData("Uid:\t33\t34\t35\t36\r\n", 33u, 34u)]                             // CR LF
    [InlineData("Uid:\t4294967295\t4294967294\t0\t0\n", 4294967295u, 4294967294u)] // the largest uids (-1 is "no uid")
    [InlineData("Name:\tUid:\t5\t5\nUid:\t7\t8\t8\t8\n", 7u, 8u)]                  // "Uid:" inside another line (a process name) is not the Uid line
    public void ReadsTheUidLine(string text, uint expectedReal, uint expectedEffective)
    {
        Assert.True(PidStatusParser.TryParseUids(ProcFixtures.Bytes(text), out uint real, out uint effective));
        Assert.Equal(expectedReal, real);
        Assert.Equal(expectedEffective, effective);
    }

    [Theory]
    [InlineData("", "empty: the process exited")]
    [InlineData("Name:\tx\nState:\tS (sleeping)\n", "no Uid line")]
    [InlineData("Uid:\t33\t33\t33\t33", "no newline: the read may have been cut")]
    [InlineData("Uid:\t33\n", "only the real uid")]
    [InlineData("Uid:\n", "no uid at all")]
    [InlineData("Uid:\t-1\t33\n", "negative")]
    [InlineData("Uid:\t4294967296\t33\n", "larger than 32 bits")]
    [InlineData("Uid:\twww-data\t33\n", "a name instead of a number")]
    [InlineData("Uid:\t33x\t33\n", "garbage glued to a number")]
    [InlineData("uid:\t33\t33\n", "keys are case-sensitive")]
    [InlineData("\x01\x02Uid\xff\n", "binary garbage")]
    public void RefusesAMissingOrCorruptUidLine(string text, string why)
    {
        Assert.False(PidStatusParser.TryParseUids(ProcFixtures.Bytes(text), out uint real, out uint effective), why);
        Assert.Equal((0u, 0u), (real, effective));
    }
}
