using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Tinyfence.Testing;

/// <summary>
/// A real Debian apache2 (mpm_event) on 127.0.0.1 for one test, run unprivileged from a temp dir:
/// the config, logs, pid file, mutexes and document root all live there. The caller adds its own
/// config text (RewriteMap, ExtFilterDefine, CustomLog...) after the base config. Requests go
/// through <see cref="GetAsync"/> / <see cref="PostAsync"/> with a chosen client address, which
/// mod_remoteip turns into REMOTE_ADDR (X-Forwarded-For from 127.0.0.1 is trusted).
/// <para>
/// apache2 runs in the foreground in a session of its own (setsid), so every process it starts
/// (workers, prg: maps, piped loggers, ext_filter commands) can be found and ended with it. A
/// watchdog shell stops that session when the test process dies without disposing the server.
/// Run as root (CI), Apache's workers switch to nobody/nogroup: the temp dir is made readable for
/// them, and <see cref="CreateWritableDirectory"/> gives them a place to write. prg: maps and piped
/// loggers are started by Apache's parent and so keep the parent's user (root under CI).
/// </para>
/// </summary>
internal sealed partial class ApacheServer : IDisposable
{
    public const string Binary = "/usr/sbin/apache2";
    public const string ModuleDirectory = "/usr/lib/apache2/modules";

    // Debian's apache2 has log_config and unixd built in; the IfModule guard in the config skips
    // those, so the list can name what the tests rely on without knowing how Debian built it.
    private static readonly string[] s_baseModules =
        ["mpm_event", "authz_core", "mime", "dir", "rewrite", "ext_filter", "remoteip", "log_config", "unixd", "headers"];

    // A notice, which Apache writes to the main error log whatever LogLevel says (checked with LogLevel crit).
    private const string RestartedLine = "resuming normal operations";
    private const int SIGKILL = 9;
    private const int SIGUSR1 = 10;
    private const int SIGTERM = 15;
    private const int SIGWINCH = 28;

    private readonly ApacheOptions _options;
    private Process? _launcher;
    private Process? _watchdog;
    private readonly Lock _clientGate = new();
    // Clients whose pooled connections may lead to an old generation's workers: kept until Dispose,
    // since requests of the test may still be running on them.
    private readonly List<HttpClient> _retiredClients = [];
    private HttpClient? _client;
    private string _extraConfig = "";
    private int _pid;
    private bool _disposed;

    public ApacheServer(ApacheOptions? options = null)
    {
        _options = options ?? new ApacheOptions();
        RunAsUser = IsRoot() ? PickUnprivilegedUser() : null;
        Root = CreateRoot(RunAsUser is not null);
        DocumentRoot = Path.Combine(Root, "htdocs");
        Directory.CreateDirectory(DocumentRoot);
        Directory.CreateDirectory(Path.Combine(Root, "run"));
        WriteDocument("index.html", "tinyfence test page\n");
        if (_options.ModSecurity)
        {
            ModSecurityDataDirectory = CreateWritableDirectory("modsecurity");
        }
    }

