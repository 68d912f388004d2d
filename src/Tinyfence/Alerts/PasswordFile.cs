using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Tinyfence.Alerts;

/// <summary>
/// Reads the SMTP password from its own file, as ssh treats a private key: a file that group or
/// others may read or write is refused, whatever it holds. The mode is taken from the opened
/// handle (fstat), so the file checked is the file read.
/// </summary>
internal static class PasswordFile
{
    // A password is a line, not a document: anything longer is not a password file.
    private const int MaxBytes = 4096;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The first line of the file, without its line end.</summary>
    /// <exception cref="MailConfigurationException">The file is missing, unreadable, too open, empty or too long.</exception>
    public static string Read(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("file modes are a Unix notion");
        }

        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MailConfigurationException($"cannot read the password file {path}: {e.Message}");
        }

        using (handle)
        {
            UnixFileMode mode = File.GetUnixFileMode(handle);
            if ((mode & GroupOrOthers) != 0)
            {
                throw new MailConfigurationException(
                    $"password file {path} is refused: its permissions {FormatMode(mode)} let group or others read or change it; " +
                    $"make it private with 'chmod 600 {path}'");
            }

            byte[] buffer = new byte[MaxBytes + 1];
            int length = RandomAccess.Read(handle, buffer, fileOffset: 0);
            if (length > MaxBytes)
            {
                throw new MailConfigurationException($"password file {path} is longer than {MaxBytes} bytes: it should hold the password on one line");
            }

            ReadOnlySpan<byte> content = buffer.AsSpan(0, length);
            int lineEnd = content.IndexOfAny((byte)'\n', (byte)'\r');
            ReadOnlySpan<byte> line = lineEnd >= 0 ? content[..lineEnd] : content;
            if (line.IsEmpty)
            {
                throw new MailConfigurationException($"password file {path} is empty: write the password on its first line");
            }

            string password = Encoding.UTF8.GetString(line);
            Array.Clear(buffer);
            return password;
        }
    }

    private static string FormatMode(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0xFFF, 8);
}
