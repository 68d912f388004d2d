using Tinyfence.Protocol;
using Tinyfence.Scoring;

namespace Tinyfence.Status;

/// <summary>
/// The metrics of <c>tinyfence metrics</c>, <c>METRICS</c>, the metrics file and <c>/metrics</c>,
/// named as Prometheus advises: a <c>tinyfence_</c> prefix, base units in the name (bytes,
/// seconds, ratio), <c>_total</c> on counters, and the standard <c>process_</c> figures. The
/// README lists them; changing a name breaks dashboards.
/// </summary>
internal static class MetricsWriter
{
    private static readonly Verb[] s_verbs = Enum.GetValues<Verb>();
    private static readonly string[] s_verbNames = [.. s_verbs.Select(v => v.ToString().ToUpperInvariant())];

    /// <summary>Writes every family. The caller holds the board's lock.</summary>
    public static void Write(PrometheusText text, StatusBoard board, ScoreService? scores, ProcessFigures process)
    {
        StatusReport report = board.Report;
        text.Family("tinyfence_build_info"u8, "gauge"u8, "The running version, as a label; always 1."u8);
        text.Sample("tinyfence_build_info"u8, "version"u8, report.Version, 1);
        text.Family("tinyfence_up_seconds"u8, "gauge"u8, "Seconds since the daemon started."u8);
        text.Sample("tinyfence_up_seconds"u8, report.UptimeSeconds);
        text.Family("tinyfence_config_loaded_timestamp_seconds"u8, "gauge"u8, "When the running config was read (start or last reload), Unix time."u8);
        if (report.ConfigFiles.Length > 0)
        {
            text.Sample("tinyfence_config_loaded_timestamp_seconds"u8, UnixSeconds(report.ConfigFiles[0].Loaded));
        }

        WriteReadings(text, board);
        WriteRules(text, report);
        WriteTables(text, report);
        if (scores is not null)
        {
            WriteProtocol(text, scores);
        }

        if (report.Mail is { } mail)
        {
            text.Family("tinyfence_mail_queued"u8, "gauge"u8, "Alerts not delivered yet (queued, being sent, or held for a digest)."u8);
            text.Sample("tinyfence_mail_queued"u8, mail.Queued);
            text.Family("tinyfence_mail_sent_total"u8, "counter"u8, "Mails delivered to at least one recipient."u8);
            text.Sample("tinyfence_mail_sent_total"u8, mail.Sent);
            text.Family("tinyfence_mail_failed_total"u8, "counter"u8, "Alerts the mail server refused for good."u8);
            text.Sample("tinyfence_mail_failed_total"u8, mail.Failed);
            text.Family("tinyfence_mail_dropped_total"u8, "counter"u8, "Alerts dropped because the queue was full."u8);
            text.Sample("tinyfence_mail_dropped_total"u8, mail.Dropped);
        }

        if (process.TryRead(out double cpuSeconds, out long residentBytes))
        {
            text.Family("process_cpu_seconds_total"u8, "counter"u8, "Total user and system CPU time spent in seconds."u8);
            text.Sample("process_cpu_seconds_total"u8, cpuSeconds);
            text.Family("process_resident_memory_bytes"u8, "gauge"u8, "Resident memory size in bytes."u8);
            text.Sample("process_resident_memory_bytes"u8, residentBytes);
        }

        text.Family("process_start_time_seconds"u8, "gauge"u8, "Start time of the process since unix epoch in seconds."u8);
        text.Sample("process_start_time_seconds"u8, UnixSeconds(report.Since));
    }

    // Each unit its own family, in base units: load averages and counts as they are, bytes as
    // bytes, percentages as a ratio from 0 to 1.
    private static void WriteReadings(PrometheusText text, StatusBoard board)
    {
        ReadOnlySpan<ReadingStatus> readings = board.Readings;
        ReadingFamily(text, readings, ReadingUnits.Load, "tinyfence_reading_load"u8, "A load average the rules read."u8, 1);
        ReadingFamily(text, readings, ReadingUnits.Count, "tinyfence_reading_count"u8, "A count the rules read (processes, connections)."u8, 1);
        ReadingFamily(text, readings, ReadingUnits.Bytes, "tinyfence_reading_bytes"u8, "A size in bytes the rules read."u8, 1);
        ReadingFamily(text, readings, ReadingUnits.Percent, "tinyfence_reading_ratio"u8, "A share the rules read (CPU, pressure, part of a total), from 0 to 1."u8, 0.01);
    }

    private static void ReadingFamily(PrometheusText text, ReadOnlySpan<ReadingStatus> readings, string unit, ReadOnlySpan<byte> name, ReadOnlySpan<byte> help, double scale)
    {
        bool any = false;
        foreach (ReadingStatus reading in readings)
        {
            if (reading.Unit != unit || reading.Value is not double value)
            {
                continue;
            }

            if (!any)
            {
                text.Family(name, "gauge"u8, help);
                any = true;
            }

            text.Sample(name, "reading"u8, reading.Name, value * scale);
        }
    }

