using System.Text;
using Tinyfence.Adapters;

namespace Tinyfence.Tests.Adapters;

public class StreamMatcherTests
{
    private static readonly PatternSet s_spam = PatternSet.FromPatterns(["viagra", "cheap pills", "casino", "<a href="]);

    private static int MatchWhole(PatternSet set, string body) => MatchChunks(set, Encoding.UTF8.GetBytes(body), int.MaxValue);

    private static int MatchChunks(PatternSet set, byte[] body, int chunkBytes)
    {
        var matcher = new StreamMatcher(set);
        for (int i = 0; i < body.Length; i += chunkBytes)
        {
            matcher.Feed(body.AsSpan(i, Math.Min(chunkBytes, body.Length - i)));
        }

        return matcher.Finish();
    }

    [Theory]
    [InlineData("message=buy viagra now", 0)]
    [InlineData("message=buy VIAGRA now", 0)]
    [InlineData("message=ViAgRa", 0)]
    [InlineData("cheap pills", 1)]
    [InlineData("a=1&b=CASINO", 2)]
    [InlineData("<A HREF=http://x>", 3)]
    [InlineData("nothing to see", -1)]
    [InlineData("viagr", -1)]
    [InlineData("", -1)]
    public void FindsPatternsInThePlainBodyIgnoringAsciiCase(string body, int expected) =>
        Assert.Equal(expected, MatchWhole(s_spam, body));

    [Theory]
    [InlineData("m=cheap+pills", 1)]          // '+' is a space in a form
    [InlineData("m=cheap%20pills", 1)]
    [InlineData("m=vi%61gra", 0)]              // %61 = 'a'
    [InlineData("m=vi%41gra", 0)]              // %41 = 'A': case folds after decoding
    [InlineData("m=%76%69%61%67%72%61", 0)]   // every byte encoded
    [InlineData("m=%3Ca+href%3D", 3)]
    [InlineData("m=%3ca%20HREF%3d", 3)]        // lower-case hex digits
    [InlineData("m=vi%6gra", -1)]              // invalid escape kept literally: "vi%6gra"
    [InlineData("m=vi%%61gra", -1)]            // "vi%agra"
    [InlineData("m=cheap%2", -1)]
    public void FindsPatternsInTheFormDecodedBody(string body, int expected) =>
        Assert.Equal(expected, MatchWhole(s_spam, body));

    [Theory]
    [InlineData("100%", "x=100%")]                 // a lone '%' at the end is kept
    [InlineData("%zz", "x=%zz")]                   // invalid escape kept
    [InlineData("%4", "x=%4")]                     // half an escape at the end is kept
    [InlineData("%4g", "x=%4g")]
    [InlineData("a+b", "x=a+b")]                   // the raw bytes are matched too
    [InlineData("%41", "x=%41")]                   // a pattern written encoded matches the raw body
    [InlineData("50% off", "x=50%+off")]           // '%' then '+': the '+' is still a space
    [InlineData("%a", "x=%%61")]                   // "%%61" decodes to "%a"
    public void MalformedEscapesDecodeToTheirLiteralBytes(string pattern, string body) =>
        Assert.Equal(0, MatchWhole(PatternSet.FromPatterns([pattern]), body));

    [Fact]
    public void PatternsSplitAtEveryPossibleChunkBoundaryAreFound()
    {
        byte[] body = Encoding.ASCII.GetBytes("comment=hello+there%2C+buy+cheap%20p%69lls+and+visit+our+CASINO");
        for (int split = 0; split <= body.Length; split++)
        {
            var matcher = new StreamMatcher(s_spam);
            matcher.Feed(body.AsSpan(0, split));
            matcher.Feed(body.AsSpan(split));
            Assert.Equal(1, matcher.Finish());
        }
    }

    [Fact]
    public void ByteByByteFeedingGivesTheSameResultAsOneBlock()
    {
        string[] bodies =
        [
            "x=vi%61gra", "x=cheap+pills", "%3Ca%20href%3D", "xxcasino", "casin", "%", "%7", "vi%6",
            "m=%%%41%4%zz%+cheap%2bpills", "VIAGRA%",
        ];
        foreach (string text in bodies)
        {
            byte[] body = Encoding.ASCII.GetBytes(text);
            Assert.Equal(MatchChunks(s_spam, body, int.MaxValue), MatchChunks(s_spam, body, 1));
        }
    }

    [Fact]
    public void TheEarliestEndingPatternWinsAndTiesGoToTheLowerIndex()
    {
        PatternSet set = PatternSet.FromPatterns(["bcd", "abcd", "cd", "xyz", "b"]);
        Assert.Equal(4, set.FindFirst("abcd"u8));    // "b" ends first
        PatternSet noB = PatternSet.FromPatterns(["bcd", "abcd", "cd"]);
        Assert.Equal(0, noB.FindFirst("abcd"u8));    // all end at 'd': lowest index
        Assert.Equal(2, noB.FindFirst("xcd"u8));
    }

