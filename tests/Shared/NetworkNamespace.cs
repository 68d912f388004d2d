using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Tinyfence.Testing;

/// <summary>
/// Runs a test body on a thread of its own in a new network namespace (unshare(CLONE_NEWNET)
/// applies to the calling thread only): its sockets, its netlink and the programs it starts see
/// a namespace with only <c>lo</c>, up, and whatever nf_tables objects the body makes, all gone
/// with the thread. The host's firewall is never touched. Needs root (CAP_SYS_ADMIN).
/// </summary>
internal static partial class NetworkNamespace
{
    private const int CLONE_NEWNET = 0x40000000;

    public static void Run(Action body)
    {
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Unshare(CLONE_NEWNET) != 0)
                {
                    throw new InvalidOperationException($"unshare(CLONE_NEWNET) failed (errno {Marshal.GetLastPInvokeError()}): these tests run as root");
                }

                Command("ip", "link set lo up");
                Command("ip", "addr add fd00::2/128 dev lo");
                Command("ip", "addr add fd00:0:0:1::5/128 dev lo");
                Command("ip", "addr add fd00:0:0:2::5/128 dev lo");
                body();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
    }

    /// <summary>Runs a program in the namespace (started from the calling thread, which must be the namespace's); returns its output.</summary>
    public static string Command(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {arguments}: exit {process.ExitCode}: {errors}");
        }

        return output;
    }

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int Unshare(int flags);
}
