using System.Buffers;
using Tinyfence.Scoring;
using Tinyfence.Status;
using Tinyfence.Table;

namespace Tinyfence.Http;

/// <summary>
/// The HTML status page at <c>/</c>: rules and their states, readings with a sparkline of the last
/// hour, tables with their top scored addresses, the mail queue. HTML and CSS only (no script); it
/// reloads itself every <see cref="RefreshSeconds"/>. Written straight into the reply buffer, as
/// <c>/metrics</c> is: a fetch allocates nothing, so a page left open, or fetched by a monitor
/// every few seconds, never grows the GC heap.
/// </summary>
internal static class StatusPage
{
    public const int RefreshSeconds = 10;
    private const int TopAddresses = 10;
    private const int SparkWidth = 240;
    private const int SparkHeight = 32;

    private static ReadOnlySpan<byte> Style => """
        body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
        h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em}
        table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left}
        th{background:#f0f0f0}.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#666}
        .idle{color:#2a7a2a}.holding,.recovering{color:#b07000}.fired,.latched{color:#fff;background:#c0392b}
        svg polyline{fill:none;stroke:#2c6fbb;stroke-width:1.5}svg circle{fill:#2c6fbb}
        """u8;

    public static void Write(StatusBoard board, IBufferWriter<byte> output)
    {
        var html = new HtmlText(output);
        using (board.Read())
        {
            StatusReport report = board.Report;
            html.Markup("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\""u8);
            html.Integer(RefreshSeconds);
            html.Markup("\"><title>tinyfence status</title><style>"u8);
            html.Markup(Style);
            html.Markup("</style></head><body><h1>tinyfence</h1><p class=\"meta\">version "u8);
            html.Text(report.Version);
            html.Markup(", pid "u8);
            html.Integer(report.Pid);
            html.Markup(", up "u8);
            html.Integer(report.UptimeSeconds);
            html.Markup(report.Paused ? " s, <strong>paused</strong></p>"u8 : " s</p>"u8);
            WriteRules(html, report.Rules);
            WriteReadings(html, board.Readings, board.History);
            WriteTables(html, report.Tables, board.Scores);
            if (report.Mail is { } mail)
            {
                WriteMail(html, mail);
            }
        }

        html.Markup("</body></html>\n"u8);
    }

    private static void WriteRules(HtmlText html, RuleStatus[] rules)
    {
        html.Markup("<h2>Rules</h2>"u8);
        if (rules.Length == 0)
        {
            html.Markup("<p>none</p>"u8);
            return;
        }

        html.Markup("<table><tr><th>rule</th><th>state</th><th>fired</th><th>recovered</th><th>last fired</th><th>last command</th></tr>"u8);
        foreach (RuleStatus rule in rules)
        {
            html.Markup("<tr><td>"u8);
            html.Text(rule.Name);
            html.Markup("</td><td class=\""u8);
            html.Text(rule.State);
            html.Markup("\">"u8);
            html.Text(rule.State);
            html.Markup("</td><td class=\"n\">"u8);
            html.Integer(rule.Fired);
            html.Markup("</td><td class=\"n\">"u8);
            html.Integer(rule.Recovered);
            html.Markup("</td><td>"u8);
            html.Time(rule.LastFired);
            html.Markup("</td><td>"u8);
            WriteLastCommand(html, rule.Command);
            html.Markup("</td></tr>"u8);
        }

        html.Markup("</table>"u8);
    }

    private static void WriteLastCommand(HtmlText html, CommandStatus command)
    {
        if (command.Running)
        {
            html.Markup("running (pid "u8);
            if (command.Pid is { } pid)
            {
                html.Integer(pid);
            }

            html.Markup(")"u8);
        }
        else if (command.LastExitStatus is { } exit)
        {
            html.Markup("exit status "u8);
            html.Integer(exit);
            html.Markup(", "u8);
            if (command.LastDurationSeconds is { } seconds)
            {
                html.Number(seconds, "0.###");
            }

            html.Markup(" s"u8);
        }
        else if (command.LastSignal is { } signal)
        {
            html.Markup("killed by signal "u8);
            html.Integer(signal);
        }
    }

    private static void WriteReadings(HtmlText html, ReadOnlySpan<ReadingStatus> readings, ReadingHistory history)
    {
        if (readings.IsEmpty)
        {
            return;
        }

        html.Markup("<h2>Readings</h2><table><tr><th>reading</th><th>now</th><th>last hour (a point a minute)</th></tr>"u8);
        for (int i = 0; i < readings.Length; i++)
        {
            ReadingStatus reading = readings[i];
            html.Markup("<tr><td>"u8);
            html.Text(reading.Name);
            html.Markup("</td><td class=\"n\">"u8);
            if (reading.Value is { } value)
            {
                html.Number(value, "0.##");
                html.Markup(" "u8);
                html.Text(reading.Unit);
            }
            else
            {
                html.Markup("unreadable"u8);
            }

            html.Markup("</td><td>"u8);
            WriteSparkline(html, history, i);
            html.Markup("</td></tr>"u8);
        }

        html.Markup("</table>"u8);
    }

