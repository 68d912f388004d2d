namespace Tinyfence.Adapters;

/// <summary>
/// Splits a stream into lines for the adapters that Apache writes to line by line (the map, the
/// piped-log feed), in one fixed buffer: no allocation per line, and no line can make it grow.
/// </summary>
public sealed class LineReader(int maxLineBytes)
{
    private readonly byte[] _buffer = new byte[maxLineBytes];

    /// <summary>Reads <paramref name="input"/> to its end; a last line without newline is delivered too.</summary>
    public void Run<TSink>(Stream input, TSink sink)
        where TSink : ILineSink
    {
        int buffered = 0;
        while (true)
        {
            int read = input.Read(_buffer.AsSpan(buffered));
            if (read <= 0)
            {
                if (buffered > 0)
                {
                    sink.Line(_buffer.AsSpan(0, buffered), complete: true);
                    sink.EndOfBatch();
                }

                return;
            }

            buffered += read;
            int start = 0;
            while (_buffer.AsSpan(start, buffered - start).IndexOf((byte)'\n') is var newline and >= 0)
            {
                sink.Line(_buffer.AsSpan(start, newline), complete: true);
                start += newline + 1;
            }

            buffered -= start;
            _buffer.AsSpan(start, buffered).CopyTo(_buffer);
            if (buffered == _buffer.Length)
            {
                // A line as long as the buffer: hand over this piece, keep reading the rest.
                sink.Line(_buffer, complete: false);
                buffered = 0;
            }

            sink.EndOfBatch();
        }
    }
}
