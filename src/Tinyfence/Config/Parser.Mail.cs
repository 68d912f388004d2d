using System.Globalization;

namespace Tinyfence.Config;

public sealed partial class Parser
{
    private static readonly string[] s_mailKeys =
    [
        "server", "port", "security", "from", "to", "user", "password-file", "ca-file",
        "verify-certificate", "subject-prefix", "limit", "queue", "timeout",
    ];

    // mail { server "host" port 587 security starttls from "a@b" to "c@d", "e@f" ... }
    private MailSection ParseMailSection()
    {
        Token keyword = Take();
        Token open = Take();
        string? server = null;
        string? from = null;
        IReadOnlyList<string>? to = null;
        var section = new MailSection(keyword.Location, "", "", []);
        ParseSectionBody(open, "mail", s_mailKeys, name =>
        {
            switch (name)
            {
                case "server": server = TakeString("a quoted host name after 'server'"); break;
                case "from": from = ParseAddress(Take(), "after 'from'"); break;
                case "to": to = ParseAddressList(); break;
                case "port": section = section with { Port = TakeInteger("a port (1-65535) after 'port'", 1, 65535) }; break;
                case "security": section = section with { Security = ParseSecurity() }; break;
                case "ca-file": section = section with { CaFile = TakeString("a quoted file of CA certificates (PEM) after 'ca-file'") }; break;
                case "verify-certificate": section = section with { VerifyCertificate = ParseYesNo("verify-certificate") }; break;
                case "user": section = section with { User = TakeString("a quoted user name after 'user'") }; break;
                case "password-file": section = section with { PasswordFile = TakeString("a quoted file name after 'password-file'") }; break;
                case "subject-prefix": section = section with { SubjectPrefix = TakeString("a quoted prefix after 'subject-prefix' (\"\" for none)", allowEmpty: true) }; break;
                case "queue": section = section with { QueueLimit = TakeInteger("a number of messages after 'queue'", 1, 100_000) }; break;
                case "timeout": section = section with { Timeout = ParseDuration("after 'timeout'", positive: true) }; break;
                default:
                    int count = TakeInteger("a number of messages after 'limit', as in 'limit 10 per 1h'", 1, 100_000);
                    TakeWord("per", $"'per' and a period after 'limit {count}', as in 'limit 10 per 1h'");
                    section = section with { RateLimit = count, RatePeriod = ParseDuration("after 'per'", positive: true) };
                    break;
            }
        });

        if (server is null || from is null || to is null)
        {
            string missing = string.Join(", ", new[] { server is null ? "server" : null, from is null ? "from" : null, to is null ? "to" : null }.OfType<string>());
            throw new SyntaxError(keyword.Location, $"the mail section needs {missing}");
        }

        if (section.User is null != (section.PasswordFile is null))
        {
            throw new SyntaxError(keyword.Location, "'user' and 'password-file' go together: authentication needs both");
        }

        return section with { Server = server, From = from, To = to };
    }

    private List<string> ParseAddressList()
    {
        var addresses = new List<string> { ParseAddress(Take(), "after 'to'") };
        while (Current.Kind == TokenKind.Comma)
        {
            Take();
            addresses.Add(ParseAddress(Take(), "after ','"));
        }

        return addresses;
    }

    // A light check that catches typos; the SMTP server has the last word on an address.
    private static string ParseAddress(Token token, string where)
    {
        string text = token.Text;
        int at = text.LastIndexOf('@');
        if (token.Kind != TokenKind.String || at <= 0 || at == text.Length - 1 || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '<' or '>' or ',' or '"'))
        {
            throw Expected($"a quoted email address such as \"admin@example.com\" {where}", token);
        }

        return text;
    }

    private MailSecurityMode ParseSecurity()
    {
        Token token = Take();
        return token.Text.ToLowerInvariant() switch
        {
            "none" => MailSecurityMode.None,
            "starttls" => MailSecurityMode.StartTls,
            "tls" or "ssl" => MailSecurityMode.Tls,
            _ => throw Expected("none, starttls or tls after 'security'", token),
        };
    }

    private bool ParseYesNo(string setting)
    {
        Token token = Take();
        return token.Text.ToLowerInvariant() switch
        {
            "yes" or "true" or "on" => true,
            "no" or "false" or "off" => false,
            _ => throw Expected($"yes or no after '{setting}'", token),
        };
    }

    private void TakeWord(string word, string what)
    {
        if (!Current.IsWord(word))
        {
            throw Expected(what, Current);
        }

        Take();
    }

    private string TakeString(string what, bool allowEmpty = false)
    {
        Token token = Take();
        if (token.Kind != TokenKind.String || (token.Text.Length == 0 && !allowEmpty))
        {
            throw Expected(what, token);
        }

        return token.Text;
    }

    private int TakeInteger(string what, int min, int max)
    {
        Token token = Take();
        if (token.Kind != TokenKind.Number || !int.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            throw Expected(what, token);
        }

        return value;
    }
}
