using System.Diagnostics;
using System.Net.Sockets;

namespace Tinyfence.Testing;

/// <summary>
/// Debian's redis-server on a Unix socket in a temp dir (no TCP port, nothing saved to disk),
/// killed when disposed; <see cref="Kill"/> and <see cref="Start"/> take it down and bring it
/// back on the same socket. <see cref="Cli"/> runs redis-cli against it.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";
    public const string CliPath = "/usr/bin/redis-cli";

    private readonly string[] _options;
    private Process? _process;

    /// <param name="options">More redis-server options, as <c>--requirepass secret</c>.</param>
    public RedisServer(params string[] options)
    {
        TestPackages.Require(ServerPath, "redis-server", "the Redis sharing tests");
        TestPackages.Require(CliPath, "redis-tools", "the Redis sharing tests");
        Directory = System.IO.Directory.CreateTempSubdirectory("tf-redis-").FullName;
        _options = options;
        Start();
    }

    public string Directory { get; }

    public string SocketPath => Path.Combine(Directory, "redis.sock");

    /// <summary>The URL a table's <c>share redis</c> names it by.</summary>
    public string Url => "unix://" + SocketPath;

    /// <summary>Starts the server (again) and waits until it accepts connections.</summary>
    public void Start()
    {
        File.Delete(SocketPath);
        ProcessStartInfo psi = ChildProcess.StartInfo(ServerPath,
            ["--port", "0", "--unixsocket", SocketPath, "--dir", Directory, "--save", "", "--appendonly", "no", .. _options]);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start redis-server");
        _process.StandardInput.Close();
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Patience.WaitUntil(Accepts, $"redis-server listening on {SocketPath}");
    }

    /// <summary>Kills the server at once (SIGKILL): what a crash or a lost host looks like to its clients.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Runs <c>redis-cli -s SOCKET ARGS</c>; its output, trimmed.</summary>
    public string Cli(params string[] args)
    {
        ProcessResult result = ProcessResult.Run(CliPath, ["-s", SocketPath, .. args], Patience.Short);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout.Trim();
    }

    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private bool Accepts()
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
