namespace Tinyfence.Adapters;

/// <summary>
/// An adapter cannot start as configured: a patterns file that cannot be read or holds a bad line,
/// an option value that does not parse. The message holds every finding, one per line, each
/// naming the file and line or the option, so one run shows them all.
/// </summary>
public sealed class AdapterOptionException : Exception
{
    public AdapterOptionException(string message)
        : base(message) => Errors = [message];

    public AdapterOptionException(IReadOnlyList<string> errors)
        : base(string.Join('\n', errors)) => Errors = errors;

    public IReadOnlyList<string> Errors { get; }
}
