using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class PressureParserTests
{
    [Fact]
    public void ReadsSomeAndFullAverages()
    {
        string text = "some avg10=0.40 avg60=2.76 avg300=3.27 total=18163273\nfull avg10=0.06 avg60=0.13 avg300=0.27 total=2259944\n";
        Assert.True(PressureParser.TryParse(ProcFixtures.Bytes(text), out Pressure p));
        Assert.Equal((0.40, 2.76, 3.27), (p.SomeAvg10, p.SomeAvg60, p.SomeAvg300));
        Assert.True(p.HasFull);
        Assert.Equal((0.06, 0.13, 0.27), (p.FullAvg10, p.FullAvg60, p.FullAvg300));
    }

    [Theory]
    [InlineData("some avg10=85.21 avg60=72.40 avg300=41.07 total=982631101\n", "cpu before Linux 5.13 has no full line")]
    [InlineData("some avg10=85.21 avg60=72.40 avg300=41.07 total=982631101\r\n", "CR LF")]
    [InlineData("some avg10=85.21 avg60=72.40 avg300=41.07\n", "no total")]
    [InlineData("some avg10=85.21 avg60=72.40 avg300=41.07 total=1\nfull avg10=1.00 avg60=1.00 avg300=1.", "a cut full line is ignored, not trusted")]
    public void AFileWithoutAFullLineHasOnlySome(string text, string why)
    {
        Assert.True(PressureParser.TryParse(ProcFixtures.Bytes(text), out Pressure p), why);
        Assert.Equal((85.21, 72.40, 41.07), (p.SomeAvg10, p.SomeAvg60, p.SomeAvg300));
        Assert.False(p.HasFull);
        Assert.Equal((0.0, 0.0, 0.0), (p.FullAvg10, p.FullAvg60, p.FullAvg300));
    }

    [Fact]
    public void FullBeforeSomeIsReadToo()
    {
        Assert.True(PressureParser.TryParse("full avg10=2.00 avg60=3.00 avg300=4.00 total=9\nsome avg10=5.00 avg60=6.00 avg300=7.00 total=9\n"u8, out Pressure p));
        Assert.Equal((5.0, 6.0, 7.0, 2.0), (p.SomeAvg10, p.SomeAvg60, p.SomeAvg300, p.FullAvg10));
    }

    [Theory]
    [InlineData("", "empty file (what a psi=0 kernel never even gets to: the read fails)")]
    [InlineData("full avg10=0.06 avg60=0.13 avg300=0.27 total=2259944\n", "no some line")]
    [InlineData("some avg10=0.40 avg60=2.76 avg300=3.27 total=18163273", "no newline: the read may have been cut")]
    [InlineData("some avg10=0.40 avg60=2.76\n", "avg300 missing")]
    [InlineData("some avg60=2.76 avg10=0.40 avg300=3.27 total=1\n", "fields out of order")]
    [InlineData("some avg10=abc avg60=2.76 avg300=3.27 total=1\n", "not a number")]
    [InlineData("some avg10=-1.00 avg60=2.76 avg300=3.27 total=1\n", "negative")]
    [InlineData("some avg10=1e999 avg60=2.76 avg300=3.27 total=1\n", "infinite")]
    [InlineData("some avg10=0.40avg60=2.76 avg300=3.27 total=1\n", "fields glued together")]
    [InlineData("some avg10=0.40 avg60=2.76 avg300=3.27 total=1\nfull avg10=x avg60=0 avg300=0 total=0\n", "a corrupt full line")]
    [InlineData("SOME avg10=0.40 avg60=2.76 avg300=3.27 total=1\n", "the kernel writes lower case")]
    [InlineData("\x00\x00\x00\x00\n", "binary garbage")]
    public void RefusesCorruptPressureFiles(string text, string why) =>
        ProcFixtures.AssertRefused<Pressure>(PressureParser.TryParse, text, why);
}
