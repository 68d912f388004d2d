using System.Buffers;
using System.Buffers.Text;

namespace Tinyfence.Sharing;

/// <summary>
/// Writes Redis commands in RESP2: an array of bulk strings (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>),
/// straight into the connection's output buffer, or into a span the caller reserved (a whole
/// command in one piece); allocates nothing.
/// </summary>
internal static class RespWriter
{
    // "*", a long's 20 digits, "\r\n".
    public const int MaxHeaderLength = 23;

    /// <summary>Where a value of up to 99 bytes starts in <see cref="BulkOfValueAt"/>: after the longest header it can have, <c>$99\r\n</c>.</summary>
    public const int ShortValueOffset = 5;

    // A long's 20 digits.
    private const int MaxDigits = 20;

    /// <summary>The most <see cref="Bulk(Span{byte}, ReadOnlySpan{byte})"/> writes for a value of <paramref name="valueLength"/> bytes.</summary>
    public static int MaxBulkLength(int valueLength) => MaxHeaderLength + valueLength + 2;

    /// <summary>The most <see cref="Bulk(Span{byte}, long)"/> writes.</summary>
    public static int MaxBulkNumberLength => MaxBulkLength(MaxDigits);

    /// <summary>The header of a command of <paramref name="count"/> arguments (the command's name counts).</summary>
    public static void Command(IBufferWriter<byte> writer, int count) => writer.Advance(Command(writer.GetSpan(MaxHeaderLength), count));

    /// <summary>As <see cref="Command(IBufferWriter{byte}, int)"/>, into <paramref name="destination"/> (room for <see cref="MaxHeaderLength"/>); returns the bytes written.</summary>
    public static int Command(Span<byte> destination, int count) => Header(destination, (byte)'*', count);

    public static void Bulk(IBufferWriter<byte> writer, ReadOnlySpan<byte> value) =>
        writer.Advance(Bulk(writer.GetSpan(MaxBulkLength(value.Length)), value));

    /// <summary>A bulk string into <paramref name="destination"/> (room for <see cref="MaxBulkLength"/>); returns the bytes written.</summary>
    public static int Bulk(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        int length = Header(destination, (byte)'$', value.Length);
        value.CopyTo(destination[length..]);
        length += value.Length;
        destination[length] = (byte)'\r';
        destination[length + 1] = (byte)'\n';
        return length + 2;
    }

    public static void Bulk(IBufferWriter<byte> writer, long value) => writer.Advance(Bulk(writer.GetSpan(MaxBulkNumberLength), value));

    /// <summary>A number as a bulk string into <paramref name="destination"/> (room for <see cref="MaxBulkNumberLength"/>); returns the bytes written.</summary>
    public static int Bulk(Span<byte> destination, long value)
    {
        // A hit's points, mostly: one digit.
        if ((ulong)value < 10)
        {
            "$1\r\n0\r\n"u8.CopyTo(destination);
            destination[4] = (byte)('0' + value);
            return 7;
        }

        return BulkOfValueAt(destination, Decimal(destination[ShortValueOffset..], value));
    }

    /// <summary>
    /// Makes a bulk string of the <paramref name="length"/> bytes (at most 99) the caller wrote at
    /// <see cref="ShortValueOffset"/> of <paramref name="destination"/>: the header before them,
    /// moved up to it, and the line end; returns the bytes of the whole. A value formatted in
    /// place so is neither measured first nor copied from a scratch buffer.
    /// </summary>
    public static int BulkOfValueAt(Span<byte> destination, int length)
    {
        int header = Header(destination, (byte)'$', length);
        if (header != ShortValueOffset)
        {
            destination.Slice(ShortValueOffset, length).CopyTo(destination[header..]);
        }

        length += header;
        destination[length] = (byte)'\r';
        destination[length + 1] = (byte)'\n';
        return length + 2;
    }

    /// <summary>A bulk string of ASCII text (names, a password, a script): not for the hot path.</summary>
    public static void Bulk(IBufferWriter<byte> writer, string ascii)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(ascii.Length));
        int length = System.Text.Encoding.UTF8.GetBytes(ascii, rented);
        Bulk(writer, rented.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(rented);
    }

    private static int Header(Span<byte> destination, byte kind, long count)
    {
        destination[0] = kind;
        int length = Decimal(destination[1..], count) + 1;
        destination[length] = (byte)'\r';
        destination[length + 1] = (byte)'\n';
        return length + 2;
    }

    // The numbers of the hit script's arguments are mostly one or two digits (points, lengths):
    // written directly, they cost a few instructions where the general formatter costs a hundred.
    private static int Decimal(Span<byte> destination, long value)
    {
        if ((ulong)value < 10)
        {
            destination[0] = (byte)('0' + value);
            return 1;
        }

        if ((ulong)value < 100)
        {
            destination[0] = (byte)('0' + (value / 10));
            destination[1] = (byte)('0' + (value % 10));
            return 2;
        }

        Utf8Formatter.TryFormat(value, destination, out int length);
        return length;
    }
}
