using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Protocol;
using Tinyfence.Table;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Protocol;

public class RequestParserTests
{
    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static IpKey Key(string text) => AddressText.Key(text);

    private static ParseStatus Status(string line) => RequestParser.TryParse(Bytes(line), out _);

    private static void AssertParses(string line, Verb verb, string table, string? address, long number, bool hasNumber)
    {
        Assert.Equal(ParseStatus.Ok, RequestParser.TryParse(Bytes(line), out Request request));
        Assert.Equal(verb, request.Verb);
        Assert.Equal(table, Encoding.ASCII.GetString(request.Table));
        Assert.Equal(address is null ? default : Key(address), request.Key);
        Assert.Equal(number, request.Number);
        Assert.Equal(hasNumber, request.HasNumber);
    }

    [Theory]
    [InlineData("PING", Verb.Ping, "", null, 0, false)]
    [InlineData("STATS", Verb.Stats, "", null, 0, false)]
    [InlineData("QUIET", Verb.Quiet, "", null, 0, false)]
    [InlineData("GET web 1.2.3.4", Verb.Get, "web", "1.2.3.4", 0, false)]
    [InlineData("HIT web 1.2.3.4", Verb.Hit, "web", "1.2.3.4", 1, false)]            // n defaults to 1
    [InlineData("HIT web 1.2.3.4 5", Verb.Hit, "web", "1.2.3.4", 5, true)]
    [InlineData("HIT web 2001:db8::1 1000000000", Verb.Hit, "web", "2001:db8::1", 1_000_000_000, true)]
    [InlineData("SET web 1.2.3.4 0", Verb.Set, "web", "1.2.3.4", 0, true)]           // 0 removes the entry
    [InlineData("SET web ::1 42", Verb.Set, "web", "::1", 42, true)]
    [InlineData("SET web ::1 1000000000", Verb.Set, "web", "::1", 1_000_000_000, true)]
    [InlineData("DEL web 1.2.3.4", Verb.Del, "web", "1.2.3.4", 0, false)]
    [InlineData("CHECK web ::ffff:1.2.3.4", Verb.Check, "web", "1.2.3.4", 0, false)]
    [InlineData("TOP web 10", Verb.Top, "web", null, 10, true)]
    [InlineData("TOP web 1", Verb.Top, "web", null, 1, true)]
    [InlineData("TOP web 1000", Verb.Top, "web", null, 1000, true)]
    public void ParsesEveryVerb(string line, Verb verb, string table, string? address, long number, bool hasNumber) =>
        AssertParses(line, verb, table, address, number, hasNumber);

    [Theory]
    [InlineData("ping")]
    [InlineData("Ping")]
    [InlineData("pInG")]
    public void VerbsAreCaseInsensitive(string verb) => AssertParses(verb, Verb.Ping, "", null, 0, false);

    [Theory]
    [InlineData("get", Verb.Get)]
    [InlineData("hit", Verb.Hit)]
    [InlineData("Set", Verb.Set)]
    [InlineData("dEL", Verb.Del)]
    [InlineData("check", Verb.Check)]
    [InlineData("CHECK", Verb.Check)]
    public void EveryVerbIsCaseInsensitive(string verb, Verb expected)
    {
        string line = verb + " t 1.2.3.4" + (expected == Verb.Set ? " 1" : "");
        Assert.Equal(ParseStatus.Ok, RequestParser.TryParse(Bytes(line), out Request request));
        Assert.Equal(expected, request.Verb);
    }

    [Theory]
    [InlineData("top t 3", Verb.Top)]
    [InlineData("stats", Verb.Stats)]
    [InlineData("Quiet", Verb.Quiet)]
    public void VerbsWithoutAnAddressAreCaseInsensitive(string line, Verb expected)
    {
        Assert.Equal(ParseStatus.Ok, RequestParser.TryParse(Bytes(line), out Request request));
        Assert.Equal(expected, request.Verb);
    }

    [Theory]
    [InlineData("GET web 1.2.3.4\r")]                   // CR LF from telnet or a Windows client
    [InlineData("GET  web   1.2.3.4")]                  // runs of spaces
    [InlineData("GET\tweb\t1.2.3.4")]                   // tabs
    [InlineData("GET \t web \t\t 1.2.3.4")]             // mixed runs
    [InlineData("  GET web 1.2.3.4")]                   // leading blanks
    [InlineData("GET web 1.2.3.4  ")]                   // trailing blanks
    [InlineData("GET web 1.2.3.4 \t\r")]                // trailing blanks and CR
    public void BlanksAndATrailingCrAreTolerated(string line) =>
        AssertParses(line, Verb.Get, "web", "1.2.3.4", 0, false);

