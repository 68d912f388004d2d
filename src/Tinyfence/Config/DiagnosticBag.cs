namespace Tinyfence.Config;

/// <summary>Collects every finding of a load, so one run of <c>tinyfence check</c> reports them all.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];

    public IReadOnlyList<Diagnostic> Items => _items;

    /// <summary>The findings in reading order: files in the order first seen, then line and column.</summary>
    public IReadOnlyList<Diagnostic> InReadingOrder()
    {
        var fileOrder = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Diagnostic item in _items)
        {
            fileOrder.TryAdd(item.Location.File, fileOrder.Count);
        }

        // OrderBy is stable: findings at the same place keep the order they were made in.
        return [.. _items.OrderBy(d => (fileOrder[d.Location.File], d.Location.Line, d.Location.Column))];
    }

    public int ErrorCount => _items.Count(d => d.Severity == DiagnosticSeverity.Error);

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
