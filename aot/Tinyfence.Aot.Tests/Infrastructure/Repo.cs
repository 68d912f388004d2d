using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.Infrastructure;

/// <summary>Paths in the repository, found from the test assembly's location.</summary>
internal static class Repo
{
    public static string Root => RepoRoot.Path;

    public static string Fixtures => Path.Combine(Root, "fixtures");

    public static string GoodConfigs => Path.Combine(Fixtures, "configs", "good");

    public static string BrokenConfigs => Path.Combine(Fixtures, "configs", "broken");

    public static string SeedConfig => Path.Combine(GoodConfigs, "seed-fixed.conf");

    public static string ProcTree(string name) => Path.Combine(Fixtures, "proc", name);

    /// <summary>
    /// The published static binary. Tests never build it: a test run that silently fell back to
    /// a JIT build would test something that does not ship.
    /// </summary>
    public static string PublishedBinary
    {
        get
        {
            string path = Environment.GetEnvironmentVariable("TFTEST_BIN") is { Length: > 0 } overridden
                ? Path.GetFullPath(overridden)
                : Path.Combine(Root, "dist", "tinyfence");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"{path} is missing: run make publish first (the AOT tests run the published binary).", path);
            }
            return path;
        }
    }

    /// <summary>The *.conf files of a fixture directory, as rows for a theory.</summary>
    /// <remarks>
    /// An empty or missing directory yields one "(none)" row instead of no rows, so the theory
    /// fails with a message that names the directory rather than xunit's "No data found".
    /// </remarks>
    public static TheoryData<string> ConfigFiles(string directory)
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(directory))
        {
            foreach (string file in Directory.EnumerateFiles(directory, "*.conf").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(file));
            }
        }
        if (data.Count == 0)
        {
            data.Add(NoConfigs);
        }
        return data;
    }

    public const string NoConfigs = "(none)";

    /// <summary>Runs the published binary to completion.</summary>
    public static ProcessResult RunPublished(params string[] args) => ProcessResult.Run(PublishedBinary, args);

    /// <summary>Starts the published binary as a daemon.</summary>
    public static RunningDaemon StartPublished(params string[] args) => RunningDaemon.Start(PublishedBinary, args);

    public static RunningDaemon StartPublished(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        RunningDaemon.Start(PublishedBinary, environment, args);
}
