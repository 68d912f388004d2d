using Tinyfence.Interop;
using Tinyfence.Logging;

namespace Tinyfence.Server;

/// <summary>
/// Each client holds a descriptor, and the soft open-file limit a daemon starts with (1024 under
/// systemd) is below what <c>max-clients</c> allows; the native binary does not raise it as the
/// .NET runtime's own host does. Raised only as far as the clients need, not to the hard limit:
/// commands inherit it, and some programs close every descriptor up to it.
/// </summary>
internal static class DescriptorLimit
{
    // Descriptors besides the sessions: the listener, tables and their files, /proc readers,
    // command pipes, the runtime's own.
    private const int Reserve = 128;

    public static void EnsureFor(int maxClients, Logger log)
    {
        ulong wanted = (ulong)maxClients + Reserve;
        if (!Libc.TryGetOpenFileLimit(out ulong soft, out ulong hard) || soft >= wanted)
        {
            return;
        }

        ulong raised = Math.Min(wanted, hard);
        if (raised <= soft || !Libc.TrySetOpenFileLimit(raised, hard))
        {
            raised = soft;
        }

        if (raised < wanted)
        {
            log.Warning($"server: max-clients {maxClients} needs {wanted} open files and the limit is {raised}: raise it (LimitNOFILE= in the systemd unit, ulimit -n)");
        }
    }
}
