namespace Tinyfence.Aot.Tests.Infrastructure;

/// <summary>Paths in the repository, found from the test assembly's location.</summary>
internal static class Repo
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    public static string Root => s_root.Value;

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

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tinyfence.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException(
            $"no Tinyfence.sln above {AppContext.BaseDirectory}: the AOT tests must run from the repository");
    }
}
