using System.Text;
using Tinyfence.Protocol;

namespace Tinyfence.Tests.Protocol;

/// <summary>The client side's reading of every reply the server writes.</summary>
public class ReplyTests
{
    public static TheoryData<ReplyError> Errors() => [.. Enum.GetValues<ReplyError>().Where(e => e is not (ReplyError.None or ReplyError.Other))];

    [Theory]
    [MemberData(nameof(Errors))]
    public void EveryErrorLineIsReadAsItsError(ReplyError error)
    {
        Reply reply = Reply.Parse(ReplyText.ErrorLine(error)[..^1]);
        Assert.True(reply.IsError);
        Assert.Equal(error, reply.Error);
        Assert.False(reply.IsEnd);
    }

    [Fact]
    public void EveryParseStatusLineIsAnError()
    {
        foreach (ParseStatus status in Enum.GetValues<ParseStatus>().Where(s => s != ParseStatus.Ok))
        {
            Assert.True(Reply.Parse(ReplyWriter.ErrorText(status)[..^1]).IsError, status.ToString());
        }
    }

    [Theory]
    [InlineData("13")]
    [InlineData("BLOCK")]
    [InlineData("OK")]
    [InlineData("192.0.2.7 13")]
    [InlineData("spam entries=1 capacity=1024 slots=1366 blocked=0 evictions=0")]
    public void AnswersAreAnswers(string line)
    {
        Reply reply = Reply.Parse(Encoding.ASCII.GetBytes(line));
        Assert.Equal((line, ReplyError.None, false), (reply.Text, reply.Error, reply.IsEnd));
    }

    [Fact]
    public void EndClosesAMultiLineReply() => Assert.True(Reply.Parse("END"u8).IsEnd);

    [Fact]
    public void AnUnknownErrorIsStillAnError()
    {
        Reply reply = Reply.Parse("ERR something new"u8);
        Assert.Equal((ReplyError.Other, "ERR something new"), (reply.Error, reply.Text));
    }
}
