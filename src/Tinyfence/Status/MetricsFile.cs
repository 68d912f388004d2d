using System.Buffers;
using System.Runtime.InteropServices;
using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Status;

/// <summary>
/// <c>set metrics-file "PATH" every D</c>: the metrics rewritten every D for node_exporter's
/// textfile collector, which must never read half a file: written to PATH.tmp, then renamed over
/// PATH. Raw descriptors and one reused buffer, so a rewrite allocates nothing.
/// </summary>
internal sealed unsafe class MetricsFile(string path, TimeSpan every, StatusBoard board, Logger log)
{
    private readonly byte[] _path = Libc.NullTerminated(path);
    private readonly byte[] _temporary = Libc.NullTerminated(path + ".tmp");
    private readonly ArrayBufferWriter<byte> _text = new(16 * 1024);
    private readonly long _everyMs = (long)every.TotalMilliseconds;
    private long _nextMs;
    private bool _failing;

    public string Path { get; } = path;

    public TimeSpan Every { get; } = every;

    /// <summary>Rewrites the file when it is due; returns when it is next due (monotonic ms).</summary>
    public long WriteIfDue(long nowMs)
    {
        if (nowMs < _nextMs)
        {
            return _nextMs;
        }

        _nextMs = nowMs + _everyMs;
        _text.ResetWrittenCount();
        board.WriteMetrics(_text);
        int error = Write(_text.WrittenSpan);
        if (error != 0 && !_failing)
        {
            log.Error($"cannot write the metrics file {Path}: {Marshal.GetPInvokeErrorMessage(error)} (retrying every {Every.TotalSeconds:0.#} s)");
        }
        else if (error == 0 && _failing)
        {
            log.Notice($"metrics file {Path} written again");
        }

        _failing = error != 0;
        return _nextMs;
    }

    // Returns 0 or the errno of the step that failed; the temporary file does not outlive a failure.
    private int Write(ReadOnlySpan<byte> text)
    {
        fixed (byte* temporary = _temporary)
        fixed (byte* final = _path)
        fixed (byte* start = text)
        {
            // O_EXCL after unlinking a leftover: never writes through a link planted at PATH.tmp.
            _ = Libc.Unlink(temporary);
            int fd = Libc.OpenCreate(temporary, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0b110_100_100);
            if (fd < 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            int error = 0;
            for (int done = 0; done < text.Length && error == 0;)
            {
                nint written = Libc.Write(fd, start + done, (nuint)(text.Length - done));
                error = written < 0 ? Marshal.GetLastPInvokeError() : 0;
                done += written < 0 ? 0 : (int)written;
            }

            _ = Libc.Close(fd);
            if (error == 0 && Libc.Rename(temporary, final) != 0)
            {
                error = Marshal.GetLastPInvokeError();
            }

            if (error != 0)
            {
                _ = Libc.Unlink(temporary);
            }

            return error;
        }
    }
}
