using System.Globalization;
using System.Text;
using Tinyfence.Proc;

namespace Tinyfence.Actions;

/// <summary>
/// A short picture of the machine for an alert: load, memory, swap, and the top processes by CPU
/// (measured over one second) and by resident memory. Taken on the alert composer's thread,
/// never on the rule tick.
/// </summary>
public static class SystemSnapshot
{
    private const int TopCount = 5;

    // USER_HZ: the unit of /proc/PID/stat times, 100 on every Linux architecture's user ABI.
    private const double ClockTicksPerSecond = 100;

    public static string Take(string procRoot, TimeSpan cpuInterval)
    {
        var text = new StringBuilder();
        using (var reader = new ProcReader(procRoot))
        {
            if (reader.ReadLoadAverage(out LoadAverage load).IsOk)
            {
                text.Append(CultureInfo.InvariantCulture, $"    load         {load.One:0.00} {load.Five:0.00} {load.Fifteen:0.00}\n");
            }

            if (reader.ReadMemInfo(out MemInfo memory).IsOk)
            {
                long total = memory.MemTotalKiB * 1024;
                long available = (memory.HasMemAvailable ? memory.MemAvailableKiB : memory.MemFreeKiB + memory.BuffersKiB + memory.CachedKiB) * 1024;
                long swapTotal = memory.SwapTotalKiB * 1024;
                long swapUsed = swapTotal - (memory.SwapFreeKiB * 1024);
                text.Append(CultureInfo.InvariantCulture, $"    memory       {Size(total - available)} used of {Size(total)}, {Size(available)} available ({Percent(available, total)})\n");
                text.Append(swapTotal > 0
                    ? string.Create(CultureInfo.InvariantCulture, $"    swap         {Size(swapUsed)} used of {Size(swapTotal)} ({Percent(swapUsed, swapTotal)})\n")
                    : "    swap         none\n");
            }
        }

        List<ProcessUsage> before = ProcessTable.Read(procRoot);
        Thread.Sleep(cpuInterval);
        List<ProcessUsage> after = ProcessTable.Read(procRoot);
        Dictionary<uint, string> users = UserDatabase.ReadNames();
        var ticksBefore = before.ToDictionary(p => p.Pid, p => p.CpuTicks);
        double seconds = Math.Max(cpuInterval.TotalSeconds, 0.001);

        var byCpu = after
            .Select(p => (Process: p, Cpu: ticksBefore.TryGetValue(p.Pid, out ulong earlier) && p.CpuTicks >= earlier ? (p.CpuTicks - earlier) / ClockTicksPerSecond / seconds * 100 : 0))
            .OrderByDescending(p => p.Cpu).ThenByDescending(p => p.Process.RssBytes).Take(TopCount);
        text.Append(CultureInfo.InvariantCulture, $"    top processes by CPU (over {seconds:0.#} s; 100 % is one core):\n");
        AppendHeader(text);
        foreach ((ProcessUsage process, double cpu) in byCpu)
        {
            AppendProcess(text, process, cpu, users);
        }

        text.Append("    top processes by memory:\n");
        AppendHeader(text);
        foreach (ProcessUsage process in after.OrderByDescending(p => p.RssBytes).Take(TopCount))
        {
            double cpu = ticksBefore.TryGetValue(process.Pid, out ulong earlier) && process.CpuTicks >= earlier
                ? (process.CpuTicks - earlier) / ClockTicksPerSecond / seconds * 100
                : 0;
            AppendProcess(text, process, cpu, users);
        }

        return text.ToString();
    }

    private static void AppendHeader(StringBuilder text) =>
        text.Append("        PID    USER         CPU%      RSS  STATE  COMMAND\n");

    private static void AppendProcess(StringBuilder text, ProcessUsage process, double cpu, Dictionary<uint, string> users)
    {
        string user = users.TryGetValue(process.Uid, out string? name) ? name : process.Uid.ToString(CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"        {process.Pid,-6} {user,-10} {cpu,6:0.0} {Size(process.RssBytes),8}  {(char)process.State,-5}  {process.Name}\n");
    }

    private static string Percent(long part, long total) =>
        total > 0 ? (part * 100.0 / total).ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-";

    /// <summary>Bytes with sysfence's suffixes (powers of 1024).</summary>
    public static string Size(double bytes)
    {
        string[] units = ["", "k", "M", "G", "T"];
        int unit = 0;
        while (unit < units.Length - 1 && Math.Abs(bytes) >= 1024)
        {
            bytes /= 1024;
            unit++;
        }

        return bytes.ToString(unit == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + units[unit];
    }
}
