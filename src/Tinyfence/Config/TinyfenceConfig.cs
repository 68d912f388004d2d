namespace Tinyfence.Config;

/// <summary>A loaded configuration: settings and rules from all its files, in file order.</summary>
public sealed record TinyfenceConfig(Settings Settings, IReadOnlyList<Rule> Rules, IReadOnlyList<string> Files)
{
    /// <summary>The mail section; null when the config has none (then no rule may mail).</summary>
    public MailSection? Mail { get; init; }
}
