using System.Text;

namespace Tinyfence.Proc;

/// <summary>
/// Resolves user names for nproc filters by reading <c>/etc/passwd</c> directly. The static binary
/// cannot load NSS modules (LDAP, sss, systemd-homed users are invisible to it), and reading the
/// file avoids glibc's NSS path altogether; users known only to a directory service must be
/// given by numeric uid.
/// </summary>
public static class UserDatabase
{
    public const string DefaultPasswdPath = "/etc/passwd";
    public const string DefaultGroupPath = "/etc/group";

    // useradd caps names at 32 bytes; 256 leaves room for any real name and fits a stackalloc.
    private const int MaxNameBytes = 256;

    /// <summary>
    /// Finds <paramref name="userName"/> in passwd text (<c>name:password:uid:gid:gecos:home:shell</c>)
    /// and returns its uid. The first matching line wins, as with getpwnam; comments, NIS compat
    /// lines (<c>+</c>/<c>-</c>) and lines without a numeric uid are skipped. The last line may
    /// lack its newline (a hand-edited file).
    /// </summary>
    public static bool TryParseUid(ReadOnlySpan<byte> passwdText, ReadOnlySpan<char> userName, out uint uid)
    {
        uid = 0;
        if (userName.IsEmpty || userName.ContainsAny(':', '\n', '\0')
            || userName.Length > MaxNameBytes || Encoding.UTF8.GetByteCount(userName) > MaxNameBytes)
        {
            return false;
        }

        Span<byte> name = stackalloc byte[MaxNameBytes];
        name = name[..Encoding.UTF8.GetBytes(userName, name)];

        while (!passwdText.IsEmpty)
        {
            int end = passwdText.IndexOf(ProcText.NewLine);
            ReadOnlySpan<byte> line = end < 0 ? passwdText : passwdText[..end];
            passwdText = end < 0 ? default : passwdText[(end + 1)..];

            if (line.Length <= name.Length || line[name.Length] != (byte)':' || !line.StartsWith(name))
            {
                continue;
            }

            // name:password:uid:...
            ReadOnlySpan<byte> rest = line[(name.Length + 1)..];
            int passwordEnd = rest.IndexOf((byte)':');
            if (passwordEnd < 0)
            {
                continue;
            }

            rest = rest[(passwordEnd + 1)..];
            int uidEnd = rest.IndexOf((byte)':');
            ReadOnlySpan<byte> uidText = uidEnd < 0 ? rest : rest[..uidEnd];
            if (!uidText.IsEmpty && uidText[^1] == ProcText.CarriageReturn)
            {
                uidText = uidText[..^1];
            }

            if (uidText.IsEmpty || uidText.ContainsAnyExceptInRange((byte)'0', (byte)'9')
                || !System.Buffers.Text.Utf8Parser.TryParse(uidText, out uint parsed, out int consumed)
                || consumed != uidText.Length)
            {
                continue;
            }

            uid = parsed;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Reads <paramref name="passwdPath"/> and resolves <paramref name="userName"/>; false when the
    /// user is not there or the file cannot be read. Config-load time only: it allocates.
    /// </summary>
    public static bool TryResolveUid(string userName, out uint uid, string passwdPath = DefaultPasswdPath)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(passwdPath);
        byte[] text;
        try
        {
            text = File.ReadAllBytes(passwdPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            uid = 0;
            return false;
        }

        return TryParseUid(text, userName, out uid);
    }

    /// <summary>
    /// Resolves a group name from <paramref name="groupPath"/> (<c>name:password:gid:members</c>,
    /// the id in the same field as passwd's uid); false when it is not there or unreadable.
    /// </summary>
    public static bool TryResolveGid(string groupName, out uint gid, string groupPath = DefaultGroupPath) =>
        TryResolveUid(groupName, out gid, groupPath);

    /// <summary>
    /// Names by uid from <paramref name="passwdPath"/>, for showing who owns a process; empty when
    /// the file cannot be read. Allocates: alert time only.
    /// </summary>
    public static Dictionary<uint, string> ReadNames(string passwdPath = DefaultPasswdPath)
    {
        var names = new Dictionary<uint, string>();
        string[] lines;
        try
        {
            lines = File.ReadAllLines(passwdPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return names;
        }

        foreach (string line in lines)
        {
            string[] fields = line.Split(':');
            if (fields.Length >= 3 && uint.TryParse(fields[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint uid))
            {
                names.TryAdd(uid, fields[0]);
            }
        }

        return names;
    }
}
