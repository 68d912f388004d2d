namespace Tinyfence.Table;

/// <summary>Receives entries from a scan; a struct implementation keeps scans allocation-free.</summary>
public interface IEntryVisitor
{
    void Visit(in StoredScore entry, int scoreNow);
}
