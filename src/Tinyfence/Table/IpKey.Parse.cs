namespace Tinyfence.Table;

public readonly partial struct IpKey
{
    private const int GroupCount = 8;

    /// <summary>
    /// Parses an address exactly as a client must send it: a dotted quad (four parts 0..255,
    /// no leading zeros) or an RFC 4291 IPv6 text form (hex in either case, at most one
    /// <c>::</c>, an optional trailing dotted quad). Nothing else is accepted: no zone id, no
    /// brackets, no blanks, no prefix length, and not <c>::</c> (the empty-slot marker).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> ascii, out IpKey key)
    {
        key = default;

        // No valid form is longer, and the bound keeps hostile input from costing a long scan.
        if (ascii.IsEmpty || ascii.Length > MaxTextLength)
        {
            return false;
        }

        // A dotted quad has no colon, and an IPv6 form fails the IPv4 parse within its first
        // group: trying IPv4 first spares the common case a scan for ':'.
        IpKey parsed;
        if (TryParseIPv4(ascii, out uint address))
        {
            parsed = FromIPv4(address);
        }
        else if (!ascii.Contains((byte)':') || !TryParseIPv6(ascii, out parsed))
        {
            return false;
        }

        if (parsed.IsEmpty)
        {
            return false;
        }

        key = parsed;
        return true;
    }

    /// <summary>Exactly four decimal parts 0..255 separated by dots, consuming all of <paramref name="text"/>.</summary>
    private static bool TryParseIPv4(ReadOnlySpan<byte> text, out uint address)
    {
        // One pass over the bytes: every request carries an address, so this is on the hot path.
        address = 0;
        uint part = 0;
        int digits = 0;
        int dots = 0;
        foreach (byte c in text)
        {
            uint digit = (uint)(c - '0');
            if (digit <= 9)
            {
                // "01" would be octal to inet_aton and decimal to others: refusing it keeps one meaning.
                if (digits == 3 || (digits == 1 && part == 0))
                {
                    return false;
                }

                part = (part * 10) + digit;
                digits++;
            }
            else if (c == (byte)'.' && digits > 0 && part <= 255 && dots < 3)
            {
                address = (address << 8) | part;
                part = 0;
                digits = 0;
                dots++;
            }
            else
            {
                return false;
            }
        }

        if (dots != 3 || digits == 0 || part > 255)
        {
            address = 0;
            return false;
        }

        address = (address << 8) | part;
        return true;
    }

    private static bool TryParseIPv6(ReadOnlySpan<byte> text, out IpKey key)
    {
        key = default;
        Span<ushort> groups = stackalloc ushort[GroupCount];
        int count = 0;
        int gapAt = -1; // the group index where "::" stands, -1 when there is none
        int i = 0;

        if (text[0] == (byte)':')
        {
            if (text.Length < 2 || text[1] != (byte)':')
            {
                return false;
            }

            gapAt = 0;
            i = 2;
        }

        while (i < text.Length)
        {
            int start = i;
            uint value = 0;
            while ((uint)i < (uint)text.Length && TryHexValue(text[i], out uint digit))
            {
                // Only the low 16 bits matter when the group is valid; masking avoids overflow on long runs.
                value = ((value << 4) | digit) & 0xFFFFF;
                i++;
            }

            if ((uint)i < (uint)text.Length && text[i] == (byte)'.')
            {
                // A trailing dotted quad fills the last two groups.
                if (count > GroupCount - 2 || !TryParseIPv4(text[start..], out uint address))
                {
                    return false;
                }

                groups[count++] = (ushort)(address >> 16);
                groups[count++] = (ushort)address;
                i = text.Length;
                break;
            }

            int digits = i - start;
            if (digits == 0 || digits > 4 || count == GroupCount)
            {
                return false;
            }

            groups[count++] = (ushort)value;
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != (byte)':')
            {
                return false;
            }

            i++;
            if ((uint)i < (uint)text.Length && text[i] == (byte)':')
            {
                if (gapAt >= 0)
                {
                    return false;
                }

                gapAt = count;
                i++;
            }
            else if (i == text.Length)
            {
                return false; // a single trailing colon
            }
        }

        if (gapAt < 0)
        {
            if (count != GroupCount)
            {
                return false;
            }
        }
        else
        {
            // "::" stands for at least one zero group (RFC 4291 2.2).
            if (count == GroupCount)
            {
                return false;
            }

            int shift = GroupCount - count;
            for (int g = count - 1; g >= gapAt; g--)
            {
                groups[g + shift] = groups[g];
            }

            groups.Slice(gapAt, shift).Clear();
        }

        ulong hi = 0;
        ulong lo = 0;
        for (int g = 0; g < 4; g++)
        {
            hi = (hi << 16) | groups[g];
            lo = (lo << 16) | groups[g + 4];
        }

        key = new IpKey(hi, lo);
        return true;
    }

    private static bool TryHexValue(byte c, out uint value)
    {
        value = (uint)(c - '0');
        if (value <= 9)
        {
            return true;
        }

        // Folding to lower case maps only 'A'..'F' onto 'a'..'f'.
        value = (uint)((c | 0x20) - 'a');
        if (value <= 5)
        {
            value += 10;
            return true;
        }

        return false;
    }
}
