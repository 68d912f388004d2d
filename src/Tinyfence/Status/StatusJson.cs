using System.Text.Json;

namespace Tinyfence.Status;

/// <summary>
/// The status report's JSON, written property by property in declaration order with camelCase
/// names and nulls written out: byte for byte what System.Text.Json's serializer wrote, without
/// the serializer (0.3 MB of the static binary). A property added to the report is added here;
/// <c>StatusJsonTests</c> compares this with the serializer's output for a full report.
/// </summary>
internal static class StatusJson
{
    public static void Write(Utf8JsonWriter json, StatusReport report)
    {
        json.WriteStartObject();
        json.WriteString("version"u8, report.Version);
        json.WriteNumber("pid"u8, report.Pid);
        json.WriteString("since"u8, report.Since);
        json.WriteNumber("uptimeSeconds"u8, report.UptimeSeconds);
        json.WriteBoolean("paused"u8, report.Paused);

        json.WriteStartArray("configFiles"u8);
        foreach (ConfigFileStatus file in report.ConfigFiles)
        {
            json.WriteStartObject();
            json.WriteString("path"u8, file.Path);
            json.WriteString("loaded"u8, file.Loaded);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("rules"u8);
        foreach (RuleStatus rule in report.Rules)
        {
            WriteRule(json, rule);
        }

        json.WriteEndArray();

        json.WriteStartArray("tables"u8);
        foreach (TableStatus table in report.Tables)
        {
            json.WriteStartObject();
            json.WriteString("name"u8, table.Name);
            json.WriteNumber("entries"u8, table.Entries);
            json.WriteNumber("capacity"u8, table.Capacity);
            json.WriteNumber("blocked"u8, table.Blocked);
            json.WriteNumber("evictions"u8, table.Evictions);
            json.WriteNumber("hits"u8, table.Hits);
            WriteOrNull(json, "lastSnapshot"u8, table.LastSnapshot);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        if (report.Mail is not { } mail)
        {
            json.WriteNull("mail"u8);
        }
        else
        {
            json.WriteStartObject("mail"u8);
            json.WriteNumber("queued"u8, mail.Queued);
            json.WriteNumber("sent"u8, mail.Sent);
            json.WriteNumber("failed"u8, mail.Failed);
            json.WriteNumber("dropped"u8, mail.Dropped);
            json.WriteString("lastError"u8, mail.LastError);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter json, RuleStatus rule)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, rule.Name);
        json.WriteString("state"u8, rule.State);
        json.WriteNumber("holdingChecks"u8, rule.HoldingChecks);
        json.WriteNumber("fired"u8, rule.Fired);
        json.WriteNumber("recovered"u8, rule.Recovered);
        WriteOrNull(json, "lastCheck"u8, rule.LastCheck);
        WriteOrNull(json, "lastFired"u8, rule.LastFired);
        WriteOrNull(json, "lastRecovered"u8, rule.LastRecovered);

        CommandStatus command = rule.Command;
        json.WriteStartObject("command"u8);
        json.WriteBoolean("running"u8, command.Running);
        WriteOrNull(json, "pid"u8, command.Pid);
        json.WriteNumber("runs"u8, command.Runs);
        json.WriteNumber("failures"u8, command.Failures);
        WriteOrNull(json, "lastExitStatus"u8, command.LastExitStatus);
        WriteOrNull(json, "lastSignal"u8, command.LastSignal);
        json.WriteBoolean("lastTimedOut"u8, command.LastTimedOut);
        WriteOrNull(json, "lastDurationSeconds"u8, command.LastDurationSeconds);
        json.WriteEndObject();

        json.WriteStartArray("readings"u8);
        foreach (ReadingStatus reading in rule.Readings)
        {
            json.WriteStartObject();
            json.WriteString("name"u8, reading.Name);
            json.WriteString("unit"u8, reading.Unit);
            WriteOrNull(json, "value"u8, reading.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteOrNull(Utf8JsonWriter json, ReadOnlySpan<byte> name, DateTime? value)
    {
        if (value is { } time)
        {
            json.WriteString(name, time);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
