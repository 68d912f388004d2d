namespace Tinyfence.Config;

/// <summary>
/// Hysteresis before a condition counts: it must hold on <see cref="Checks"/> consecutive checks,
/// or on every check over <see cref="Duration"/>. <see cref="None"/> counts at the first check.
/// </summary>
public readonly record struct Debounce(int Checks, TimeSpan Duration)
{
    public static Debounce None => default;

    public bool IsNone => Checks <= 1 && Duration == TimeSpan.Zero;

    public override string ToString() =>
        Duration > TimeSpan.Zero ? $"for {DurationSyntax.Format(Duration)}" : $"for {Checks} checks";
}
