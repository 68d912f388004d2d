namespace Tinyfence.Sharing;

/// <summary>The server sent what is not RESP2, or closed the connection: the connection is dropped and made again.</summary>
internal sealed class RespProtocolException(string message) : IOException(message);
