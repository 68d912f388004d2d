using System.Buffers;
using System.Text;
using Tinyfence.Adapters;
using Tinyfence.Interop;

namespace Tinyfence.Cli;

/// <summary>
/// The verbs' stdout and stderr: each write is encoded to UTF-8 and written to fd 1 or 2 with
/// write(2) at once, as <see cref="Console.Out"/> (auto-flushed) does, a line in one call. Not
/// Console: its first use reads the locale's charset and starts the runtime's terminal and signal
/// handling (a thread and a pipe; the terminfo database when the stream is a terminal), which a verb
/// that prints a line or nothing (--version, the filter Apache starts for every POST body) paid
/// for at every start. Always UTF-8, the encoding of the config files whose text the verbs echo.
/// </summary>
internal sealed class DescriptorWriter(int fd) : TextWriter
{
    // A line of the verbs' output fits; a longer text (the usage, a config printed back) is
    // encoded into a pooled buffer instead.
    private const int StackBytes = 1024;

    private readonly Lock _writing = new();
    private readonly DescriptorStream _descriptor = new(fd, FileAccess.Write);

    // Keeps a high surrogate that ends one write for the low one that starts the next, as
    // Console's encoder does.
    private readonly Encoder _encoder = Encoding.UTF8.GetEncoder();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Send(new ReadOnlySpan<char>(in value), newLine: false);

    public override void Write(char[] buffer, int index, int count) => Send(buffer.AsSpan(index, count), newLine: false);

    public override void Write(ReadOnlySpan<char> buffer) => Send(buffer, newLine: false);

    public override void Write(string? value) => Send(value, newLine: false);

    public override void WriteLine() => Send([], newLine: true);

    public override void WriteLine(ReadOnlySpan<char> buffer) => Send(buffer, newLine: true);

    public override void WriteLine(string? value) => Send(value, newLine: true);

    /// <exception cref="IOException">write(2) failed (not EPIPE: a reader that went away is no error, as it is none for Console).</exception>
    private void Send(ReadOnlySpan<char> text, bool newLine)
    {
        ReadOnlySpan<char> lineEnd = newLine ? CoreNewLine : [];
        // +1: a high surrogate the encoder held back from the previous write.
        int most = Encoding.UTF8.GetMaxByteCount(text.Length + lineEnd.Length);
        byte[]? pooled = most > StackBytes ? ArrayPool<byte>.Shared.Rent(most) : null;
        Span<byte> bytes = pooled ?? stackalloc byte[StackBytes];
        try
        {
            lock (_writing)
            {
                int length = _encoder.GetBytes(text, bytes, flush: false);
                length += _encoder.GetBytes(lineEnd, bytes[length..], flush: false);
                try
                {
                    _descriptor.Write(bytes[..length]);
                }
                catch (IOException e) when (e.HResult == Errno.EPIPE)
                {
                    // A reader that went away is no error, as it is none for Console.
                }
            }
        }
        finally
        {
            if (pooled is not null)
            {
                ArrayPool<byte>.Shared.Return(pooled);
            }
        }
    }
}
