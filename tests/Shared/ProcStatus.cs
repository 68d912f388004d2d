using System.Globalization;

namespace Tinyfence.Testing;

/// <summary>What /proc says about a process the test started: its memory and its open descriptors.</summary>
internal static class ProcStatus
{
    /// <summary>A field of /proc/PID/status in kB (VmHWM, VmRSS); -1 once the process is gone.</summary>
    public static long KiB(int pid, string field)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }

    /// <summary>How many descriptors the process has open (the entries of /proc/PID/fd).</summary>
    public static int OpenDescriptors(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;
}