    /// <summary>Starts a server with the default options and <paramref name="extraConfig"/>.</summary>
    public static ApacheServer StartNew(string extraConfig = "", ApacheOptions? options = null)
    {
        var server = new ApacheServer(options);
        try
        {
            server.Start(extraConfig);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The temp dir: ServerRoot, and the place for maps, logs and scripts of the test.</summary>
    public string Root { get; }

    public string DocumentRoot { get; }

    public string ConfigPath => Path.Combine(Root, "apache2.conf");

    public string ErrorLogPath => Path.Combine(Root, "error.log");

    /// <summary>apache2's own stdout and stderr (config errors before the error log is open).</summary>
    public string StartupLogPath => Path.Combine(Root, "startup.log");

    public string PidFilePath => Path.Combine(Root, "apache2.pid");

    /// <summary>SecDataDir when mod_security is loaded.</summary>
    public string? ModSecurityDataDirectory { get; }

    /// <summary>The user Apache's workers run as (nobody) when the tests run as root; null otherwise.</summary>
    public string? RunAsUser { get; }

    /// <summary>The group of <see cref="RunAsUser"/> (nogroup for nobody); null when the workers keep the current user.</summary>
    public string? RunAsGroup => RunAsUser is null ? null : GroupOf(RunAsUser);

    /// <summary>The port, chosen at the first start and kept across stops and starts.</summary>
    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The pid of Apache's parent process (also its session id), 0 when stopped.</summary>
    public int Pid => _pid;

    public bool IsRunning => _pid != 0 && IsAlive(_pid);

    /// <summary>How many processes of Apache's session were still alive after the last stop and were killed.</summary>
    public int LeftoverProcesses { get; private set; }

    /// <summary>The whole error log so far.</summary>
    public string ErrorLog => ReadShared(ErrorLogPath);

    /// <summary>The client of <see cref="GetAsync"/> and the others; a new one after each graceful restart.</summary>
    public HttpClient Client
    {
        get
        {
            lock (_clientGate)
            {
                return _client ??= CreateClient();
            }
        }
    }

    /// <summary>A path inside <see cref="Root"/>.</summary>
    public string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>Writes a file under <see cref="Root"/>, readable by the server (0644, or 0755 when executable).</summary>
    public string WriteFile(string relativePath, string content, bool executable = false) =>
        Write(Path.Combine(Root, relativePath), content, executable);

    /// <summary>Writes a file under the document root.</summary>
    public string WriteDocument(string relativePath, string content) =>
        Write(Path.Combine(DocumentRoot, relativePath), content, executable: false);

    /// <summary>A directory under <see cref="Root"/> that Apache's workers may write to (mode 0777).</summary>
    public string CreateWritableDirectory(string relativePath)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(path);
        SetMode(path, (UnixFileMode)Convert.ToInt32("777", 8));
        return path;
    }

    /// <summary>Writes the config and starts Apache; returns when the port answers.</summary>
    public void Start(string extraConfig = "")
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (IsRunning)
        {
            throw new InvalidOperationException("apache2 is already running");
        }
        TestPackages.Require(Binary, "apache2", "the Apache tests");
        _extraConfig = extraConfig;
        bool keepPort = Port != 0;
        for (int attempt = 1; ; attempt++)
        {
            if (!keepPort)
            {
                Port = FreePort();
            }
            WriteConfig();
            if (TryStart(out string failure))
            {
                break;
            }
            // Another process may take the free port between our probe and Apache's bind: try another.
            bool portTaken = failure.Contains("Address already in use", StringComparison.Ordinal) ||
                failure.Contains("could not bind", StringComparison.Ordinal);
            if (keepPort || !portTaken || attempt == 3)
            {
                Assert.Fail($"apache2 did not start: {failure}\n{Describe()}");
            }
        }
        StartWatchdog();
    }

    /// <summary>Rewrites the config with <paramref name="extraConfig"/> and makes Apache reload it (graceful restart).</summary>
    public void Reconfigure(string extraConfig)
    {
        _extraConfig = extraConfig;
        WriteConfig();
        GracefulRestart();
    }

    /// <summary>
    /// SIGUSR1 to the parent: Apache rereads its config, restarts its prg: maps and piped loggers,
    /// and lets the old workers finish their requests. Returns when the new generation serves.
    /// </summary>
    public void GracefulRestart()
    {
        RequireRunning();
        int before = CountErrorLogLines(RestartedLine);
        Signal(_pid, SIGUSR1);
        var clock = Stopwatch.StartNew();
        while (CountErrorLogLines(RestartedLine) <= before)
        {
            if (!IsAlive(_pid))
            {
                Assert.Fail($"apache2 exited during a graceful restart\n{Describe()}");
            }
            if (clock.Elapsed > _options.StartTimeout)
            {
                Assert.Fail($"apache2 did not finish a graceful restart within {_options.StartTimeout.TotalSeconds} s\n{Describe()}");
            }
            Thread.Sleep(50);
        }
        WaitForPort(_options.StartTimeout);
        // A kept-alive connection may still reach an old worker, which answers with the old config
        // until it notices the restart: requests from now on go over new connections.
        lock (_clientGate)
        {
            if (_client is not null)
            {
                _retiredClients.Add(_client);
                _client = null;
            }
        }
    }

