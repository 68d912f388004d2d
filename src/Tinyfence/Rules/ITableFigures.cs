namespace Tinyfence.Rules;

/// <summary>The figures of the daemon's score tables, as rules read them (<c>blocked "spam"</c>).</summary>
public interface ITableFigures
{
    /// <summary>False when no such table is served (one check with --once, a table being set up).</summary>
    bool TryGetFigures(string table, out int scored, out int blocked);
}
