using System.Buffers;
using System.Text;
using Tinyfence.Sharing;

namespace Tinyfence.Tests.Sharing;

/// <summary>The RESP2 writer's numbers: the short ones it writes itself and the rest it leaves to the formatter.</summary>
public sealed class RespWriterTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(9L)]
    [InlineData(10L)]
    [InlineData(42L)]
    [InlineData(99L)]
    [InlineData(100L)]
    [InlineData(86400L)]
    [InlineData(4294967295L)]
    [InlineData(-1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void ANumberIsABulkStringOfItsDecimalDigitsWhetherWrittenToASpanOrThePipe(long value)
    {
        string digits = value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string expected = $"${digits.Length}\r\n{digits}\r\n";
        byte[] span = new byte[RespWriter.MaxBulkNumberLength];
        var pipe = new ArrayBufferWriter<byte>();

        int written = RespWriter.Bulk(span, value);
        RespWriter.Bulk(pipe, value);

        Assert.Equal(expected, Encoding.ASCII.GetString(span, 0, written));
        Assert.Equal(expected, Encoding.ASCII.GetString(pipe.WrittenSpan));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(1003)]
    public void ACommandHeaderCountsItsArguments(int count)
    {
        var pipe = new ArrayBufferWriter<byte>();

        RespWriter.Command(pipe, count);

        Assert.Equal($"*{count}\r\n", Encoding.ASCII.GetString(pipe.WrittenSpan));
    }
}