    // An inline SVG polyline scaled to the hour's own range; a single sample is a dot.
    private static void WriteSparkline(HtmlText html, ReadingHistory history, int reading)
    {
        double min = double.MaxValue;
        double max = double.MinValue;
        int shown = 0;
        for (int age = 0; age < history.Count; age++)
        {
            double sample = history.At(reading, age);
            if (!double.IsNaN(sample))
            {
                (min, max) = (Math.Min(min, sample), Math.Max(max, sample));
                shown++;
            }
        }

        html.Markup("<svg width=\""u8);
        html.Integer(SparkWidth);
        html.Markup("\" height=\""u8);
        html.Integer(SparkHeight);
        html.Markup("\" viewBox=\"0 0 "u8);
        html.Integer(SparkWidth);
        html.Markup(" "u8);
        html.Integer(SparkHeight);
        html.Markup("\" role=\"img\">"u8);
        if (min <= max)
        {
            double range = max > min ? max - min : 1;
            html.Markup(shown > 1 ? "<polyline points=\""u8 : "<circle cx=\""u8);
            bool first = true;
            for (int age = 0; age < history.Count; age++)
            {
                double sample = history.At(reading, age);
                if (double.IsNaN(sample))
                {
                    continue;
                }

                double x = ((ReadingHistory.Points - history.Count + age) * (SparkWidth - 4.0) / (ReadingHistory.Points - 1)) + 2;
                double y = SparkHeight - 2 - ((sample - min) / range * (SparkHeight - 4));
                html.Markup(first ? ""u8 : " "u8);
                html.Number(x, "0.#");
                html.Markup(shown > 1 ? ","u8 : "\" cy=\""u8);
                html.Number(y, "0.#");
                first = false;
            }

            html.Markup(shown > 1 ? "\"/>"u8 : "\" r=\"2\"/>"u8);
        }

        html.Markup("</svg>"u8);
    }

    private static void WriteTables(HtmlText html, TableStatus[] tables, ScoreService? scores)
    {
        if (tables.Length == 0 || scores is null)
        {
            return;
        }

        html.Markup("<h2>Tables</h2>"u8);
        Span<StoredScore> best = stackalloc StoredScore[TopAddresses];
        for (int i = 0; i < tables.Length && i < scores.Hosted.Count; i++)
        {
            TableStatus table = tables[i];
            ScoreTable scored = scores.Hosted[i].Table;
            html.Markup("<h3>"u8);
            html.Text(table.Name);
            html.Markup("</h3><p class=\"meta\">"u8);
            html.Integer(table.Entries);
            html.Markup(" of "u8);
            html.Integer(table.Capacity);
            html.Markup(" entries, "u8);
            html.Integer(table.Blocked);
            html.Markup(" blocked, "u8);
            html.Integer(table.Evictions);
            html.Markup(" evictions, "u8);
            html.Integer(table.Hits);
            html.Markup(" hits</p>"u8);
            int found = scored.Top(best, scored.Now);
            if (found == 0)
            {
                continue;
            }

            html.Markup("<table><tr><th>address</th><th>score</th><th></th></tr>"u8);
            for (int j = 0; j < found; j++)
            {
                html.Markup("<tr><td>"u8);
                html.Address(best[j].Key);
                html.Markup("</td><td class=\"n\">"u8);
                html.Integer(best[j].Score);
                html.Markup(scored.IsBlocked(best[j].Score) ? "</td><td><span class=\"fired\">blocked</span></td></tr>"u8 : "</td><td></td></tr>"u8);
            }

            html.Markup("</table>"u8);
        }
    }

    private static void WriteMail(HtmlText html, MailStatus mail)
    {
        html.Markup("<h2>Mail</h2><p>queued "u8);
        html.Integer(mail.Queued);
        html.Markup(", sent "u8);
        html.Integer(mail.Sent);
        html.Markup(", failed "u8);
        html.Integer(mail.Failed);
        html.Markup(", dropped "u8);
        html.Integer(mail.Dropped);
        if (mail.LastError is { } error)
        {
            html.Markup("; last error: "u8);
            html.Text(error);
        }

        html.Markup("</p>"u8);
    }
}
