namespace Tinyfence.Config;

/// <summary>A loaded configuration: settings and rules from all its files, in file order.</summary>
public sealed record TinyfenceConfig(Settings Settings, IReadOnlyList<Rule> Rules, IReadOnlyList<string> Files)
{
    /// <summary>The mail section; null when the config has none (then no rule may mail).</summary>
    public MailSection? Mail { get; init; }

    /// <summary>The score tables, in declaration order.</summary>
    public IReadOnlyList<TableSection> Tables { get; init; } = [];

    /// <summary>The socket server; declared, or the defaults when the config has tables; null otherwise.</summary>
    public ServerSection? Server { get; init; }
}
