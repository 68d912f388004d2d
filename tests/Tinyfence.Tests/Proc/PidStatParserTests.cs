using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class PidStatParserTests
{
    [Theory]
    [InlineData("1 (systemd) S 0 1 1 0 -1 4194560 52335\n", 'S')]
    [InlineData("642 (apache2) R 640 640 640 0 -1 4194560\n", 'R')]
    [InlineData("643 (apache2) Z 640 640 640 0 -1 4227084\n", 'Z')]
    [InlineData("14 (kworker/0:1-events) I 2 0 0 0 -1 69238880\n", 'I')]
    [InlineData("1305 (vim) t 1200 1305 1200 34816 1305\n", 't')]
    [InlineData("1200 (x) R (y z) S 1 1200 1200 0 -1\n", 'S')]        // the name is "x) R (y z": the state follows the LAST ')'
    [InlineData("77 ()) D 1 77 77\n", 'D')]                              // the name is ")"
    [InlineData("78 () T 1 78 78\n", 'T')]                               // an empty name (prctl can set one)
    [InlineData("79 (a b c) S 1", 'S')]                                  // a prefix cut after the state is enough
    [InlineData("80 (\xff\xfe) S 1 80 80\n", 'S')]                       // names are bytes, not necessarily UTF-8
    public void ReadsTheLetterAfterTheLastParenthesis(string text, char expected)
    {
        Assert.True(PidStatParser.TryParseState(ProcFixtures.Bytes(text), out byte state));
        Assert.Equal((byte)expected, state);
    }

    [Theory]
    [InlineData("", "empty: the process exited between open and read")]
    [InlineData("642 (apache2", "cut inside the name")]
    [InlineData("642 (apache2)", "cut before the state")]
    [InlineData("642 (apache2) R", "cut right after the state: no separator proves it is whole")]
    [InlineData("642 (apache2)R 640\n", "no space before the state")]
    [InlineData("642 (apache2) 5 640\n", "a digit is not a state")]
    [InlineData("642 (apache2) RS 640\n", "two letters")]
    [InlineData("(apache2) R 640\n", "no PID")]
    [InlineData("abc (apache2) R 640\n", "a PID that is not a number")]
    [InlineData("642 apache2) R 640\n", "no opening parenthesis")]
    [InlineData("642 (apache2 R 640\n", "no closing parenthesis")]
    [InlineData(")642 ( R 1\n", "the only ')' comes before the name")]
    [InlineData("\xff\xff\xff\xff", "binary garbage")]
    public void RefusesTextThatIsNotAStatLine(string text, string why)
    {
        Assert.False(PidStatParser.TryParseState(ProcFixtures.Bytes(text), out byte state), why);
        Assert.Equal(0, state);
    }
}
