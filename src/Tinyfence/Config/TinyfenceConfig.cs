namespace Tinyfence.Config;

/// <summary>A loaded configuration: settings and rules from all its files, in file order.</summary>
public sealed record TinyfenceConfig(Settings Settings, IReadOnlyList<Rule> Rules, IReadOnlyList<string> Files);
