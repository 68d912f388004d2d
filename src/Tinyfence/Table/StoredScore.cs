namespace Tinyfence.Table;

/// <summary>One entry as stored: its score is the one at <see cref="DecayedAt"/>, before decay to now.</summary>
public readonly record struct StoredScore(IpKey Key, int Score, uint DecayedAt, uint LastHit);