    [Fact]
    public void PatternsThatArePrefixesAndSuffixesOfOthersAreFound()
    {
        PatternSet set = PatternSet.FromPatterns(["he", "she", "his", "hers"]);
        Assert.Equal(0, set.FindFirst("ushers"u8));  // "she" and "he" end together: "he" has the lower index
    }

    [Fact]
    public void DuplicatePatternsReportTheFirst() =>
        Assert.Equal(1, PatternSet.FromPatterns(["a1", "dup", "DUP"]).FindFirst("xdupx"u8));

    [Fact]
    public void ManyPatternsAreAllFound()
    {
        string[] words = [.. Enumerable.Range(0, 5000).Select(i => $"word{i:x}q")];
        PatternSet set = PatternSet.FromPatterns(words);
        for (int i = 0; i < words.Length; i += 97)
        {
            Assert.Equal(i, MatchWhole(set, "text=some+text+" + words[i].ToUpperInvariant() + "+more"));
        }

        Assert.Equal(-1, MatchWhole(set, "text=word+wordq+word1x"));
    }

    [Fact]
    public void AfterAMatchFeedingMoreKeepsTheFirstMatchAndResetStartsOver()
    {
        var matcher = new StreamMatcher(s_spam);
        Assert.Equal(-1, matcher.Feed("buy cas"u8));
        Assert.Equal(2, matcher.Feed("ino and viagra"u8));
        Assert.Equal(2, matcher.Feed("viagra"u8));
        Assert.True(matcher.HasMatch);
        matcher.Reset();
        Assert.False(matcher.HasMatch);
        Assert.Equal(-1, matcher.Feed("ino"u8));     // the state before Reset is gone
        Assert.Equal(0, matcher.Feed("viagra"u8));
    }

    [Fact]
    public void ResetClearsAnOpenEscape()
    {
        var matcher = new StreamMatcher(PatternSet.FromPatterns(["a"]));
        matcher.Feed("%6"u8);
        matcher.Reset();
        Assert.Equal(-1, matcher.Feed("1"u8));
        Assert.Equal(-1, matcher.Finish());
    }

    [Fact]
    public void NonAsciiBytesMatchExactly()
    {
        PatternSet set = PatternSet.FromPatterns(["café", "\u00c9t\u00e9"]);
        Assert.Equal(0, MatchWhole(set, "x=CAFé"));
        Assert.Equal(-1, MatchWhole(set, "x=CAFÉ"));         // no case folding beyond ASCII
        Assert.Equal(0, MatchWhole(set, "x=caf%C3%A9"));
        Assert.Equal(1, MatchWhole(set, "x=%C3%89T%C3%A9"));
    }

    [Fact]
    public void RandomBodiesAndChunkingsAgreeWithAReferenceMatcher()
    {
        // Small alphabet so that escapes, '+' and partial patterns collide often.
        const string Alphabet = "ab%2+ 0A";
        var random = new Random(12345);
        for (int round = 0; round < 3000; round++)
        {
            string[] patterns = [.. Enumerable.Range(0, random.Next(1, 5)).Select(_ => RandomText(random, "ab %+", random.Next(1, 5)))];
            PatternSet set = PatternSet.FromPatterns(patterns);
            byte[] body = Encoding.ASCII.GetBytes(RandomText(random, Alphabet, random.Next(0, 40)));

            bool expected = ReferenceMatches(patterns, body);
            int whole = MatchChunks(set, body, int.MaxValue);
            int chunked = MatchChunks(set, body, random.Next(1, 6));
            Assert.True(expected == whole >= 0, $"patterns [{string.Join("|", patterns)}] body '{Encoding.ASCII.GetString(body)}'");
            Assert.Equal(whole >= 0, chunked >= 0);
            if (whole >= 0)
            {
                Assert.True(ReferenceMatches([patterns[whole]], body));
            }
        }
    }

    private static string RandomText(Random random, string alphabet, int length) =>
        new([.. Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)])]);

    // The slow, obvious definition: decode the whole body, fold case, search each pattern.
    private static bool ReferenceMatches(string[] patterns, byte[] body)
    {
        string raw = Encoding.Latin1.GetString(body).ToLowerInvariant();
        string decoded = Encoding.Latin1.GetString(FormDecode(body)).ToLowerInvariant();
        return patterns.Any(p => raw.Contains(p.ToLowerInvariant(), StringComparison.Ordinal) ||
            decoded.Contains(p.ToLowerInvariant(), StringComparison.Ordinal));
    }

    private static byte[] FormDecode(byte[] body)
    {
        var output = new List<byte>();
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] == '+')
            {
                output.Add((byte)' ');
            }
            else if (body[i] == '%' && i + 2 < body.Length && Uri.IsHexDigit((char)body[i + 1]) && Uri.IsHexDigit((char)body[i + 2]))
            {
                output.Add(Convert.ToByte(Encoding.ASCII.GetString(body, i + 1, 2), 16));
                i += 2;
            }
            else
            {
                output.Add(body[i]);
            }
        }

        return [.. output];
    }
}
