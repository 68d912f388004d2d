using Tinyfence.Table;

namespace Tinyfence.Config;

public sealed partial class Parser
{
    private static readonly string[] s_tableKeys = ["capacity", "decay", "block", "ipv6-prefix", "snapshot", "blocklist", "firewall", "share"];

    // A day's worth of seconds, ten years over: periods are stored as 32-bit seconds.
    private static readonly TimeSpan s_longestDecayPeriod = TimeSpan.FromDays(3650);

    // table "spam" { capacity 65536 decay 3 per 1d block above 15 ipv6-prefix 64 snapshot every 5m blocklist every 1s }
    private TableSection ParseTableSection()
    {
        Take();
        Token nameToken = Take();
        if (!TableSpec.IsValidName(nameToken.Text))
        {
            throw new SyntaxError(nameToken.Location, $"a table name is {TableSpec.NameRule} (it names files and is a protocol word), found {nameToken.Describe()}");
        }

        Token open = TakeOpenBrace($"table \"{nameToken.Text}\"");
        var table = new TableSection(nameToken.Location, nameToken.Text);
        bool hasBlock = false;
        ParseSectionBody(open, "table", s_tableKeys, name =>
        {
            switch (name)
            {
                case "capacity":
                    table = table with { Capacity = TakeInteger($"a number of addresses ({TableSpec.MinCapacity} to {TableSpec.MaxCapacity}) after 'capacity'", TableSpec.MinCapacity, TableSpec.MaxCapacity) };
                    break;
                case "decay" when Current.IsWord("off"):
                    Take();
                    table = table with { DecayPoints = 0 };
                    break;
                case "decay":
                    int points = TakeInteger("a number of points after 'decay', as in 'decay 3 per 1d' (or 'decay off')", 1, TableSpec.MaxScore);
                    TakeWord("per", $"'per' and a period after 'decay {points}', as in 'decay 3 per 1d'");
                    Token at = Current;
                    TimeSpan period = ParseDuration("after 'per'", positive: true);
                    if (period < TimeSpan.FromSeconds(1) || period > s_longestDecayPeriod || period.Ticks % TimeSpan.TicksPerSecond != 0)
                    {
                        throw new SyntaxError(at.Location, "a decay period is whole seconds, from 1s to 3650d");
                    }

                    table = table with { DecayPoints = points, DecayPeriod = period };
                    break;
                case "block":
                    TakeWord("above", "'above' and a score after 'block', as in 'block above 15'");
                    table = table with { BlockAbove = TakeInteger("a score after 'block above'", 0, TableSpec.MaxScore) };
                    hasBlock = true;
                    break;
                case "ipv6-prefix":
                    table = table with { IPv6PrefixBits = TakeInteger("a prefix length (1 to 128) after 'ipv6-prefix', as in 'ipv6-prefix 64'", 1, 128) };
                    break;
                case "snapshot":
                    table = table with { SnapshotEvery = ParseEveryOrOff("snapshot", "5m") };
                    break;
                case "blocklist":
                    table = table with { BlocklistEvery = ParseEveryOrOff("blocklist", "1s") };
                    break;
                case "firewall":
                    table = table with { Firewall = ParseFirewall() };
                    break;
                default:
                    table = table with { Share = ParseShare() };
                    break;
            }
        });

        if (!hasBlock)
        {
            throw new SyntaxError(nameToken.Location, $"table \"{table.Name}\" needs 'block above N' (the score over which an address is blocked)");
        }

        return table;
    }

    // share redis "redis://10.0.0.5:6379/0" prefix "tf:" password-file "/etc/tinyfence/redis.pass"
    private ShareSection ParseShare()
    {
        TakeWord("redis", "'redis' and a URL after 'share', as in 'share redis \"redis://10.0.0.5:6379/0\"'");
        Token at = Current;
        string url = TakeString($"a Redis URL after 'share redis' ({ShareSection.UrlForms})");
        ShareSection share = ShareSection.TryParseUrl(url, out string? problem) ?? throw new SyntaxError(at.Location, $"share redis \"{url}\": {problem}");
        while (true)
        {
            if (Current.IsWord("prefix"))
            {
                Take();
                share = share with { Prefix = TakeString("a key prefix after 'prefix', as in 'prefix \"tf:\"'", allowEmpty: true) };
            }
            else if (Current.IsWord("password-file"))
            {
                Take();
                share = share with { PasswordFile = TakeString("a file after 'password-file'") };
            }
            else
            {
                return share;
            }
        }
    }

    private TimeSpan? ParseEveryOrOff(string setting, string example)
    {
        if (Current.IsWord("off"))
        {
            Take();
            return null;
        }

        TakeWord("every", $"'every' and a period, or 'off', after '{setting}', as in '{setting} every {example}'");
        return ParseDuration("after 'every'", positive: true);
    }
}
