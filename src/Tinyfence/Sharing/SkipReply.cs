namespace Tinyfence.Sharing;

/// <summary>For a command whose reply only says it worked (<c>+OK</c>, a count): errors are thrown, the rest is skipped.</summary>
internal sealed class SkipReply : IRespReplyHandler
{
    public static readonly SkipReply Instance = new();

    public void Read(ref RespReader reply)
    {
    }
}
