using System.Globalization;

namespace Tinyfence.Proc;

/// <summary>
/// Every process of a proc root with its group, CPU time and resident memory: for the system
/// snapshot of an alert, and for the command supervisor's "is anything left in the group?". Not
/// on the rule tick: it allocates.
/// </summary>
public static class ProcessTable
{
    public static List<ProcessUsage> Read(string procRoot)
    {
        var processes = new List<ProcessUsage>();
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories(procRoot);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return processes;
        }

        foreach (string directory in directories)
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                byte[] stat = File.ReadAllBytes(Path.Combine(directory, "stat"));
                if (!PidStatUsageParser.TryParse(stat, out string name, out byte state, out int group, out ulong ticks, out long rssPages))
                {
                    continue;
                }

                if (!PidStatusParser.TryParseEffectiveUid(File.ReadAllBytes(Path.Combine(directory, "status")), out uint uid))
                {
                    continue;
                }

                processes.Add(new ProcessUsage(pid, group, name, state, uid, ticks, rssPages * Environment.SystemPageSize));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited during the scan.
            }
        }

        return processes;
    }
}
