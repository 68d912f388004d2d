using System.Globalization;

namespace Tinyfence.Config;

/// <summary>
/// A table's <c>share redis "URL" [prefix "P"] [password-file "F"]</c>: the Redis server its
/// nodes share scores through. <see cref="Host"/> and <see cref="Port"/>, or
/// <see cref="UnixPath"/>, say where it listens.
/// </summary>
public sealed record ShareSection(string Url, string? Host, int Port, string? UnixPath, int Database)
{
    public const string DefaultPrefix = "tf:";

    public const int DefaultPort = 6379;

    /// <summary>Put before every key and channel name, so several sites can share one Redis.</summary>
    public string Prefix { get; init; } = DefaultPrefix;

    /// <summary>A file holding the password sent with AUTH; null: no AUTH.</summary>
    public string? PasswordFile { get; init; }

    public const string UrlForms = "redis://HOST[:PORT][/DB] or unix:///PATH[?db=DB]";

    /// <summary>Reads <c>redis://HOST[:PORT][/DB]</c> or <c>unix:///PATH[?db=DB]</c>; null with the reason when it is neither.</summary>
    public static ShareSection? TryParseUrl(string url, out string? problem)
    {
        problem = null;
        if (url.StartsWith("unix://", StringComparison.Ordinal))
        {
            string rest = url["unix://".Length..];
            int query = rest.IndexOf('?', StringComparison.Ordinal);
            string path = query < 0 ? rest : rest[..query];
            int database = 0;
            if (query >= 0 && !TryParseDatabase(rest[(query + 1)..], "db=", out database))
            {
                problem = "the only query a unix:// URL takes is ?db=N (0 to 15)";
                return null;
            }

            if (!path.StartsWith('/'))
            {
                problem = "a unix:// URL names an absolute socket path, as in unix:///run/redis/redis-server.sock";
                return null;
            }

            return new ShareSection(url, null, 0, path, database);
        }

        if (!url.StartsWith("redis://", StringComparison.Ordinal))
        {
            problem = url.StartsWith("rediss://", StringComparison.Ordinal)
                ? "TLS (rediss://) is not supported: reach Redis over a private network, a Unix socket or a TLS tunnel (stunnel, spiped)"
                : $"a Redis URL is {UrlForms}";
            return null;
        }

        string authority = url["redis://".Length..];
        int slash = authority.IndexOf('/', StringComparison.Ordinal);
        int db = 0;
        if (slash >= 0)
        {
            if (!TryParseDatabase(authority[slash..], "/", out db))
            {
                problem = "the database after the host is a number from 0 to 15, as in redis://10.0.0.5:6379/0";
                return null;
            }

            authority = authority[..slash];
        }

        if (authority.Contains('@', StringComparison.Ordinal))
        {
            problem = "a password does not go in the URL (the config is readable): put it in a file named by 'password-file'";
            return null;
        }

        string host = authority;
        int port = DefaultPort;
        int colon = authority.LastIndexOf(':');
        bool bracketed = authority.StartsWith('[');
        if (colon >= 0 && (!bracketed || colon > authority.IndexOf(']', StringComparison.Ordinal)))
        {
            host = authority[..colon];
            if (!int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                problem = "the port after the host is a number from 1 to 65535";
                return null;
            }
        }

        host = bracketed && host.EndsWith(']') ? host[1..^1] : host;
        if (host.Length == 0)
        {
            problem = $"the URL names no host: {UrlForms}";
            return null;
        }

        return new ShareSection(url, host, port, null, db);
    }

    private static bool TryParseDatabase(string text, string lead, out int database)
    {
        database = 0;
        return text.StartsWith(lead, StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(lead.Length), NumberStyles.None, CultureInfo.InvariantCulture, out database)
            && database is >= 0 and <= 15;
    }
}
