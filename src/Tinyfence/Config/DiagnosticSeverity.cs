namespace Tinyfence.Config;

public enum DiagnosticSeverity
{
    Error,
    Warning,
    Note,
}
