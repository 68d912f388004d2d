using System.Buffers;
using System.Text;
using Tinyfence.Sharing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Sharing;

/// <summary>Whole-reply detection over split and hostile input: what decides whether the client waits, reads, or drops the connection.</summary>
public sealed class RespReaderTests
{
    public static TheoryData<string> WholeReplies => new()
    {
        "+OK\r\n",
        "-NOSCRIPT No matching script\r\n",
        ":-42\r\n",
        "$5\r\nhello\r\n",
        "$0\r\n\r\n",
        "$-1\r\n",
        "*0\r\n",
        "*-1\r\n",
        "*3\r\n$7\r\nmessage\r\n$10\r\ntf:spam:bl\r\n$21\r\n192.0.2.7 20 17965552\r\n",
        "*2\r\n*1\r\n:1\r\n$2\r\n\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(WholeReplies))]
    public void EveryProperPrefixOfAReplyNeedsMoreDataAndTheWholeIsDone(string reply)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(reply);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Equal(OperationStatus.NeedMoreData, Status(bytes.AsSpan(0, length).ToArray(), out _));
        }

        Assert.Equal(OperationStatus.Done, Status(bytes, out long end));
        Assert.Equal(bytes.Length, end);
    }

    [Theory]
    [MemberData(nameof(WholeReplies))]
    public void AReplyFedOneByteASegmentIsReadAsInOneBlock(string reply)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(reply + "+NEXT\r\n");
        var reader = new RespReader(SegmentedSequence.Of(bytes, 1));
        Assert.Equal(OperationStatus.Done, reader.TryCompleteReply(out SequencePosition end));
        Assert.Equal(reply.Length, SegmentedSequence.Of(bytes, 1).Slice(0, end).Length);
    }

    [Theory]
    [InlineData("?what\r\n")] // not a RESP2 type byte
    [InlineData(":12x\r\n")] // an integer with a tail
    [InlineData("$-2\r\n")] // a length below null
    [InlineData("$3\r\nabcd\r\n")] // a bulk string longer than its length
    [InlineData("$9999999999\r\n")] // a bulk string larger than any reply asked for
    [InlineData("*-5\r\n")] // an array length below null
    [InlineData("\r\n")] // an empty line
    public void BytesThatAreNotRespAreInvalidNotAWait(string hostile) =>
        Assert.Equal(OperationStatus.InvalidData, Status(Encoding.ASCII.GetBytes(hostile), out _));

    [Fact]
    public void ALineWithoutEndLongerThanAnyReplyIsInvalid()
    {
        byte[] endless = Encoding.ASCII.GetBytes("+" + new string('x', RespReader.MaxLineBytes + 1));
        Assert.Equal(OperationStatus.InvalidData, Status(endless, out _));
    }

    private static OperationStatus Status(byte[] bytes, out long end)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        var reader = new RespReader(sequence);
        OperationStatus status = reader.TryCompleteReply(out SequencePosition position);
        end = sequence.Slice(0, position).Length;
        return status;
    }
}
