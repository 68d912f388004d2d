using System.Globalization;
using Tinyfence.Proc;

namespace Tinyfence.Config;

public sealed partial class Parser
{
    private static readonly string[] s_serverKeys = ["socket", "mode", "group", "allow", "max-clients", "idle-timeout", "max-line", "http"];

    // server { socket "/run/tinyfence/tinyfence.sock" mode 0660 group "www-data" allow user "www-data" ... }
    private ServerSection ParseServerSection()
    {
        Token keyword = Take();
        Token open = Take();
        var server = new ServerSection(keyword.Location);
        var uids = new List<uint>();
        var gids = new List<uint>();
        ParseSectionBody(open, "server", s_serverKeys, name =>
        {
            switch (name)
            {
                case "socket":
                    Token path = Current;
                    string socket = TakeString("a quoted absolute path after 'socket'");
                    server = socket.StartsWith('/') && socket.Length < 108
                        ? server with { SocketPath = socket }
                        : throw new SyntaxError(path.Location, "a socket path is absolute and shorter than 108 bytes (the kernel's limit)");
                    break;
                case "mode":
                    server = server with { Mode = ParseFileMode() };
                    break;
                case "group":
                    server = server with { Gid = ParseId(group: true, "after 'group'") };
                    break;
                case "allow":
                    bool group = Current.IsWord("group");
                    if (!group && !Current.IsWord("user"))
                    {
                        throw Expected("'user' or 'group' after 'allow', as in 'allow user \"www-data\"'", Current);
                    }

                    Take();
                    List<uint> into = group ? gids : uids;
                    into.Add(ParseId(group, "after 'allow'"));
                    while (Current.Kind == TokenKind.Comma)
                    {
                        Take();
                        into.Add(ParseId(group, "after ','"));
                    }

                    break;
                case "max-clients":
                    server = server with { MaxClients = TakeInteger("a number of clients (1 to 10000) after 'max-clients'", 1, 10_000) };
                    break;
                case "idle-timeout":
                    server = server with { IdleTimeout = ParseDuration("after 'idle-timeout'", positive: true) };
                    break;
                case "http":
                    server = server with { Http = ParseHttpEndpoint() };
                    break;
                default:
                    server = server with { MaxLineBytes = TakeInteger("a line length in bytes (64 to 65536) after 'max-line'", 64, 65536) };
                    break;
            }
        }, repeatable: "allow");

        return server with { AllowedUids = uids, AllowedGids = gids };
    }

    // http "127.0.0.1:2812" | http "/run/tinyfence/http.sock" | http "192.0.2.7:2812" public
    private HttpEndpoint ParseHttpEndpoint()
    {
        Token where = Current;
        string text = TakeString("a quoted address and port or socket path after 'http', as in 'http \"127.0.0.1:2812\"'");
        bool publicAllowed = Current.IsWord("public");
        if (publicAllowed)
        {
            Take();
        }

        return HttpEndpoint.TryParse(text, publicAllowed, out string? error) ?? throw new SyntaxError(where.Location, error!);
    }

    private int ParseFileMode()
    {
        Token token = Take();
        bool octal = token.Kind == TokenKind.Number && token.Text.Length <= 4 && token.Text.All(c => c is >= '0' and <= '7');
        int mode = octal ? Convert.ToInt32(token.Text, 8) : -1;
        if (mode is < 0 or > 511)
        {
            throw Expected("an octal file mode from 0000 to 0777, such as 0660, after 'mode'", token);
        }

        return mode;
    }

    // A user or group by quoted name (resolved from /etc/passwd or /etc/group: the static binary
    // has no NSS) or by number.
    private uint ParseId(bool group, string where)
    {
        Token token = Take();
        string kind = group ? "group" : "user";
        if (token.Kind == TokenKind.Number && uint.TryParse(token.Text, NumberStyles.None, CultureInfo.InvariantCulture, out uint id))
        {
            return id;
        }

        if (token.Kind != TokenKind.String || token.Text.Length == 0)
        {
            throw Expected($"a quoted {kind} name or a number {where}", token);
        }

        uint? resolved = group
            ? (UserDatabase.TryResolveGid(token.Text, out uint gid) ? gid : null)
            : _resolveUser(token.Text);
        return resolved ?? throw new SyntaxError(token.Location, $"no {kind} named \"{token.Text}\" in /etc/{(group ? "group" : "passwd")} (give a number for {kind}s known only to a directory service)");
    }
}
