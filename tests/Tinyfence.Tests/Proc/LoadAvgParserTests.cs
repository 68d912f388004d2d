using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class LoadAvgParserTests
{
    [Theory]
    [InlineData("0.31 0.33 0.17 2/91 4079\n", 0.31, 0.33, 0.17)]
    [InlineData("12.50 7.20 3.10 9/312 820\n", 12.5, 7.2, 3.1)]
    [InlineData("0.00 0.00 0.00 1/1 1\n", 0, 0, 0)]
    [InlineData("1234.56 999.99 0.01 100/5000 4194304\n", 1234.56, 999.99, 0.01)]
    [InlineData("0.31 0.33 0.17\n", 0.31, 0.33, 0.17)]                 // the three averages are all that is needed
    [InlineData("0.31 0.33 0.17 2/91 4079\r\n", 0.31, 0.33, 0.17)]     // a fixture saved with CR LF
    [InlineData("0.31\t0.33  0.17 2/91 4079\n", 0.31, 0.33, 0.17)]     // any run of blanks separates
    [InlineData("7 5 3 1/2 3\n", 7, 5, 3)]                             // integers are decimals too
    [InlineData("0.31 0.33 0.17 2/91 4079\ntrailing junk", 0.31, 0.33, 0.17)] // only the first line counts
    public void ParsesTheThreeAveragesOfTheFirstLine(string text, double one, double five, double fifteen)
    {
        Assert.True(LoadAvgParser.TryParse(ProcFixtures.Bytes(text), out LoadAverage value));
        Assert.Equal(one, value.One);
        Assert.Equal(five, value.Five);
        Assert.Equal(fifteen, value.Fifteen);
    }

    [Theory]
    [InlineData("", "empty file")]
    [InlineData("\n", "an empty line")]
    [InlineData("0.31 0.33 0.17 2/91 4079", "no newline: the read may have been cut")]
    [InlineData("0.31 0.33 0.1", "cut inside the third number")]
    [InlineData("0.31 0.33\n", "two averages only")]
    [InlineData("0.31\n", "one average only")]
    [InlineData("-0.31 0.33 0.17 1/1 1\n", "a load is never negative")]
    [InlineData("+0.31 0.33 0.17 1/1 1\n", "no sign is ever printed")]
    [InlineData("0.31 NaN 0.17 1/1 1\n", "not a number")]
    [InlineData("0.31 1e400 0.17 1/1 1\n", "infinite after parsing")]
    [InlineData("0,31 0,33 0,17 1/1 1\n", "a decimal comma")]
    [InlineData("0.31x 0.33 0.17 1/1 1\n", "garbage glued to a number")]
    [InlineData("load 0.31 0.33 0.17\n", "a word first")]
    [InlineData("\xff\xfe\x00\x01\n", "binary garbage")]
    public void RefusesTextThatIsNotALoadavgLine(string text, string why) =>
        ProcFixtures.AssertRefused<LoadAverage>(LoadAvgParser.TryParse, text, why);
}
