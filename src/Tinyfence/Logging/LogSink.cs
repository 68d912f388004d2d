namespace Tinyfence.Logging;

/// <summary>Where finished log lines go. Called under the logger's lock, one line at a time.</summary>
public abstract class LogSink : IDisposable
{
    /// <param name="message">One line of UTF-8 text, without a trailing newline.</param>
    public abstract void Write(LogLevel level, ReadOnlySpan<byte> message);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
