// TEMPORARY: replaced by the Actions concern's real files when merged.
#pragma warning disable CA1822, IDE0060
using Tinyfence.Logging;
namespace Tinyfence.Actions;
public readonly record struct CommandRequest(string Label, string Command, TimeSpan Timeout, IReadOnlyList<KeyValuePair<string, string>> Environment);
public sealed record CommandResult(string Label, string Command, int Pid, int? ExitCode, int? Signal, bool TimedOut, string? SpawnError, TimeSpan Duration, IReadOnlyList<string> FirstOutputLines, int OutputLineCount) { public string Describe() => ""; }
public sealed class RunningCommand { public int Pid { get; } public string Label { get; } = ""; }
public sealed class CommandRunner : IDisposable {
  public CommandRunner(Logger log, TimeSpan killGrace) { }
  public RunningCommand Start(in CommandRequest request, Action<CommandResult> onExit) => new();
  public int RunningCount => 0;
  public bool WaitForAll(TimeSpan maxWait) => true;
  public TimeSpan KillGrace { get; set; }
  public void Dispose() { }
}
