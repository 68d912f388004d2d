using Tinyfence.Interop;

namespace Tinyfence.Hosting;

/// <summary>
/// Commands in the config run with the daemon's rights. Running as root, refuse a config that
/// another user could change: a file not owned by root, writable by its group or by others, or in
/// a directory where others could replace it (writable without the sticky bit). sshd's StrictModes
/// makes the same checks.
/// </summary>
public static class ConfigSafety
{
    public static bool IsRoot => Libc.GetEffectiveUid() == 0;

    /// <summary>The reasons each file is unsafe for root; empty when all are safe.</summary>
    public static List<string> Check(IEnumerable<string> files)
    {
        var problems = new List<string>();
        foreach (string file in files)
        {
            string fullPath = Path.GetFullPath(file);
            CheckOne(fullPath, isDirectory: false, problems);
            string? directory = Path.GetDirectoryName(fullPath);
            while (directory is not null)
            {
                CheckOne(directory, isDirectory: true, problems);
                directory = Path.GetDirectoryName(directory);
            }
        }

        return problems;
    }

    private static void CheckOne(string path, bool isDirectory, List<string> problems)
    {
        if (!FileOwnership.TryRead(path, out FileOwnership owner, out int errno))
        {
            problems.Add($"{path}: cannot check its owner and mode (errno {errno})");
            return;
        }

        string what = isDirectory ? "directory" : "config file";
        if (owner.Uid != 0)
        {
            problems.Add($"{path}: {what} is owned by uid {owner.Uid}, not root, who could change the commands root runs");
        }
        else if ((owner.Mode & UnixFileMode.OtherWrite) != 0 && !(isDirectory && (owner.Mode & UnixFileMode.StickyBit) != 0))
        {
            problems.Add($"{path}: {what} is writable by every user (mode {Octal(owner.Mode)})");
        }
        else if ((owner.Mode & UnixFileMode.GroupWrite) != 0 && owner.Gid != 0 && !(isDirectory && (owner.Mode & UnixFileMode.StickyBit) != 0))
        {
            problems.Add($"{path}: {what} is writable by group {owner.Gid} (mode {Octal(owner.Mode)})");
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
