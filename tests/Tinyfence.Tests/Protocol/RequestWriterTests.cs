using System.Text;
using Tinyfence.Protocol;
using Tinyfence.Table;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Protocol;

/// <summary>The client side's requests read back by the server's own parser.</summary>
public class RequestWriterTests
{
    [Theory]
    [InlineData("spam", "192.0.2.1", 1)]
    [InlineData("a-table_name-of-31-characters-x", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 1_000_000_000)]
    public void HitIsReadBackByTheParser(string table, string address, int points)
    {
        IpKey key = AddressText.Key(address);
        Span<byte> line = stackalloc byte[RequestWriter.MaxHitLength];
        int length = RequestWriter.Hit(RequestWriter.TableName(table), key, points, line);

        Assert.Equal((byte)'\n', line[length - 1]);
        Assert.Equal(ParseStatus.Ok, RequestParser.TryParse(line[..(length - 1)], out Request request));
        Assert.Equal(Verb.Hit, request.Verb);
        Assert.Equal(table, Encoding.ASCII.GetString(request.Table));
        Assert.Equal(key, request.Key);
        Assert.Equal(points, request.Number);
    }

    [Fact]
    public void HitAllocatesNothing()
    {
        Assert.True(IpKey.TryParse("192.0.2.1"u8, out IpKey key));
        byte[] table = RequestWriter.TableName("spam");
        byte[] line = new byte[RequestWriter.MaxHitLength];
        Assert.Equal(0, Allocations.OfRounds(() => RequestWriter.Hit(table, key, 20, line)));
    }

    [Fact]
    public void QuietIsAQuietRequest()
    {
        Assert.Equal(ParseStatus.Ok, RequestParser.TryParse(RequestWriter.Quiet[..^1], out Request request));
        Assert.Equal(Verb.Quiet, request.Verb);
    }

    [Fact]
    public void WordsMakeOneLine()
    {
        Assert.Equal("GET spam 192.0.2.1\n", Encoding.ASCII.GetString(RequestWriter.Words(["GET", "spam", "192.0.2.1"])!));
    }

    [Theory]
    [InlineData("192.0.2.1\nDEL spam 192.0.2.2")]
    [InlineData("192.0.2.1 20")]
    [InlineData("")]
    [InlineData("192.0.2.é")]
    public void WordsThatWouldBecomeOtherWordsOrRequestsAreRefused(string word)
    {
        Assert.Null(RequestWriter.Words(["SET", "spam", word]));
    }

    [Fact]
    public void TableNameRefusesWhatNoTableCanBeNamed()
    {
        Assert.Throws<ArgumentException>(() => RequestWriter.TableName("spam ham"));
    }
}
