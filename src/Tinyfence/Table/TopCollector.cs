namespace Tinyfence.Table;

/// <summary>
/// Keeps the k highest current scores seen, sorted, in a span the caller owns (an insertion sort:
/// k is small, and most entries of a large table fall below the k-th and cost one comparison).
/// The score kept is the decayed one, with <see cref="StoredScore.DecayedAt"/> set to now.
/// </summary>
internal ref struct TopCollector : IEntryVisitor
{
    private readonly Span<StoredScore> _best;

    public TopCollector(Span<StoredScore> best) => _best = best;

    public int Count { get; private set; }

    public void Visit(in StoredScore entry, int scoreNow)
    {
        if (scoreNow <= 0 || _best.IsEmpty || (Count == _best.Length && scoreNow <= _best[Count - 1].Score))
        {
            return;
        }

        int position = Count == _best.Length ? Count - 1 : Count++;
        while (position > 0 && _best[position - 1].Score < scoreNow)
        {
            _best[position] = _best[position - 1];
            position--;
        }

        _best[position] = entry with { Score = scoreNow };
    }
}
