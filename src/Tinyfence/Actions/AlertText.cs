using System.Globalization;
using System.Text;
using Tinyfence.Alerts;

namespace Tinyfence.Actions;

/// <summary>
/// Turns a firing into the text of a mail: a subject that tells the story in a phone's inbox, and
/// a plain-text body with the host, the rule, what fired and why, when, the command and its
/// result, and a snapshot of the system. (The mail queue puts the subject prefix in front.)
/// </summary>
public static class AlertText
{
    // Long enough for the readings, short enough not to be cut by every mail client.
    private const int MaxSubjectLength = 140;

    public static AlertMessage Compose(AlertRequest request, string host, string snapshot)
    {
        var subject = new StringBuilder();
        subject.Append(host).Append(": ").Append(request.Rule).Append(' ').Append(request.Event);
        if (request.Command is { } command && !command.Succeeded)
        {
            subject.Append(", command failed (").Append(command.Describe()).Append(')');
        }

        subject.Append(" - ").Append(request.Readings);
        string subjectText = subject.ToString();
        if (subjectText.Length > MaxSubjectLength)
        {
            // Never cut between the two halves of a surrogate pair.
            int cut = MaxSubjectLength - 3;
            cut -= char.IsHighSurrogate(subjectText[cut - 1]) ? 1 : 0;
            subjectText = subjectText[..cut] + "...";
        }

        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"Host:       {host}\n")
            .Append(CultureInfo.InvariantCulture, $"Rule:       {request.Rule} ({request.RuleLocation})\n")
            .Append(CultureInfo.InvariantCulture, $"Event:      {request.Event}\n")
            .Append(CultureInfo.InvariantCulture, $"When:       {request.When:yyyy-MM-dd HH:mm:ss zzz}\n")
            .Append(CultureInfo.InvariantCulture, $"Condition:  {request.Condition}\n")
            .Append(CultureInfo.InvariantCulture, $"Readings:   {request.Readings}\n");
        if (request.Command is { } ran)
        {
            body.Append('\n')
                .Append(CultureInfo.InvariantCulture, $"Command:    {ran.Command}\n")
                .Append(CultureInfo.InvariantCulture, $"Result:     {ran.Describe()} after {ran.Duration.TotalSeconds:0.0} s\n");
            if (ran.OutputLineCount > 0)
            {
                body.Append(CultureInfo.InvariantCulture, $"Output ({ran.FirstOutputLines.Count} of {ran.OutputLineCount} lines):\n");
                foreach (string line in ran.FirstOutputLines)
                {
                    body.Append("    ").Append(line).Append('\n');
                }
            }
            else
            {
                body.Append("Output:     none\n");
            }
        }

        body.Append('\n').Append("System, when the rule fired:\n").Append(snapshot)
            .Append('\n').Append("-- \ntinyfence on ").Append(host).Append('\n');
        return new AlertMessage(subjectText, body.ToString(), request.When) { To = request.Recipients };
    }
}
