namespace Tinyfence.Sharing;

/// <summary>Redis answered a command with an error reply (<c>-NOSCRIPT ...</c>, <c>-WRONGPASS ...</c>).</summary>
internal sealed class RespErrorException(string message) : Exception(message)
{
    /// <summary>EVALSHA of a script the server does not hold (restarted, or SCRIPT FLUSH): load it again.</summary>
    public bool IsNoScript => Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);
}
