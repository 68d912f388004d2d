using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Interop;

namespace Tinyfence.Cli;

/// <summary>
/// Writes a finished text to fd 1 with write(2), for the verbs that only print one (--version,
/// --help). Not <see cref="Console.Out"/>: its first use starts the runtime's terminal and signal
/// handling (a thread and a pipe; the terminfo database when stdout is a terminal), which cost
/// "tinyfence --version" more time than the rest of its start.
/// </summary>
internal static unsafe class StandardOutput
{
    /// <summary>
    /// Writes all of <paramref name="text"/>. Returns 0, or the errno that stopped it. A reader that
    /// went away (EPIPE, as after <c>| head -1</c>) is no error, as it is none for Console.
    /// </summary>
    public static int Write(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* start = bytes)
        {
            for (int done = 0; done < bytes.Length;)
            {
                nint written = Libc.Write(1, start + done, (nuint)(bytes.Length - done));
                if (written >= 0)
                {
                    done += (int)written;
                    continue;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    return errno == Errno.EPIPE ? 0 : errno;
                }
            }
        }

        return 0;
    }
}
