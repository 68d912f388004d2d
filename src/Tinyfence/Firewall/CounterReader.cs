using System.Buffers.Binary;
using Tinyfence.Table;

namespace Tinyfence.Firewall;

/// <summary>
/// Reads a set's dump: each element whose counter shows refused connections adds
/// <c>points</c> per connection to its address's score, and is marked so that the next batch puts
/// it in anew, with a fresh counter and the timeout of its raised score.
/// </summary>
internal struct CounterReader(ScoreTable table, InstalledElements installed, int points, uint now) : IDumpReader
{
    /// <summary>Refused connections counted in this dump.</summary>
    public long Refused { get; private set; }

    public void Read(byte family, ReadOnlySpan<byte> attributes)
    {
        var list = new NetlinkAttributes(attributes);
        while (list.Read())
        {
            if (list.Type != NfTables.NFTA_SET_ELEM_LIST_ELEMENTS)
            {
                continue;
            }

            var elements = new NetlinkAttributes(list.Value);
            while (elements.Read())
            {
                if (elements.Type == NfTables.NFTA_LIST_ELEM)
                {
                    ReadElement(elements.Value);
                }
            }
        }
    }

    private void ReadElement(ReadOnlySpan<byte> element)
    {
        ReadOnlySpan<byte> key = default;
        ulong packets = 0;
        var attributes = new NetlinkAttributes(element);
        while (attributes.Read())
        {
            switch (attributes.Type)
            {
                case NfTables.NFTA_SET_ELEM_KEY:
                    key = Nested(attributes.Value, NfTables.NFTA_DATA_VALUE);
                    break;
                case NfTables.NFTA_SET_ELEM_EXPR:
                    packets += CounterPackets(attributes.Value);
                    break;
                case NfTables.NFTA_SET_ELEM_EXPRESSIONS:
                    var expressions = new NetlinkAttributes(attributes.Value);
                    while (expressions.Read())
                    {
                        packets += CounterPackets(expressions.Value);
                    }

                    break;
            }
        }

        if (packets == 0 || !TryKey(key, out IpKey address))
        {
            return;
        }

        Refused += (long)Math.Min(packets, int.MaxValue);
        table.Hit(address, (int)Math.Min((ulong)points * packets, int.MaxValue), now);
        int slot = installed.Find(address);
        if (slot >= 0)
        {
            installed[slot].CounterRead = true;
        }
    }

    private static bool TryKey(ReadOnlySpan<byte> key, out IpKey address)
    {
        switch (key.Length)
        {
            case 4:
                address = IpKey.FromIPv4(BinaryPrimitives.ReadUInt32BigEndian(key));
                return true;
            case 16:
                address = new IpKey(BinaryPrimitives.ReadUInt64BigEndian(key), BinaryPrimitives.ReadUInt64BigEndian(key[8..]));
                return !address.IsEmpty;
            default:
                address = default;
                return false;
        }
    }

    /// <summary>The packets of a <c>counter</c> expression; 0 for any other.</summary>
    private static ulong CounterPackets(ReadOnlySpan<byte> expression)
    {
        bool counter = false;
        ReadOnlySpan<byte> data = default;
        var attributes = new NetlinkAttributes(expression);
        while (attributes.Read())
        {
            if (attributes.Type == NfTables.NFTA_EXPR_NAME)
            {
                counter = attributes.Value.SequenceEqual("counter\0"u8);
            }
            else if (attributes.Type == NfTables.NFTA_EXPR_DATA)
            {
                data = attributes.Value;
            }
        }

        ReadOnlySpan<byte> packets = counter ? Nested(data, NfTables.NFTA_COUNTER_PACKETS) : default;
        return packets.Length == 8 ? BinaryPrimitives.ReadUInt64BigEndian(packets) : 0;
    }

    private static ReadOnlySpan<byte> Nested(ReadOnlySpan<byte> attributes, ushort type)
    {
        var reader = new NetlinkAttributes(attributes);
        while (reader.Read())
        {
            if (reader.Type == type)
            {
                return reader.Value;
            }
        }

        return default;
    }
}
