using System.Diagnostics;
using System.Text;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Blocklist;

/// <summary>
/// The real apr-util as the reader: tests/tools/sdbm-lookup.c, built once per test run by
/// tests/scripts/build-sdbm-lookup.sh (which also installs apr-util's headers and httxt2dbm when missing).
/// </summary>
internal static class SdbmLookupTool
{
    private static readonly Lazy<string> s_binary = new(Build);

    public static string Binary => s_binary.Value;

    /// <summary>One answer per key: the value, "NULL", or "ERROR ...".</summary>
    public static string[] Lookup(string basePath, IReadOnlyCollection<string> keys)
    {
        var input = new StringBuilder();
        foreach (string key in keys)
        {
            input.Append(key).Append('\n');
        }

        (int exitCode, string stdout, string stderr) = Run(Binary, [basePath], input.ToString(), TimeSpan.FromMinutes(2));
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == keys.Count,
            $"sdbm-lookup answered {lines.Length} lines for {keys.Count} keys (exit {exitCode}):\n{stderr}");
        return lines;
    }

    /// <summary>
    /// Starts the checker looking the probes up round-robin (class '1' must be found, '0' must be
    /// absent, '?' either), at least <paramref name="lookups"/> times and until the file
    /// <paramref name="until"/> exists. It prints one summary line and exits 0 only when no
    /// lookup broke its class or failed.
    /// </summary>
    public static Process StartLoop(string basePath, int lookups, string until, string value, IEnumerable<(char Class, string Key)> probes)
    {
        var psi = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["--loop", lookups.ToString(System.Globalization.CultureInfo.InvariantCulture), "--until", until, "--value", value, basePath])
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start sdbm-lookup");
        foreach ((char cls, string key) in probes)
        {
            process.StandardInput.Write(cls);
            process.StandardInput.Write(' ');
            process.StandardInput.Write(key);
            process.StandardInput.Write('\n');
        }

        process.StandardInput.Close();
        return process;
    }

    /// <summary>Builds the same map with Apache's own tool, for comparison.</summary>
    public static void Httxt2Dbm(string basePath, IEnumerable<string> keys, string value)
    {
        string text = basePath + ".txt";
        File.WriteAllLines(text, keys.Select(k => k + " " + value));
        ProcessResult result = ProcessResult.Run("httxt2dbm", ["-f", "SDBM", "-i", text, "-o", basePath]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static string Build()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "tools", "sdbm-lookup");
        string script = Path.Combine(RepoRoot.Path, "tests", "scripts", "build-sdbm-lookup.sh");
        ProcessResult result = ProcessResult.Run("bash", [script, output], TimeSpan.FromMinutes(10));
        Assert.True(result.ExitCode == 0, result.ToString());
        return output;
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string file, string[] args, string stdin, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill();
            Assert.Fail($"{file} did not finish within {timeout}");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
