using System.Diagnostics;

namespace Tinyfence.Testing;

/// <summary>How the tests start a child process: its standard streams redirected, no shell.</summary>
internal static class ChildProcess
{
    /// <summary>Start info for <paramref name="fileName"/> with <paramref name="args"/>, run in <paramref name="workingDirectory"/> (the repository's root unless given).</summary>
    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot.Path,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }
}
