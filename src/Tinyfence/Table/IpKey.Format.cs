using System.Buffers.Binary;

namespace Tinyfence.Table;

public readonly partial struct IpKey
{
    private static readonly uint[] OctetTexts = BuildOctetTexts();

    /// <summary>
    /// Writes the canonical text: a dotted quad for an IPv4-mapped key, otherwise RFC 5952
    /// (lower-case hex without leading zeros, the longest run of two or more zero groups
    /// written as <c>::</c>, the first such run on a tie). The same key always gives the same
    /// bytes, which the blocklist map relies on. Returns the number of bytes written; the bytes
    /// of <paramref name="destination"/> after them may have been overwritten too (an IPv4
    /// octet is one 4-byte store), so write what follows the text after it, never before.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short; <see cref="MaxTextLength"/> bytes always suffice.</exception>
    public int Format(Span<byte> destination)
    {
        if (!TryFormat(destination, out int written))
        {
            TableThrowHelper.ThrowDestinationTooShort();
        }

        return written;
    }

    /// <summary>As <see cref="Format"/>, but returns false (writing nothing useful) when <paramref name="destination"/> is too short.</summary>
    public bool TryFormat(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length >= MaxTextLength)
        {
            bytesWritten = FormatUnchecked(destination);
            return true;
        }

        Span<byte> scratch = stackalloc byte[MaxTextLength];
        int length = FormatUnchecked(scratch);
        if (length > destination.Length)
        {
            bytesWritten = 0;
            return false;
        }

        scratch[..length].CopyTo(destination);
        bytesWritten = length;
        return true;
    }

    // destination has at least MaxTextLength bytes.
    private int FormatUnchecked(Span<byte> destination) =>
        IsIPv4 ? WriteIPv4(IPv4Value, destination) : WriteIPv6(destination);

    // destination has at least MaxTextLength bytes: each octet is one 4-byte store of its text
    // (its length in the top byte, overwritten by the dot after it), so a quad of 15 bytes may
    // write up to 3 more, far within them.
    private static int WriteIPv4(uint address, Span<byte> destination)
    {
        int i = 0;
        for (int shift = 24; ; shift -= 8)
        {
            uint text = OctetTexts[(address >> shift) & 0xFF];
            BinaryPrimitives.WriteUInt32LittleEndian(destination[i..], text);
            i += (int)(text >> 24);
            if (shift == 0)
            {
                return i;
            }

            destination[i++] = (byte)'.';
        }
    }

    // Per octet value, its decimal digits in the low bytes, first digit lowest, and their count in the top byte.
    private static uint[] BuildOctetTexts()
    {
        var texts = new uint[256];
        for (uint octet = 0; octet < texts.Length; octet++)
        {
            uint hundreds = '0' + (octet / 100), tens = '0' + (octet / 10 % 10), ones = '0' + (octet % 10);
            texts[octet] = octet >= 100 ? hundreds | (tens << 8) | (ones << 16) | (3u << 24)
                : octet >= 10 ? tens | (ones << 8) | (2u << 24)
                : ones | (1u << 24);
        }

        return texts;
    }

    private int WriteIPv6(Span<byte> destination)
    {
        // The longest run of zero groups, at least two long (RFC 5952 4.2.2), first one on a tie.
        int bestStart = -1;
        int bestLength = 1;
        int runStart = -1;
        for (int g = 0; g < GroupCount; g++)
        {
            if (Group(g) == 0)
            {
                if (runStart < 0)
                {
                    runStart = g;
                }

                int runLength = g - runStart + 1;
                if (runLength > bestLength)
                {
                    bestStart = runStart;
                    bestLength = runLength;
                }
            }
            else
            {
                runStart = -1;
            }
        }

        int i = 0;
        for (int g = 0; g < GroupCount; g++)
        {
            if (g == bestStart)
            {
                destination[i++] = (byte)':';
                destination[i++] = (byte)':';
                g += bestLength - 1;
                continue;
            }

            if (g > 0 && g != bestStart + bestLength)
            {
                destination[i++] = (byte)':';
            }

            i += WriteHexGroup(Group(g), destination[i..]);
        }

        return i;
    }

    private int Group(int index) =>
        (int)(((index < 4 ? Hi : Lo) >> (48 - (16 * (index & 3)))) & 0xFFFF);

    private static int WriteHexGroup(int value, Span<byte> destination)
    {
        ReadOnlySpan<byte> digits = "0123456789abcdef"u8;
        int length = value >= 0x1000 ? 4 : value >= 0x100 ? 3 : value >= 0x10 ? 2 : 1;
        for (int d = length - 1; d >= 0; d--)
        {
            destination[d] = digits[value & 0xF];
            value >>= 4;
        }

        return length;
    }
}