    [Fact]
    public void TableIsASliceOfTheLine()
    {
        byte[] line = Bytes("HIT  api-v2 ::1 3");
        Assert.Equal(ParseStatus.Ok, RequestParser.TryParse(line, out Request request));
        Assert.True(Unsafe.AreSame(ref line[5], ref MemoryMarshal.GetReference(request.Table)));
        Assert.Equal(6, request.Table.Length);
    }

    [Theory]
    [InlineData("", "an empty line")]
    [InlineData("   ", "a blank line")]
    [InlineData("\r", "only a CR")]
    [InlineData("FOO", "no such verb")]
    [InlineData("FOO web 1.2.3.4", "no such verb, arguments or not")]
    [InlineData("PIN", "a verb's prefix")]
    [InlineData("PINGS", "a verb with a suffix")]
    [InlineData("GETT web 1.2.3.4", "a verb with a suffix and arguments")]
    [InlineData("GE web 1.2.3.4", "a verb cut short")]
    [InlineData("G", "one letter")]
    [InlineData("CHECKS web 1.2.3.4", "six letters")]
    [InlineData("INCRBY web 1", "a Redis verb")]
    [InlineData("GET\u00a0web 1.2.3.4", "a no-break space is not a separator")]
    [InlineData("GET\0 web 1.2.3.4", "a NUL glued to the verb")]
    [InlineData("G\u00c5T web 1.2.3.4", "a Latin-1 letter whose low bits match")]
    [InlineData("G%T web 1.2.3.4", "'%' | 0x20 is not 'e'")]
    [InlineData("\rPING", "a CR that is not trailing")]
    [InlineData("PING\r\r", "only one trailing CR is dropped")]
    [InlineData("GET\nweb 1.2.3.4", "an LF is not a separator")]
    public void UnknownCommand(string line, string why) => Assert.True(ParseStatus.UnknownCommand == Status(line), why);

    [Theory]
    [InlineData("PING extra")]
    [InlineData("STATS web")]
    [InlineData("QUIET on")]
    [InlineData("GET")]
    [InlineData("GET web")]
    [InlineData("GET web 1.2.3.4 5")]
    [InlineData("HIT web")]
    [InlineData("HIT web 1.2.3.4 5 6")]
    [InlineData("SET web 1.2.3.4")]
    [InlineData("SET web 1.2.3.4 5 6")]
    [InlineData("DEL web")]
    [InlineData("DEL web 1.2.3.4 1")]
    [InlineData("CHECK web")]
    [InlineData("CHECK web 1.2.3.4 x")]
    [InlineData("TOP web")]
    [InlineData("TOP web 1.2.3.4 10")]
    [InlineData("HIT a b c d e f g h i j k")]
    public void WrongArgumentCount(string line) => Assert.Equal(ParseStatus.WrongArgumentCount, Status(line));

    [Theory]
    [InlineData("GET a 1.2.3.4")]
    [InlineData("GET A-Z_a-z_0-9 1.2.3.4")]
    [InlineData("GET 0123456789012345678901234567890 1.2.3.4")] // 31 characters
    [InlineData("GET - 1.2.3.4")]
    [InlineData("GET _ 1.2.3.4")]
    public void AcceptsTableNamesOfTheConfigurationSyntax(string line) => Assert.Equal(ParseStatus.Ok, Status(line));

    [Theory]
    [InlineData("GET 01234567890123456789012345678901 1.2.3.4", "32 characters")]
    [InlineData("GET web.v2 1.2.3.4", "a dot")]
    [InlineData("GET web/1 1.2.3.4", "a slash")]
    [InlineData("GET w\u00e9b 1.2.3.4", "a Latin-1 letter")]
    [InlineData("GET web: 1.2.3.4", "a colon")]
    [InlineData("GET w@b 1.2.3.4", "'@' | 0x20 is '`', just below 'a'")]
    [InlineData("GET w[b 1.2.3.4", "'[' | 0x20 is '{', just above 'z'")]
    [InlineData("TOP web! 10", "TOP checks the name too")]
    [InlineData("HIT we\0b 1.2.3.4", "a NUL")]
    public void BadTableName(string line, string why) => Assert.True(ParseStatus.BadTableName == Status(line), why);

    [Theory]
    [InlineData("GET web 256.1.1.1")]
    [InlineData("GET web 1.2.3")]
    [InlineData("GET web ::")]
    [InlineData("GET web fe80::1%eth0")]
    [InlineData("GET web [::1]")]
    [InlineData("GET web localhost")]
    [InlineData("HIT web 1.2.3.4.5 2")]
    [InlineData("SET web 1::2::3 2")]
    [InlineData("DEL web 01.2.3.4")]
    [InlineData("CHECK web 1.2.3.4/32")]
    public void BadAddress(string line) => Assert.Equal(ParseStatus.BadAddress, Status(line));

