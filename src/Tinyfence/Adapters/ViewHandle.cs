using Tinyfence.Table;

namespace Tinyfence.Adapters;

/// <summary>
/// Keeps an adapter's mapping of a table file current: opened on first use, reopened when the
/// daemon retires it (reload with another shape, restart), when the path names another file, or
/// when it was missing; checked at most once a second. Until a new one opens, the last view keeps answering from its last state.
/// </summary>
public sealed class ViewHandle(string path) : IDisposable
{
    private const long RetryIntervalMs = 1000;

    private TableView? _view;
    private long _nextAttemptMs;

    public string Path { get; } = path;

    /// <summary>The view to read, or null when no table file could be opened yet.</summary>
    public TableView? Current
    {
        get
        {
            TableView? view = _view;
            if (Environment.TickCount64 >= _nextAttemptMs
                && (view is null || view.IsRetired || !view.IsStillAt(Path)))
            {
                _nextAttemptMs = Environment.TickCount64 + RetryIntervalMs;
                TableView? fresh = TableView.TryOpen(Path);
                if (fresh is not null && !fresh.IsRetired)
                {
                    view?.Dispose();
                    _view = view = fresh;
                }
                else
                {
                    fresh?.Dispose();
                }
            }

            return view;
        }
    }

    public void Dispose() => _view?.Dispose();
}
