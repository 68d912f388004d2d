using System.Text;
using Tinyfence.Actions;
using Tinyfence.Config;
using Tinyfence.Logging;

namespace Tinyfence.Rules;

public sealed partial class RuleEngine
{
    /// <summary>
    /// Runs a clause's actions. Every firing that does anything writes one line with the rule's
    /// name and readings; a command also gets environment variables that describe the firing.
    /// </summary>
    private void Fire(CompiledRule rule, RuleState state, RuleEvent ruleEvent, bool includeOnce)
    {
        bool recovering = ruleEvent == RuleEvent.Recover;
        RuleAction[] actions = recovering ? rule.RecoveryActions : rule.TriggerActions;
        RuleAction? command = null;
        RuleAction? mail = null;
        bool acted = false;
        foreach (RuleAction action in actions)
        {
            if (action.Once && !includeOnce)
            {
                continue;
            }

            acted = true;
            if (action.Kind == ActionKind.Run)
            {
                command = action;
            }
            else if (action.Kind == ActionKind.Mail)
            {
                mail = action;
            }
        }

        if (!acted)
        {
            return;
        }

        if (recovering)
        {
            state.RecoveredCount++;
            state.LastRecoveredUtc = state.LastCheckUtc;
        }
        else
        {
            state.FiredCount++;
            state.LastFiredUtc = state.LastCheckUtc;
        }

        ReadingDisplay[] displays = recovering ? rule.RecoveryReadings : rule.TriggerReadings;
        _line.Build(rule.NameUtf8, recovering ? "recovered"u8 : "fired"u8, displays, _readings);
        _log.Write(LogLevel.Notice, _line.Line);

        AlertRequest? alert = mail is null ? null : Alert(rule, ruleEvent, mail);
        if (_dryRun)
        {
            if (command is not null)
            {
                _log.Notice($"{rule.Name}: would run {ConfigFormatter.QuoteCommand(command.Command!)} (dry run)");
            }

            if (alert is not null)
            {
                _log.Notice($"{rule.Name}: would mail {(alert.Recipients.Count > 0 ? string.Join(", ", alert.Recipients) : "the mail section's recipients")} (dry run)");
            }
        }
        else if (command is not null)
        {
            // The mail waits for the command, so that it can say how the command ended; its
            // snapshot of the system is taken now, as the rule fires.
            StartCommand(rule, state, ruleEvent, command.Command!, alert is null ? null : alert with { Snapshot = _mail!.SnapshotNow() });
        }
        else if (alert is not null)
        {
            _mail!.Send(alert);
        }
    }

    private AlertRequest Alert(CompiledRule rule, RuleEvent ruleEvent, RuleAction mail) =>
        new(rule.Name,
            $"{rule.Definition.Location.File}:{rule.Definition.Location.Line}",
            ruleEvent == RuleEvent.Recover ? "recovered" : "fired",
            ConditionText(rule, ruleEvent),
            Encoding.UTF8.GetString(_line.ReadingsPart),
            DateTimeOffset.Now)
        {
            Recipients = mail.Recipients,
        };

    private static string ConditionText(CompiledRule rule, RuleEvent ruleEvent) =>
        ruleEvent != RuleEvent.Recover ? rule.Trigger.Text
        : rule.Recovery is { } recovery ? recovery.Text
        : $"not ({rule.Trigger.Text})";

    private void StartCommand(CompiledRule rule, RuleState state, RuleEvent ruleEvent, string command, AlertRequest? alert)
    {
        KeyValuePair<string, string>[] environment =
        [
            new("TINYFENCE_RULE", rule.Name),
            new("TINYFENCE_EVENT", ruleEvent == RuleEvent.Recover ? "recover" : "fire"),
            new("TINYFENCE_CONDITION", ConditionText(rule, ruleEvent)),
            new("TINYFENCE_READINGS", Encoding.UTF8.GetString(_line.ReadingsPart)),
            new("TINYFENCE_CONFIG", $"{rule.Definition.Location.File}:{rule.Definition.Location.Line}"),
        ];

        MailAlerts? mail = _mail;
        state.CommandStarted();
        state.CommandPid = _commands.Start(new CommandRequest(rule.Name, command, _set.Settings.CommandTimeout, environment), result =>
        {
            state.CommandExited(result);
            if (alert is not null)
            {
                mail!.Send(alert with { Command = result });
            }

            _onCommandExit?.Invoke();
        }).Pid;
    }
}
