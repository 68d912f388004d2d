using Tinyfence.Interop;
using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// statvfs(2) of a path (the real file system, also under --proc-root): free, available to
/// unprivileged users, used, in bytes, then the same as percentages. Used and available
/// percentages are of used + available, as df computes Use%.
/// statvfs on a dead hard-mounted NFS share or a hung FUSE file system never returns. The call
/// runs on a thread of its own and the tick waits for it a short while only: a hung file system
/// makes its figures unavailable, it does not stop every other rule (sysfence hung there).
/// </summary>
public sealed class SpaceSource : MetricSource, IDisposable
{
    public const int Free = 0;
    public const int Avail = 1;
    public const int Used = 2;
    public const int Percent = 3;
    public const int SlotsPerSource = 6;

    // statvfs of a healthy file system answers in microseconds; a quarter second is a hang.
    private const int AnswerTimeoutMs = 250;

    // ETIMEDOUT, to say "it did not answer" in the log.
    private const int TimedOut = 110;

    private readonly byte[] _pathZ;
    private readonly SpaceReader _statvfs;
    // One monitor for both directions: a plain object, because Monitor.Wait on it allocates
    // nothing on the managed heap (an event class would allocate its lock at its first blocking wait).
    private readonly object _gate = new();
    private Thread? _worker;
    private bool _requested;
    private bool _answered;
    private bool _busy;
    private bool _disposed;
    private ReadResult _result;
    private SpaceInfo _space;

    public SpaceSource(int firstSlot, string path)
        : this(firstSlot, path, FileSystemSpace.Read)
    {
    }

    /// <param name="statvfs">The call to make; tests give one that hangs.</param>
    internal SpaceSource(int firstSlot, string path, SpaceReader statvfs)
        : base(firstSlot, SlotsPerSource, $"statvfs(\"{path}\")")
    {
        Path = path;
        _pathZ = Libc.NullTerminated(path);
        _statvfs = statvfs;

    }

    internal delegate ReadResult SpaceReader(ReadOnlySpan<byte> nullTerminatedPath, out SpaceInfo space);

    public string Path { get; }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }
    }

    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        if (_worker is null)
        {
            _worker = new Thread(Work, maxStackSize: 64 * 1024) { IsBackground = true, Name = "tinyfence statvfs" };
            _worker.Start();
        }

        ReadResult result;
        SpaceInfo space;
        lock (_gate)
        {
            if (_busy)
            {
                // The previous call has not returned yet: do not pile up more.
                return new ReadResult(ReadStatus.Failed, TimedOut);
            }

            _busy = true;
            _answered = false;
            _requested = true;
            Monitor.PulseAll(_gate);
            long deadline = Environment.TickCount64 + AnswerTimeoutMs;
            while (!_answered)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || !Monitor.Wait(_gate, (int)left))
                {
                    return new ReadResult(ReadStatus.Failed, TimedOut);
                }
            }

            result = _result;
            space = _space;
        }

        if (!result.IsOk)
        {
            return result;
        }

        double used = space.UsedBytes;
        double dfTotal = used + space.AvailableBytes;
        readings.Set(FirstSlot + Free, space.FreeBytes);
        readings.Set(FirstSlot + Avail, space.AvailableBytes);
        readings.Set(FirstSlot + Used, used);
        readings.Set(FirstSlot + Percent + Free, space.TotalBytes > 0 ? space.FreeBytes * 100.0 / space.TotalBytes : 0);
        readings.Set(FirstSlot + Percent + Avail, dfTotal > 0 ? space.AvailableBytes * 100.0 / dfTotal : 0);
        readings.Set(FirstSlot + Percent + Used, dfTotal > 0 ? used * 100.0 / dfTotal : 0);
        return ReadResult.Ok;
    }

    private void Work()
    {
        while (true)
        {
            lock (_gate)
            {
                while (!_requested && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                if (_disposed)
                {
                    return;
                }

                _requested = false;
            }

            // Outside the lock: this is the call that may never return.
            ReadResult result = _statvfs(_pathZ, out SpaceInfo space);
            lock (_gate)
            {
                _result = result;
                _space = space;
                _busy = false;
                _answered = true;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
