using Microsoft.Win32.SafeHandles;

namespace Tinyfence.Adapters;

/// <summary>
/// The mod_ext_filter input filter's loop: copies the request body from Apache (stdin) back to
/// Apache (stdout) unchanged, in fixed chunks, scanning each chunk with a <see cref="StreamMatcher"/>
/// before passing it on. Memory stays one buffer whatever the body's size.
/// </summary>
public sealed class BodyPump
{
    /// <summary>
    /// 16 KiB: the size of the pipe reads Apache's filter makes and well inside a 64 KiB pipe, so a
    /// chunk is written in one call; larger buffers only raise the floor of every filter process.
    /// </summary>
    public const int DefaultBufferBytes = 16 * 1024;

    private readonly byte[] _buffer;
    private readonly StreamMatcher _matcher;

    public BodyPump(StreamMatcher matcher, int bufferBytes = DefaultBufferBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferBytes, 1);
        _matcher = matcher;
        _buffer = new byte[bufferBytes];
    }

    /// <summary>Bytes read from the input by the last run.</summary>
    public long BytesRead { get; private set; }

    /// <summary>The exception that ended the last run early, if any (for the log).</summary>
    public Exception? Failure { get; private set; }

    /// <summary>
    /// Copies <paramref name="input"/> to <paramref name="output"/> until the end of the input.
    /// <paramref name="onMatch"/> runs once, at the first pattern found, with its index; it runs
    /// before the chunk that completes the pattern is written, so a hit is sent even if Apache
    /// closes the pipe right after. Never throws on I/O errors.
    /// </summary>
    public PumpOutcome Run(Stream input, Stream output, Action<int>? onMatch)
    {
        BytesRead = 0;
        Failure = null;
        bool reported = _matcher.HasMatch;
        while (true)
        {
            int length;
            try
            {
                length = input.Read(_buffer);
            }
            catch (IOException e)
            {
                Failure = e;
                Finish(output, onMatch, ref reported);
                return PumpOutcome.InputFailed;
            }

            if (length == 0)
            {
                return Finish(output, onMatch, ref reported) ? PumpOutcome.Completed : PumpOutcome.OutputClosed;
            }

            BytesRead += length;
            ReadOnlySpan<byte> chunk = _buffer.AsSpan(0, length);
            if (!reported && _matcher.Feed(chunk) >= 0)
            {
                reported = true;
                onMatch?.Invoke(_matcher.MatchedPattern);
            }

            try
            {
                output.Write(chunk);
            }
            catch (IOException e)
            {
                Failure = e;
                return PumpOutcome.OutputClosed;
            }
        }
    }

    // End of input: close an open escape, report a match it completes, flush. False if the flush failed.
    private bool Finish(Stream output, Action<int>? onMatch, ref bool reported)
    {
        if (!reported && _matcher.Finish() >= 0)
        {
            reported = true;
            onMatch?.Invoke(_matcher.MatchedPattern);
        }

        try
        {
            output.Flush();
            return true;
        }
        catch (IOException e)
        {
            Failure ??= e;
            return false;
        }
    }
}
