using Tinyfence.Interop;

namespace Tinyfence.Proc;

/// <summary>
/// Reads the system figures of one proc root ("/proc", or a fixture tree in tests). Every file
/// is opened on first use and kept open; every buffer is allocated here, so after the first
/// read of each kind a read allocates nothing. Not thread-safe: one reader per ticking thread.
/// </summary>
public sealed partial class ProcReader : IDisposable
{
    // loadavg is one line of at most about 60 bytes ("999.99 999.99 999.99 99999/99999 4194304\n").
    private const int LoadAvgBufferSize = 256;

    // meminfo is about 1.5 KiB on 6.x (56 lines of 28 bytes); the keys read are in its first 16 lines anyway.
    private const int MemInfoBufferSize = 8 * 1024;

    // stat can be tens of KiB (a line per CPU, intr), but only its first line (under 256 bytes) is parsed.
    private const int StatBufferSize = 4 * 1024;

    // A pressure file is two lines of about 70 bytes.
    private const int PressureBufferSize = 256;

    private readonly ProcFile _loadAvg;
    private readonly ProcFile _memInfo;
    private readonly ProcFile _stat;
    private readonly ProcFile _pressureCpu;
    private readonly ProcFile _pressureMemory;
    private readonly ProcFile _pressureIo;

    /// <param name="procRoot">The directory that stands for /proc; a relative path is made absolute now.</param>
    public ProcReader(string procRoot = "/proc")
    {
        ArgumentException.ThrowIfNullOrEmpty(procRoot);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(procRoot));

        _loadAvg = new ProcFile(Combine("loadavg"), LoadAvgBufferSize);
        _memInfo = new ProcFile(Combine("meminfo"), MemInfoBufferSize);
        _stat = new ProcFile(Combine("stat"), StatBufferSize);
        _pressureCpu = new ProcFile(Combine("pressure/cpu"), PressureBufferSize);
        _pressureMemory = new ProcFile(Combine("pressure/memory"), PressureBufferSize);
        _pressureIo = new ProcFile(Combine("pressure/io"), PressureBufferSize);
        _tcp = new ProcFile(Combine("net/tcp"), 0);
        _tcp6 = new ProcFile(Combine("net/tcp6"), 0);
        _rootPath = Libc.NullTerminated(Root);
    }

    /// <summary>The absolute proc root.</summary>
    public string Root { get; }

    /// <summary><c>ROOT/loadavg</c>.</summary>
    public ReadResult ReadLoadAverage(out LoadAverage value) => ReadParsed(_loadAvg, LoadAvgParser.TryParse, out value);

    /// <summary><c>ROOT/meminfo</c>.</summary>
    public ReadResult ReadMemInfo(out MemInfo value) => ReadParsed(_memInfo, MemInfoParser.TryParse, out value);

    /// <summary><c>ROOT/stat</c>, the aggregate cpu line.</summary>
    public ReadResult ReadCpuTimes(out CpuTimes value) => ReadParsed(_stat, CpuStatParser.TryParse, out value);

    /// <summary>
    /// <c>ROOT/pressure/cpu</c>, <c>memory</c> or <c>io</c>: Missing before Linux 4.20 or without
    /// CONFIG_PSI, Unsupported on a kernel booted with psi=0.
    /// </summary>
    public ReadResult ReadPressure(PressureResource resource, out Pressure value)
    {
        ProcFile file = resource switch
        {
            PressureResource.Cpu => _pressureCpu,
            PressureResource.Memory => _pressureMemory,
            PressureResource.Io => _pressureIo,
            _ => throw new ArgumentOutOfRangeException(nameof(resource)),
        };

        return ReadParsed(file, PressureParser.TryParse, out value);
    }

    private delegate bool Parser<T>(ReadOnlySpan<byte> text, out T value);

    // A static method group becomes a delegate cached by the compiler: no allocation per read.
    private static ReadResult ReadParsed<T>(ProcFile file, Parser<T> parse, out T value)
    {
        value = default!;
        ReadResult result = file.ReadAll(out ReadOnlySpan<byte> text);
        if (!result.IsOk)
        {
            return result;
        }

        return parse(text, out value) ? ReadResult.Ok : ReadResult.Malformed;
    }

    public void Dispose()
    {
        _loadAvg.Dispose();
        _memInfo.Dispose();
        _stat.Dispose();
        _pressureCpu.Dispose();
        _pressureMemory.Dispose();
        _pressureIo.Dispose();
        _tcp.Dispose();
        _tcp6.Dispose();
        CloseProcessDirectory();
    }

    private string Combine(string relative) => Root == "/" ? "/" + relative : Root + "/" + relative;
}