    [Theory]
    [InlineData("HIT web 1.2.3.4 0", "HIT adds 1..1000000000")]
    [InlineData("HIT web 1.2.3.4 1000000001", "over the limit")]
    [InlineData("HIT web 1.2.3.4 99999999999999999999999999", "would overflow a long")]
    [InlineData("HIT web 1.2.3.4 18446744073709551617", "would wrap a ulong to 1")]
    [InlineData("HIT web 1.2.3.4 -1", "a sign")]
    [InlineData("HIT web 1.2.3.4 +1", "a plus sign")]
    [InlineData("HIT web 1.2.3.4 1e3", "an exponent")]
    [InlineData("HIT web 1.2.3.4 0x10", "hex")]
    [InlineData("HIT web 1.2.3.4 1.0", "a fraction")]
    [InlineData("HIT web 1.2.3.4 1,000", "a thousands separator")]
    [InlineData("HIT web 1.2.3.4 \u00b9", "a non-ASCII byte (superscript one)")]
    [InlineData("SET web 1.2.3.4 1000000001", "over the limit")]
    [InlineData("SET web 1.2.3.4 -0", "a sign, even on zero")]
    [InlineData("SET web 1.2.3.4 x", "a word")]
    [InlineData("TOP web 0", "TOP shows 1..1000")]
    [InlineData("TOP web 1001", "over TOP's limit")]
    [InlineData("TOP web -5", "a sign")]
    [InlineData("TOP web ten", "a word")]
    public void BadNumber(string line, string why) => Assert.True(ParseStatus.BadNumber == Status(line), why);

    [Theory]
    [InlineData("HIT web 1.2.3.4 0000000007", 7)]              // leading zeros are still decimal
    [InlineData("SET web 1.2.3.4 00000000000000000000000", 0)] // and cannot overflow
    [InlineData("SET web 1.2.3.4 0001000000000", 1_000_000_000)]
    public void NumbersMayHaveLeadingZeros(string line, long expected)
    {
        Assert.Equal(ParseStatus.Ok, RequestParser.TryParse(Bytes(line), out Request request));
        Assert.Equal(expected, request.Number);
    }

    [Theory]
    [InlineData("FOO", ParseStatus.UnknownCommand)]
    [InlineData("FOO bad.table 1.2.3.999 -1 extra", ParseStatus.UnknownCommand)] // the verb is judged first
    [InlineData("GET bad.table 1.2.3.999 -1", ParseStatus.WrongArgumentCount)]    // then the count
    [InlineData("SET bad.table 1.2.3.999", ParseStatus.WrongArgumentCount)]
    [InlineData("HIT bad.table 1.2.3.999 -1", ParseStatus.BadTableName)]          // then the table
    [InlineData("TOP bad.table -1", ParseStatus.BadTableName)]
    [InlineData("HIT web 1.2.3.999 -1", ParseStatus.BadAddress)]                  // then the address
    [InlineData("SET web 1.2.3.999 x", ParseStatus.BadAddress)]
    [InlineData("HIT web 1.2.3.4 -1", ParseStatus.BadNumber)]                     // and the number last
    public void TheFirstErrorInProtocolOrderWins(string line, ParseStatus expected) =>
        Assert.Equal(expected, Status(line));

    [Fact]
    public void AFailedParseKeepsOnlyTheVerb()
    {
        // The verb stays known, so a quiet session can tell a refused HIT from other requests.
        Assert.Equal(ParseStatus.BadNumber, RequestParser.TryParse(Bytes("HIT web 1.2.3.4 0"), out Request request));
        Assert.Equal(Verb.Hit, request.Verb);
        Assert.True(request.Table.IsEmpty);
        Assert.True(request.Key.IsEmpty);
        Assert.Equal(0, request.Number);
        Assert.False(request.HasNumber);
    }

    [Theory]
    [InlineData("0", true, 0)]
    [InlineData("1000000000", true, 1_000_000_000)]
    [InlineData("1000000001", false, 0)]
    [InlineData("", false, 0)]
    [InlineData(" 1", false, 0)]
    public void TryParseNumberReadsDecimalDigitsUpToTheLimit(string text, bool ok, long expected)
    {
        Assert.Equal(ok, RequestParser.TryParseNumber(Bytes(text), out long value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void ParsingAllocatesNothing()
    {
        byte[][] lines =
        [
            Bytes("PING"), Bytes("HIT web 2001:db8::1 5\r"), Bytes("get web 1.2.3.4"), Bytes("TOP web 10"),
            Bytes("SET web ::ffff:1.2.3.4 0"), Bytes("FOO"), Bytes("HIT web 1.2.3.999"), Bytes("STATS"),
        ];

        long checksum = 0;
        long allocated = Allocations.OfRounds(() =>
        {
            foreach (byte[] line in lines)
            {
                checksum += (int)RequestParser.TryParse(line, out Request request) + request.Number;
            }
        });

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }
}
