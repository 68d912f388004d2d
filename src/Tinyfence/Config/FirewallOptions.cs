namespace Tinyfence.Config;

/// <summary>
/// A table's <c>firewall nftables [ports N...] [blocked-points N]</c>: its blocked addresses are
/// kept in a kernel set, and new TCP connections from them to <see cref="Ports"/> refused.
/// </summary>
public sealed record FirewallOptions
{
    public static readonly IReadOnlyList<ushort> DefaultPorts = [80, 443];

    public IReadOnlyList<ushort> Ports { get; init; } = DefaultPorts;

    /// <summary>Points added to an address's score per connection the kernel refused (0: none).</summary>
    public int BlockedPoints { get; init; } = 1;

    public bool Equals(FirewallOptions? other) =>
        other is not null && BlockedPoints == other.BlockedPoints && Ports.SequenceEqual(other.Ports);

    public override int GetHashCode() => HashCode.Combine(BlockedPoints, Ports.Count);
}
