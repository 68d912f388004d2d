namespace Tinyfence.Config;

/// <summary>One token of a config file. <see cref="Text"/> is the token as written (strings: the content).</summary>
public readonly record struct Token(TokenKind Kind, string Text, SourceLocation Location)
{
    public bool IsWord(string keyword) => Kind == TokenKind.Word && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>The token as it should be quoted in an error message.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "the end of the file",
        TokenKind.String => $"the string {Quote(Text, '"')}",
        _ => Quote(Text, '\''),
    };

    /// <summary>Quotes text for a message, escaping what would not print (as 0xNN) so a stray byte is visible.</summary>
    public static string Quote(string text, char quote)
    {
        var builder = new System.Text.StringBuilder(text.Length + 2);
        builder.Append(quote);
        foreach (char c in text.Length > 60 ? text[..57] + "..." : text)
        {
            if (char.IsControl(c) || c == '\uFFFD')
            {
                builder.Append("0x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append(quote).ToString();
    }
}
