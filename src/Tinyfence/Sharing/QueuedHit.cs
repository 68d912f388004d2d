using Tinyfence.Table;

namespace Tinyfence.Sharing;

/// <summary>A hit waiting to be sent: the address as the table keys it, its points and the table's time of it.</summary>
internal readonly record struct QueuedHit(IpKey Key, int Points, uint At);
