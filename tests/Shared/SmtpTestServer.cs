using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using Tinyfence.Testing;

namespace Tinyfence.Testing;

/// <summary>
/// tests/scripts/smtp-test-server.py (aiosmtpd) on 127.0.0.1 for one test: accepted messages
/// land in a temp maildir as N.eml, events ("connect", "auth PLAIN", "stored 1.eml"...) are
/// collected from its stdout. Disposing closes its stdin, which ends it; it is killed if not.
/// </summary>
internal sealed class SmtpTestServer : IDisposable
{
    // Debian's python3-aiosmtpd is only visible to Debian's Python, not to a pyenv one on PATH.
    private const string Python = "/usr/bin/python3";
    private const string AiosmtpdModule = "/usr/lib/python3/dist-packages/aiosmtpd/__init__.py";

    private readonly Process _process;
    private readonly List<string> _events = [];
    private readonly List<string> _stderr = [];
    private readonly object _gate = new();
    private int _port;

    private SmtpTestServer(Process process, string maildir)
    {
        _process = process;
        Maildir = maildir;
    }

    public int Port => _port;

    public string Maildir { get; }

    /// <summary>Starts the server on a port the kernel picks.</summary>
    public static SmtpTestServer Start(params string[] options) => StartOn(0, options);

    /// <summary>Starts the server on <paramref name="port"/> (0: any free port).</summary>
    public static SmtpTestServer StartOn(int port, params string[] options)
    {
        string maildir = Directory.CreateTempSubdirectory("tinyfence-maildir-").FullName;
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("-u");
        psi.ArgumentList.Add(Path.Combine(RepoRoot.Path, "tests", "scripts", "smtp-test-server.py"));
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!options.Contains("--hang"))
        {
            psi.ArgumentList.Add("--maildir");
            psi.ArgumentList.Add(maildir);
        }

        foreach (string option in options)
        {
            psi.ArgumentList.Add(option);
        }

        TestPackages.Require(Python, "python3", "the SMTP tests");
        TestPackages.Require(AiosmtpdModule, "python3-aiosmtpd", "the SMTP tests");

        var process = new Process { StartInfo = psi };
        var server = new SmtpTestServer(process, maildir);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data, server._events);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data, server._stderr);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        server.WaitForListening();
        return server;
    }

    /// <summary>A port nobody listens on now (for "the server is down, then comes up there").</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public int Count(string eventPrefix) => Events.Count(e => e == eventPrefix || e.StartsWith(eventPrefix + " ", StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="condition"/> holds on the events; false after <paramref name="timeout"/>.</summary>
    public bool WaitFor(Func<IReadOnlyList<string>, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (!condition(_events))
            {
                TimeSpan left = timeout - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                {
                    return false;
                }

                Monitor.Wait(_gate, left);
            }

            return true;
        }
    }

    /// <summary>Polls the maildir until <paramref name="count"/> messages are there, and parses them (1.eml first).</summary>
    public List<MimeMessage> WaitForMessages(int count, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Patience.Short;
        var clock = Stopwatch.StartNew();
        while (StoredCount() < count)
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail($"{StoredCount()} message(s) arrived within {limit.TotalSeconds} s, expected {count}. Server events:\n{string.Join('\n', Events)}\nstderr:\n{string.Join('\n', _stderr)}");
            }

            Thread.Sleep(50);
        }

        // Events come through a pipe and may lag behind the files: once "stored N.eml" is in,
        // every event before it is too, so tests can look at the events next.
        int stored = StoredCount();
        if (!WaitFor(events => events.Contains($"stored {stored}.eml"), limit))
        {
            Assert.Fail($"the server stored {stored}.eml but never said so. Events:\n{string.Join('\n', Events)}");
        }

        return [.. Enumerable.Range(1, stored).Select(Message)];
    }

    public int StoredCount() => Directory.GetFiles(Maildir, "*.eml").Length;

    public MimeMessage Message(int number) => MimeMessage.Load(Path.Combine(Maildir, $"{number}.eml"));

    public string RawMessage(int number) => File.ReadAllText(Path.Combine(Maildir, $"{number}.eml"));

    /// <summary>The RCPT TO addresses the server accepted for message N.</summary>
    public string[] EnvelopeRecipients(int number) =>
        File.ReadAllLines(Path.Combine(Maildir, $"{number}.rcpt")).Where(l => l.Length > 0).ToArray();

    /// <summary>
    /// Ends the server (it exits when its stdin closes) and waits for its output to end: every
    /// event it printed is then in <see cref="Events"/>, so a count taken after cannot miss one
    /// still on its way through the pipe.
    /// </summary>
    public void Stop()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(Patience.Short))
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        try
        {
            Directory.Delete(Maildir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void OnLine(string? line, List<string> into)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            if (into == _events && _port == 0 && line.StartsWith("listening ", StringComparison.Ordinal))
            {
                _port = int.Parse(line.AsSpan(10), System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                into.Add(line);
            }

            Monitor.PulseAll(_gate);
        }
    }

    private void WaitForListening()
    {
        var clock = Stopwatch.StartNew();
        lock (_gate)
        {
            while (_port == 0)
            {
                if (_process.HasExited || clock.Elapsed > Patience.Long)
                {
                    string stderr = string.Join('\n', _stderr);
                    _process.Kill(entireProcessTree: true);
                    Assert.Fail($"the SMTP test server did not start:\n{stderr}");
                }

                Monitor.Wait(_gate, 100);
            }
        }
    }
}
