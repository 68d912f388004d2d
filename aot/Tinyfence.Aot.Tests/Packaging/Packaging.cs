using System.Text.RegularExpressions;
using Tinyfence.Aot.Tests.Infrastructure;
using Tinyfence.Testing;

namespace Tinyfence.Aot.Tests.Packaging;

/// <summary>The Makefile's install rules and the package script, run on the published binary.</summary>
internal static partial class Packaging
{
    [GeneratedRegex(@"<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    /// <summary>The version the package carries, from the csproj (as the Makefile reads it).</summary>
    public static string Version =>
        VersionElement().Match(File.ReadAllText(Path.Combine(Repo.Root, "src", "Tinyfence", "Tinyfence.csproj"))).Groups[1].Value;

    /// <summary>
    /// <c>make install</c> (or uninstall) into <paramref name="destdir"/> with the published binary:
    /// the test never builds (BINARY points at what `make publish` made).
    /// </summary>
    public static ProcessResult Make(string target, string destdir, params string[] variables) =>
        ProcessResult.Run("make", ["--no-print-directory", "-C", Repo.Root, target, "DESTDIR=" + destdir,
            "BINARY=" + Repo.PublishedBinary, .. variables], TimeSpan.FromMinutes(2));

    /// <summary>Every file and symbolic link under <paramref name="root"/>, as "/relative/path".</summary>
    public static List<string> Files(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Where(p => !Directory.Exists(p) || new FileInfo(p).LinkTarget is not null)
            .Select(p => "/" + Path.GetRelativePath(root, p))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Fails unless make, the one tool every packaging test drives, succeeded.</summary>
    public static void AssertSucceeded(ProcessResult result) => Assert.True(result.ExitCode == 0, result.ToString());
}
