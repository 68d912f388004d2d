namespace Tinyfence.Status;

/// <summary>A config file the running rules came from, and when it was read (start or the last reload).</summary>
public sealed class ConfigFileStatus(string path, DateTime loaded)
{
    /// <summary>The file as given on the command line; <c>(built-in)</c> for the built-in config.</summary>
    public string Path { get; } = path;

    public DateTime Loaded { get; } = loaded;
}
