using Tinyfence.Adapters;

namespace Tinyfence.Fuzz.Targets;

/// <summary>
/// The access-log line <c>tinyfence feed</c> reads from Apache: whatever the bytes, the fields it
/// finds are pieces of the line that keep their documented shape.
/// </summary>
public static class AccessLogTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        foreach (Range range in input.Split((byte)'\n'))
        {
            Check(input[range]);
        }
    }

    private static void Check(ReadOnlySpan<byte> line)
    {
        if (!AccessLogLine.TryParse(line, out AccessLogLine parsed))
        {
            return;
        }

        InvariantViolationException.Check(!parsed.Client.IsEmpty && parsed.Client.IndexOfAny((byte)' ', (byte)'"') < 0,
            "the client is one word without quotes");
        InvariantViolationException.Check(parsed.Status is >= 100 and <= 999, "the status has three digits");
        InvariantViolationException.Check(Within(parsed.Client, line) && Within(parsed.RequestLine, line) && Within(parsed.Method, line)
            && Within(parsed.Target, line) && Within(parsed.Path, line), "every field is a piece of the line");
        InvariantViolationException.Check(parsed.Target.StartsWith(parsed.Path) && parsed.Path.IndexOf((byte)'?') < 0,
            "the path is the target up to its '?'");
        InvariantViolationException.Check(parsed.Method.IndexOf((byte)' ') < 0 && parsed.Target.IndexOf((byte)' ') < 0,
            "method and target are single words");
    }

    private static bool Within(ReadOnlySpan<byte> field, ReadOnlySpan<byte> line) =>
        field.IsEmpty || line.Overlaps(field, out int offset) && offset >= 0 && offset + field.Length <= line.Length;
}
