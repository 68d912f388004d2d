using System.Buffers;
using System.Buffers.Text;

namespace Tinyfence.Sharing;

/// <summary>
/// Writes Redis commands in RESP2: an array of bulk strings (<c>*2\r\n$3\r\nGET\r\n$1\r\nk\r\n</c>),
/// straight into the connection's output buffer; allocates nothing.
/// </summary>
internal static class RespWriter
{
    // "*", a long's 20 digits, "\r\n".
    private const int MaxHeaderLength = 23;

    /// <summary>The header of a command of <paramref name="count"/> arguments (the command's name counts).</summary>
    public static void Command(IBufferWriter<byte> writer, int count) => Header(writer, (byte)'*', count);

    public static void Bulk(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        Header(writer, (byte)'$', value.Length);
        Span<byte> span = writer.GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        writer.Advance(value.Length + 2);
    }

    public static void Bulk(IBufferWriter<byte> writer, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int length);
        Bulk(writer, digits[..length]);
    }

    /// <summary>A bulk string of ASCII text (names, a password, a script): not for the hot path.</summary>
    public static void Bulk(IBufferWriter<byte> writer, string ascii)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(System.Text.Encoding.UTF8.GetMaxByteCount(ascii.Length));
        int length = System.Text.Encoding.UTF8.GetBytes(ascii, rented);
        Bulk(writer, rented.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(rented);
    }

    private static void Header(IBufferWriter<byte> writer, byte kind, long count)
    {
        Span<byte> span = writer.GetSpan(MaxHeaderLength);
        span[0] = kind;
        Utf8Formatter.TryFormat(count, span[1..], out int length);
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        writer.Advance(length + 3);
    }
}
