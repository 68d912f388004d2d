namespace Tinyfence.Adapters;

/// <summary>
/// What an adapter does when it cannot do its job (a bad option, an unreadable patterns file):
/// what Apache needs from it anyway. Apache does not restart a map program that exited, waits on a
/// filter for the request body, and blocks writing to a piped logger that stopped reading, so
/// each keeps its side of the pipe alive, without scoring.
/// </summary>
public static class FailOpen
{
    /// <summary>Answers <c>NULL</c> (no value) to every key.</summary>
    public static void Map(Stream input, Stream output) => new LineReader(256).Run(input, new NullAnswers(output));

    /// <summary>Passes the body through unchanged.</summary>
    public static void Filter(Stream input, Stream output)
    {
        input.CopyTo(output);
        output.Flush();
    }

    /// <summary>Reads and forgets the log lines.</summary>
    public static void Feed(Stream input) => input.CopyTo(Stream.Null);

    private sealed class NullAnswers(Stream output) : ILineSink
    {
        private int _pending;

        public void Line(ReadOnlySpan<byte> line, bool complete) => _pending += complete ? 1 : 0;

        public void EndOfBatch()
        {
            for (; _pending > 0; _pending--)
            {
                output.Write("NULL\n"u8);
            }

            output.Flush();
        }
    }
}
