using System.Text.Json;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests;

/// <summary>The published binary's status and metrics: the JSON and the metrics as the daemon writes them.</summary>
public class StatusTests
{
    [Fact]
    public void StatusJsonAndMetricsComeFromThePublishedDaemon()
    {
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "run");
        string config = dir.Write("tinyfence.conf", $$"""
            set run-dir "{{run}}"
            set state-dir "{{Path.Combine(dir.Path, "state")}}"
            set step 200ms
            table "spam" { capacity 4096 decay 3 per 1d block above 15 }
            rule "beat" { la1 >= 0 } log once
            """);
        using RunningDaemon daemon = Repo.StartPublished("run", "-c", config, "--proc-root", Repo.ProcTree("idle"));
        daemon.WaitForLine("rule \"beat\" fired");

        // The board is refreshed after the turn that logged the firing: a status asked in between
        // shows the turn before it.
        ProcessResult status = null!;
        Patience.WaitUntil(
            () => (status = ProcessResult.Run(Repo.PublishedBinary, ["status", "--json", "--run-dir", run], Patience.Short)).Stdout.Contains("\"fired\": 1", StringComparison.Ordinal),
            "the status to show the firing");
        Assert.True(status.ExitCode == 0, status.ToString());
        using JsonDocument document = JsonDocument.Parse(status.Stdout);
        JsonElement rule = document.RootElement.GetProperty("rules")[0];
        Assert.Equal(("beat", 1L), (rule.GetProperty("name").GetString(), rule.GetProperty("fired").GetInt64()));
        Assert.Equal("spam", document.RootElement.GetProperty("tables")[0].GetProperty("name").GetString());

        ProcessResult metrics = ProcessResult.Run(Repo.PublishedBinary, ["metrics", "--run-dir", run], Patience.Short);
        Assert.True(metrics.ExitCode == 0, metrics.ToString());
        Assert.Contains("tinyfence_rule_firings_total{rule=\"beat\"} 1\n", metrics.Stdout, StringComparison.Ordinal);
        Assert.Contains("process_resident_memory_bytes ", metrics.Stdout, StringComparison.Ordinal);
    }
}
