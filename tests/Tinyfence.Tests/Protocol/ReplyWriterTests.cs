using System.Buffers;
using System.Text;
using Tinyfence.Protocol;
using Tinyfence.Table;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Protocol;

public class ReplyWriterTests
{
    private static string Text(ArrayBufferWriter<byte> writer) => Encoding.ASCII.GetString(writer.WrittenSpan);

    private static IpKey Key(string text) => AddressText.Key(text);

    [Theory]
    [InlineData(ParseStatus.UnknownCommand, "ERR unknown command\n")]
    [InlineData(ParseStatus.WrongArgumentCount, "ERR wrong number of arguments\n")]
    [InlineData(ParseStatus.BadTableName, "ERR unknown table\n")]
    [InlineData(ParseStatus.BadAddress, "ERR bad address\n")]
    [InlineData(ParseStatus.BadNumber, "ERR bad number\n")]
    public void EveryParseErrorHasItsProtocolLine(ParseStatus status, string expected)
    {
        var writer = new ArrayBufferWriter<byte>();
        ReplyWriter.Error(writer, status);
        Assert.Equal(expected, Text(writer));
    }

    [Fact]
    public void OkHasNoErrorLine() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ReplyWriter.Error(new ArrayBufferWriter<byte>(), ParseStatus.Ok));

    [Fact]
    public void EveryParseStatusButOkIsCovered()
    {
        foreach (ParseStatus status in Enum.GetValues<ParseStatus>())
        {
            if (status != ParseStatus.Ok)
            {
                Assert.StartsWith("ERR ", Encoding.ASCII.GetString(ReplyWriter.ErrorText(status)));
            }
        }
    }

    [Fact]
    public void FixedRepliesAreTheSpecTexts()
    {
        Assert.Equal("PONG\n", Encoding.ASCII.GetString(ReplyText.Pong));
        Assert.Equal("OK\n", Encoding.ASCII.GetString(ReplyText.Ok));
        Assert.Equal("DELETED\n", Encoding.ASCII.GetString(ReplyText.Deleted));
        Assert.Equal("NOTFOUND\n", Encoding.ASCII.GetString(ReplyText.NotFound));
        Assert.Equal("ALLOW\n", Encoding.ASCII.GetString(ReplyText.Allow));
        Assert.Equal("BLOCK\n", Encoding.ASCII.GetString(ReplyText.Block));
        Assert.Equal("END\n", Encoding.ASCII.GetString(ReplyText.End));
        Assert.Equal("ERR line too long\n", Encoding.ASCII.GetString(ReplyText.ErrLineTooLong));
        Assert.Equal("ERR too many clients\n", Encoding.ASCII.GetString(ReplyText.ErrTooManyClients));
        Assert.Equal("ERR not allowed\n", Encoding.ASCII.GetString(ReplyText.ErrNotAllowed));
    }

    [Theory]
    [InlineData(0, "0\n")]
    [InlineData(7, "7\n")]
    [InlineData(1_000_000_000, "1000000000\n")]
    [InlineData(long.MaxValue, "9223372036854775807\n")]
    [InlineData(long.MinValue, "-9223372036854775808\n")]
    [InlineData(-3, "-3\n")]
    public void NumberIsADecimalLine(long value, string expected)
    {
        var writer = new ArrayBufferWriter<byte>();
        ReplyWriter.Number(writer, value);
        Assert.Equal(expected, Text(writer));
    }

    [Theory]
    [InlineData("1.2.3.4", 12, "1.2.3.4 12\n")]
    [InlineData("::ffff:10.0.0.1", 0, "10.0.0.1 0\n")]
    [InlineData("2001:DB8:0:0::1", 1_000_000_000, "2001:db8::1 1000000000\n")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", long.MinValue, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff -9223372036854775808\n")]
    public void AddressWritesATopLine(string address, long score, string expected)
    {
        var writer = new ArrayBufferWriter<byte>();
        ReplyWriter.Address(writer, Key(address), score);
        Assert.Equal(expected, Text(writer));
    }

    [Fact]
    public void StatsWritesOneTableLine()
    {
        var writer = new ArrayBufferWriter<byte>();
        ReplyWriter.Stats(writer, "web"u8, 10, 4096, 8192, 2, 0);
        Assert.Equal("web entries=10 capacity=4096 slots=8192 blocked=2 evictions=0\n", Text(writer));
    }

    [Fact]
    public void LineAppendsANewlineAndWriteCopiesAsIs()
    {
        var writer = new ArrayBufferWriter<byte>();
        ReplyWriter.Line(writer, "hello"u8);
        ReplyWriter.Line(writer, ""u8);
        ReplyWriter.Write(writer, ReplyText.Pong);
        Assert.Equal("hello\n\nPONG\n", Text(writer));
    }

    [Fact]
    public void RepliesFollowEachOtherInOrder()
    {
        var writer = new ArrayBufferWriter<byte>();
        ReplyWriter.Address(writer, Key("2001:db8::1"), 9);
        ReplyWriter.Address(writer, Key("1.2.3.4"), 3);
        ReplyWriter.End(writer);
        ReplyWriter.Error(writer, ParseStatus.BadNumber);
        ReplyWriter.Number(writer, 4);
        Assert.Equal("2001:db8::1 9\n1.2.3.4 3\nEND\nERR bad number\n4\n", Text(writer));
    }

    [Fact]
    public void WritersWorkWithASegmentedBufferThatHandsOutExactlyTheSizeAsked()
    {
        var writer = new TightBufferWriter();
        ReplyWriter.Address(writer, Key("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), long.MaxValue);
        ReplyWriter.Stats(writer, "0123456789012345678901234567890"u8, long.MaxValue, long.MaxValue, long.MaxValue, long.MaxValue, long.MinValue);
        ReplyWriter.Number(writer, long.MinValue);
        Assert.Equal(
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 9223372036854775807\n"
            + "0123456789012345678901234567890 entries=9223372036854775807 capacity=9223372036854775807 "
            + "slots=9223372036854775807 blocked=9223372036854775807 evictions=-9223372036854775808\n"
            + "-9223372036854775808\n",
            writer.Text);
    }

    [Fact]
    public void WritingRepliesAllocatesNothing()
    {
        var writer = new ArrayBufferWriter<byte>(4096);
        IpKey v6 = Key("2001:db8::8a2e:370:7334");
        IpKey v4 = Key("192.168.1.20");

        void Round()
        {
            writer.ResetWrittenCount();
            ReplyWriter.Write(writer, ReplyText.Pong);
            ReplyWriter.Number(writer, 123_456);
            ReplyWriter.Error(writer, ParseStatus.BadAddress);
            ReplyWriter.Address(writer, v6, 42);
            ReplyWriter.Address(writer, v4, 7);
            ReplyWriter.Stats(writer, "web"u8, 1, 2, 3, 4, 5);
            ReplyWriter.Line(writer, "x"u8);
            ReplyWriter.End(writer);
        }

        Assert.Equal(0, Allocations.OfRounds(Round));
    }

    // Hands out a fresh span of exactly sizeHint bytes, so a writer that asks too little fails.
    private sealed class TightBufferWriter : IBufferWriter<byte>
    {
        private readonly StringBuilder _text = new();
        private byte[] _current = [];

        public string Text => _text.ToString();

        public void Advance(int count)
        {
            Assert.InRange(count, 0, _current.Length);
            _text.Append(Encoding.ASCII.GetString(_current, 0, count));
            _current = [];
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];

        public Span<byte> GetSpan(int sizeHint = 0) => _current = new byte[Math.Max(sizeHint, 1)];
    }
}
