using System.Text;

namespace Tinyfence.Config;

/// <summary>Prints a loaded config as Tinyfence understood it: canonical words, explicit grouping, every default filled in.</summary>
public static class ConfigFormatter
{
    public static string Format(TinyfenceConfig config)
    {
        var text = new StringBuilder();
        Settings s = config.Settings;
        text.Append("set step ").Append(DurationSyntax.Format(s.DefaultStep)).Append('\n')
            .Append("set timeout ").Append(DurationSyntax.Format(s.CommandTimeout)).Append('\n')
            .Append("set kill-grace ").Append(DurationSyntax.Format(s.KillGrace)).Append('\n')
            .Append("set log ").Append(s.LogTarget == LogTarget.Syslog ? $"syslog {s.SyslogFacility.ToString().ToLowerInvariant()}" : "stderr").Append('\n')
            .Append("set log-level ").Append(s.LogLevel.ToString().ToLowerInvariant()).Append('\n');
        if (config.Tables.Count > 0)
        {
            text.Append("set run-dir ").Append(Quote(s.RunDirectory, '"')).Append('\n')
                .Append("set state-dir ").Append(Quote(s.StateDirectory, '"')).Append('\n');
        }

        if (s.MetricsFile is { } metricsFile)
        {
            text.Append("set metrics-file ").Append(Token.Quote(metricsFile, '"')).Append(" every ").Append(DurationSyntax.Format(s.MetricsEvery)).Append('\n');
        }

        foreach (TableSection table in config.Tables)
        {
            text.Append('\n').Append(FormatTable(table));
        }

        if (config.Server is { } server)
        {
            text.Append('\n').Append(FormatServer(server, s));
        }

        if (config.Mail is { } mail)
        {
            text.Append('\n').Append(FormatMail(mail));
        }

        foreach (Rule rule in config.Rules)
        {
            text.Append('\n').Append(FormatRule(rule, s.DefaultStep)).Append('\n');
        }

        return text.ToString();
    }

    public static string FormatRule(Rule rule, TimeSpan defaultStep)
    {
        var text = new StringBuilder();
        text.Append("rule ").Append(Quote(rule.Name, '"')).Append(" { ")
            .Append(ConditionFormatter.Format(rule.Trigger)).Append(" }");
        AppendDebounce(text, rule.TriggerDebounce);
        AppendActions(text, rule.Actions);
        if (rule.Recovery is { } recovery)
        {
            text.Append("\n    until");
            if (recovery.Condition is not null)
            {
                text.Append(" { ").Append(ConditionFormatter.Format(recovery.Condition)).Append(" }");
            }

            AppendDebounce(text, recovery.Debounce);
            AppendActions(text, recovery.Actions);
        }

        text.Append("\n    step ").Append(DurationSyntax.Format(rule.Step ?? defaultStep));
        return text.ToString();
    }

    public static string FormatTable(TableSection table)
    {
        var text = new StringBuilder("table ").Append(Quote(table.Name, '"')).Append(" {\n");
        text.Append("    capacity ").Append(table.Capacity).Append('\n');
        text.Append("    decay ").Append(table.DecayPoints == 0 ? "off" : $"{table.DecayPoints} per {DurationSyntax.Format(table.DecayPeriod)}").Append('\n');
        text.Append("    block above ").Append(table.BlockAbove).Append('\n');
        text.Append("    ipv6-prefix ").Append(table.IPv6PrefixBits).Append('\n');
        text.Append("    snapshot ").Append(table.SnapshotEvery is { } every ? $"every {DurationSyntax.Format(every)}" : "off").Append('\n');
        text.Append("    blocklist ").Append(table.BlocklistEvery is { } rate ? $"every {DurationSyntax.Format(rate)}" : "off").Append('\n');
        if (table.Share is { } share)
        {
            text.Append("    share redis ").Append(Token.Quote(share.Url, '"')).Append(" prefix ").Append(Token.Quote(share.Prefix, '"'));
            if (share.PasswordFile is { } passwordFile)
            {
                text.Append(" password-file ").Append(Token.Quote(passwordFile, '"'));
            }

            text.Append('\n');
        }

        if (table.Firewall is { } firewall)
        {
            text.Append("    firewall nftables ports ").AppendJoin(' ', firewall.Ports).Append(" blocked-points ").Append(firewall.BlockedPoints).Append('\n');
        }

        return text.Append("}\n").ToString();
    }

