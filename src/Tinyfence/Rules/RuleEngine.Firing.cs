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
        }

        if (!acted)
        {
            return;
        }

        if (recovering)
        {
            state.RecoveredCount++;
        }
        else
        {
            state.FiredCount++;
        }

        ReadingDisplay[] displays = recovering ? rule.RecoveryReadings : rule.TriggerReadings;
        _line.Build(rule.NameUtf8, recovering ? "recovered"u8 : "fired"u8, displays, _readings);
        _log.Write(LogLevel.Notice, _line.Line);

        if (command is null)
        {
            return;
        }

        if (_dryRun)
        {
            _log.Notice($"{rule.Name}: would run {ConfigFormatter.QuoteCommand(command.Command!)} (dry run)");
        }
        else
        {
            StartCommand(rule, state, ruleEvent, command.Command!);
        }
    }

    private void StartCommand(CompiledRule rule, RuleState state, RuleEvent ruleEvent, string command)
    {
        ConditionProgram condition = ruleEvent == RuleEvent.Recover && rule.Recovery is { } recovery ? recovery : rule.Trigger;
        string conditionText = ruleEvent == RuleEvent.Recover && rule.Recovery is null ? $"not ({condition.Text})" : condition.Text;
        KeyValuePair<string, string>[] environment =
        [
            new("TINYFENCE_RULE", rule.Name),
            new("TINYFENCE_EVENT", ruleEvent == RuleEvent.Recover ? "recover" : "fire"),
            new("TINYFENCE_CONDITION", conditionText),
            new("TINYFENCE_READINGS", Encoding.UTF8.GetString(_line.ReadingsPart)),
            new("TINYFENCE_CONFIG", $"{rule.Definition.Location.File}:{rule.Definition.Location.Line}"),
        ];

        state.CommandStarted();
        _commands.Start(new CommandRequest(rule.Name, command, _set.Settings.CommandTimeout, environment), result =>
        {
            state.CommandExited(result);
            _onCommandExit?.Invoke();
        });
    }
}
