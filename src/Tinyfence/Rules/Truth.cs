namespace Tinyfence.Rules;

/// <summary>
/// The value of a condition when a reading may be unavailable (no PSI on an old kernel, a path that
/// is gone): Kleene's three-valued logic. A rule fires or recovers only on <see cref="True"/>.
/// </summary>
public enum Truth : byte
{
    False,
    True,
    Unknown,
}
