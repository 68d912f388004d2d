using System.Buffers;
using System.Buffers.Text;
using Tinyfence.Table;

namespace Tinyfence.Protocol;

/// <summary>
/// Writes reply lines into the connection's output buffer. Each method writes whole lines
/// ending in '\n' and allocates nothing beyond what the buffer writer itself does.
/// </summary>
public static class ReplyWriter
{
    // "-9223372036854775808" is the longest long.
    private const int MaxNumberLength = 20;

    /// <summary>Copies bytes that already form complete lines, such as a <see cref="ReplyText"/> reply.</summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> lines)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(lines.Length);
        lines.CopyTo(span);
        writer.Advance(lines.Length);
    }

    /// <summary>Writes <paramref name="text"/> followed by '\n'.</summary>
    public static void Line(IBufferWriter<byte> writer, ReadOnlySpan<byte> text)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(text.Length + 1);
        text.CopyTo(span);
        span[text.Length] = (byte)'\n';
        writer.Advance(text.Length + 1);
    }

    /// <summary>A score or count as a line of decimal digits: the reply of GET and HIT.</summary>
    public static void Number(IBufferWriter<byte> writer, long value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(MaxNumberLength + 1);
        int length = WriteNumber(value, span);
        span[length++] = (byte)'\n';
        writer.Advance(length);
    }

    /// <summary>The <c>ERR ...</c> line for a failed parse.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is <see cref="ParseStatus.Ok"/>, which has no error line.</exception>
    public static void Error(IBufferWriter<byte> writer, ParseStatus status) => Write(writer, ErrorText(status));

    /// <summary>The error line of <paramref name="status"/>, newline included.</summary>
    public static ReadOnlySpan<byte> ErrorText(ParseStatus status) => status switch
    {
        ParseStatus.UnknownCommand => ReplyText.ErrUnknownCommand,
        ParseStatus.WrongArgumentCount => ReplyText.ErrWrongArgumentCount,
        ParseStatus.BadTableName => ReplyText.ErrUnknownTable,
        ParseStatus.BadAddress => ReplyText.ErrBadAddress,
        ParseStatus.BadNumber => ReplyText.ErrBadNumber,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "only a failed parse has an error line."),
    };

    /// <summary>One line of a TOP reply: <c>&lt;ip&gt; &lt;score&gt;</c>.</summary>
    public static void Address(IBufferWriter<byte> writer, IpKey key, long score)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> span = writer.GetSpan(IpKey.MaxTextLength + 1 + MaxNumberLength + 1);
        int length = key.Format(span);
        span[length++] = (byte)' ';
        length += WriteNumber(score, span[length..]);
        span[length++] = (byte)'\n';
        writer.Advance(length);
    }

    /// <summary>One line of a STATS reply: <c>&lt;table&gt; entries=N capacity=N slots=N blocked=N evictions=N</c>.</summary>
    public static void Stats(IBufferWriter<byte> writer, ReadOnlySpan<byte> table, long entries, long capacity, long slots, long blocked, long evictions)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ReadOnlySpan<byte> entriesLabel = " entries="u8;
        ReadOnlySpan<byte> capacityLabel = " capacity="u8;
        ReadOnlySpan<byte> slotsLabel = " slots="u8;
        ReadOnlySpan<byte> blockedLabel = " blocked="u8;
        ReadOnlySpan<byte> evictionsLabel = " evictions="u8;
        int labels = entriesLabel.Length + capacityLabel.Length + slotsLabel.Length + blockedLabel.Length + evictionsLabel.Length;
        Span<byte> span = writer.GetSpan(table.Length + labels + (5 * MaxNumberLength) + 1);

        table.CopyTo(span);
        int length = table.Length;
        length += Field(span[length..], entriesLabel, entries);
        length += Field(span[length..], capacityLabel, capacity);
        length += Field(span[length..], slotsLabel, slots);
        length += Field(span[length..], blockedLabel, blocked);
        length += Field(span[length..], evictionsLabel, evictions);
        span[length++] = (byte)'\n';
        writer.Advance(length);
    }

    /// <summary>The <c>END</c> line closing a TOP or STATS reply.</summary>
    public static void End(IBufferWriter<byte> writer) => Write(writer, ReplyText.End);

    private static int Field(Span<byte> destination, ReadOnlySpan<byte> label, long value)
    {
        label.CopyTo(destination);
        return label.Length + WriteNumber(value, destination[label.Length..]);
    }

    // The caller reserved MaxNumberLength bytes, so formatting cannot run out of room.
    private static int WriteNumber(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }
}
