namespace Tinyfence.Config;

/// <summary>The words of the language, with sysfence's synonyms, matched case-insensitively.</summary>
public static class Keywords
{
    public static readonly string[] Rule = ["rule", "if", "when", "on"];
    public static readonly string[] Run = ["run", "exec", "execute", "invoke"];
    public static readonly string[] Once = ["once", "onlyonce"];
    public static readonly string[] And = ["and", "andalso"];
    public static readonly string[] Or = ["or", "orelse"];
    public static readonly string[] Step = ["step", "stepping"];
    public const string Log = "log";
    public const string Not = "not";
    public const string Until = "until";
    public const string For = "for";
    public const string Set = "set";
    public const string Include = "include";
    public const string Mail = "mail";
    public const string Table = "table";
    public const string Server = "server";

    public static bool IsAny(Token token, string[] words)
    {
        if (token.Kind != TokenKind.Word)
        {
            return false;
        }

        foreach (string word in words)
        {
            if (token.Text.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An action word; <c>mail</c> followed by <c>{</c> is the mail section, not an action.</summary>
    public static bool StartsAction(Token token, Token next) =>
        IsAny(token, Run) || token.IsWord(Log) || (token.IsWord(Mail) && next.Kind != TokenKind.OpenBrace);

    /// <summary>
    /// A statement keyword (a rule, <c>set</c>, <c>include</c>, the <c>mail {</c> and
    /// <c>server {</c> sections, <c>table "name"</c>); after an error the parser skips to one of them.
    /// </summary>
    public static bool StartsStatement(Token token, Token next) =>
        IsAny(token, Rule) || token.IsWord(Set) || token.IsWord(Include)
        || ((token.IsWord(Mail) || token.IsWord(Server)) && next.Kind == TokenKind.OpenBrace)
        || (token.IsWord(Table) && next.Kind == TokenKind.String);
}
