using System.Text;

namespace Tinyfence.Firewall;

/// <summary>
/// What a score table's firewall is called in the kernel, NUL-terminated as netlink wants them:
/// the table <c>inet tinyfence</c> shared by all score tables, and per score table a chain named
/// after it and two sets, <c>NAME_ipv4</c> and <c>NAME_ipv6</c>.
/// </summary>
internal sealed class FirewallNames(string scoreTable)
{
    public const string TableName = "tinyfence";

    public static ReadOnlySpan<byte> Table => "tinyfence\0"u8;

    public string ChainName { get; } = scoreTable;

    public string IPv4SetName { get; } = scoreTable + "_ipv4";

    public string IPv6SetName { get; } = scoreTable + "_ipv6";

    public byte[] Chain { get; } = Terminated(scoreTable);

    public byte[] IPv4Set { get; } = Terminated(scoreTable + "_ipv4");

    public byte[] IPv6Set { get; } = Terminated(scoreTable + "_ipv6");

    private static byte[] Terminated(string name) => Encoding.ASCII.GetBytes(name + "\0");
}
