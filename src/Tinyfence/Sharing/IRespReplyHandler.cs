namespace Tinyfence.Sharing;

/// <summary>Takes what it needs of one whole reply (not an error: those are thrown) while its bytes are still in the buffer.</summary>
internal interface IRespReplyHandler
{
    void Read(ref RespReader reply);
}
