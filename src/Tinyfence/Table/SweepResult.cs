namespace Tinyfence.Table;

/// <param name="BlockedFingerprint">
/// A sum of the blocked keys' hashes: equal from one sweep to the next when (almost certainly) the
/// same addresses are blocked, so a blocklist is rewritten only when it changed.
/// </param>
public readonly record struct SweepResult(int Entries, int Blocked, int Removed, ulong BlockedFingerprint);
