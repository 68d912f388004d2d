namespace Tinyfence.Protocol;

/// <summary>
/// Every fixed reply of the protocol as a complete line (with its '\n'), so a reply is one
/// copy. The error texts are part of the protocol: adapters and scripts match on them.
/// </summary>
public static class ReplyText
{
    public static ReadOnlySpan<byte> Pong => "PONG\n"u8;
    public static ReadOnlySpan<byte> Ok => "OK\n"u8;
    public static ReadOnlySpan<byte> Deleted => "DELETED\n"u8;
    public static ReadOnlySpan<byte> NotFound => "NOTFOUND\n"u8;
    public static ReadOnlySpan<byte> Allow => "ALLOW\n"u8;
    public static ReadOnlySpan<byte> Block => "BLOCK\n"u8;
    public static ReadOnlySpan<byte> End => "END\n"u8;

    public static ReadOnlySpan<byte> ErrUnknownCommand => "ERR unknown command\n"u8;
    public static ReadOnlySpan<byte> ErrWrongArgumentCount => "ERR wrong number of arguments\n"u8;
    public static ReadOnlySpan<byte> ErrUnknownTable => "ERR unknown table\n"u8;
    public static ReadOnlySpan<byte> ErrBadAddress => "ERR bad address\n"u8;
    public static ReadOnlySpan<byte> ErrBadNumber => "ERR bad number\n"u8;

    public static ReadOnlySpan<byte> ErrClockFixed => "ERR clock is fixed (the daemon was not started with --test-clock)\n"u8;

    public static ReadOnlySpan<byte> ErrNoStatus => "ERR no status here (only the daemon answers STATUS and METRICS)\n"u8;

    /// <summary>Sent by the server for a line over the limit; the rest of that line is discarded.</summary>
    public static ReadOnlySpan<byte> ErrLineTooLong => "ERR line too long\n"u8;

    /// <summary>Sent by the server before it closes the connection.</summary>
    public static ReadOnlySpan<byte> ErrTooManyClients => "ERR too many clients\n"u8;

    /// <summary>Sent by the server before it closes the connection.</summary>
    public static ReadOnlySpan<byte> ErrNotAllowed => "ERR not allowed\n"u8;

    /// <summary>The line of an error (the client side reads replies by it).</summary>
    public static ReadOnlySpan<byte> ErrorLine(ReplyError error) => error switch
    {
        ReplyError.UnknownCommand => ErrUnknownCommand,
        ReplyError.WrongArgumentCount => ErrWrongArgumentCount,
        ReplyError.UnknownTable => ErrUnknownTable,
        ReplyError.BadAddress => ErrBadAddress,
        ReplyError.BadNumber => ErrBadNumber,
        ReplyError.ClockFixed => ErrClockFixed,
        ReplyError.LineTooLong => ErrLineTooLong,
        ReplyError.TooManyClients => ErrTooManyClients,
        ReplyError.NotAllowed => ErrNotAllowed,
        ReplyError.NoStatus => ErrNoStatus,
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "has no fixed line"),
    };
}
