namespace Tinyfence.Config;

/// <summary>Collects every finding of a load, so one run of <c>tinyfence check</c> reports them all.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    public bool HasErrors { get; private set; }

    public void Error(SourceLocation location, string message)
    {
        _items.Add(new Diagnostic(DiagnosticSeverity.Error, location, message));
        HasErrors = true;
    }

    public void Warning(SourceLocation location, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Warning, location, message));

    public void Note(SourceLocation location, string message) =>
        _items.Add(new Diagnostic(DiagnosticSeverity.Note, location, message));
}
