namespace Tinyfence.Blocklist;

/// <summary>What one <see cref="SdbmMapWriter.Commit"/> put on disk.</summary>
/// <param name="Keys">Keys a reader of the new map finds.</param>
/// <param name="DroppedKeys">
/// Keys left out because their page was full at the deepest allowed tree: only keys whose hashes
/// collide in many low bits (crafted addresses) get here. A dropped key reads as absent (fail-open).
/// </param>
/// <param name="Pages">Pages in <c>BASE.pag</c> (a power of two).</param>
/// <param name="Depth">Depth of the tree in <c>BASE.dir</c> after the commit.</param>
/// <param name="PageFileBytes">Length of <c>BASE.pag</c>.</param>
/// <param name="DirectoryRewritten">Whether <c>BASE.dir</c> was replaced (first commit, or the depth changed).</param>
/// <param name="OldLayoutMisses">
/// On a depth change, keys that a reader still holding the previous <c>BASE.dir</c> would not find
/// in the new <c>BASE.pag</c> (they did not fit the previous layout's page). 0 when the change is seamless.
/// </param>
public readonly record struct SdbmCommitResult(
    int Keys,
    int DroppedKeys,
    int Pages,
    int Depth,
    long PageFileBytes,
    bool DirectoryRewritten,
    int OldLayoutMisses);
