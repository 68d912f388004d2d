using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using Tinyfence.Scoring;
using Tinyfence.Status;
using Tinyfence.Table;

namespace Tinyfence.Tests.Http;

/// <summary>
/// The status page as it was built before it was written straight into the reply buffer (a string per fetch), kept only to prove the new writer byte-identical: rules and their states, readings with a sparkline of the last
/// hour, tables with their top scored addresses, the mail queue. HTML and CSS only (no script); it
/// reloads itself every <see cref="RefreshSeconds"/>. Built as a string: the page is for people,
/// rare next to <c>/metrics</c> scrapes, and allocates where those do not.
/// </summary>
internal static class StringStatusPage
{
    public const int RefreshSeconds = 10;
    private const int TopAddresses = 10;
    private const int SparkWidth = 240;
    private const int SparkHeight = 32;

    private const string Style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
        h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
        table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left}
        th{background:#f0f0f0}.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#666}
        .idle{color:#2a7a2a}.holding,.recovering{color:#b07000}.fired,.latched{color:#fff;background:#c0392b}
        svg polyline{fill:none;stroke:#2c6fbb;stroke-width:1.5}svg circle{fill:#2c6fbb}
        """;

    public static void Write(StatusBoard board, IBufferWriter<byte> output)
    {
        var html = new StringBuilder(4096);
        using (board.Read())
        {
            StatusReport report = board.Report;
            html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .Append(CultureInfo.InvariantCulture, $"<meta http-equiv=\"refresh\" content=\"{RefreshSeconds}\">")
                .Append("<title>tinyfence status</title><style>").Append(Style).Append("</style></head><body>")
                .Append("<h1>tinyfence</h1><p class=\"meta\">")
                .Append(CultureInfo.InvariantCulture, $"version {Escape(report.Version)}, pid {report.Pid}, up {report.UptimeSeconds} s")
                .Append(report.Paused ? ", <strong>paused</strong>" : "").Append("</p>");
            WriteRules(html, report.Rules);
            WriteReadings(html, board.Readings, board.History);
            WriteTables(html, report.Tables, board.Scores);
            if (report.Mail is { } mail)
            {
                html.Append("<h2>Mail</h2><p>")
                    .Append(CultureInfo.InvariantCulture, $"queued {mail.Queued}, sent {mail.Sent}, failed {mail.Failed}, dropped {mail.Dropped}")
                    .Append(mail.LastError is { } error ? "; last error: " + Escape(error) : "").Append("</p>");
            }
        }

        html.Append("</body></html>\n");
        Encoding.UTF8.GetBytes(html.ToString(), output);
    }

    private static void WriteRules(StringBuilder html, RuleStatus[] rules)
    {
        html.Append("<h2>Rules</h2>");
        if (rules.Length == 0)
        {
            html.Append("<p>none</p>");
            return;
        }

        html.Append("<table><tr><th>rule</th><th>state</th><th>fired</th><th>recovered</th><th>last fired</th><th>last command</th></tr>");
        foreach (RuleStatus rule in rules)
        {
            CommandStatus command = rule.Command;
            string last = command.Running ? $"running (pid {command.Pid})"
                : command.LastExitStatus is { } exit ? $"exit status {exit}, {command.LastDurationSeconds:0.###} s"
                : command.LastSignal is { } signal ? $"killed by signal {signal}"
                : "";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Escape(rule.Name)}</td><td class=\"{rule.State}\">{rule.State}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{rule.Fired}</td><td class=\"n\">{rule.Recovered}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Time(rule.LastFired)}</td><td>{last}</td></tr>");
        }

        html.Append("</table>");
    }

    private static void WriteReadings(StringBuilder html, ReadOnlySpan<ReadingStatus> readings, ReadingHistory history)
    {
        if (readings.IsEmpty)
        {
            return;
        }

        html.Append("<h2>Readings</h2><table><tr><th>reading</th><th>now</th><th>last hour (a point a minute)</th></tr>");
        for (int i = 0; i < readings.Length; i++)
        {
            ReadingStatus reading = readings[i];
            string value = reading.Value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) + " " + reading.Unit : "unreadable";
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{Escape(reading.Name)}</td><td class=\"n\">{value}</td><td>");
            WriteSparkline(html, history, i);
            html.Append("</td></tr>");
        }

        html.Append("</table>");
    }

    // An inline SVG polyline scaled to the hour's own range; a single sample is a dot.
    private static void WriteSparkline(StringBuilder html, ReadingHistory history, int reading)
    {
        double min = double.MaxValue;
        double max = double.MinValue;
        for (int age = 0; age < history.Count; age++)
        {
            double sample = history.At(reading, age);
            if (!double.IsNaN(sample))
            {
                (min, max) = (Math.Min(min, sample), Math.Max(max, sample));
            }
        }

        html.Append(CultureInfo.InvariantCulture, $"<svg width=\"{SparkWidth}\" height=\"{SparkHeight}\" viewBox=\"0 0 {SparkWidth} {SparkHeight}\" role=\"img\">");
        if (min <= max)
        {
            double range = max > min ? max - min : 1;
            var points = new StringBuilder();
            int shown = 0;
            double x = 0;
            double y = 0;
            for (int age = 0; age < history.Count; age++)
            {
                double sample = history.At(reading, age);
                if (!double.IsNaN(sample))
                {
                    x = (ReadingHistory.Points - history.Count + age) * (SparkWidth - 4.0) / (ReadingHistory.Points - 1) + 2;
                    y = SparkHeight - 2 - ((sample - min) / range * (SparkHeight - 4));
                    points.Append(CultureInfo.InvariantCulture, $"{x:0.#},{y:0.#} ");
                    shown++;
                }
            }

            html.Append(shown > 1
                ? $"<polyline points=\"{points.ToString().TrimEnd()}\"/>"
                : string.Create(CultureInfo.InvariantCulture, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"2\"/>"));
        }

        html.Append("</svg>");
    }

    private static void WriteTables(StringBuilder html, TableStatus[] tables, ScoreService? scores)
    {
        if (tables.Length == 0 || scores is null)
        {
            return;
        }

        html.Append("<h2>Tables</h2>");
        var best = new StoredScore[TopAddresses];
        for (int i = 0; i < tables.Length && i < scores.Hosted.Count; i++)
        {
            TableStatus table = tables[i];
            ScoreTable scored = scores.Hosted[i].Table;
            html.Append(CultureInfo.InvariantCulture, $"<h3>{Escape(table.Name)}</h3><p class=\"meta\">{table.Entries} of {table.Capacity} entries, {table.Blocked} blocked, {table.Evictions} evictions, {table.Hits} hits</p>");
            int found = scored.Top(best, scored.Now);
            if (found == 0)
            {
                continue;
            }

            html.Append("<table><tr><th>address</th><th>score</th><th></th></tr>");
            for (int j = 0; j < found; j++)
            {
                string blocked = scored.IsBlocked(best[j].Score) ? "<span class=\"fired\">blocked</span>" : "";
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{best[j].Key}</td><td class=\"n\">{best[j].Score}</td><td>{blocked}</td></tr>");
            }

            html.Append("</table>");
        }
    }

    private static string Time(DateTime? utc) => utc is { } time ? time.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "never";

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
