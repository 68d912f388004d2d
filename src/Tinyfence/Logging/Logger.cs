using System.Text;

namespace Tinyfence.Logging;

/// <summary>
/// The one logger of the process. Thread-safe (command output arrives on other threads), and
/// allocation-free for messages already built as UTF-8 spans, so the rule tick can log.
/// </summary>
public sealed class Logger
{
    // A log line longer than this is cut: syslog datagrams and terminals both dislike huge lines.
    public const int MaxLineBytes = 2048;

    private readonly Lock _lock = new();
    private readonly byte[] _encodeBuffer = new byte[MaxLineBytes];
    private LogSink _sink;

    public Logger(LogSink sink) => _sink = sink;

    public LogLevel MinimumLevel { get; set; } = LogLevel.Info;

    /// <summary>Swaps the sink (a reload may move logging from stderr to syslog); returns the old one.</summary>
    public LogSink ReplaceSink(LogSink sink)
    {
        lock (_lock)
        {
            LogSink old = _sink;
            _sink = sink;
            return old;
        }
    }

    public bool IsEnabled(LogLevel level) => level <= MinimumLevel;

    public void Write(LogLevel level, ReadOnlySpan<byte> message)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        if (message.Length > MaxLineBytes)
        {
            message = message[..MaxLineBytes];
        }

        lock (_lock)
        {
            _sink.Write(level, message);
        }
    }

    public void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level))
        {
            return;
        }

        lock (_lock)
        {
            int length = Encoding.UTF8.GetMaxByteCount(message.Length) <= _encodeBuffer.Length
                ? Encoding.UTF8.GetBytes(message, _encodeBuffer)
                : Utf8Truncate(message, _encodeBuffer);
            _sink.Write(level, _encodeBuffer.AsSpan(0, length));
        }
    }

    public void Error(string message) => Write(LogLevel.Error, message);

    public void Warning(string message) => Write(LogLevel.Warning, message);

    public void Notice(string message) => Write(LogLevel.Notice, message);

    public void Info(string message) => Write(LogLevel.Info, message);

    private static int Utf8Truncate(string message, byte[] buffer)
    {
        Encoder encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(message, buffer, flush: true, out _, out int bytesUsed, out _);
        return bytesUsed;
    }
}
