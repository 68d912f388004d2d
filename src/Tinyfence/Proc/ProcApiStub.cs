// TEMPORARY: replaced by the Proc concern's real files when merged.
#pragma warning disable CA1822
namespace Tinyfence.Proc;
public enum ReadStatus { Ok, Missing, Unsupported, Malformed, Failed }
public readonly record struct ReadResult(ReadStatus Status, int Errno) { public bool IsOk => Status == ReadStatus.Ok; public static ReadResult Ok => default; public string Describe() => Status.ToString(); }
public struct LoadAverage { public double One, Five, Fifteen; }
public struct MemInfo { public long MemTotalKiB, MemFreeKiB, MemAvailableKiB, BuffersKiB, CachedKiB, SwapTotalKiB, SwapFreeKiB; public bool HasMemAvailable; }
public struct CpuTimes { public ulong User, Nice, System, Idle, IoWait, Irq, SoftIrq, Steal; public readonly ulong Total => User + Nice + System + Idle + IoWait + Irq + SoftIrq + Steal; public readonly ulong Busy => Total - Idle - IoWait; }
public struct Pressure { public double SomeAvg10, SomeAvg60, SomeAvg300, FullAvg10, FullAvg60, FullAvg300; public bool HasFull; }
public enum PressureResource { Cpu, Memory, Io }
public struct SpaceInfo { public ulong TotalBytes, FreeBytes, AvailableBytes; public readonly ulong UsedBytes => TotalBytes - FreeBytes; }
[Flags] public enum ProcessStates { None = 0, Running = 1, Sleeping = 2, Uninterruptible = 4, Stopped = 8, Zombie = 16, Any = 31 }
public sealed class ProcessFilter { public ProcessFilter(IReadOnlyList<uint> uids, ProcessStates states) { } }
public sealed class ProcReader : IDisposable {
  public ProcReader(string procRoot) { Root = procRoot; }
  public string Root { get; }
  public ReadResult ReadLoadAverage(out LoadAverage value) { value = default; return default; }
  public ReadResult ReadMemInfo(out MemInfo value) { value = default; return default; }
  public ReadResult ReadCpuTimes(out CpuTimes value) { value = default; return default; }
  public ReadResult ReadPressure(PressureResource resource, out Pressure value) { value = default; return default; }
  public ReadResult CountEstablished(ReadOnlySpan<ushort> localPorts, Span<int> counts) => default;
  public ReadResult CountProcesses(in ProcessFilter filter, out int count) { count = 0; return default; }
  public void Dispose() { }
}
public static class FileSystemSpace { public static ReadResult Read(ReadOnlySpan<byte> nullTerminatedPath, out SpaceInfo value) { value = default; return default; } }
public static class UserDatabase { public static bool TryResolveUid(string userName, out uint uid, string passwdPath = "/etc/passwd") { uid = 0; return userName == "root"; } }
