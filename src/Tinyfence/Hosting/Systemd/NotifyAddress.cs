using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Interop;

namespace Tinyfence.Hosting.Systemd;

/// <summary>
/// <c>NOTIFY_SOCKET</c> as sd_notify(3) reads it, made into the bytes of a <c>sockaddr_un</c>: an
/// absolute path, or a name in the abstract namespace written with a leading '@' (the '@' becomes
/// the NUL that marks the namespace, and the length, not a terminator, ends the name).
/// </summary>
internal static class NotifyAddress
{
    /// <summary>The socket address, or null with <paramref name="problem"/> saying why it cannot be used.</summary>
    public static byte[]? Encode(string value, out string? problem)
    {
        problem = null;
        bool isAbstract = value.StartsWith('@');
        if (!isAbstract && !value.StartsWith('/'))
        {
            // systemd 254 also hands out "vsock:CID:PORT" (for virtual machines): not ours to reach.
            problem = "neither an absolute path nor an abstract socket name ('@...')";
            return null;
        }

        if (value.Contains('\0', StringComparison.Ordinal) || (isAbstract && value.Length == 1))
        {
            problem = "not a socket name";
            return null;
        }

        // A path is sent with its terminating NUL; an abstract name's leading NUL replaces the '@'.
        int nameBytes = isAbstract ? 1 + Encoding.UTF8.GetByteCount(value.AsSpan(1)) : Encoding.UTF8.GetByteCount(value) + 1;
        if (nameBytes > Libc.SunPathBytes)
        {
            problem = $"longer than a socket name can be ({Libc.SunPathBytes - 1} bytes)";
            return null;
        }

        byte[] address = new byte[Libc.SunPathOffset + nameBytes];
        ushort family = Libc.AF_UNIX;
        MemoryMarshal.Write(address, in family);
        Span<byte> name = address.AsSpan(Libc.SunPathOffset);
        if (isAbstract)
        {
            Encoding.UTF8.GetBytes(value.AsSpan(1), name[1..]);
        }
        else
        {
            Encoding.UTF8.GetBytes(value, name);
        }

        return address;
    }
}
