using System.Globalization;
using Tinyfence.Alerts;
using Tinyfence.Config;
using Tinyfence.Hosting;

namespace Tinyfence.Cli;

/// <summary>
/// <c>tinyfence mail-test</c>: one message with the config's mail settings, sent at once (no
/// queue, no retry), and the SMTP dialogue printed with the server's own words at each step.
/// </summary>
internal static class MailTestCommand
{
    public static int Run(Arguments arguments, TextWriter output, TextWriter errors)
    {
        if (arguments.Operands.Count == 0)
        {
            throw new UsageException("name the config file with the mail section (-c FILE)");
        }

        string? mailTo = arguments.Get("--to");
        var diagnostics = new DiagnosticBag();
        TinyfenceConfig? config = new ConfigSource(arguments.Operands).Load(diagnostics);
        foreach (Diagnostic diagnostic in diagnostics.InReadingOrder())
        {
            errors.WriteLine(diagnostic.ToString());
        }

        if (config is null)
        {
            return ExitCodes.Config;
        }

        if (config.Mail is not { } section)
        {
            errors.WriteLine($"{string.Join(", ", config.Files)}: no mail section: mail {{ server \"...\" from \"...\" to \"...\" }}");
            return ExitCodes.Config;
        }

        MailSettings settings = MailSetup.ToSettings(section);
        string host = Environment.MachineName;
        DateTimeOffset now = DateTimeOffset.Now;
        var message = new AlertMessage(
            $"{host}: test message from tinyfence",
            string.Create(CultureInfo.InvariantCulture, $"""
                This is a test message sent by `tinyfence mail-test` on {host} at {now:yyyy-MM-dd HH:mm:ss zzz}.
                Configuration: {string.Join(", ", config.Files)}
                Server: {settings.Host} port {settings.Port}, security {settings.Security}

                If you read this, alerts from tinyfence reach you.
                """),
            now)
        {
            To = mailTo is null ? [] : [mailTo],
        };

        output.WriteLine($"sending a test message to {(mailTo ?? string.Join(", ", settings.To))} through {settings.Host}:{settings.Port} ({settings.Security})");
        MailTestReport report = MailTest.Send(settings, message);
        foreach (string dialogueLine in report.Dialogue)
        {
            output.WriteLine("  " + dialogueLine);
        }

        output.WriteLine(report.Summary);
        return report.Success ? ExitCodes.Ok : ExitCodes.Failure;
    }
}
