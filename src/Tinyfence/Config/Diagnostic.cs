namespace Tinyfence.Config;

/// <summary>One finding about a config, printed like a compiler's: <c>FILE:LINE:COL: error: message</c>.</summary>
public sealed record Diagnostic(DiagnosticSeverity Severity, SourceLocation Location, string Message)
{
    public override string ToString()
    {
        string severity = Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "note",
        };
        return $"{Location}: {severity}: {Message}";
    }
}
