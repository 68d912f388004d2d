using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tinyfence.Status;

namespace Tinyfence.Tests.Status;

/// <summary>
/// The status JSON is written by hand (the serializer would add 0.3 MB to the binary), so it is
/// checked against what the serializer the daemon used before writes for the same report: every
/// property of every class set, nulls and not, characters that need escaping.
/// </summary>
public sealed class StatusJsonTests
{
    [Fact]
    public void TheJsonIsWhatTheSerializerWritesForAFullReport()
    {
        var rule = new RuleStatus("load \"high\" é", [new ReadingStatus("la1", "load") { Value = 12.5 }, new ReadingStatus("memfree", "bytes")])
        {
            State = "latched",
            HoldingChecks = 3,
            Fired = 2,
            Recovered = 1,
            LastCheck = new DateTime(2026, 12, 6, 13, 58, 1, 250, DateTimeKind.Utc),
            LastFired = new DateTime(2026, 12, 6, 13, 0, 0, DateTimeKind.Utc),
        };
        rule.Command.Running = true;
        rule.Command.Pid = 4242;
        rule.Command.Runs = 7;
        rule.Command.Failures = 1;
        rule.Command.LastSignal = 9;
        rule.Command.LastTimedOut = true;
        rule.Command.LastDurationSeconds = 0.125;
        var report = new StatusReport
        {
            Pid = 31,
            Since = new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc),
            UptimeSeconds = 7081,
            Paused = true,
            ConfigFiles = [new ConfigFileStatus("/etc/tinyfence.conf", new DateTime(2026, 12, 6, 12, 0, 0, 5, DateTimeKind.Utc))],
            Rules = [rule, new RuleStatus("idle", [])],
            Tables = [new TableStatus("spam") { Entries = 5, Capacity = 4096, Blocked = 1, Evictions = 3, Hits = 99 },
                new TableStatus("login") { LastSnapshot = new DateTime(2026, 12, 6, 13, 55, 0, DateTimeKind.Utc) }],
            Mail = new MailStatus { Queued = 2, Sent = 10, Failed = 1, Dropped = 0, LastError = "server down <mx> & \\ retrying" },
        };

        Assert.Equal(Serialized(report), Written(report));
    }

    [Fact]
    public void AReportWithoutMailOrRulesIsWhatTheSerializerWrites()
    {
        var report = new StatusReport { Pid = 1, Since = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) };

        Assert.Equal(Serialized(report), Written(report));
    }

    private static string Written(StatusReport report)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output, WriterOptions))
        {
            StatusJson.Write(json, report);
        }

        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static string Serialized(StatusReport report)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(output, WriterOptions))
        {
            JsonSerializer.Serialize(json, report, ReferenceStatusJsonContext.Default.StatusReport);
        }

        return System.Text.Encoding.UTF8.GetString(output.WrittenSpan);
    }

    // As StatusBoard writes it.
    private static JsonWriterOptions WriterOptions => new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
