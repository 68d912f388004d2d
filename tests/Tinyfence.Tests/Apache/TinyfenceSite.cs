using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Tinyfence.Testing;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Apache;

/// <summary>
/// A real Apache with one of the shipped snippets of <c>fixtures/apache/</c> and the daemon of the
/// shipped <c>tinyfence.conf</c>, all in the server's temp dir. The shipped files are what runs:
/// only their default paths are replaced (the binary, /run, /etc, /var/lib and /var/log places),
/// the snapshot period is shortened, and the socket's www-data group and user become the user
/// Apache's workers run as here.
/// </summary>
internal sealed class TinyfenceSite : IDisposable
{
    public const string Table = "spam";
    public const int BlockAbove = 15;
    public const int SpamPoints = 30;

    // A spam body: one of the shipped patterns, in a form as a browser sends it.
    public const string SpamBody = "author=bot&comment=best+prices+for+TRAMADOL+here&submit=Post";
    public const string CleanBody = "author=ann&comment=thanks+for+the+article&submit=Post";

    private readonly bool _testClock;
    private RunningDaemon? _daemon;

    public TinyfenceSite(string snippet, bool testClock = false, string extraApacheConfig = "")
    {
        _testClock = testClock;
        Apache = new ApacheServer();
        try
        {
            string home = Path.Combine(Apache.Root, "tinyfence");
            Directory.CreateDirectory(home);
            File.SetUnixFileMode(home, (UnixFileMode)Convert.ToInt32("755", 8));
            RunDirectory = Path.Combine(home, "run");
            StateDirectory = Path.Combine(home, "state");
            EtcDirectory = Path.Combine(home, "etc");
            LogDirectory = Path.Combine(Apache.Root, "log");
            Directory.CreateDirectory(EtcDirectory);
            Directory.CreateDirectory(LogDirectory);
            ConfigPath = Apache.WriteFile("tinyfence/etc/tinyfence.conf", DaemonConfig());
            Apache.WriteFile("tinyfence/etc/spam-patterns.txt", Render(File.ReadAllText(Fixture("spam-patterns.txt"))));
            StartDaemon();
            Apache.Start(Render(File.ReadAllText(Fixture(snippet)) + "\n" + extraApacheConfig));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ApacheServer Apache { get; }

    public string RunDirectory { get; }

    public string StateDirectory { get; }

    public string EtcDirectory { get; }

    public string LogDirectory { get; }

    public string ConfigPath { get; }

    public string SocketPath => Path.Combine(RunDirectory, "tinyfence.sock");

    public string BlocklistPagePath => Path.Combine(RunDirectory, Table + ".blocked.pag");

    public string SnapshotPath => Path.Combine(StateDirectory, Table + ".scores");

    public string AccessLogPath => Path.Combine(LogDirectory, "access.log");

    public RunningDaemon Daemon => _daemon ?? throw new InvalidOperationException("the daemon is not running");

    public static string Fixture(string name) => RepoRoot.Fixture("apache", name);

    /// <summary>A shipped file with its default paths replaced by this site's.</summary>
    public string Render(string text) => text
        .Replace("/usr/sbin/tinyfence", TinyfenceProgram.Path, StringComparison.Ordinal)
        .Replace("/run/tinyfence", RunDirectory, StringComparison.Ordinal)
        .Replace("/etc/tinyfence", EtcDirectory, StringComparison.Ordinal)
        .Replace("/var/lib/tinyfence", StateDirectory, StringComparison.Ordinal)
        .Replace("/var/log/apache2", LogDirectory, StringComparison.Ordinal);

    /// <summary>Starts the daemon and waits until it serves and has written its first blocklist.</summary>
    public void StartDaemon()
    {
        if (_daemon is { HasExited: false })
        {
            throw new InvalidOperationException("the daemon is already running");
        }

        _daemon?.Dispose();
        _daemon = _testClock
            ? TinyfenceProgram.Start("run", "-c", ConfigPath, "--test-clock")
            : TinyfenceProgram.Start("run", "-c", ConfigPath);
        _daemon.WaitForLine(" started: ");
        Patience.WaitUntil(() => File.Exists(BlocklistPagePath) && TryScore("PING", out _), "daemon's socket and first blocklist");
    }

    /// <summary>SIGKILL: no snapshot, no clean-up; views, blocklist and socket file stay behind.</summary>
    public void KillDaemon()
    {
        RunningDaemon daemon = Daemon;
        daemon.Signal(Posix.SIGKILL);
        daemon.WaitForExit(Patience.Short);
    }

    /// <summary>SIGTERM: the daemon saves its snapshot and exits.</summary>
    public void StopDaemon()
    {
        RunningDaemon daemon = Daemon;
        daemon.Signal(Posix.SIGTERM);
        Assert.Equal(0, daemon.WaitForExit(Patience.Short));
    }

    /// <summary>One request over the daemon's socket; its (first) reply line.</summary>
    public string Score(string request)
    {
        if (!TryScore(request, out string reply))
        {
            Assert.Fail($"no answer from the daemon to '{request}': {reply}\n{DescribeDaemon()}");
        }

        return reply;
    }

    public int ScoreOf(string address) => int.Parse(Score($"GET {Table} {address}"), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>
    /// Waits for the hits on their way (the feed's, the map's) to bring the score to
    /// <paramref name="expected"/>, and fails if they took it past.
    /// </summary>
    public void WaitForScore(string address, int expected)
    {
        int score = 0;
        Patience.Until(() => (score = ScoreOf(address)) >= expected);
        Assert.True(score == expected, $"{address} has score {score}, expected {expected}\n{DescribeDaemon()}");
    }

    /// <summary>Pipelined requests that each get one reply line; returns the replies.</summary>
    public List<string> ScoreMany(IReadOnlyList<string> requests)
    {
        using var socket = Connect();
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var text = new StringBuilder();
        foreach (string request in requests)
        {
            text.Append(request).Append('\n');
        }

        stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
        var replies = new List<string>(requests.Count);
        for (int i = 0; i < requests.Count; i++)
        {
            replies.Add(reader.ReadLine() ?? throw new IOException($"the daemon closed the connection after {i} of {requests.Count} replies"));
        }

        return replies;
    }

    /// <summary>Waits for two snapshots: the second began after this call, so it holds what was set before.</summary>
    public void WaitForSnapshotAfterNow()
    {
        for (int i = 0; i < 2; i++)
        {
            Patience.WaitForRewrite(SnapshotPath, "new snapshot");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing the test with <paramref name="what"/> after the guard; returns how long it took (for the output, not for an assertion).</summary>
    public async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, string what, int intervalMs = 20)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Patience.Short)
            {
                Assert.Fail($"no {what} within {Patience.Short.TotalSeconds} s\n{DescribeDaemon()}\n{Apache.Describe()}");
            }

            await Task.Delay(intervalMs);
        }

        return clock.Elapsed;
    }

    public async Task<int> StatusAsync(string address, string path = "/") => (await Apache.GetAsync(path, address)).Status;

    public string DescribeDaemon() => _daemon is null ? "(no daemon)" : "--- daemon stderr ---\n" + _daemon.Stderr;

    public void Dispose()
    {
        // Apache first: its map and feed would otherwise log a vanished daemon.
        Apache.Dispose();
        _daemon?.Dispose();
    }

    private bool TryScore(string request, out string reply)
    {
        try
        {
            using var socket = Connect();
            using var stream = new NetworkStream(socket);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            stream.Write(Encoding.ASCII.GetBytes(request + "\n"));
            string? line = reader.ReadLine();
            reply = line ?? "closed without a reply";
            return line is not null;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            reply = e.Message;
            return false;
        }
    }

    private Socket Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { ReceiveTimeout = (int)Patience.Short.TotalMilliseconds, SendTimeout = (int)Patience.Short.TotalMilliseconds };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The shipped daemon config for this site: its paths, snapshots every second, Apache's worker user let in.</summary>
    private string DaemonConfig()
    {
        string text = Render(File.ReadAllText(Fixture("tinyfence.conf")))
            .Replace("snapshot every 5m", "snapshot every 1s", StringComparison.Ordinal);
        Assert.Contains("snapshot every 1s", text, StringComparison.Ordinal);
        // The filter connects from Apache's workers: www-data on Debian, nobody here when the tests
        // run as root; as another user they run as that user, which the daemon always lets in.
        string? worker = Apache.RunAsUser;
        string group = worker is null ? "" : $"group \"{Apache.RunAsGroup}\"";
        string user = worker is null ? "" : $"allow user \"{worker}\"";
        text = text.Replace("group \"www-data\"", group, StringComparison.Ordinal)
            .Replace("allow user \"www-data\"", user, StringComparison.Ordinal);
        Assert.DoesNotContain("\"www-data\"", text, StringComparison.Ordinal);
        return text;
    }
}
