using Tinyfence.Testing;
using Tinyfence.Tests.Hosting;
using Tinyfence.Tests.Support;
using Xunit.Abstractions;

namespace Tinyfence.Tests.Http;

/// <summary>
/// The status page as Debian's headless Chromium renders it: the rules and their states are in its
/// text, and a screenshot is taken (to a temp dir; set TINYFENCE_SCREENSHOT to a path, such as
/// docs/status-page.png, to write it there instead).
/// </summary>
public sealed class StatusPageBrowserTests(ITestOutputHelper output) : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly ScoreDaemon _daemon = new();
    private readonly FakeProcTree _proc = new("idle");

    public void Dispose()
    {
        _proc.Dispose();
        _daemon.Dispose();
    }

    [Fact]
    public void ChromiumRendersTheRulesTheirStatesAndATable()
    {
        TestPackages.Require(Chromium, "chromium", "rendering the status page");
        int port = SmtpTestServer.FreePort();
        _daemon.Configure($$"""
            {{ScoreDaemon.Table()}}
            server { http "127.0.0.1:{{port}}" }
            set step 200ms
            rule "load-high" { la1 >= 0 } run once 'exit 0' until { la1 < 0 } log
            rule "memory-low" { memfree < 1% } log
            """);
        using RunningDaemon running = _daemon.Start("--proc-root", _proc.Root);
        running.WaitForLine("http: serving");
        _daemon.Ask("hit", "spam", "192.0.2.44", "20");
        _daemon.Ask("hit", "spam", "198.51.100.7", "6");
        running.WaitForLine(" fired");
        string url = $"http://127.0.0.1:{port}/";

        string dom = "";
        Patience.WaitUntil(() => (dom = Browse("--dump-dom", url).Stdout).Contains("<td class=\"latched\">latched</td>", StringComparison.Ordinal), $"the page to show the rule latched (last: {dom})");
        Assert.Contains("<td>load-high</td>", dom, StringComparison.Ordinal);
        Assert.Contains("<td>memory-low</td><td class=\"idle\">idle</td>", dom, StringComparison.Ordinal);
        Assert.Contains("192.0.2.44", dom, StringComparison.Ordinal);
        Assert.Contains("<svg", dom, StringComparison.Ordinal);

        string screenshot = Environment.GetEnvironmentVariable("TINYFENCE_SCREENSHOT") is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(_daemon.Directory, "status-page.png");
        ProcessResult shot = Browse($"--screenshot={screenshot}", url);
        Assert.True(File.Exists(screenshot) && new FileInfo(screenshot).Length > 0, shot.ToString());
        output.WriteLine($"screenshot: {screenshot}");
    }

    private ProcessResult Browse(string what, string url) =>
        ProcessResult.Run(Chromium, ["--headless", "--no-sandbox", "--disable-gpu", $"--user-data-dir={Path.Combine(_daemon.Directory, "chromium")}", "--window-size=1000,800", what, url], Patience.Long);
}
