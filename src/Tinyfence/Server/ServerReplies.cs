namespace Tinyfence.Server;

/// <summary>The lines the server itself sends, whatever the handler's protocol.</summary>
internal static class ServerReplies
{
    public static ReadOnlySpan<byte> LineTooLong => "ERR line too long\n"u8;

    public static ReadOnlySpan<byte> NotAllowed => "ERR not allowed\n"u8;

    public static ReadOnlySpan<byte> TooManyClients => "ERR too many clients\n"u8;
}
