using System.Globalization;

namespace Tinyfence.Proc;

/// <summary>
/// Every process of a proc root with its CPU time and resident memory, for the system snapshot
/// of an alert (top processes by CPU and memory). Not on the rule tick: it allocates, and it is
/// called from the alert composer's thread.
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
                if (!PidStatUsageParser.TryParse(stat, out string name, out byte state, out ulong ticks, out long rssPages))
                {
                    continue;
                }

                if (!PidStatusParser.TryParseEffectiveUid(File.ReadAllBytes(Path.Combine(directory, "status")), out uint uid))
                {
                    continue;
                }

                processes.Add(new ProcessUsage(pid, name, state, uid, ticks, rssPages * Environment.SystemPageSize));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process exited during the scan.
            }
        }

        return processes;
    }
}
