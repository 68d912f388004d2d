using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>
/// The published daemon's HTTP endpoint: its three paths, served by its own event loop thread,
/// beside the line socket's loop; no thread pool, and no socket engine (the listeners are made
/// with libc, Server/ListeningSocket).
/// </summary>
public class HttpEndpointTests
{
    [Fact]
    public async Task ThePublishedDaemonServesEveryPathFromItsLoopThreadWithoutAThreadPoolOrASocketEngine()
    {
        using var dir = new TempDir();
        int port = SmtpTestServer.FreePort();
        string config = dir.Write("tinyfence.conf", $$"""
            set run-dir "{{Path.Combine(dir.Path, "run")}}"
            set state-dir "{{Path.Combine(dir.Path, "state")}}"
            set step 200ms
            rule "beat" { la1 >= 0 } log once
            server { http "127.0.0.1:{{port}}" }
            """);
        using RunningDaemon daemon = Repo.StartPublished("run", "-c", config, "--proc-root", Repo.ProcTree("idle"));
        daemon.WaitForLine("http: serving");

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Patience.Short };
        Assert.Contains("beat", await client.GetStringAsync("/"), StringComparison.Ordinal);
        Assert.Contains("\"rules\"", await client.GetStringAsync("/status.json"), StringComparison.Ordinal);
        Assert.Contains("tinyfence_rule_firings_total", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);

        string[] threads = [.. Directory.GetDirectories($"/proc/{daemon.Pid}/task").Select(task => File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n'))];
        Assert.Contains("tinyfence http", threads);
        Assert.Contains("tinyfence socke", threads);
        Assert.DoesNotContain(threads, name => name.StartsWith(".NET TP", StringComparison.Ordinal));
        Assert.DoesNotContain(".NET Sockets", threads);
    }
}
