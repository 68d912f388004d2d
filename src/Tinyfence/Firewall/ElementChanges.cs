using Tinyfence.Table;

namespace Tinyfence.Firewall;

/// <summary>
/// Elements to add to, or remove from, one set in the next batch, gathered first because one
/// message holds elements of one set only and removals must come before the additions. It grows
/// to the largest change seen and allocates nothing after.
/// </summary>
internal sealed class ElementChanges
{
    private IpKey[] _keys = new IpKey[64];
    private ulong[] _timeoutsMs = new ulong[64];

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    /// <summary>An element; <paramref name="timeoutMs"/> is 0 for a removal.</summary>
    public void Add(IpKey key, ulong timeoutMs)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _timeoutsMs, Count * 2);
        }

        _keys[Count] = key;
        _timeoutsMs[Count] = timeoutMs;
        Count++;
    }

    /// <summary>Writes the elements as messages of <paramref name="message"/> into the batch.</summary>
    public void WriteTo(NetlinkMessages batch, ushort message, byte[] set, bool ipv6)
    {
        var elements = new ElementMessages(batch, message, set, ipv6);
        for (int i = 0; i < Count; i++)
        {
            elements.Add(_keys[i], _timeoutsMs[i]);
        }

        elements.Finish();
    }
}
