namespace Tinyfence.Testing;

/// <summary>
/// What Apache answered: status, body and headers (response and content headers, by name,
/// case-insensitive, several values joined with ", "). Status 0 means Apache closed the
/// connection without an answer, as mod_security's <c>drop</c> does.
/// </summary>
internal sealed record ApacheReply(int Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public bool ConnectionClosed => Status == 0;

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    public override string ToString() => ConnectionClosed ? "connection closed without a reply" : $"{Status} {Body}";
}
