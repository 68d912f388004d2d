namespace Tinyfence.Status;

/// <summary>
/// The last hour of every reading, one sample a minute, in a ring preallocated when the rules take
/// their shape (start, reload): sampling allocates nothing. A reading that could not be read is NaN.
/// </summary>
internal sealed class ReadingHistory(int readings)
{
    public const int Points = 60;
    private const long SampleEveryMs = 60_000;

    private readonly double[] _samples = new double[readings * Points];
    private long _lastSampleMs = long.MinValue;
    private int _next;

    /// <summary>Samples held, up to <see cref="Points"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Takes a sample of every reading when a minute has passed since the last.</summary>
    public void Sample(ReadOnlySpan<ReadingStatus> current, long nowMs)
    {
        if (_lastSampleMs != long.MinValue && nowMs - _lastSampleMs < SampleEveryMs)
        {
            return;
        }

        _lastSampleMs = nowMs;
        for (int i = 0; i < current.Length && i < readings; i++)
        {
            _samples[i * Points + _next] = current[i].Value ?? double.NaN;
        }

        _next = (_next + 1) % Points;
        Count = Math.Min(Count + 1, Points);
    }

    /// <summary>A reading's sample, oldest first: <paramref name="age"/> 0 is the oldest held.</summary>
    public double At(int reading, int age) => _samples[reading * Points + ((_next - Count + age + Points) % Points)];
}
