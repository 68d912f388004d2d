using System.Buffers.Binary;
using System.Net;
using System.Text;
using Tinyfence.Table;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Table;

public class IpKeyTests
{
    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    private static IpKey Parse(string text) => AddressText.Key(text);

    private static string Format(IpKey key)
    {
        Span<byte> text = stackalloc byte[IpKey.MaxTextLength];
        int length = key.Format(text);
        return Encoding.ASCII.GetString(text[..length]);
    }

    // The reference: the runtime's parser gives the 16 bytes, read big-endian into the two halves.
    private static IpKey FromRuntime(string text)
    {
        IPAddress address = IPAddress.Parse(text);
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            address = address.MapToIPv6();
        }

        byte[] bytes = address.GetAddressBytes();
        return new IpKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(8)));
    }

    [Theory]
    [InlineData("1.2.3.4")]
    [InlineData("0.0.0.1")]
    [InlineData("0.0.0.0")]                 // only "::" is reserved; the IPv4 any address maps to ::ffff:0.0.0.0
    [InlineData("255.255.255.255")]
    [InlineData("10.0.0.255")]
    [InlineData("192.168.100.9")]
    [InlineData("::1")]
    [InlineData("1::")]
    [InlineData("1:2:3:4:5:6:7:8")]
    [InlineData("2001:db8::8a2e:370:7334")]
    [InlineData("2001:DB8::8A2E:370:7334")] // hex in upper case
    [InlineData("2001:0db8:0000:0000:0000:ff00:0042:8329")] // leading zeros in groups are fine in IPv6
    [InlineData("fe80::1:2")]
    [InlineData("1:2:3:4:5:6:7::")]         // "::" standing for the last group only
    [InlineData("::2:3:4:5:6:7:8")]         // ... or the first only
    [InlineData("1:2:3::5:6:7:8")]          // ... or one in the middle
    [InlineData("::ffff:1.2.3.4")]
    [InlineData("::FFFF:1.2.3.4")]
    [InlineData("64:ff9b::1.2.3.4")]        // NAT64: embedded IPv4, but not a mapped address
    [InlineData("1:2:3:4:5:6:1.2.3.4")]     // six groups and a dotted quad, no compression
    [InlineData("::1.2.3.4")]               // the deprecated IPv4-compatible form is still RFC 4291 text
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255")] // the longest valid text, 45 bytes
    [InlineData("0000:0000:0000:0000:0000:0000:0000:0001")]
    public void ParsesValidAddressesToTheSameBytesAsTheRuntime(string text) =>
        Assert.Equal(FromRuntime(text), Parse(text));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("::", "the unspecified address marks an empty slot")]
    [InlineData("0:0:0:0:0:0:0:0", "the unspecified address spelt out")]
    [InlineData("::0.0.0.0", "the unspecified address with an embedded quad")]
    [InlineData("256.1.1.1", "a part over 255")]
    [InlineData("1.2.3.256", "the last part over 255")]
    [InlineData("1.2.3.1000", "four digits")]
    [InlineData("01.2.3.4", "a leading zero: octal to some parsers")]
    [InlineData("1.2.3.04", "a leading zero in the last part")]
    [InlineData("1.2.3.00", "a double zero")]
    [InlineData("1.2.3", "three parts")]
    [InlineData("1.2.3.4.5", "five parts")]
    [InlineData("1..3.4", "an empty part")]
    [InlineData(".1.2.3.4", "a leading dot")]
    [InlineData("1.2.3.4.", "a trailing dot")]
    [InlineData("1.2.3.", "an empty last part")]
    [InlineData(" 1.2.3.4", "a leading space")]
    [InlineData("1.2.3.4 ", "a trailing space")]
    [InlineData("1.2. 3.4", "a space inside")]
    [InlineData("1.2.3.4\n", "a newline")]
    [InlineData("1.2.3.-4", "a sign")]
    [InlineData("+1.2.3.4", "a plus sign")]
    [InlineData("0x1.2.3.4", "hex in a quad")]
    [InlineData("16909060", "a bare integer is an inet_aton form, not ours")]
    [InlineData("1.2.3.4/24", "a prefix length")]
    [InlineData("a.b.c.d", "letters")]
    [InlineData(":", "a lone colon")]
    [InlineData(":::", "three colons")]
    [InlineData(":1::2", "a single leading colon")]
    [InlineData("1::2:", "a single trailing colon")]
    [InlineData("1:2:3:4:5:6:7:", "a single trailing colon after seven groups")]
    [InlineData(":1:2:3:4:5:6:7", "a single leading colon before seven groups")]
    [InlineData("1:2:3:4:5:6:7", "seven groups without '::'")]
    [InlineData("1:2:3:4:5:6:7:8:9", "nine groups")]
    [InlineData("1:2:3:4:5:6:7:8::", "eight groups and '::': '::' stands for at least one group")]
    [InlineData("::1:2:3:4:5:6:7:8", "'::' and eight groups")]
    [InlineData("1:2:3::4:5:6:7:8", "'::' in the middle of eight groups")]
    [InlineData("1::2::3", "two '::'")]
    [InlineData("::1::", "two '::' at the ends")]
    [InlineData("1:::2", "three colons in a row")]
    [InlineData("12345::1", "a group of five hex digits")]
    [InlineData("1:2:3:4:5:6:7:00000", "a last group of five digits, even if zero")]
    [InlineData("g::1", "not a hex digit")]
    [InlineData("fe80::1%eth0", "a zone id")]
    [InlineData("fe80::1%1", "a numeric zone id")]
    [InlineData("[::1]", "brackets")]
    [InlineData("[::1]:80", "brackets and a port")]
    [InlineData("::1/128", "a prefix length")]
    [InlineData(" ::1", "a leading space")]
    [InlineData("::1 ", "a trailing space")]
    [InlineData(":: 1", "a space inside")]
    [InlineData("::\t1", "a tab inside")]
    [InlineData("::ffff:1.2.3", "an embedded quad of three parts")]
    [InlineData("::ffff:1.2.3.4.5", "an embedded quad of five parts")]
    [InlineData("::ffff:256.2.3.4", "an embedded part over 255")]
    [InlineData("::ffff:01.2.3.4", "an embedded leading zero")]
    [InlineData("::1.2.3.4:1", "a group after the embedded quad")]
    [InlineData("::ffff:1.2.3.4::", "'::' after the embedded quad")]
    [InlineData("1:2:3:4:5:6:7:1.2.3.4", "seven groups and a quad: nine groups")]
    [InlineData("1:2:3:4:5:6:7:8:1.2.3.4", "eight groups and a quad")]
    [InlineData("1:2:3:4:5::6:1.2.3.4", "'::' with six groups and a quad: no room for the gap")]
    [InlineData("::ffff:a.2.3.4", "hex in the embedded quad")]
    [InlineData("::ffff:1.2.3.4a", "junk after the embedded quad")]
    [InlineData("1.2.3.4::", "a quad first")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2550", "46 bytes: over the longest valid text")]
    [InlineData("0000000000000000000000000000000000000000000001.2.3.4", "a long run of zeros")]
    [InlineData("::\u00e9", "a byte over 0x7F")]
    [InlineData("::1\0", "a NUL byte")]
    public void RefusesAnythingButAStrictLiteralAddress(string text, string why)
    {
        Assert.False(IpKey.TryParse(Bytes(text), out IpKey key), why);
        Assert.True(key.IsEmpty);
    }

    [Fact]
    public void MappedAndDottedQuadAreTheSameKey()
    {
        Assert.Equal(Parse("1.2.3.4"), Parse("::ffff:1.2.3.4"));
        Assert.Equal(Parse("1.2.3.4"), Parse("::ffff:102:304"));
        Assert.Equal(Parse("1.2.3.4"), Parse("0:0:0:0:0:FFFF:0102:0304"));
        Assert.True(Parse("1.2.3.4") == Parse("::ffff:1.2.3.4"));
        Assert.Equal(new IpKey(0, 0x0000_FFFF_0102_0304UL), Parse("1.2.3.4"));
    }

    [Fact]
    public void Nat64AndCompatibleAddressesAreNotTheIPv4Key()
    {
        IpKey v4 = Parse("1.2.3.4");
        Assert.NotEqual(v4, Parse("64:ff9b::1.2.3.4"));
        Assert.NotEqual(v4, Parse("::1.2.3.4"));
        Assert.True(v4 != Parse("64:ff9b::1.2.3.4"));
        Assert.False(Parse("64:ff9b::1.2.3.4").IsIPv4);
        Assert.False(Parse("::1.2.3.4").IsIPv4);
    }

    [Fact]
    public void HalvesAreTheAddressBytesBigEndian()
    {
        IpKey key = Parse("0102:0304:0506:0708:090a:0b0c:0d0e:0f10");
        Assert.Equal(0x0102_0304_0506_0708UL, key.Hi);
        Assert.Equal(0x090a_0b0c_0d0e_0f10UL, key.Lo);
    }

    [Theory]
    [InlineData("1.2.3.4", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("::1", false)]
    [InlineData("::ffff:0:1.2.3.4", false)]          // the SIIT translated form, ::ffff:0:0/96
    [InlineData("1::ffff:1.2.3.4", false)]
    [InlineData("::fffe:1.2.3.4", false)]
    [InlineData("2001:db8::1", false)]
    public void IsIPv4OnlyForMappedAddresses(string text, bool expected) =>
        Assert.Equal(expected, Parse(text).IsIPv4);

    [Fact]
    public void EmptyIsTheAllZeroKey()
    {
        Assert.True(default(IpKey).IsEmpty);
        Assert.True(new IpKey(0, 0).IsEmpty);
        Assert.False(new IpKey(0, 1).IsEmpty);
        Assert.False(new IpKey(1UL << 63, 0).IsEmpty);
    }

    [Fact]
    public void EqualityComparesBothHalves()
    {
        var a = new IpKey(1, 2);
        Assert.True(a.Equals(new IpKey(1, 2)));
        Assert.True(a.Equals((object)new IpKey(1, 2)));
        Assert.False(a.Equals(new IpKey(2, 1)));
        Assert.False(a.Equals(new IpKey(1, 3)));
        Assert.False(a.Equals("1"));
        Assert.False(a.Equals(null));
        Assert.Equal(a.GetHashCode(), new IpKey(1, 2).GetHashCode());
    }

    [Theory]
    // RFC 5952 section 4 and its examples.
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:0db8::0001", "2001:db8::1")]                             // 4.1: no leading zeros
    [InlineData("2001:db8:0:0:0:0:2:1", "2001:db8::2:1")]                      // 4.2.1: shorten as much as possible
    [InlineData("2001:db8::0:1", "2001:db8::1")]
    [InlineData("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")]              // 4.2.2: one zero group is not shortened
    [InlineData("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")]                        // 4.2.3: the longest run
    [InlineData("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")]                  // 4.2.3: the first run on a tie
    [InlineData("2001:DB8::ABCD", "2001:db8::abcd")]                           // 4.3: lower case
    [InlineData("::1", "::1")]
    [InlineData("1::", "1::")]
    [InlineData("0:0:0:0:0:0:0:1", "::1")]
    [InlineData("1:0:0:0:0:0:0:0", "1::")]
    [InlineData("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8")]
    [InlineData("1:0:0:4:5:0:0:0", "1:0:0:4:5::")]
    [InlineData("0:0:3:4:5:6:0:0", "::3:4:5:6:0:0")]
    [InlineData("1:0:3:0:5:0:7:0", "1:0:3:0:5:0:7:0")]
    [InlineData("0:2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("fe80::0a:00b0:0c00", "fe80::a:b0:c00")]
    // IPv4: the dotted quad, for the plain and the mapped spelling.
    [InlineData("1.2.3.4", "1.2.3.4")]
    [InlineData("::ffff:1.2.3.4", "1.2.3.4")]
    [InlineData("::ffff:c000:0201", "192.0.2.1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    [InlineData("10.0.100.9", "10.0.100.9")]
    // Other embedded quads are not IPv4 clients: plain hex.
    [InlineData("64:ff9b::1.2.3.4", "64:ff9b::102:304")]
    [InlineData("::1.2.3.4", "::102:304")]
    public void FormatsTheCanonicalText(string input, string expected) =>
        Assert.Equal(expected, Format(Parse(input)));

    [Fact]
    public void FormatOfTheCanonicalTextParsesBackToTheSameKey()
    {
        string[] samples = ["2001:db8::1", "1.2.3.4", "::ffff:5.6.7.8", "1:0:0:4:5::", "fe80::a:b0:c00", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"];
        foreach (string text in samples)
        {
            IpKey key = Parse(text);
            Assert.Equal(key, Parse(Format(key)));
        }
    }

    [Fact]
    public void RandomKeysFormatThenParseBackToThemselves()
    {
        var random = new Random(20240607);
        Span<byte> bytes = stackalloc byte[16];
        Span<byte> text = stackalloc byte[IpKey.MaxTextLength];
        for (int n = 0; n < 20_000; n++)
        {
            random.NextBytes(bytes);

            // Random bytes almost never hold zero groups or a mapped prefix: force both often.
            int shape = n % 4;
            if (shape == 1)
            {
                for (int g = 0; g < 8; g++)
                {
                    if (random.Next(2) == 0)
                    {
                        bytes[2 * g] = 0;
                        bytes[(2 * g) + 1] = 0;
                    }
                }
            }
            else if (shape == 2)
            {
                bytes[..10].Clear();
                bytes[10] = 0xFF;
                bytes[11] = 0xFF;
            }
            else if (shape == 3)
            {
                // Small groups exercise the leading-zero suppression.
                for (int g = 0; g < 8; g++)
                {
                    bytes[2 * g] = 0;
                    bytes[(2 * g) + 1] &= (byte)(0xFF >> random.Next(8));
                }
            }

            var key = new IpKey(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
            if (key.IsEmpty)
            {
                continue;
            }

            int length = key.Format(text);
            Assert.True(length <= IpKey.MaxTextLength);
            Assert.True(IpKey.TryParse(text[..length], out IpKey back), Encoding.ASCII.GetString(text[..length]));
            Assert.Equal(key, back);

            // The runtime agrees on the address the text names.
            string asString = Encoding.ASCII.GetString(text[..length]);
            Assert.Equal(key, FromRuntime(asString));
        }
    }

    [Fact]
    public void RandomTextIsNeverAcceptedUnlessTheRuntimeReadsTheSameAddress()
    {
        // Short strings over the address alphabet hit the corner cases far more often than random bytes.
        ReadOnlySpan<byte> alphabet = "0123456789abcdefABCDEF::::....%[] 0f1"u8;
        var random = new Random(5952);
        byte[] text = new byte[IpKey.MaxTextLength + 2];
        int accepted = 0;
        for (int n = 0; n < 200_000; n++)
        {
            int length = random.Next(1, text.Length + 1);
            for (int i = 0; i < length; i++)
            {
                text[i] = alphabet[random.Next(alphabet.Length)];
            }

            if (!IpKey.TryParse(text.AsSpan(0, length), out IpKey key))
            {
                continue;
            }

            accepted++;
            string asString = Encoding.ASCII.GetString(text, 0, length);
            Assert.True(IPAddress.TryParse(asString, out _), asString);
            Assert.Equal(FromRuntime(asString), key);
        }

        Assert.True(accepted > 0);
    }

    [Theory]
    [InlineData("2001:db8:1234:5678:9abc:def0:1234:5678", 64, "2001:db8:1234:5678::")]
    [InlineData("2001:db8:1234:5678:9abc:def0:1234:5678", 48, "2001:db8:1234::")]
    [InlineData("2001:db8:1234:5678:9abc:def0:1234:5678", 56, "2001:db8:1234:5600::")]
    [InlineData("2001:db8:1234:5678:9abc:def0:1234:5678", 1, "::")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, "8000::")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 63, "ffff:ffff:ffff:fffe::")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65, "ffff:ffff:ffff:ffff:8000::")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 127, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]
    [InlineData("2001:db8::1", 64, "2001:db8::")]
    [InlineData("::1", 64, "::")]                      // the host part is all there is: the empty key
    [InlineData("1.2.3.4", 64, "1.2.3.4")]             // mapped keys are left alone
    [InlineData("1.2.3.4", 1, "1.2.3.4")]
    [InlineData("::ffff:255.255.255.255", 96, "255.255.255.255")]
    [InlineData("64:ff9b::1.2.3.4", 96, "64:ff9b::")]  // NAT64 is IPv6 here
    public void WithIPv6PrefixClearsTheHostBitsOfIPv6Keys(string input, int bits, string expected) =>
        Assert.Equal(expected, Format(Parse(input).WithIPv6Prefix(bits)));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(129)]
    [InlineData(int.MinValue)]
    public void WithIPv6PrefixRefusesALengthOutside1To128(int bits) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Parse("2001:db8::1").WithIPv6Prefix(bits));

    [Fact]
    public void FormatIntoAShortBufferWritesOnlyWhenTheTextFits()
    {
        IpKey key = Parse("2001:db8::1");
        byte[] exact = new byte[11];
        Assert.Equal(11, key.Format(exact));
        Assert.Equal("2001:db8::1", Encoding.ASCII.GetString(exact));

        Assert.False(key.TryFormat(new byte[10], out int written));
        Assert.Equal(0, written);
        Assert.Throws<ArgumentException>(() => key.Format(new byte[10]));
    }

    [Fact]
    public void ToStringIsTheCanonicalText() =>
        Assert.Equal("2001:db8::1", Parse("2001:DB8:0::1").ToString());

    [Fact]
    public void ParseAndFormatAllocateNothing()
    {
        byte[][] inputs =
        [
            Bytes("192.168.1.20"), Bytes("2001:db8::8a2e:370:7334"), Bytes("::ffff:1.2.3.4"),
            Bytes("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"), Bytes("1::2::3"), Bytes("256.1.1.1"),
        ];
        byte[] text = new byte[IpKey.MaxTextLength];
        byte[] shortText = new byte[8];

        void Round()
        {
            foreach (byte[] input in inputs)
            {
                if (IpKey.TryParse(input, out IpKey key))
                {
                    key.Format(text);
                    key.TryFormat(shortText, out _);
                    key.WithIPv6Prefix(64).Format(text);
                }
            }
        }

        Assert.Equal(0, Allocations.OfRounds(Round));
    }
}
