using System.Buffers;

namespace Tinyfence.Server;

/// <summary>
/// Cuts request lines out of what a connection has read: LF-terminated, one CR before the LF
/// dropped, at most MaxLineBytes. No I/O, so every way of splitting the input can be tested.
/// The loop reads into one contiguous buffer and keeps the start of a line not ended yet at the
/// buffer's front for the next read, so a line always lies in one span and is never copied.
/// </summary>
internal sealed class LineFramer(int maxLineBytes)
{
    // Inside an over-long line already answered: drop bytes up to and including its LF.
    private bool _discarding;

    /// <summary>
    /// Takes the next line off the front of <paramref name="buffer"/>. <see cref="OperationStatus.Done"/>:
    /// <paramref name="line"/> is the request, a slice of the buffer. <see cref="OperationStatus.InvalidData"/>:
    /// the line is too long (reported once; the rest of it is dropped, across calls).
    /// <see cref="OperationStatus.NeedMoreData"/>: no complete line left; what remains in the
    /// buffer is the start of the next one, to be read again with what follows it.
    /// </summary>
    public OperationStatus Read(ref ReadOnlySpan<byte> buffer, out ReadOnlySpan<byte> line)
    {
        line = default;
        if (_discarding)
        {
            int endOfLong = buffer.IndexOf((byte)'\n');
            if (endOfLong < 0)
            {
                buffer = buffer[buffer.Length..];
                return OperationStatus.NeedMoreData;
            }

            buffer = buffer[(endOfLong + 1)..];
            _discarding = false;
        }

        int newline = buffer.IndexOf((byte)'\n');
        if (newline < 0)
        {
            // The limit and a CR: a pending line this long can still end within the limit.
            if (buffer.Length > maxLineBytes + 1)
            {
                // No LF within the limit: answer now rather than buffer a line of any length.
                _discarding = true;
                buffer = buffer[buffer.Length..];
                return OperationStatus.InvalidData;
            }

            return OperationStatus.NeedMoreData;
        }

        line = buffer[..newline];
        buffer = buffer[(newline + 1)..];
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.Length > maxLineBytes)
        {
            line = default;
            return OperationStatus.InvalidData;
        }

        return OperationStatus.Done;
    }
}
