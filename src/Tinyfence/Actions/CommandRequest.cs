namespace Tinyfence.Actions;

/// <summary>One command to run for a rule.</summary>
/// <param name="Label">The rule's name: it prefixes every log line about the command.</param>
/// <param name="Command">Shell text, given to <c>/bin/sh -c</c> as sysfence does.</param>
/// <param name="Timeout">
/// Run time after which the command's process group gets SIGTERM (then SIGKILL after the runner's
/// kill grace). Zero, negative or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: no limit.
/// </param>
/// <param name="Environment">
/// Variables added to the daemon's own environment for the child (TINYFENCE_RULE, ...); they
/// override inherited variables of the same name. May be null.
/// </param>
public readonly record struct CommandRequest(
    string Label,
    string Command,
    TimeSpan Timeout,
    IReadOnlyList<KeyValuePair<string, string>> Environment);
