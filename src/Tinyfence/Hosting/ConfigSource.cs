using Tinyfence.Alerts;
using Tinyfence.Config;

namespace Tinyfence.Hosting;

/// <summary>
/// The config files named on the command line, or the built-in config when there are none, with
/// its table in <paramref name="builtinDirectory"/> (<see cref="DemoDirectory"/>).
/// </summary>
public sealed class ConfigSource(IReadOnlyList<string> files, string? builtinDirectory = null)
{
    public IReadOnlyList<string> Files { get; } = files;

    public bool IsBuiltin => Files.Count == 0;

    public string Describe() => IsBuiltin ? "the built-in rules" : string.Join(", ", Files);

    /// <summary>
    /// Loads the config; running as root, a file that another user could change is an error too,
    /// so that <c>check</c> and <c>run</c> refuse the same configs.
    /// </summary>
    public TinyfenceConfig? Load(DiagnosticBag diagnostics)
    {
        TinyfenceConfig? config = IsBuiltin
            ? ConfigLoader.LoadText(BuiltinConfig.Name, BuiltinConfig.Text(builtinDirectory ?? DemoDirectory.Placeholder), diagnostics)
            : ConfigLoader.Load(Files, diagnostics);
        if (config?.Mail is { } mail)
        {
            // The mail settings as the mail queue will see them. A password file problem is a
            // warning: the rules still run, and the queue re-reads the file at each connection,
            // so fixing it needs no restart (mail waits in the queue meanwhile).
            MailSettings settings = MailSetup.ToSettings(mail);
            foreach (string problem in settings.Validate())
            {
                diagnostics.Error(mail.Location, "mail: " + problem);
            }

            if (settings.CheckPasswordFile() is { } passwordProblem)
            {
                diagnostics.Warning(mail.Location, "mail: " + passwordProblem + "; mail is queued until it is fixed");
            }

            config = diagnostics.HasErrors ? null : config;
        }

        if (config is null || IsBuiltin || !ConfigSafety.IsRoot)
        {
            return config;
        }

        foreach ((string path, string reason) in ConfigSafety.Check(config.Files))
        {
            diagnostics.Error(new SourceLocation(path, 1, 1), $"{reason}: running as root, tinyfence refuses a config that other users can change (its commands run as root)");
        }

        return diagnostics.HasErrors ? null : config;
    }
}
