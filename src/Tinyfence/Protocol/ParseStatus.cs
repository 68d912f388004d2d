namespace Tinyfence.Protocol;

/// <summary>
/// The outcome of <see cref="RequestParser.TryParse"/>. When several things are wrong the
/// first in this order is reported: unknown command, argument count, table name, address,
/// number (see <see cref="ReplyWriter.Error"/> for the reply line of each).
/// </summary>
public enum ParseStatus
{
    Ok,

    /// <summary>The first token is not a verb, or the line is blank: <c>ERR unknown command</c>.</summary>
    UnknownCommand,

    /// <summary><c>ERR wrong number of arguments</c>.</summary>
    WrongArgumentCount,

    /// <summary>Not a literal IPv4/IPv6 address (see <see cref="Table.IpKey.TryParse"/>): <c>ERR bad address</c>.</summary>
    BadAddress,

    /// <summary>Not decimal digits, or outside the verb's range: <c>ERR bad number</c>.</summary>
    BadNumber,

    /// <summary>
    /// Not 1..31 characters of <c>[A-Za-z0-9_-]</c>. Answered <c>ERR unknown table</c>, the
    /// same as a well-formed name no table has, since no table can ever have it.
    /// </summary>
    BadTableName,
}
