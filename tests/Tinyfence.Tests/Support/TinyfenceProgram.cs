using Tinyfence.Testing;

namespace Tinyfence.Tests.Support;

/// <summary>The JIT build of tinyfence next to the unit tests, run as a real process.</summary>
internal static class TinyfenceProgram
{
    public static string Path { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "tinyfence");

    /// <summary>Runs it to completion: exit code, and stdout then stderr.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        ProcessResult result = ProcessResult.Run(Path, args);
        return (result.ExitCode, result.Stdout + result.Stderr);
    }

    public static RunningDaemon Start(params string[] args) => RunningDaemon.Start(Path, args);

    public static RunningDaemon Start(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunningDaemon.Start(Path, environment, args);
}
