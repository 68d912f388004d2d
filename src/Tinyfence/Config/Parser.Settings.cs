using Tinyfence.Logging;

namespace Tinyfence.Config;

public sealed partial class Parser
{
    // 'command-timeout' is another name for 'timeout'.
    private static readonly string[] s_settingNames = ["step", "timeout", "command-timeout", "kill-grace", "log", "log-level", "run-dir", "state-dir", "metrics-file"];

    // set step 10s | set timeout 5m | set kill-grace 5s | set log syslog local3 | set log-level debug | set run-dir "/run/tf"
    private Setting ParseSetting()
    {
        Take();
        Token nameToken = Current;
        string name = nameToken.Text.ToLowerInvariant();
        if (nameToken.Kind != TokenKind.Word || Array.IndexOf(s_settingNames, name) < 0)
        {
            // A keyword that begins a statement means the name is missing, not misspelt.
            string hint = nameToken.Kind == TokenKind.Word && !AtStatementStart ? Suggestions.DidYouMean(nameToken.Text, s_settingNames) : "";
            throw Expected($"a setting name after 'set' ({string.Join(", ", s_settingNames)})", nameToken, hint);
        }

        Take();
        string key = name == "command-timeout" ? "timeout" : name;
        string after = $"after 'set {name}'";
        Func<Settings, Settings> apply;
        switch (key)
        {
            case "step":
                TimeSpan step = ParseDuration(after, positive: true);
                apply = s => s with { DefaultStep = step };
                break;
            case "timeout":
                TimeSpan timeout = ParseDuration(after, positive: true);
                apply = s => s with { CommandTimeout = timeout };
                break;
            case "kill-grace":
                TimeSpan grace = ParseDuration(after, positive: false);
                apply = s => s with { KillGrace = grace };
                break;
            case "log":
                apply = ParseLogTarget();
                break;
            case "log-level":
                LogLevel level = ParseLogLevel();
                apply = s => s with { LogLevel = level };
                break;
            case "run-dir":
                string runDirectory = TakeDirectory(after);
                apply = s => s with { RunDirectory = runDirectory };
                break;
            case "metrics-file":
                apply = ParseMetricsFile(after);
                break;
            default:
                string stateDirectory = TakeDirectory(after);
                apply = s => s with { StateDirectory = stateDirectory };
                break;
        }

        return new Setting(key, nameToken.Location, apply);
    }

    // set metrics-file "/var/lib/prometheus/node-exporter/tinyfence.prom" [every 15s]
    private Func<Settings, Settings> ParseMetricsFile(string after)
    {
        Token token = Take();
        if (token.Kind != TokenKind.String || !token.Text.StartsWith('/') || token.Text.EndsWith('/'))
        {
            throw Expected($"a quoted absolute file name {after}", token);
        }

        string path = token.Text;
        TimeSpan every = Settings.DefaultMetricsEvery;
        if (Current.IsWord("every"))
        {
            Take();
            every = ParseDuration("after 'every'", positive: true);
        }

        return s => s with { MetricsFile = path, MetricsEvery = every };
    }

    // set log stderr | set log syslog [FACILITY]; a word that begins a statement is never the facility.
    private Func<Settings, Settings> ParseLogTarget()
    {
        Token target = Take();
        bool more = Current.Kind == TokenKind.Word && !AtStatementStart;
        if (target.IsWord("stderr"))
        {
            if (more)
            {
                throw new SyntaxError(Current.Location, $"'set log stderr' takes nothing more, found {Current.Describe()}");
            }

            return s => s with { LogTarget = LogTarget.Stderr };
        }

        if (!target.IsWord("syslog"))
        {
            throw Expected("stderr or syslog after 'set log'", target);
        }

        SyslogFacility facility = SyslogFacility.Daemon;
        if (more)
        {
            Token facilityToken = Take();
            if (!Enum.TryParse(facilityToken.Text, ignoreCase: true, out facility))
            {
                throw Expected("a syslog facility (daemon, user, auth or local0 to local7) after 'set log syslog'", facilityToken);
            }
        }

        return s => s with { LogTarget = LogTarget.Syslog, SyslogFacility = facility };
    }

    private LogLevel ParseLogLevel()
    {
        Token token = Take();
        return token.Text.ToLowerInvariant() switch
        {
            "error" => LogLevel.Error,
            "warning" => LogLevel.Warning,
            "notice" => LogLevel.Notice,
            "info" => LogLevel.Info,
            "debug" => LogLevel.Debug,
            _ => throw Expected("error, warning, notice, info or debug after 'set log-level'", token),
        };
    }

    private string TakeDirectory(string after)
    {
        Token token = Take();
        if (token.Kind != TokenKind.String || !token.Text.StartsWith('/'))
        {
            throw Expected($"a quoted absolute directory {after}", token);
        }

        return token.Text;
    }
}
