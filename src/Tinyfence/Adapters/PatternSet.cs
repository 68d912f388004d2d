using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Interop;

namespace Tinyfence.Adapters;

/// <summary>
/// Literal patterns from a patterns file, compiled once into an Aho–Corasick automaton that
/// matches all of them, ASCII-case-insensitively, in one pass over the input.
/// </summary>
/// <remarks>
/// File format: one pattern per line, taken byte for byte (a leading space is part of the
/// pattern); trailing spaces, tabs and CR are trimmed, since editors leave them unseen; blank lines
/// and lines whose first byte is <c>#</c> are ignored.
/// </remarks>
public sealed class PatternSet
{
    /// <summary>Longest pattern: a signature, not a document. Keeps the automaton small.</summary>
    public const int MaxPatternBytes = 256;

    // Far above any sensible list; stops a wrong path (a log, a disk image) from being read whole.
    private const long MaxFileBytes = 16L * 1024 * 1024;

    private readonly byte[][] _patterns;
    private readonly int[] _lines;

    private PatternSet(string source, byte[][] patterns, int[] lines)
    {
        Source = source;
        _patterns = patterns;
        _lines = lines;
        Automaton = PatternAutomaton.Build(patterns);
    }

    /// <summary>The file the patterns came from (for messages).</summary>
    public string Source { get; }

    public int Count => _patterns.Length;

    internal PatternAutomaton Automaton { get; }

    /// <summary>The pattern's bytes as written in the file.</summary>
    public ReadOnlySpan<byte> this[int index] => _patterns[index];

    /// <summary>The 1-based line of the file that holds the pattern.</summary>
    public int LineOf(int index) => _lines[index];

    /// <summary>The index of the pattern whose end comes first in <paramref name="text"/>, or -1.</summary>
    public int FindFirst(ReadOnlySpan<byte> text) => Automaton.FindFirst(text);

    /// <summary>For a log line: <c>'pattern' (FILE:LINE)</c>, non-printable bytes as 0xNN.</summary>
    public string Describe(int index)
    {
        var text = new StringBuilder();
        text.Append('\'');
        foreach (byte b in _patterns[index])
        {
            if (b is >= 0x20 and < 0x7f && b != (byte)'\'')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append("0x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.Append("' (").Append(Source).Append(':').Append(_lines[index]).Append(')').ToString();
    }

    /// <summary>Reads and compiles a patterns file.</summary>
    /// <exception cref="AdapterOptionException">The file cannot be read, or has lines that are not patterns (all reported).</exception>
    public static PatternSet Load(string path) => Parse(ReadFile(path), path);

    /// <summary>
    /// The whole file, with one open and read(2) to the end: not FileStream, whose open takes an
    /// advisory lock (two flock calls) and first loads the runtime's AppContext switches, a tenth of
    /// what the filter Apache starts for every POST body spent before reading a byte of it. To the
    /// end rather than trusting a size: a FIFO or a /proc file has none.
    /// </summary>
    private static unsafe ReadOnlySpan<byte> ReadFile(string path)
    {
        int fd;
        fixed (byte* name = Libc.NullTerminated(path))
        {
            do
            {
                fd = Libc.Open(name, Libc.O_RDONLY | Libc.O_CLOEXEC);
            }
            while (fd < 0 && Marshal.GetLastPInvokeError() == Errno.EINTR);
        }

        try
        {
            if (fd < 0)
            {
                throw DescriptorStream.Failure(Marshal.GetLastPInvokeError());
            }

            // A page holds a usual list; a longer one grows the buffer fourfold each time.
            var file = new DescriptorStream(fd, FileAccess.Read);
            byte[] content = new byte[4096];
            int length = 0;
            while (true)
            {
                if (length == content.Length)
                {
                    if (length > MaxFileBytes)
                    {
                        throw new AdapterOptionException($"{path}: error: the patterns file is longer than {MaxFileBytes} bytes");
                    }

                    Array.Resize(ref content, (int)Math.Min(4L * length, MaxFileBytes + 1));
                }

                int read = file.Read(content.AsSpan(length));
                if (read == 0)
                {
                    return content.AsSpan(0, length);
                }

                length += read;
            }
        }
        catch (IOException e)
        {
            throw new AdapterOptionException($"{path}: error: cannot read the patterns file: {e.Message}");
        }
        finally
        {
            if (fd >= 0)
            {
                _ = Libc.Close(fd);
            }
        }
    }

    /// <summary>Compiles the patterns of a file's content; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="AdapterOptionException">Some lines are not patterns (all reported).</exception>
    public static PatternSet Parse(ReadOnlySpan<byte> content, string source)
    {
        var patterns = new List<byte[]>();
        var lines = new List<int>();
        List<string>? errors = null;
        int lineNumber = 0;
        while (!content.IsEmpty)
        {
            lineNumber++;
            int end = content.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? content : content[..end];
            content = end < 0 ? default : content[(end + 1)..];

            line = line.TrimEnd(" \t\r"u8);
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                continue;
            }

            if (line.Length > MaxPatternBytes)
            {
                (errors ??= []).Add($"{source}:{lineNumber}: error: the pattern is {line.Length} bytes long; the limit is {MaxPatternBytes} bytes");
                continue;
            }

            patterns.Add(line.ToArray());
            lines.Add(lineNumber);
        }

        if (errors is not null)
        {
            throw new AdapterOptionException(errors);
        }

        try
        {
            return new PatternSet(source, [.. patterns], [.. lines]);
        }
        catch (AdapterOptionException e)
        {
            throw new AdapterOptionException($"{source}: error: {e.Message}");
        }
    }

    /// <summary>A set from patterns given directly (tests, built-in lists).</summary>
    public static PatternSet FromPatterns(IEnumerable<string> patterns, string source = "<patterns>")
    {
        byte[][] bytes = [.. patterns.Select(p => Encoding.UTF8.GetBytes(p))];
        if (bytes.Any(p => p.Length == 0 || p.Length > MaxPatternBytes))
        {
            throw new ArgumentException($"patterns must be 1 to {MaxPatternBytes} bytes long", nameof(patterns));
        }

        return new PatternSet(source, bytes, [.. Enumerable.Range(1, bytes.Length)]);
    }
}
