namespace Tinyfence.Blocklist;

/// <summary>
/// A key as <see cref="SdbmMapWriter"/> holds it from Add to Commit (in <see cref="SdbmKeyStore"/>,
/// records back to back). A canonical dotted-quad IPv4 address, what a blocklist
/// mostly holds, is a 0 byte and its four octets (5 bytes for 7 to 15 of text); any other key is its
/// length (1 to 255, never 0) and its bytes. 100,000 IPv4 keys take 500 KB instead of 1.4 MB.
/// </summary>
internal static class SdbmKeyRecords
{
    /// <summary>The longest record: a length byte and the longest key.</summary>
    public const int MaxRecordLength = 1 + SdbmMapWriter.MaxKeyLength;

    /// <summary>Room <see cref="Read"/> needs to spell a packed address: 255.255.255.255.</summary>
    public const int MaxAddressLength = 15;

    private const byte PackedAddress = 0;

    /// <summary>Writes the record of <paramref name="key"/>; returns its length.</summary>
    public static int Write(ReadOnlySpan<byte> key, Span<byte> record)
    {
        if (TryPackAddress(key, record[1..5]))
        {
            record[0] = PackedAddress;
            return 5;
        }

        record[0] = (byte)key.Length;
        key.CopyTo(record[1..]);
        return 1 + key.Length;
    }

    /// <summary>
    /// The key of the record at <paramref name="offset"/>, which moves past it: a slice of
    /// <paramref name="records"/>, or a packed address spelled out into <paramref name="scratch"/>
    /// (at least <see cref="MaxAddressLength"/> bytes).
    /// </summary>
    public static ReadOnlySpan<byte> Read(ReadOnlySpan<byte> records, scoped ref int offset, Span<byte> scratch)
    {
        int length = records[offset];
        if (length != PackedAddress)
        {
            ReadOnlySpan<byte> key = records.Slice(offset + 1, length);
            offset += 1 + length;
            return key;
        }

        // Spelled by hand: a commit reads every key several times, and this is most of the cost.
        int written = 0;
        for (int i = 1; i <= 4; i++)
        {
            if (i > 1)
            {
                scratch[written++] = (byte)'.';
            }

            int octet = records[offset + i];
            if (octet >= 100)
            {
                scratch[written++] = (byte)('0' + (octet / 100));
            }

            if (octet >= 10)
            {
                scratch[written++] = (byte)('0' + (octet / 10 % 10));
            }

            scratch[written++] = (byte)('0' + (octet % 10));
        }

        offset += 5;
        return scratch[..written];
    }

    // Only the text Read spells back byte for byte: four decimal octets up to 255, no leading zero.
    private static bool TryPackAddress(ReadOnlySpan<byte> key, Span<byte> octets)
    {
        if (key.Length > MaxAddressLength)
        {
            return false;
        }

        int part = 0;
        int value = 0;
        int digits = 0;
        foreach (byte b in key)
        {
            if (b == '.')
            {
                if (digits == 0 || part == 3)
                {
                    return false;
                }

                octets[part++] = (byte)value;
                (value, digits) = (0, 0);
                continue;
            }

            int digit = b - '0';
            if ((uint)digit > 9 || (digits > 0 && value == 0))
            {
                return false;
            }

            value = (value * 10) + digit;
            if (++digits > 3 || value > 255)
            {
                return false;
            }
        }

        if (digits == 0 || part != 3)
        {
            return false;
        }

        octets[3] = (byte)value;
        return true;
    }
}
