namespace Tinyfence.Table;

/// <summary>Told of every hit a table takes, after it was counted: where a shared table sends its hits on.</summary>
public interface IHitObserver
{
    /// <summary>On the request's thread, for every hit: must not block or allocate.</summary>
    void OnHit(IpKey key, int points, uint now);
}
