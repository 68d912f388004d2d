using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tinyfence.Tests.Support;

/// <summary>
/// The tinyfence program (the JIT build next to the tests) run as a real child process, so that
/// signals, exit codes and stderr are tested as a user meets them.
/// </summary>
internal sealed partial class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _lock = new();

    public DaemonProcess(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "tinyfence"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Pid => _process.Id;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>Waits until <paramref name="count"/> lines contain the text; fails the test after a timeout.</summary>
    public void WaitFor(string text, int count = 1, int timeoutMs = 15_000)
    {
        bool seen = SpinWait.SpinUntil(() => Lines.Count(l => l.Contains(text, StringComparison.Ordinal)) >= count, timeoutMs);
        Assert.True(seen, $"'{text}' ×{count} not seen within {timeoutMs} ms; output so far:\n{Output}");
    }

    public void Signal(int signal) => Assert.Equal(0, Kill(_process.Id, signal));

    public int WaitForExit(int timeoutMs = 20_000)
    {
        Assert.True(_process.WaitForExit(timeoutMs), $"tinyfence did not exit within {timeoutMs} ms; output:\n{Output}");
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    /// <summary>Runs tinyfence to completion and returns its exit code and all its output.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        using var daemon = new DaemonProcess(args);
        int code = daemon.WaitForExit();
        return (code, daemon.Output);
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lock)
            {
                _lines.Add(line);
            }
        }
    }

    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
