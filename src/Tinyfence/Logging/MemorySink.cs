using System.Text;

namespace Tinyfence.Logging;

/// <summary>Keeps lines in memory: for tests, and for <c>check</c>, which prints what a run would log.</summary>
public sealed class MemorySink : LogSink
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];
    private readonly Lock _lock = new();

    public override void Write(LogLevel level, ReadOnlySpan<byte> message)
    {
        lock (_lock)
        {
            _lines.Add((level, Encoding.UTF8.GetString(message)));
        }
    }

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public string Text
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines.Select(l => l.Text));
            }
        }
    }
}
