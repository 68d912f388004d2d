using System.Buffers;
using System.Buffers.Text;

namespace Tinyfence.Sharing;

/// <summary>
/// Reads RESP2 replies from what a connection received, item by item, in place: a simple string,
/// an error, an integer, a bulk string (its bytes or null), or an array's header (its length or
/// null) followed by its items. <see cref="TryCompleteReply"/> says first whether a whole reply
/// is there, so the reads that follow never meet the end of the buffer.
/// </summary>
internal ref struct RespReader(ReadOnlySequence<byte> buffer)
{
    // Longer than any reply Tinyfence asks for (an address line, a script's SHA, an error text).
    public const int MaxLineBytes = 4096;

    // Bulk strings of the replies Tinyfence reads are addresses and short texts: a larger one is a
    // confused or hostile server, not data, and is refused rather than buffered.
    public const int MaxBulkBytes = 1 << 20;

    private SequenceReader<byte> _reader = new(buffer);

    public readonly SequencePosition Position => _reader.Position;

    /// <summary>
    /// Whether one whole reply starts at the current position (ending at <paramref name="end"/>): <see cref="OperationStatus.Done"/>,
    /// <see cref="OperationStatus.NeedMoreData"/>, or <see cref="OperationStatus.InvalidData"/>
    /// for bytes that are not RESP2. Consumes nothing.
    /// </summary>
    public readonly OperationStatus TryCompleteReply(out SequencePosition end)
    {
        SequenceReader<byte> probe = _reader;
        long pending = 1;
        end = probe.Position;
        while (pending > 0)
        {
            OperationStatus status = TryReadItem(ref probe, out RespKind kind, out long number, out _);
            if (status != OperationStatus.Done)
            {
                return status;
            }

            pending += kind == RespKind.Array && number > 0 ? number - 1 : -1;
        }

        end = probe.Position;
        return OperationStatus.Done;
    }

    /// <summary>The kind of the next item, without reading it (only after <see cref="TryCompleteReply"/>).</summary>
    public readonly RespKind PeekKind() => _reader.TryPeek(out byte first) ? (RespKind)first : default;

    /// <summary>
    /// The next item: its kind; for an integer its value, for a bulk string or an array its
    /// length (-1: null); the bytes of a string or error (empty for an integer or an array).
    /// Only after <see cref="TryCompleteReply"/> said Done for the reply it belongs to.
    /// </summary>
    public RespKind Read(out long number, out ReadOnlySequence<byte> text)
    {
        if (TryReadItem(ref _reader, out RespKind kind, out number, out text) != OperationStatus.Done)
        {
            throw new InvalidOperationException("read past a reply that was not checked whole");
        }

        return kind;
    }

    private static OperationStatus TryReadItem(ref SequenceReader<byte> reader, out RespKind kind, out long number, out ReadOnlySequence<byte> text)
    {
        number = 0;
        text = default;
        kind = default;
        SequenceReader<byte> start = reader;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            reader = start;
            return reader.Remaining > MaxLineBytes ? OperationStatus.InvalidData : OperationStatus.NeedMoreData;
        }

        if (line.IsEmpty || line.Length > MaxLineBytes)
        {
            return OperationStatus.InvalidData;
        }

        kind = (RespKind)line.FirstSpan[0];
        ReadOnlySequence<byte> rest = line.Slice(1);
        switch (kind)
        {
            case RespKind.SimpleString:
            case RespKind.Error:
                text = rest;
                return OperationStatus.Done;
            case RespKind.Integer:
                return TryParseNumber(rest, out number) ? OperationStatus.Done : OperationStatus.InvalidData;
            case RespKind.Array:
                return TryParseNumber(rest, out number) && number >= -1 ? OperationStatus.Done : OperationStatus.InvalidData;
            case RespKind.BulkString:
                if (!TryParseNumber(rest, out number) || number < -1 || number > MaxBulkBytes)
                {
                    return OperationStatus.InvalidData;
                }

                if (number == -1)
                {
                    return OperationStatus.Done;
                }

                if (reader.Remaining < number + 2)
                {
                    reader = start;
                    return OperationStatus.NeedMoreData;
                }

                text = reader.Sequence.Slice(reader.Position, number);
                reader.Advance(number);
                return reader.IsNext("\r\n"u8, advancePast: true) ? OperationStatus.Done : OperationStatus.InvalidData;
            default:
                return OperationStatus.InvalidData;
        }
    }

    private static bool TryParseNumber(ReadOnlySequence<byte> digits, out long value)
    {
        Span<byte> copy = stackalloc byte[24];
        if (digits.Length is 0 or > 24)
        {
            value = 0;
            return false;
        }

        digits.CopyTo(copy);
        return Utf8Parser.TryParse(copy[..(int)digits.Length], out value, out int consumed) && consumed == digits.Length;
    }
}
