namespace Tinyfence.Config;

public enum PressureKind
{
    Some,
    Full,
}
