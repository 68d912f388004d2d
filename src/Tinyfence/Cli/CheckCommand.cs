using Tinyfence.Config;
using Tinyfence.Hosting;

namespace Tinyfence.Cli;

/// <summary><c>tinyfence check</c>: reports every finding, then prints the rules as understood.</summary>
internal static class CheckCommand
{
    public static int Run(Arguments arguments, TextWriter output, TextWriter errors)
    {
        bool builtin = arguments.Has("--builtin");
        if (builtin && arguments.Operands.Count > 0)
        {
            throw new UsageException("--builtin and config files exclude each other");
        }

        if (arguments.Operands.Count == 0 && !builtin)
        {
            throw new UsageException("name the config files to check (-c FILE), or --builtin for the built-in rules");
        }

        var source = new ConfigSource(arguments.Operands);
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

        FirewallCheck.Report(config, source.Describe(), errors);
        output.Write(ConfigFormatter.Format(config));
        errors.WriteLine($"{source.Describe()}: OK, {config.Rules.Count} rule(s)");
        return ExitCodes.Ok;
    }
}
