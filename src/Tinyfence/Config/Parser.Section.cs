namespace Tinyfence.Config;

public sealed partial class Parser
{
    /// <summary>
    /// The body of a <c>{ key value ... }</c> section, after its opening brace: each known key is
    /// handed to <paramref name="apply"/> (which takes its values); an unknown key, a key set twice
    /// (unless <paramref name="repeatable"/>) or a missing <c>}</c> is an error.
    /// </summary>
    private void ParseSectionBody(Token open, string section, string[] keys, Action<string> apply, string? repeatable = null)
    {
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        while (Current.Kind != TokenKind.CloseBrace)
        {
            Token key = Take();
            string name = key.Text.ToLowerInvariant();
            if (key.Kind != TokenKind.Word || Array.IndexOf(keys, name) < 0)
            {
                string hint = key.Kind == TokenKind.Word ? Suggestions.DidYouMean(key.Text, keys) : "";
                string what = key.Kind == TokenKind.EndOfFile
                    ? $"'}}' to close the {section} section opened at {open.Location.Line}:{open.Location.Column}"
                    : $"a {section} setting ({string.Join(", ", keys)})";
                throw Expected(what, key, hint);
            }

            if (name != repeatable && !seen.TryAdd(name, key.Location))
            {
                SourceLocation first = seen[name];
                throw new SyntaxError(key.Location, $"'{name}' is already set in this section (at {first.Line}:{first.Column})");
            }

            apply(name);
        }

        Take();
    }

    private Token TakeOpenBrace(string what)
    {
        Token open = Take();
        if (open.Kind != TokenKind.OpenBrace)
        {
            throw Expected($"'{{' to open {what}", open);
        }

        return open;
    }
}
