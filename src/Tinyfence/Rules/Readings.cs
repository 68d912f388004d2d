namespace Tinyfence.Rules;

/// <summary>
/// The figures of one tick, one slot per distinct metric of the config (the compiler numbers them).
/// Preallocated once per rule set; a tick only overwrites values.
/// </summary>
public sealed class Readings
{
    public Readings(int slotCount)
    {
        Values = new double[slotCount];
        Available = new bool[slotCount];
    }

    public double[] Values { get; }

    public bool[] Available { get; }

    public void Set(int slot, double value)
    {
        Values[slot] = value;
        Available[slot] = true;
    }

    public void SetUnavailable(int slot, int count = 1) => Available.AsSpan(slot, count).Clear();
}
