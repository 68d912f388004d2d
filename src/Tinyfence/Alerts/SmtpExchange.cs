namespace Tinyfence.Alerts;

/// <summary>One command and the server's complete reply to it ("greeting" for the first reply, "message" for the end of DATA).</summary>
internal readonly record struct SmtpExchange(string Command, string Reply);