    private static void WriteRules(PrometheusText text, StatusReport report)
    {
        RuleStatus[] rules = report.Rules;
        text.Family("tinyfence_rule_state"u8, "gauge"u8, "1 for the state each rule is in, 0 for the others."u8);
        foreach (RuleStatus rule in rules)
        {
            foreach (string state in RuleStateNames.All)
            {
                text.Sample("tinyfence_rule_state"u8, "rule"u8, rule.Name, "state"u8, state, rule.State == state ? 1 : 0);
            }
        }

        RuleFamily(text, rules, "tinyfence_rule_firings_total"u8, "counter"u8, "Times each rule fired (ran its actions)."u8, static r => r.Fired);
        RuleFamily(text, rules, "tinyfence_rule_recoveries_total"u8, "counter"u8, "Times each latched rule recovered."u8, static r => r.Recovered);
        text.Family("tinyfence_rule_last_fired_timestamp_seconds"u8, "gauge"u8, "When each rule that fired last fired, Unix time."u8);
        foreach (RuleStatus rule in rules)
        {
            if (rule.LastFired is { } fired)
            {
                text.Sample("tinyfence_rule_last_fired_timestamp_seconds"u8, "rule"u8, rule.Name, UnixSeconds(fired));
            }
        }

        RuleFamily(text, rules, "tinyfence_rule_command_running"u8, "gauge"u8, "1 while the rule's command runs."u8, static r => r.Command.Running ? 1 : 0);
        RuleFamily(text, rules, "tinyfence_rule_command_runs_total"u8, "counter"u8, "Commands each rule ran to their end."u8, static r => r.Command.Runs);
        RuleFamily(text, rules, "tinyfence_rule_command_failures_total"u8, "counter"u8, "Commands that did not exit with status 0 (failed to start, exited non-zero, killed)."u8, static r => r.Command.Failures);
    }

    // The delegates are static lambdas: cached once, so a family allocates nothing.
    private static void RuleFamily(PrometheusText text, RuleStatus[] rules, ReadOnlySpan<byte> name, ReadOnlySpan<byte> type, ReadOnlySpan<byte> help, Func<RuleStatus, double> value)
    {
        text.Family(name, type, help);
        foreach (RuleStatus rule in rules)
        {
            text.Sample(name, "rule"u8, rule.Name, value(rule));
        }
    }

    private static void TableFamily(PrometheusText text, TableStatus[] tables, ReadOnlySpan<byte> name, ReadOnlySpan<byte> type, ReadOnlySpan<byte> help, Func<TableStatus, double> value)
    {
        text.Family(name, type, help);
        foreach (TableStatus table in tables)
        {
            text.Sample(name, "table"u8, table.Name, value(table));
        }
    }

    private static void WriteTables(PrometheusText text, StatusReport report)
    {
        TableStatus[] tables = report.Tables;
        if (tables.Length == 0)
        {
            return;
        }

        TableFamily(text, tables, "tinyfence_table_entries"u8, "gauge"u8, "Addresses each score table holds."u8, static t => t.Entries);
        TableFamily(text, tables, "tinyfence_table_capacity_entries"u8, "gauge"u8, "Addresses each score table can hold."u8, static t => t.Capacity);
        TableFamily(text, tables, "tinyfence_table_blocked_addresses"u8, "gauge"u8, "Addresses whose score is above the table's block threshold."u8, static t => t.Blocked);
        TableFamily(text, tables, "tinyfence_table_evictions_total"u8, "counter"u8, "Entries evicted to make room in a full table."u8, static t => t.Evictions);
        TableFamily(text, tables, "tinyfence_table_hits_total"u8, "counter"u8, "HIT requests each table took on the socket."u8, static t => t.Hits);
    }

    private static void WriteProtocol(PrometheusText text, ScoreService scores)
    {
        text.Family("tinyfence_protocol_clients"u8, "gauge"u8, "Connections open on the daemon's socket."u8);
        text.Sample("tinyfence_protocol_clients"u8, scores.ClientCount);
        text.Family("tinyfence_protocol_requests_total"u8, "counter"u8, "Request lines read on the socket, by verb (UNKNOWN: no known verb)."u8);
        for (int i = 0; i < s_verbs.Length; i++)
        {
            text.Sample("tinyfence_protocol_requests_total"u8, "verb"u8, s_verbNames[i], scores.Requests.Requests(s_verbs[i]));
        }

        text.Sample("tinyfence_protocol_requests_total"u8, "verb"u8, "UNKNOWN", scores.Requests.Requests(null));
        text.Family("tinyfence_protocol_errors_total"u8, "counter"u8, "Requests answered with ERR (or refused silently in quiet mode), by verb."u8);
        for (int i = 0; i < s_verbs.Length; i++)
        {
            text.Sample("tinyfence_protocol_errors_total"u8, "verb"u8, s_verbNames[i], scores.Requests.Errors(s_verbs[i]));
        }

        text.Sample("tinyfence_protocol_errors_total"u8, "verb"u8, "UNKNOWN", scores.Requests.Errors(null));
    }

    private static double UnixSeconds(DateTime utc) => (utc - DateTime.UnixEpoch).TotalSeconds;
}
