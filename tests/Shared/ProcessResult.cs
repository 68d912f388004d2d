using System.Diagnostics;

namespace Tinyfence.Testing;

/// <summary>What a finished command printed and returned.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>
    /// Runs a command to completion. The timeout is a hang guard, not a measurement: a command
    /// still running after it is killed and the test fails.
    /// </summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> args, TimeSpan? timeout = null,
        string? workingDirectory = null)
    {
        ProcessStartInfo psi = ChildProcess.StartInfo(fileName, args, workingDirectory);
        string command = fileName + " " + string.Join(' ', psi.ArgumentList);

        using var process = Process.Start(psi)
            ?? throw new InvalidOperationException($"could not start {command}");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        TimeSpan limit = timeout ?? Patience.Long;
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"`{command}` did not finish within {limit.TotalSeconds} s and was killed.\n" +
                $"stdout:\n{stdout.Result}\nstderr:\n{stderr.Result}");
        }
        process.WaitForExit(); // drains the redirected streams
        return new ProcessResult(command, process.ExitCode, stdout.Result, stderr.Result);
    }

    public override string ToString() =>
        $"`{Command}` exited {ExitCode}\n--- stdout ---\n{Stdout}--- stderr ---\n{Stderr}";
}
