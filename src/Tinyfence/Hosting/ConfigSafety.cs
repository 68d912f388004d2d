using Tinyfence.Interop;

namespace Tinyfence.Hosting;

/// <summary>
/// Commands in the config run with the daemon's rights. Running as root, refuse a config that
/// another user could change: a file not owned by root, writable by its group or by others, or in
/// a directory where others could replace it (writable without the sticky bit). The directories
/// are checked both along the path as written and along the path with its symbolic links
/// resolved: a link in a safe place may point into an unsafe one. sshd's StrictModes makes the
/// same checks.
/// </summary>
public static class ConfigSafety
{
    public static bool IsRoot => Libc.GetEffectiveUid() == 0;

    /// <summary>Every path that makes the files unsafe for root, with the reason; empty when all are safe.</summary>
    public static List<(string Path, string Reason)> Check(IEnumerable<string> files)
    {
        var problems = new List<(string, string)>();
        var checkedPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (string file in files)
        {
            string written = Path.GetFullPath(file);
            string resolved = FileOwnership.Resolve(written) ?? written;
            CheckOne(resolved, isDirectory: false, problems, checkedPaths);
            foreach (string path in new[] { written, resolved })
            {
                for (string? directory = Path.GetDirectoryName(path); directory is not null; directory = Path.GetDirectoryName(directory))
                {
                    CheckOne(directory, isDirectory: true, problems, checkedPaths);
                }
            }
        }

        return problems;
    }

    private static void CheckOne(string path, bool isDirectory, List<(string, string)> problems, HashSet<string> checkedPaths)
    {
        if (!checkedPaths.Add(path))
        {
            return;
        }

        if (!FileOwnership.TryRead(path, out FileOwnership owner, out int errno))
        {
            problems.Add((path, $"cannot check its owner and mode (errno {errno})"));
            return;
        }

        string what = isDirectory ? "directory" : "config file";
        bool sticky = isDirectory && (owner.Mode & UnixFileMode.StickyBit) != 0;
        if (owner.Uid != 0)
        {
            problems.Add((path, $"{what} is owned by uid {owner.Uid}, not root, who could change the commands root runs"));
        }
        else if ((owner.Mode & UnixFileMode.OtherWrite) != 0 && !sticky)
        {
            problems.Add((path, $"{what} is writable by every user (mode {Octal(owner.Mode)})"));
        }
        else if ((owner.Mode & UnixFileMode.GroupWrite) != 0 && owner.Gid != 0 && !sticky)
        {
            problems.Add((path, $"{what} is writable by group {owner.Gid} (mode {Octal(owner.Mode)})"));
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
