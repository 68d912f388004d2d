using System.Text;
using Tinyfence.Proc;

namespace Tinyfence.Rules.Sources;

/// <summary>
/// statvfs(2) of a path (the real file system, also under --proc-root): free, available to
/// unprivileged users, used, in bytes, then the same as percentages. Used and available
/// percentages are of used + available, as df computes Use%.
/// </summary>
public sealed class SpaceSource : MetricSource
{
    public const int Free = 0;
    public const int Avail = 1;
    public const int Used = 2;
    public const int Percent = 3;
    public const int SlotsPerSource = 6;

    private readonly byte[] _pathZ;

    public SpaceSource(int firstSlot, string path)
        : base(firstSlot, SlotsPerSource, $"statvfs(\"{path}\")")
    {
        Path = path;
        _pathZ = Encoding.UTF8.GetBytes(path + "\0");
    }

    public string Path { get; }

    protected override ReadResult Read(ProcReader reader, Readings readings)
    {
        ReadResult result = FileSystemSpace.Read(_pathZ, out SpaceInfo space);
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
        return result;
    }
}
