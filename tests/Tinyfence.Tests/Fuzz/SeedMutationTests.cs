using Tinyfence.Fuzz;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Fuzz;

/// <summary>
/// The fuzz targets' short deterministic pass: each target (the same code afl-fuzz runs under
/// make fuzz) on its seeds and on a fixed sequence of mutations of them.
/// </summary>
public sealed class SeedMutationTests
{
    // Under two seconds for the slowest target (mail) on a loaded machine; afl-fuzz does the long search.
    private const int Mutations = 1500;

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void EverySeedKeepsTheTargetsPromises(string name)
    {
        FuzzTarget target = FuzzTargets.Find(name)!;
        foreach ((string file, byte[] seed) in Seeds(name))
        {
            Run(target, seed, file);
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void MutatedSeedsKeepTheTargetsPromises(string name)
    {
        FuzzTarget target = FuzzTargets.Find(name)!;
        var mutator = new SeedMutator(seed: 20, [.. Seeds(name).Select(s => s.Bytes)]);
        for (int i = 0; i < Mutations; i++)
        {
            Run(target, mutator.Next(), $"mutation {i}");
        }
    }

    [Fact]
    public void EverySeedFolderBelongsToATarget()
    {
        string[] folders = [.. Directory.GetDirectories(RepoRoot.Fixture("fuzz")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal([.. FuzzTargets.All.Select(t => t.Name).Order(StringComparer.Ordinal)], folders);
    }

    private static IEnumerable<(string File, byte[] Bytes)> Seeds(string name)
    {
        string[] files = Directory.GetFiles(RepoRoot.Fixture("fuzz", name));
        Assert.NotEmpty(files);
        return files.Order(StringComparer.Ordinal).Select(f => (f, File.ReadAllBytes(f)));
    }

    private static void Run(FuzzTarget target, byte[] input, string what)
    {
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            Assert.Fail($"{target.Name}, {what}: {e.Message}\ninput (base64): {Convert.ToBase64String(input)}\n{e}");
        }
    }
}
