using Tinyfence.Config;
using Tinyfence.Hosting;

namespace Tinyfence.Cli;

/// <summary><c>tinyfence check</c>: reports every finding, then prints the rules as understood.</summary>
public static class CheckCommand
{
    public static int Run(CommandLine line, TextWriter output, TextWriter errors)
    {
        if (line.ConfigFiles.Count == 0 && !line.Builtin)
        {
            errors.WriteLine("tinyfence check: name the config files to check (-c FILE), or --builtin for the built-in rules");
            return ExitCodes.Usage;
        }

        var source = new ConfigSource(line.ConfigFiles);
        var diagnostics = new DiagnosticBag();
        TinyfenceConfig? config = source.Load(diagnostics);
        foreach (Diagnostic diagnostic in diagnostics.InReadingOrder())
        {
            errors.WriteLine(diagnostic.ToString());
        }

        if (config is null)
        {
            errors.WriteLine($"{source.Describe()}: {diagnostics.ErrorCount} error(s)");
            return ExitCodes.Config;
        }

        output.Write(ConfigFormatter.Format(config));
        errors.WriteLine($"{source.Describe()}: OK, {config.Rules.Count} rule(s)");
        return ExitCodes.Ok;
    }
}