    public static string FormatServer(ServerSection server, Settings settings)
    {
        var text = new StringBuilder("server {\n");
        text.Append("    socket ").Append(Quote(server.SocketPath ?? settings.Layout.SocketPath, '"')).Append('\n');
        text.Append("    mode 0").Append(Convert.ToString(server.Mode, 8)).Append('\n');
        if (server.Gid is { } gid)
        {
            text.Append("    group ").Append(gid).Append('\n');
        }

        if (server.AllowedUids.Count > 0)
        {
            text.Append("    allow user ").AppendJoin(", ", server.AllowedUids).Append('\n');
        }

        if (server.AllowedGids.Count > 0)
        {
            text.Append("    allow group ").AppendJoin(", ", server.AllowedGids).Append('\n');
        }

        text.Append("    max-clients ").Append(server.MaxClients).Append('\n')
            .Append("    idle-timeout ").Append(DurationSyntax.Format(server.IdleTimeout)).Append('\n')
            .Append("    max-line ").Append(server.MaxLineBytes).Append('\n');
        if (server.Http is { } http)
        {
            text.Append("    http ").Append(Token.Quote(http.ToString(), '"')).Append(http.IsPublic ? " public\n" : "\n");
        }

        return text.Append("}\n").ToString();
    }

    public static string FormatMail(MailSection mail)
    {
        var text = new StringBuilder("mail {\n");
        text.Append("    server ").Append(Quote(mail.Server, '"')).Append('\n')
            .Append("    port ").Append(mail.EffectivePort).Append('\n')
            .Append("    security ").Append(mail.Security.ToString().ToLowerInvariant()).Append('\n');
        if (mail.CaFile is not null)
        {
            text.Append("    ca-file ").Append(Quote(mail.CaFile, '"')).Append('\n');
        }

        text.Append("    verify-certificate ").Append(mail.VerifyCertificate ? "yes" : "no").Append('\n');
        if (mail.User is not null)
        {
            text.Append("    user ").Append(Quote(mail.User, '"')).Append('\n')
                .Append("    password-file ").Append(Quote(mail.PasswordFile!, '"')).Append('\n');
        }

        text.Append("    from ").Append(Quote(mail.From, '"')).Append('\n')
            .Append("    to ").Append(QuoteAddresses(mail.To)).Append('\n')
            .Append("    subject-prefix ").Append(Quote(mail.SubjectPrefix, '"')).Append('\n')
            .Append("    limit ").Append(mail.RateLimit).Append(" per ").Append(DurationSyntax.Format(mail.RatePeriod)).Append('\n')
            .Append("    queue ").Append(mail.QueueLimit).Append('\n')
            .Append("    timeout ").Append(DurationSyntax.Format(mail.Timeout)).Append('\n')
            .Append("}\n");
        return text.ToString();
    }

    public static string QuoteCommand(string command) => Quote(command, '\'');

    // Text exactly as the lexer reads it back: a string ends at the first quote without a
    // backslash before it, and keeps everything else (backslashes, newlines). A string read with
    // one kind of quote fits in that kind, so one of the two always fits.
    private static string Quote(string text, char preferred)
    {
        char quote = FitsIn(text, preferred) ? preferred : preferred == '"' ? '\'' : '"';
        return $"{quote}{text}{quote}";
    }

    private static bool FitsIn(string text, char quote)
    {
        for (int i = text.IndexOf(quote, StringComparison.Ordinal); i >= 0; i = text.IndexOf(quote, i + 1))
        {
            if (i == 0 || text[i - 1] != '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static string QuoteAddresses(IReadOnlyList<string> addresses) =>
        string.Join(", ", addresses.Select(a => Quote(a, '"')));

    private static void AppendDebounce(StringBuilder text, Debounce debounce)
    {
        if (!debounce.IsNone)
        {
            text.Append(' ').Append(debounce);
        }
    }

    private static void AppendActions(StringBuilder text, IReadOnlyList<RuleAction> actions)
    {
        foreach (RuleAction action in actions)
        {
            text.Append("\n    ").Append(action.Kind.ToString().ToLowerInvariant());
            if (action.Once)
            {
                text.Append(" once");
            }

            if (action.Command is not null)
            {
                text.Append(' ').Append(QuoteCommand(action.Command));
            }

            if (action.Recipients.Count > 0)
            {
                text.Append(" to ").Append(QuoteAddresses(action.Recipients));
            }
        }
    }
}
