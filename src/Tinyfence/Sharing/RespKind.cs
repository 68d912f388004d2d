namespace Tinyfence.Sharing;

/// <summary>The RESP2 types, by their first byte.</summary>
internal enum RespKind : byte
{
    SimpleString = (byte)'+',
    Error = (byte)'-',
    Integer = (byte)':',
    BulkString = (byte)'$',
    Array = (byte)'*',
}