    /// <summary>
    /// Stops Apache: SIGTERM (or SIGWINCH, graceful-stop, which lets running requests finish), waits
    /// for the parent, then kills whatever is left of its session (maps, loggers, workers).
    /// </summary>
    public void Stop(bool graceful = false)
    {
        if (_pid == 0)
        {
            return;
        }
        int pid = _pid;
        if (IsAlive(pid))
        {
            Signal(pid, graceful ? SIGWINCH : SIGTERM);
            // GracefulShutdownTimeout is 5 s in the config; Apache itself kills lingering children after about 3 s.
            Patience.Until(() => !IsAlive(pid), TimeSpan.FromSeconds(graceful ? 15 : 10), intervalMs: 50);
            if (IsAlive(pid))
            {
                Signal(-pid, SIGKILL);
            }
        }
        List<int> leftovers = SessionProcesses(pid);
        LeftoverProcesses = leftovers.Count;
        foreach (int leftover in leftovers)
        {
            Signal(leftover, SIGKILL);
        }
        Patience.Until(() => SessionProcesses(pid).Count == 0, intervalMs: 50);
        _launcher?.WaitForExit(5000);
        _launcher?.Dispose();
        _launcher = null;
        _pid = 0;
        StopWatchdog();
    }

    /// <summary>The processes of Apache's session: the parent, its workers, prg: maps, piped loggers, filters.</summary>
    public IReadOnlyList<int> ProcessIds() => _pid == 0 ? [] : SessionProcesses(_pid);

    /// <summary>Waits until the error log contains <paramref name="text"/>; fails the test with the log if it does not.</summary>
    public void WaitForErrorLog(string text, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Patience.Short;
        if (!Patience.Until(() => ErrorLog.Contains(text, StringComparison.Ordinal), limit, intervalMs: 50))
        {
            Assert.Fail($"no '{text}' in the error log within {limit.TotalSeconds} s\n{Describe()}");
        }
    }

