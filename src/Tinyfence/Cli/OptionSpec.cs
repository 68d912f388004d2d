namespace Tinyfence.Cli;

/// <summary>One option of a verb: <c>--name VALUE</c>, or a flag when <see cref="Placeholder"/> is null.</summary>
/// <param name="Placeholder">The value as the usage text shows it (<c>FILE</c>).</param>
/// <param name="ValueName">What the value is, as a missing-value error says it (<c>a file name</c>).</param>
/// <param name="Alias">A short spelling (<c>-c</c> for <c>--config</c>).</param>
/// <param name="IsOperand">The value joins the operands in command-line order (sysfence's <c>-c FILE</c> is the same as <c>FILE</c>).</param>
internal sealed record OptionSpec(string Name, string? Placeholder, string? ValueName, string Help, string? Alias = null, bool IsOperand = false)
{
    public static OptionSpec Flag(string name, string help) => new(name, null, null, help);

    public bool IsFlag => Placeholder is null;

    public bool Matches(string arg) => arg == Name || arg == Alias;

    /// <summary>How the usage text lists it: <c>-c, --config FILE</c>.</summary>
    public string Spelling => (Alias is null ? "" : Alias + ", ") + Name + (IsFlag ? "" : " " + Placeholder);
}
