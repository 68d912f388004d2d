namespace Tinyfence.Logging;

/// <summary>
/// Foreground logging, systemd style: one line per message with a severity prefix that journald
/// understands (<c>&lt;4&gt;</c>), no timestamp (the journal or the terminal adds its own) unless asked.
/// </summary>
public sealed class StderrSink : LogSink
{
    private readonly Stream _stderr;
    private readonly bool _timestamps;
    private readonly byte[] _line = new byte[Logger.MaxLineBytes + 64];

    public StderrSink(bool timestamps = false, Stream? output = null)
    {
        _stderr = output ?? Console.OpenStandardError();
        _timestamps = timestamps;
    }

    public override void Write(LogLevel level, ReadOnlySpan<byte> message)
    {
        Span<byte> line = _line;
        int length = 0;
        if (_timestamps)
        {
            DateTime now = DateTime.Now;
            now.TryFormat(line, out int written, "yyyy-MM-dd HH:mm:ss ", provider: null);
            length += written;
        }

        ReadOnlySpan<byte> prefix = level switch
        {
            LogLevel.Error => "error: "u8,
            LogLevel.Warning => "warning: "u8,
            _ => default,
        };
        prefix.CopyTo(line[length..]);
        length += prefix.Length;
        message.CopyTo(line[length..]);
        length += message.Length;
        line[length++] = (byte)'\n';
        try
        {
            _stderr.Write(line[..length]);
        }
        catch (IOException)
        {
            // A closed stderr (the terminal went away) must not take the guard down.
        }
    }
}
