using System.Diagnostics;

namespace Tinyfence.Testing;

/// <summary>
/// A tinyfence binary (the published one, or the JIT build next to the unit tests) running as a foreground daemon, with its stderr collected line by line
/// so a test can wait for a log line. Disposing kills it if the test did not stop it.
/// </summary>
internal sealed class RunningDaemon : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = [];
    // A plain object, not System.Threading.Lock: waiting for a line needs Monitor.Wait.
    private readonly object _gate = new();

    private RunningDaemon(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static RunningDaemon Start(string binary, params string[] args) => Start(binary, environment: null, args);

    /// <summary>Starts it with <paramref name="environment"/> added to (a null value: removed from) the test's own.</summary>
    public static RunningDaemon Start(string binary, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        ProcessStartInfo psi = ChildProcess.StartInfo(binary, args);
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            psi.Environment[name] = value;
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var daemon = new RunningDaemon(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (daemon._gate)
                {
                    daemon._stderr.Add(e.Data);
                    Monitor.PulseAll(daemon._gate);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return daemon;
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _stderr) + "\n";
            }
        }
    }

    /// <summary>Waits for a stderr line, counting only lines after the first <paramref name="skip"/>.</summary>
    /// <returns>The index of the matching line.</returns>
    public int WaitForLine(Func<string, bool> match, TimeSpan timeout, string what, int skip = 0)
    {
        int found = GatedLines.WaitFor(_gate, _stderr, match, skip, timeout, () => _process.HasExited);
        if (found >= 0)
        {
            return found;
        }

        string state = _process.HasExited ? $"it exited with {_process.ExitCode}" : "it is still running";
        Assert.Fail($"no {what} on stderr within {timeout.TotalSeconds} s ({state}). stderr:\n{Stderr}");
        return -1;
    }

    /// <summary>Waits for a stderr line containing <paramref name="text"/>, after the first <paramref name="skip"/> lines.</summary>
    public int WaitForLine(string text, int skip = 0) =>
        WaitForLine(l => l.Contains(text, StringComparison.Ordinal), Patience.Short, $"'{text}'", skip);

    /// <summary>How many stderr lines so far contain <paramref name="text"/>.</summary>
    public int CountLines(string text)
    {
        lock (_gate)
        {
            return _stderr.Count(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    public int LineCount
    {
        get
        {
            lock (_gate)
            {
                return _stderr.Count;
            }
        }
    }

    public void Signal(int signal) => Posix.Kill(_process.Id, signal);

    /// <summary>Waits for the process to exit; fails the test if it does not in time.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Assert.Fail($"the daemon did not exit within {timeout.TotalSeconds} s. stderr:\n{Stderr}");
        }
        _process.WaitForExit(); // flushes the async stderr reader
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
}
