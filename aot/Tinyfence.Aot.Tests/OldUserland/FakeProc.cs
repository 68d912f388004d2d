using Tinyfence.Testing;
using System.Globalization;
using Tinyfence.Aot.Tests.Infrastructure;

namespace Tinyfence.Aot.Tests.OldUserland;

/// <summary>A fake /proc: a fixture tree's system files plus processes of chosen owners.</summary>
internal static class FakeProc
{
    /// <summary>
    /// Copies the system-wide files of <paramref name="template"/> (loadavg, meminfo...; not its
    /// process dirs) and adds one dir per process. The owner is given both ways a reader may
    /// look: the Uid: line of status and the owner of the /proc/PID dir, as on a real kernel.
    /// </summary>
    public static void Build(string target, string template, IEnumerable<(int Pid, int Uid, string Name)> processes)
    {
        Directory.CreateDirectory(target);
        foreach (string entry in Directory.EnumerateFileSystemEntries(template))
        {
            string name = Path.GetFileName(entry);
            if (name.All(char.IsAsciiDigit))
            {
                continue;
            }
            var copied = ProcessResult.Run("cp", ["-a", entry, Path.Combine(target, name)]);
            Assert.True(copied.ExitCode == 0, copied.ToString());
        }

        foreach (var (pid, uid, comm) in processes)
        {
            string dir = Path.Combine(target, pid.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            string id = uid.ToString(CultureInfo.InvariantCulture);
            File.WriteAllText(Path.Combine(dir, "status"),
                $"Name:\t{comm}\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t{pid}\nNgid:\t0\nPid:\t{pid}\nPPid:\t1\n" +
                $"TracerPid:\t0\nUid:\t{id}\t{id}\t{id}\t{id}\nGid:\t{id}\t{id}\t{id}\t{id}\n" +
                "VmRSS:\t    4096 kB\nThreads:\t1\n");
            File.WriteAllText(Path.Combine(dir, "stat"),
                $"{pid} ({comm}) S 1 {pid} {pid} 0 -1 4194560 100 0 0 0 1 1 0 0 20 0 1 0 100 10485760 1024 " +
                "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
            File.WriteAllText(Path.Combine(dir, "cmdline"), comm + "\0");
            // sysfence's nproc counts threads: each process has its one task, so a reader that
            // counts /proc/PID/task/* finds the same number as one that counts /proc/PID.
            string task = Path.Combine(dir, "task", pid.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(task);
            File.Copy(Path.Combine(dir, "status"), Path.Combine(task, "status"));
            File.Copy(Path.Combine(dir, "stat"), Path.Combine(task, "stat"));
            var owned = ProcessResult.Run("chown", ["-R", $"{id}:{id}", dir]);
            Assert.True(owned.ExitCode == 0, owned.ToString());
        }
    }
}
