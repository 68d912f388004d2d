namespace Tinyfence.Alerts;

/// <summary>Server replies as text for log lines: the code and the server's words, one line.</summary>
internal static class SmtpReplies
{
    public static string Format(int code, string text)
    {
        // MailKit joins a multi-line reply with '\n': a log line keeps it on one line.
        string oneLine = text.ReplaceLineEndings(" ").Trim();
        return oneLine.Length == 0 ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{code} {oneLine}";
    }

    /// <summary>
    /// MailKit's AuthenticationException reads "535: 5.7.8 Authentication credentials invalid";
    /// the server wrote "535 5.7.8 ...": give it back as written.
    /// </summary>
    public static string FromMailKitMessage(string message)
    {
        if (message.Length > 5 && char.IsAsciiDigit(message[0]) && char.IsAsciiDigit(message[1]) && char.IsAsciiDigit(message[2])
            && message[3] == ':' && message[4] == ' ')
        {
            return string.Concat(message.AsSpan(0, 3), " ", message.AsSpan(5).Trim().ToString().ReplaceLineEndings(" "));
        }

        return message.ReplaceLineEndings(" ");
    }
}
