namespace Tinyfence.Protocol;

/// <summary>Which <c>ERR</c> a reply is (<see cref="ReplyText"/> has each line).</summary>
public enum ReplyError
{
    /// <summary>Not an error.</summary>
    None,
    UnknownCommand,
    WrongArgumentCount,
    UnknownTable,
    BadAddress,
    BadNumber,
    ClockFixed,
    LineTooLong,
    TooManyClients,
    NotAllowed,
    NoStatus,

    /// <summary>An <c>ERR</c> line this client does not know (a newer daemon).</summary>
    Other,
}
