using Tinyfence.Config;

namespace Tinyfence.Hosting;

/// <summary>The config files named on the command line, or the built-in rules when there are none.</summary>
public sealed class ConfigSource(IReadOnlyList<string> files)
{
    public IReadOnlyList<string> Files { get; } = files;

    public bool IsBuiltin => Files.Count == 0;

    public string Describe() => IsBuiltin ? "the built-in rules" : string.Join(", ", Files);

    public TinyfenceConfig? Load(DiagnosticBag diagnostics) =>
        IsBuiltin
            ? ConfigLoader.LoadText(BuiltinConfig.Name, BuiltinConfig.Text, diagnostics)
            : ConfigLoader.Load(Files, diagnostics);
}
