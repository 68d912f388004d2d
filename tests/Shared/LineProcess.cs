using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tinyfence.Testing;

/// <summary>
/// A program driven line by line through its stdin and stdout, as Apache drives a
/// <c>RewriteMap prg:</c> map or a piped logger: write a line, read the answer with a time limit.
/// Stderr is collected. Disposing kills it if the test did not end it.
/// </summary>
internal sealed class LineProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private Stream _stdout = Stream.Null;
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private readonly MemoryStream _pending = new();
    private Task<int>? _read;

    private LineProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Stdout as bytes, for a test that reads it whole instead of by <see cref="ReadLine"/>.</summary>
    public Stream Output => _stdout;

    public static LineProcess Start(string binary, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        ProcessStartInfo psi = ChildProcess.StartInfo(binary, args);

        if (environment is not null)
        {
            foreach ((string name, string value) in environment)
            {
                psi.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = psi };
        var line = new LineProcess(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (line._stderr)
                {
                    line._stderr.Append(e.Data).Append('\n');
                }
            }
        };
        process.Start();
        line._stdout = process.StandardOutput.BaseStream;
        process.BeginErrorReadLine();
        return line;
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Writes one line (a newline is added) and flushes it to the program.</summary>
    public void WriteLine(string line)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(line + "\n");
        Input.Write(bytes);
        Input.Flush();
    }

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>The next line of stdout, without its newline; null when stdout ended.</summary>
    /// <exception cref="TimeoutException">No complete line within <paramref name="timeout"/>.</exception>
    public string? ReadLine(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (TakeLine() is { } line)
            {
                return line;
            }

            if (!ReadMore(clock, timeout, "no line from pid {0} within {1} ms"))
            {
                return _pending.Length > 0 ? TakeRest() : null;
            }
        }
    }

    /// <summary>Reads stdout to its end, exactly as written (what <see cref="ReadLine"/> left first).</summary>
    public string ReadToEnd(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (!ReadMore(clock, timeout, "the output of pid {0} did not end within {1} ms"))
            {
                return TakeRest();
            }
        }
    }

    // Reads what stdout has next into the pending bytes; false at its end. Past the timeout (counted
    // on the clock) it throws, the message being the format with the pid and the timeout in ms.
    private bool ReadMore(Stopwatch clock, TimeSpan timeout, string timedOut)
    {
        _read ??= _stdout.ReadAsync(_readBuffer).AsTask();
        TimeSpan left = timeout - clock.Elapsed;
        if (left <= TimeSpan.Zero || !_read.Wait(left))
        {
            string what = string.Format(CultureInfo.InvariantCulture, timedOut, Pid, timeout.TotalMilliseconds);
            throw new TimeoutException($"{what}; stderr:\n{Stderr}");
        }

        int read = _read.Result;
        _read = null;
        if (read == 0)
        {
            return false;
        }

        _pending.Write(_readBuffer, 0, read);
        return true;
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Assert.Fail($"pid {Pid} did not exit within {timeout.TotalSeconds} s; stderr:\n{Stderr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Signal(int signal) => Posix.Kill(_process.Id, signal);

    /// <summary>A field of /proc/PID/status in kB (VmHWM, VmRSS); -1 once the process is gone.</summary>
    public long StatusKiB(string field) => ProcStatus.KiB(Pid, field);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private string? TakeLine()
    {
        ReadOnlySpan<byte> bytes = _pending.GetBuffer().AsSpan(0, (int)_pending.Length);
        int newline = bytes.IndexOf((byte)'\n');
        if (newline < 0)
        {
            return null;
        }

        string line = Encoding.ASCII.GetString(bytes[..newline]);
        byte[] rest = bytes[(newline + 1)..].ToArray();
        _pending.SetLength(0);
        _pending.Write(rest);
        return line;
    }

    private string TakeRest()
    {
        string rest = Encoding.ASCII.GetString(_pending.GetBuffer(), 0, (int)_pending.Length);
        _pending.SetLength(0);
        return rest;
    }
}
