namespace Tinyfence.Logging;

/// <summary>
/// Foreground logging, systemd style: one line per message, no timestamp (the journal adds its
/// own) unless asked. Under systemd (JOURNAL_STREAM set) each line starts with the severity in
/// the form journald reads, <c>&lt;4&gt;</c>; on a terminal lines are left as they are, since the
/// messages say themselves what is an error.
/// </summary>
public sealed class StderrSink : LogSink
{
    private readonly Stream _stderr;
    private readonly bool _timestamps;
    private readonly bool _journal = Environment.GetEnvironmentVariable("JOURNAL_STREAM") is not null;
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

        if (_journal)
        {
            line[length++] = (byte)'<';
            line[length++] = (byte)('0' + (int)level);
            line[length++] = (byte)'>';
        }

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
