using Tinyfence.Proc;

namespace Tinyfence.Status;

/// <summary>
/// The daemon's own CPU time and resident memory, from the real <c>/proc/self/stat</c> (never the
/// <c>--proc-root</c> fixture: these are this process's figures). Not thread-safe: the board
/// reads it under its lock.
/// </summary>
internal sealed class ProcessFigures : IDisposable
{
    // The kernel's USER_HZ: 100 on every architecture Linux supports from user space.
    private const double TicksPerSecond = 100;

    // A stat line is about 300 bytes; the name inside it at most 64.
    private readonly ProcFile _stat = new("/proc/self/stat", 1024);

    /// <summary>False when /proc/self/stat cannot be read (no /proc mounted).</summary>
    public bool TryRead(out double cpuSeconds, out long residentBytes)
    {
        cpuSeconds = 0;
        residentBytes = 0;
        if (!_stat.ReadAll(out ReadOnlySpan<byte> text).IsOk
            || !PidStatUsageParser.TryParseFigures(text, out _, out ulong ticks, out long pages))
        {
            return false;
        }

        cpuSeconds = ticks / TicksPerSecond;
        residentBytes = pages * Environment.SystemPageSize;
        return true;
    }

    public void Dispose() => _stat.Dispose();
}
