using System.Globalization;
using System.Text;

namespace Tinyfence.Cli;

/// <summary>
/// <c>run --pidfile FILE</c>: the daemon's pid, for init scripts. Written once the daemon has
/// started (a temp file renamed over the path, so a reader never sees half a number), removed at
/// exit if it still names this process. A file that names a live tinyfence refuses the start; one
/// left by a crash, or naming a pid since reused by another program, is replaced.
/// </summary>
internal sealed class PidFile : IDisposable
{
    // Linux keeps the first 15 bytes of the executable's name in comm: "tinyfence" fits whole.
    private const string ProcessName = "tinyfence";

    private readonly string _path;
    private readonly int _pid;
    private bool _written;

    private PidFile(string path, int pid)
    {
        _path = path;
        _pid = pid;
    }

    /// <summary>
    /// Claims <paramref name="path"/> for this process: null with <paramref name="refusal"/> set when
    /// another tinyfence holds it. Nothing is written yet (see <see cref="Write"/>).
    /// </summary>
    /// <param name="procRoot">Where to look the named pid up (tests use a fake tree).</param>
    public static PidFile? Claim(string path, out string? refusal, out int? stalePid, string procRoot = "/proc", int? pid = null)
    {
        int self = pid ?? Environment.ProcessId;
        refusal = null;
        stalePid = null;
        if (ReadPid(path) is int other && other != self)
        {
            if (IsTinyfence(procRoot, other))
            {
                refusal = $"--pidfile '{path}': tinyfence is already running as pid {other.ToString(CultureInfo.InvariantCulture)}";
                return null;
            }
            stalePid = other;
        }

        return new PidFile(path, self);
    }

    /// <summary>
    /// Writes the pid: a temp file in the same directory, then renamed over the path. False, with
    /// the reason in <paramref name="error"/>, when it cannot (a missing directory, no permission).
    /// </summary>
    public bool TryWrite(out string? error)
    {
        string temp = $"{_path}.{_pid.ToString(CultureInfo.InvariantCulture)}.tmp";
        try
        {
            File.WriteAllText(temp, _pid.ToString(CultureInfo.InvariantCulture) + "\n", Encoding.ASCII);
            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            error = $"--pidfile '{_path}': cannot write it: {e.Message}";
            return false;
        }

        _written = true;
        error = null;
        return true;
    }

    /// <summary>Removes the file, unless something else has been written there since.</summary>
    public void Dispose()
    {
        if (_written && ReadPid(_path) == _pid)
        {
            // At exit: a file that can no longer be removed must not turn a clean stop into a crash.
            TryDelete(_path);
        }
        _written = false;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Its directory is gone or not ours: there is nothing to clean up there.
        }
    }

    /// <summary>The pid a file holds; null when it is missing, unreadable or not a pid.</summary>
    internal static int? ReadPid(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return int.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && pid > 0
            ? pid
            : null;
    }

    /// <summary>Whether <paramref name="pid"/> is a live process named tinyfence.</summary>
    private static bool IsTinyfence(string procRoot, int pid)
    {
        try
        {
            string comm = File.ReadAllText(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "comm"));
            return comm.AsSpan().TrimEnd('\n').SequenceEqual(ProcessName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone (or hidden by hidepid=, which then hides a tinyfence of another user only).
            return false;
        }
    }
}
