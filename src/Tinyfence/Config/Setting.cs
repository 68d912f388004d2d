namespace Tinyfence.Config;

/// <summary>
/// One <c>set NAME VALUE</c>, parsed and checked: the setting's canonical name and where it was
/// written (for the warning when a later one replaces it, and for the checks that span files), and
/// the change its value makes. The loader applies them in file order, so the last one wins.
/// </summary>
public sealed record Setting(string Name, SourceLocation Location, Func<Settings, Settings> Apply);
