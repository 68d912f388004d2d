using System.Text;

namespace Tinyfence.Cli;

/// <summary>The text of <c>tinyfence --help</c>, written from <see cref="Commands"/>.</summary>
internal static class Usage
{
    public static string Text { get; } = Write();

    private static string Write()
    {
        var text = new StringBuilder();
        string lead = "usage: ";
        foreach (CommandSpec command in Commands.All)
        {
            if (command.Options.Length > 0 || command.Operands is not null)
            {
                text.Append(lead).Append("tinyfence ").Append(command == Commands.Run ? "[run]" : command.Name)
                    .Append(' ').Append(command.Synopsis).Append('\n');
                lead = "       ";
            }
        }

        text.Append(lead).Append("tinyfence --version | --help\n");
        foreach (CommandSpec command in Commands.All)
        {
            text.Append('\n').Append(command.Name).Append('\n');
            foreach (string line in command.Summary.Split('\n'))
            {
                text.Append("    ").Append(line).Append('\n');
            }

            foreach (OptionSpec option in command.Options)
            {
                text.Append("  ").Append(option.Spelling.PadRight(24)).Append(' ').Append(option.Help).Append('\n');
            }
        }

        text.Append("""

            exit status: 0 ok, 1 failure, 64 usage error, 69 daemon unavailable, 78 config error
            documentation: man tinyfence, README.md
            """);
        return text.ToString();
    }
}