    /// <summary>For assertion messages: where the server is, the end of its error log and its start-up output.</summary>
    public string Describe()
    {
        string[] lines = ErrorLog.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"apache2 on 127.0.0.1:{Port}, pid {_pid}, root {Root}, user {RunAsUser ?? "(current)"}\n");
        text.Append(CultureInfo.InvariantCulture, $"--- error.log, last {Math.Min(lines.Length, 60)} of {lines.Length} lines ---\n");
        foreach (string line in lines.TakeLast(60))
        {
            text.Append(line).Append('\n');
        }
        string startup = ReadShared(StartupLogPath);
        if (startup.Length > 0)
        {
            text.Append("--- apache2 stdout/stderr ---\n").Append(startup);
        }
        return text.ToString();
    }

    /// <summary>GET <paramref name="path"/> as if from <paramref name="clientAddress"/> (null: 127.0.0.1 itself).</summary>
    public Task<ApacheReply> GetAsync(string path, string? clientAddress = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), clientAddress);

    /// <summary>POST <paramref name="body"/> to <paramref name="path"/> as if from <paramref name="clientAddress"/>.</summary>
    public Task<ApacheReply> PostAsync(string path, string body, string? clientAddress = null,
        string contentType = "application/x-www-form-urlencoded")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        return SendAsync(request, clientAddress);
    }

    /// <summary>
    /// Sends a request with X-Forwarded-For set to <paramref name="clientAddress"/> as given (not
    /// validated, so tests can send hostile values). A connection closed without a reply gives
    /// status 0; other transport errors are thrown.
    /// </summary>
    public async Task<ApacheReply> SendAsync(HttpRequestMessage request, string? clientAddress)
    {
        using (request)
        {
            if (clientAddress is not null)
            {
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", clientAddress);
            }
            try
            {
                using HttpResponseMessage response = await Client.SendAsync(request);
                string body = await response.Content.ReadAsStringAsync();
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var header in response.Headers.Concat(response.Content.Headers))
                {
                    headers[header.Key] = string.Join(", ", header.Value);
                }
                return new ApacheReply((int)response.StatusCode, body, headers);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ResponseEnded)
            {
                return new ApacheReply(0, "", new Dictionary<string, string>());
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            Stop();
        }
        finally
        {
            StopWatchdog();
            _client?.Dispose();
            foreach (HttpClient retired in _retiredClients)
            {
                retired.Dispose();
            }
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover file held open elsewhere: the temp dir is not worth failing a test for.
            }
            catch (UnauthorizedAccessException)
            {
                // Files written by the server's user under a directory we cannot clean: the same.
            }
        }
    }

    private bool TryStart(out string failure)
    {
        File.Delete(PidFilePath);
        File.WriteAllText(StartupLogPath, "");
        // setsid execs without forking (the shell's child is not a group leader), so Apache's
        // parent gets a session of its own: its pid names every process it starts.
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Root };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec setsid \"$0\" -d \"$1\" -f \"$2\" -DFOREGROUND </dev/null >>\"$3\" 2>&1");
        psi.ArgumentList.Add(Binary);
        psi.ArgumentList.Add(Root);
        psi.ArgumentList.Add(ConfigPath);
        psi.ArgumentList.Add(StartupLogPath);
        _launcher?.Dispose();
        _launcher = Process.Start(psi) ?? throw new InvalidOperationException("could not start /bin/sh");

        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_pid == 0 && TryReadPid(out int pid))
            {
                _pid = pid;
            }
            if (_pid != 0 && PortAnswers())
            {
                failure = "";
                return true;
            }
            if (_launcher.HasExited && (_pid == 0 || !IsAlive(_pid)))
            {
                _pid = 0;
                failure = $"apache2 exited at start-up: {ReadShared(StartupLogPath).Trim()}";
                return false;
            }
            if (clock.Elapsed > _options.StartTimeout)
            {
                Stop();
                failure = $"the port did not answer within {_options.StartTimeout.TotalSeconds} s";
                return false;
            }
            Thread.Sleep(50);
        }
    }

    private void WriteConfig()
    {
        var config = new StringBuilder();
        config.Append(CultureInfo.InvariantCulture, $"""
            # Written by Tinyfence.Testing.ApacheServer for one test.
            ServerRoot "{Root}"
            ServerName 127.0.0.1
            PidFile "{PidFilePath}"
            ErrorLog "{ErrorLogPath}"
            LogLevel {_options.LogLevel}
            DefaultRuntimeDir "{Root}/run"
            Mutex file:{Root}/run default
            Listen 127.0.0.1:{Port}

            """);
        IEnumerable<string> modules = s_baseModules.Concat(_options.Modules);
        if (_options.ModSecurity)
        {
            // mod_security2 refuses every request without mod_unique_id ("requires mod_unique_id").
            modules = modules.Concat(["unique_id", "security2"]);
        }
        foreach (string module in modules.Distinct())
        {
            config.Append(CultureInfo.InvariantCulture, $"""
                <IfModule !{module}_module>
                    LoadModule {module}_module {ModuleDirectory}/mod_{module}.so
                </IfModule>

                """);
        }
        if (RunAsUser is not null)
        {
            config.Append(CultureInfo.InvariantCulture, $"User {RunAsUser}\nGroup {GroupOf(RunAsUser)}\n");
        }
        config.Append(CultureInfo.InvariantCulture, $"""
            # Debian's mpm_event defaults; a bounded graceful stop so a test never waits long.
            StartServers 2
            MinSpareThreads 25
            MaxSpareThreads 75
            ThreadLimit 64
            ThreadsPerChild 25
            MaxRequestWorkers 150
            GracefulShutdownTimeout 5
            KeepAliveTimeout 5
            # No mime.types file needed: the types the tests serve.
            TypesConfig /dev/null
            AddType text/html .html
            AddType text/plain .txt
            DocumentRoot "{DocumentRoot}"
            <Directory />
                AllowOverride None
                Require all denied
            </Directory>
            <Directory "{DocumentRoot}">
                Require all granted
            </Directory>
            DirectoryIndex index.html
            # Tests act as many clients: X-Forwarded-For from 127.0.0.1 becomes REMOTE_ADDR (%a).
            RemoteIPHeader X-Forwarded-For
            RemoteIPInternalProxy 127.0.0.1

            """);
        if (ModSecurityDataDirectory is not null)
        {
            config.Append(CultureInfo.InvariantCulture, $"""
                SecRuleEngine On
                SecDataDir "{ModSecurityDataDirectory}"
                SecTmpDir "{ModSecurityDataDirectory}"
                SecAuditEngine Off

                """);
        }
        config.Append("# --- the test's config ---\n").Append(_extraConfig).Append('\n');
        Write(ConfigPath, config.ToString(), executable: false);
    }

    private void StartWatchdog()
    {
        StopWatchdog();
        // Runs in a session of its own (no Ctrl-C from the terminal) and ends with Apache. When the
        // owner (the test process) dies first, it stops Apache and then kills what is left of its session.
        const string script = """
            trap '' INT HUP
            while kill -0 "$0" 2>/dev/null && kill -0 "$1" 2>/dev/null; do sleep 1; done
            if kill -0 "$1" 2>/dev/null; then
                kill -TERM "$1"
                i=0
                while [ $i -lt 20 ] && kill -0 "$1" 2>/dev/null; do sleep 0.5; i=$((i + 1)); done
                kill -9 -"$1" 2>/dev/null
            fi
            """;
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, WorkingDirectory = "/" };
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(_options.OwnerPid.ToString(CultureInfo.InvariantCulture));
        psi.ArgumentList.Add(_pid.ToString(CultureInfo.InvariantCulture));
        _watchdog = Process.Start(psi);
    }

    private void StopWatchdog()
    {
        if (_watchdog is null)
        {
            return;
        }
        if (!_watchdog.HasExited)
        {
            _watchdog.Kill(entireProcessTree: true);
        }
        _watchdog.WaitForExit(5000);
        _watchdog.Dispose();
        _watchdog = null;
    }

    private HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ConnectTimeout = Patience.Short,
            // Shorter than Apache's KeepAliveTimeout (5 s), so the client does not pick a connection
            // Apache is closing.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
        };
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = Patience.Short };
    }

    private void RequireRunning()
    {
        if (!IsRunning)
        {
            Assert.Fail($"apache2 is not running\n{Describe()}");
        }
    }

    private void WaitForPort(TimeSpan timeout)
    {
        if (!Patience.Until(PortAnswers, timeout, intervalMs: 50))
        {
            Assert.Fail($"127.0.0.1:{Port} did not answer within {timeout.TotalSeconds} s\n{Describe()}");
        }
    }

    private bool PortAnswers()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private bool TryReadPid(out int pid)
    {
        pid = 0;
        try
        {
            return int.TryParse(File.ReadAllText(PidFilePath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pid) && pid > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private int CountErrorLogLines(string text) =>
        ErrorLog.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Alive and still Apache's: not a zombie, and the leader of its own session (a reused pid is not).</summary>
    private static bool IsAlive(int pid) =>
        TryReadStat(pid, out char state, out int session) && state != 'Z' && session == pid;

    /// <summary>Every live process whose session id is <paramref name="session"/>.</summary>
    private static List<int> SessionProcesses(int session)
    {
        var pids = new List<int>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) &&
                TryReadStat(pid, out char state, out int sessionId) && sessionId == session && state != 'Z')
            {
                pids.Add(pid);
            }
        }
        return pids;
    }

    /// <summary>State and session id from /proc/PID/stat, read after the last ')' since a name may hold one.</summary>
    private static bool TryReadStat(int pid, out char state, out int session)
    {
        state = '?';
        session = 0;
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        // After ") ": state ppid pgrp session ...
        string[] fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 4 || fields[0].Length != 1)
        {
            return false;
        }
        state = fields[0][0];
        return int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out session);
    }

    private static string ReadShared(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return "";
        }
        catch (DirectoryNotFoundException)
        {
            return "";
        }
    }

    private static string Write(string path, string content, bool executable)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        SetMode(path, (UnixFileMode)Convert.ToInt32(executable ? "755" : "644", 8));
        return path;
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static bool IsRoot()
    {
        // "Uid:\treal\teffective\tsaved\tfs": the effective uid decides what Apache does with User.
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                return line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";
            }
        }
        return false;
    }

    private static string PickUnprivilegedUser()
    {
        string[] users = File.ReadAllLines("/etc/passwd");
        foreach (string candidate in (string[])["nobody", "www-data"])
        {
            if (users.Any(u => u.StartsWith(candidate + ":", StringComparison.Ordinal)))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("running as root, and neither nobody nor www-data exists for Apache's workers");
    }

    private static string GroupOf(string user)
    {
        string[] groups = File.ReadAllLines("/etc/group");
        string preferred = user == "nobody" ? "nogroup" : user;
        return groups.Any(g => g.StartsWith(preferred + ":", StringComparison.Ordinal)) ? preferred : "nogroup";
    }

    /// <summary>The temp dir; for an unprivileged worker user it must be traversable from / down.</summary>
    private static string CreateRoot(bool forOtherUser)
    {
        string parent = Path.GetTempPath();
        if (forOtherUser && !TraversableByOthers(parent))
        {
            parent = "/tmp";
        }
        string root = Path.Combine(parent, "tinyfence-apache-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        SetMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        return root;
    }

    private static bool TraversableByOthers(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        for (var directory = new DirectoryInfo(path); directory is not null; directory = directory.Parent)
        {
            if ((directory.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                return false;
            }
        }
        return true;
    }

    private static void Signal(int pid, int signal) => _ = SysKill(pid, signal);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SysKill(int pid, int signal);
}
