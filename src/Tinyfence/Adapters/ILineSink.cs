namespace Tinyfence.Adapters;

/// <summary>Receives the lines a <see cref="LineReader"/> splits off its input.</summary>
public interface ILineSink
{
    /// <summary>
    /// One line without its newline. A line longer than the reader's limit arrives in pieces:
    /// every piece but the last with <paramref name="complete"/> false.
    /// </summary>
    void Line(ReadOnlySpan<byte> line, bool complete);

    /// <summary>Every complete line of one read has been handed over (a moment to flush).</summary>
    void EndOfBatch();
}
