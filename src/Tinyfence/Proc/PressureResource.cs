namespace Tinyfence.Proc;

/// <summary>The three files of <c>/proc/pressure</c>.</summary>
public enum PressureResource
{
    Cpu,
    Memory,
    Io,
}
