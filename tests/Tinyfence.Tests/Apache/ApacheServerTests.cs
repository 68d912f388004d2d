using System.Diagnostics;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Apache;

/// <summary>The real-Apache harness itself: what the adapter tests build on.</summary>
public sealed class ApacheServerTests
{
    // A prg: map that answers each key with itself: shows what Apache passes as %{REMOTE_ADDR}.
    // dash's printf is a builtin that writes at once, so every answer is flushed.
    private const string EchoMap = """
        #!/bin/sh
        while IFS= read -r key; do printf '%s\n' "$key"; done
        """;

    [Fact]
    public async Task ServesAStaticFileFromItsDocumentRoot()
    {
        using var apache = new ApacheServer();
        apache.WriteDocument("hello.txt", "hello from apache\n");
        apache.Start();

        ApacheReply reply = await apache.GetAsync("/hello.txt");
        ApacheReply missing = await apache.GetAsync("/missing.txt");

        Assert.True(reply.Status == 200, $"{reply}\n{apache.Describe()}");
        Assert.Equal("hello from apache\n", reply.Body);
        Assert.Equal(404, missing.Status);
    }

    [Fact]
    public async Task ForwardedForBecomesRemoteAddrForMapsAndLogs()
    {
        using var apache = new ApacheServer();
        string map = apache.WriteFile("echo-map.sh", EchoMap, executable: true);
        apache.WriteDocument("whoami.txt", "you\n");
        string accessLog = apache.PathOf("access.log");
        apache.Start($$$"""
            RewriteEngine On
            RewriteMap echo "prg:{{{map}}}"
            RewriteRule ^/whoami\.txt$ - [E=WHO:${echo:%{REMOTE_ADDR}}]
            Header always set X-Remote-Addr "%{WHO}e"
            CustomLog "{{{accessLog}}}" "%a %r"
            """);

        ApacheReply v4 = await apache.GetAsync("/whoami.txt", "192.0.2.7");
        ApacheReply v6 = await apache.GetAsync("/whoami.txt", "2001:db8::7");
        ApacheReply direct = await apache.GetAsync("/whoami.txt");

        Assert.True(v4.Status == 200, $"{v4}\n{apache.Describe()}");
        Assert.Equal("192.0.2.7", v4.Header("X-Remote-Addr"));
        Assert.Equal("2001:db8::7", v6.Header("X-Remote-Addr"));
        Assert.Equal("127.0.0.1", direct.Header("X-Remote-Addr"));
        // Apache logs a request after answering it: the last line may come a moment after its reply.
        string[] logged = [];
        Patience.Until(() => (logged = File.ReadAllLines(accessLog)).Length >= 3);

        Assert.Equal(
            ["192.0.2.7 GET /whoami.txt HTTP/1.1", "2001:db8::7 GET /whoami.txt HTTP/1.1", "127.0.0.1 GET /whoami.txt HTTP/1.1"],
            logged);
    }

    [Fact]
    public async Task PostBodyReachesAnExtFilterWithTheClientAddress()
    {
        using var apache = new ApacheServer();
        // ext_filter commands run in the workers (nobody under root): they write where the workers may.
        string seen = Path.Combine(apache.CreateWritableDirectory("seen"), "bodies.txt");
        apache.Start($"""
            ExtFilterDefine capture mode=input cmd="/bin/sh -c 'echo \"$REMOTE_ADDR\" >> {seen}; tee -a {seen}'"
            <Location /post>
                SetInputFilter capture
            </Location>
            """);

        ApacheReply reply = await apache.PostAsync("/post", "comment=hello", "198.51.100.9");

        // The static handler refuses POST, after reading (and so filtering) the body.
        Assert.True(reply.Status is 404 or 405, $"{reply}\n{apache.Describe()}");
        Assert.True(File.Exists(seen), apache.Describe());
        Assert.Equal("198.51.100.9\ncomment=hello", File.ReadAllText(seen));
    }

    [Fact]
    public async Task GracefulRestartKeepsServingAndLoadsTheNewConfig()
    {
        using var apache = ApacheServer.StartNew("Header always set X-Generation one");
        ApacheReply before = await apache.GetAsync("/");
        int pid = apache.Pid;

        apache.Reconfigure("Header always set X-Generation two");
        ApacheReply after = await apache.GetAsync("/");
        apache.GracefulRestart();
        ApacheReply again = await apache.GetAsync("/");

        Assert.Equal((200, "one"), (before.Status, before.Header("X-Generation")));
        Assert.Equal((200, "two"), (after.Status, after.Header("X-Generation")));
        Assert.Equal(200, again.Status);
        Assert.Equal(pid, apache.Pid);
        Assert.Contains("Doing graceful restart", apache.ErrorLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopEndsEveryProcessOfTheServerAndStartReusesThePort()
    {
        using var apache = new ApacheServer();
        string map = apache.WriteFile("echo-map.sh", EchoMap, executable: true);
        // mod_rewrite starts prg: maps only where RewriteEngine is on.
        apache.Start($"RewriteEngine On\nRewriteMap echo \"prg:{map}\"");
        int port = apache.Port;
        // The parent, the map program and both workers (StartServers 2), which start a moment later.
        IReadOnlyList<int> processes = [];
        Patience.Until(() => (processes = apache.ProcessIds()).Count >= 4, intervalMs: 50);

        string commands = string.Join('\n', processes.Select(pid => File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')));

        apache.Stop();

        Assert.True(processes.Count >= 4, $"processes:\n{commands}");
        Assert.Contains("echo-map.sh", commands, StringComparison.Ordinal);
        Assert.All(processes, pid => Assert.False(Directory.Exists($"/proc/{pid}") && !IsZombie(pid), $"{pid} survived"));
        Assert.False(apache.IsRunning);
        await Assert.ThrowsAsync<HttpRequestException>(() => apache.GetAsync("/"));

        apache.Start();
        Assert.Equal(port, apache.Port);
        Assert.Equal(200, (await apache.GetAsync("/")).Status);
    }

    [Fact]
    public void WatchdogStopsApacheWhenItsOwnerDies()
    {
        using var owner = Process.Start("sleep", "600");
        using var apache = new ApacheServer(new ApacheOptions { OwnerPid = owner.Id });
        apache.Start();
        int pid = apache.Pid;

        owner.Kill();
        owner.WaitForExit();

        Assert.True(Patience.Until(() => !apache.IsRunning, Patience.Long, intervalMs: 100), $"apache2 (pid {pid}) still runs {Patience.Long.TotalSeconds} s after its owner died");
        Assert.Contains("caught SIGTERM", apache.ErrorLog, StringComparison.Ordinal);
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
