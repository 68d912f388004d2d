using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Tinyfence.Cli;

/// <summary>
/// <c>tinyfence status [--json]</c>: what the daemon is doing. The daemon sends its status as
/// JSON (the documented shape); <c>--json</c> prints it as it came, and without it the same
/// document is read back (a <see cref="JsonDocument"/>, no serializer) into lines for a person.
/// </summary>
internal static class StatusCommand
{
    public static int Run(Arguments options, TextWriter output, TextWriter error)
    {
        if (options.Has("--json"))
        {
            return DaemonReport.Exchange(options, "status", "STATUS\n"u8, untilEnd: true, output, error);
        }

        var json = new StringWriter();
        int status = DaemonReport.Exchange(options, "status", "STATUS\n"u8, untilEnd: true, json, error);
        if (status != ExitCodes.Ok)
        {
            return status;
        }

        using JsonDocument document = JsonDocument.Parse(json.ToString());
        output.Write(Describe(document.RootElement));
        return ExitCodes.Ok;
    }

    /// <summary>The report as text: a line for the daemon, then one or more per config file, rule, table, and the mail queue.</summary>
    internal static string Describe(JsonElement report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"tinyfence {report.GetProperty("version").GetString()}, pid {report.GetProperty("pid").GetInt32()}, up {Uptime(report.GetProperty("uptimeSeconds").GetInt64())} (since {Time(report.GetProperty("since"))})");
        text.Append(report.GetProperty("paused").GetBoolean() ? ", paused (SIGUSR1)\n" : "\n");
        foreach (JsonElement file in report.GetProperty("configFiles").EnumerateArray())
        {
            text.Append(CultureInfo.InvariantCulture, $"config {file.GetProperty("path").GetString()}, loaded {Time(file.GetProperty("loaded"))}\n");
        }

        foreach (JsonElement rule in report.GetProperty("rules").EnumerateArray())
        {
            DescribeRule(text, rule);
        }

        foreach (JsonElement table in report.GetProperty("tables").EnumerateArray())
        {
            text.Append(CultureInfo.InvariantCulture, $"table \"{table.GetProperty("name").GetString()}\": {table.GetProperty("entries").GetInt32()} of {table.GetProperty("capacity").GetInt32()} entries, {table.GetProperty("blocked").GetInt32()} blocked, {table.GetProperty("evictions").GetInt64()} evictions, {table.GetProperty("hits").GetInt64()} hits, last snapshot {Time(table.GetProperty("lastSnapshot"))}\n");
        }

        if (report.GetProperty("mail") is { ValueKind: JsonValueKind.Object } mail)
        {
            string lastError = mail.GetProperty("lastError").GetString() is { } reason ? $", last error: {reason}" : "";
            text.Append(CultureInfo.InvariantCulture, $"mail: {mail.GetProperty("queued").GetInt32()} queued, {mail.GetProperty("sent").GetInt64()} sent, {mail.GetProperty("failed").GetInt64()} failed, {mail.GetProperty("dropped").GetInt64()} dropped{lastError}\n");
        }

        return text.ToString();
    }

    private static void DescribeRule(StringBuilder text, JsonElement rule)
    {
        string state = rule.GetProperty("state").GetString()!;
        int holding = rule.GetProperty("holdingChecks").GetInt32();
        string stateText = state is "holding" or "recovering" ? $"{state} ({holding} checks)" : state;
        text.Append(CultureInfo.InvariantCulture, $"rule \"{rule.GetProperty("name").GetString()}\": {stateText}; fired {rule.GetProperty("fired").GetInt64()} times (last {Time(rule.GetProperty("lastFired"))}), recovered {rule.GetProperty("recovered").GetInt64()} times (last {Time(rule.GetProperty("lastRecovered"))}), last checked {Time(rule.GetProperty("lastCheck"))}\n");

        JsonElement command = rule.GetProperty("command");
        if (command.GetProperty("running").GetBoolean())
        {
            text.Append(CultureInfo.InvariantCulture, $"    command running, pid {command.GetProperty("pid").GetInt32()}\n");
        }

        if (command.GetProperty("lastDurationSeconds") is { ValueKind: JsonValueKind.Number } duration)
        {
            string ended = command.GetProperty("lastExitStatus") is { ValueKind: JsonValueKind.Number } exit ? $"exit status {exit.GetInt32()}"
                : command.GetProperty("lastSignal") is { ValueKind: JsonValueKind.Number } signal ? $"killed by signal {signal.GetInt32()}"
                : "did not start";
            string timedOut = command.GetProperty("lastTimedOut").GetBoolean() ? " (timed out)" : "";
            text.Append(CultureInfo.InvariantCulture, $"    last command: {ended}{timedOut} after {duration.GetDouble():0.###} s; {command.GetProperty("runs").GetInt64()} runs, {command.GetProperty("failures").GetInt64()} failed\n");
        }

        var readings = new List<string>();
        foreach (JsonElement reading in rule.GetProperty("readings").EnumerateArray())
        {
            readings.Add($"{reading.GetProperty("name").GetString()}={Reading(reading)}");
        }

        if (readings.Count > 0)
        {
            text.Append("    readings: ").AppendJoin(' ', readings).Append('\n');
        }
    }

    private static string Reading(JsonElement reading)
    {
        if (reading.GetProperty("value") is not { ValueKind: JsonValueKind.Number } value)
        {
            return "unavailable";
        }

        double number = value.GetDouble();
        return reading.GetProperty("unit").GetString() switch
        {
            "percent" => number.ToString("0.0", CultureInfo.InvariantCulture) + "%",
            "load" => number.ToString("0.00", CultureInfo.InvariantCulture),
            _ => number.ToString("0", CultureInfo.InvariantCulture),
        };
    }

    private static string Time(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetDateTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "never";

    private static string Uptime(long seconds) =>
        seconds >= 86400 ? $"{seconds / 86400}d {seconds % 86400 / 3600}h"
        : seconds >= 3600 ? $"{seconds / 3600}h {seconds % 3600 / 60}m"
        : seconds >= 60 ? $"{seconds / 60}m {seconds % 60}s"
        : $"{seconds}s";
}
