using Tinyfence.Actions;
using Tinyfence.Alerts;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Actions;

public class AlertTextTests
{
    private static readonly DateTimeOffset s_when = new(2026, 11, 25, 21, 0, 3, TimeSpan.Zero);

    private static AlertRequest Request() =>
        new("apache", "/etc/tinyfence/tinyfence.conf:4", "fired", "la1 >= 10 or la5 >= 6", "la1=12.50 la5=7.20", s_when);

    [Fact]
    public void SubjectTellsTheStoryAtAGlance()
    {
        AlertMessage message = AlertText.Compose(Request(), "web1", "");
        Assert.Equal("web1: apache fired - la1=12.50 la5=7.20", message.Subject);
        Assert.Equal(s_when, message.Created);
    }

    [Fact]
    public void AFailedCommandIsInTheSubjectAndItsOutputInTheBody()
    {
        var result = new CommandResult("apache", "/etc/init.d/apache2 stop", 42, 1, null, false, null, TimeSpan.FromSeconds(2.1),
            ["Stopping web server: apache2 failed!"], 1);
        AlertMessage message = AlertText.Compose(Request() with { Command = result }, "web1", "    load 12.50\n");
        Assert.Equal("web1: apache fired, command failed (exit status 1) - la1=12.50 la5=7.20", message.Subject);
        Assert.Contains("Command:    /etc/init.d/apache2 stop\nResult:     exit status 1 after 2.1 s\nOutput (1 of 1 lines):\n    Stopping web server: apache2 failed!\n", message.Body, StringComparison.Ordinal);
        Assert.Contains("Rule:       apache (/etc/tinyfence/tinyfence.conf:4)\n", message.Body, StringComparison.Ordinal);
        Assert.Contains("Condition:  la1 >= 10 or la5 >= 6\nReadings:   la1=12.50 la5=7.20\n", message.Body, StringComparison.Ordinal);
        Assert.Contains("System, when the rule fired:\n    load 12.50\n", message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void ALongSubjectIsCut()
    {
        AlertMessage message = AlertText.Compose(Request() with { Readings = new string('x', 500) }, "web1", "");
        Assert.Equal(140, message.Subject.Length);
        Assert.EndsWith("...", message.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleRecipientsReplaceTheSections()
    {
        AlertMessage message = AlertText.Compose(Request() with { Recipients = ["oncall@example.com"] }, "web1", "");
        Assert.Equal(["oncall@example.com"], message.To);
    }

    [Fact]
    public void SnapshotShowsLoadMemorySwapAndTopProcesses()
    {
        string snapshot = SystemSnapshot.Take(RepoRoot.Fixture("proc", "overloaded"), TimeSpan.Zero);
        Assert.Contains("    load         12.50 7.20 3.10\n", snapshot, StringComparison.Ordinal);
        Assert.Contains("    memory       7.5G used of 7.7G, 148M available (1.9 %)\n", snapshot, StringComparison.Ordinal);
        Assert.Contains("    swap         1.9G used of 2G (93.7 %)\n", snapshot, StringComparison.Ordinal);
        Assert.Contains("top processes by memory:", snapshot, StringComparison.Ordinal);
        Assert.Contains("mysqld", snapshot, StringComparison.Ordinal);
    }
}
