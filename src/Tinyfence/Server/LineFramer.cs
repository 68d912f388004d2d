using System.Buffers;

namespace Tinyfence.Server;

/// <summary>
/// Cuts request lines out of what a session has read: LF-terminated, one CR before the LF
/// dropped, at most MaxLineBytes. No I/O, so every way of splitting the input can be tested.
/// </summary>
internal sealed class LineFramer
{
    private readonly int _maxLineBytes;

    // A line split across buffer segments is copied here: MaxLineBytes and a CR.
    private readonly byte[] _lineBuffer;

    // Inside an over-long line already answered: drop bytes up to and including its LF.
    private bool _discarding;

    public LineFramer(int maxLineBytes)
    {
        _maxLineBytes = maxLineBytes;
        _lineBuffer = new byte[maxLineBytes + 1];
    }

    /// <summary>
    /// Takes the next line off the front of <paramref name="buffer"/>. <see cref="OperationStatus.Done"/>:
    /// <paramref name="line"/> is the request, valid until the buffer is advanced or this is called
    /// again. <see cref="OperationStatus.InvalidData"/>: the line is too long (reported once; the
    /// rest of it is dropped, across calls). <see cref="OperationStatus.NeedMoreData"/>: no
    /// complete line left; what remains in the buffer is the start of the next one.
    /// </summary>
    public OperationStatus Read(ref ReadOnlySequence<byte> buffer, out ReadOnlySpan<byte> line)
    {
        line = default;
        if (_discarding)
        {
            SequencePosition? endOfLong = buffer.PositionOf((byte)'\n');
            if (endOfLong is null)
            {
                buffer = buffer.Slice(buffer.End);
                return OperationStatus.NeedMoreData;
            }

            buffer = buffer.Slice(buffer.GetPosition(1, endOfLong.Value));
            _discarding = false;
        }

        ReadOnlySpan<byte> first = buffer.FirstSpan;
        int newline = first.IndexOf((byte)'\n');
        if (newline >= 0)
        {
            // The common case: the whole line is in the first segment, passed as it lies.
            line = first[..newline];
            buffer = buffer.Slice(newline + 1);
        }
        else
        {
            SequencePosition? end = buffer.IsSingleSegment ? null : buffer.PositionOf((byte)'\n');
            if (end is null)
            {
                if (buffer.Length > _lineBuffer.Length)
                {
                    // No LF within the limit: answer now rather than buffer a line of any length.
                    _discarding = true;
                    buffer = buffer.Slice(buffer.End);
                    return OperationStatus.InvalidData;
                }

                return OperationStatus.NeedMoreData;
            }

            ReadOnlySequence<byte> split = buffer.Slice(0, end.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
            if (split.Length > _lineBuffer.Length)
            {
                return OperationStatus.InvalidData;
            }

            split.CopyTo(_lineBuffer);
            line = _lineBuffer.AsSpan(0, (int)split.Length);
        }

        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length > _maxLineBytes)
        {
            line = default;
            return OperationStatus.InvalidData;
        }

        return OperationStatus.Done;
    }
}
