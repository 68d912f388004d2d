using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Tinyfence.Logging;

/// <summary>
/// An exception for the log, with where it was thrown. The static binary carries no method names
/// for stack traces (0.4 MB: README, "The static binary"), so its frames print as
/// <c>at &lt;unknown&gt;</c>; the code addresses are added, one line per exception of the chain,
/// and <c>addr2line -f -e dist/tinyfence.dbg ADDRESS</c> names them (the binary is not
/// position-independent: an address is the same in every run). Under the JIT the frames have
/// names and no addresses, and the text is <see cref="Exception.ToString"/>'s.
/// </summary>
internal static class ExceptionText
{
    public static string Describe(Exception exception)
    {
        var text = new StringBuilder(exception.ToString());
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            var addresses = new StringBuilder();
            foreach (StackFrame frame in new StackTrace(e).GetFrames())
            {
                nint ip = frame.GetNativeIP();
                if (ip != 0)
                {
                    addresses.Append(" 0x").Append(((ulong)ip).ToString("x", CultureInfo.InvariantCulture));
                }
            }

            if (addresses.Length > 0)
            {
                text.Append("\n   code addresses of ").Append(e.GetType()).Append(':').Append(addresses);
            }
        }

        return text.ToString();
    }
}
