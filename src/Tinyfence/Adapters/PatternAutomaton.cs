using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tinyfence.Adapters;

/// <summary>
/// Aho–Corasick over ASCII-case-folded bytes, compiled once into a complete DFA: every state has a
/// transition for every byte class, so matching costs one table load per input byte whatever the
/// number of patterns, and never follows failure links at run time.
/// </summary>
/// <remarks>
/// Bytes that occur in no pattern share class 0, so the table has (states × classes) entries
/// rather than (states × 256): about 40 classes for word lists. States are stored premultiplied by
/// the class count (a state is the offset of its row), and the states that report a match are
/// numbered last, so the hot loop needs no multiply and tests a match with one compare against
/// <see cref="FirstMatchState"/>.
/// </remarks>
internal sealed class PatternAutomaton
{
    /// <summary>
    /// Table entries allowed (64 MiB of ints). About 400,000 pattern bytes of plain words; a
    /// patterns file that needs more is refused rather than slowing every filtered request's start.
    /// </summary>
    public const long MaxTableEntries = 16L * 1024 * 1024;

    private readonly int[] _next;
    private readonly byte[] _classOf;
    private readonly int[] _patternOfMatchState;
    private readonly int _classCount;

    private PatternAutomaton(int[] next, byte[] classOf, int classCount, int firstMatchState, int[] patternOfMatchState)
    {
        _next = next;
        _classOf = classOf;
        _classCount = classCount;
        FirstMatchState = firstMatchState;
        _patternOfMatchState = patternOfMatchState;
    }

    /// <summary>The start state (premultiplied, like every state).</summary>
    public const int Start = 0;

    /// <summary>Every state at or above this one has just seen the end of a pattern.</summary>
    public int FirstMatchState { get; }

    /// <summary>Transitions, indexed by state + class of the byte.</summary>
    internal int[] Next => _next;

    /// <summary>The byte class of each byte value (upper- and lower-case ASCII letters share one).</summary>
    internal byte[] ClassOf => _classOf;

    public int StateCount => _next.Length / _classCount;

    public int ClassCount => _classCount;

    /// <summary>The smallest index of the patterns that end at a matching state.</summary>
    public int PatternAt(int matchState) => _patternOfMatchState[(matchState - FirstMatchState) / _classCount];

    /// <summary>The index of the pattern whose end comes first in <paramref name="text"/> (lowest index on a tie), or -1.</summary>
    public int FindFirst(ReadOnlySpan<byte> text)
    {
        // Refs skip the bounds checks: the table is closed under its transitions by construction.
        ref int next = ref MemoryMarshal.GetArrayDataReference(_next);
        ref byte classOf = ref MemoryMarshal.GetArrayDataReference(_classOf);
        int firstMatch = FirstMatchState;
        int state = Start;
        foreach (byte b in text)
        {
            state = Unsafe.Add(ref next, state + Unsafe.Add(ref classOf, b));
            if (state >= firstMatch)
            {
                return PatternAt(state);
            }
        }

        return -1;
    }

    /// <summary>Compiles the patterns. None may be empty.</summary>
    /// <exception cref="AdapterOptionException">The table would exceed <see cref="MaxTableEntries"/>.</exception>
    public static PatternAutomaton Build(IReadOnlyList<byte[]> patterns)
    {
        byte[] classOf = new byte[256];
        int classCount = 1;
        long totalBytes = 0;
        foreach (byte[] pattern in patterns)
        {
            if (pattern.Length == 0)
            {
                throw new ArgumentException("a pattern may not be empty", nameof(patterns));
            }

            totalBytes += pattern.Length;
            foreach (byte raw in pattern)
            {
                byte b = Fold(raw);
                // At most 230 folded byte values exist, so the class always fits in a byte.
                if (classOf[b] == 0)
                {
                    byte cls = (byte)classCount++;
                    classOf[b] = cls;
                    if (b is >= (byte)'a' and <= (byte)'z')
                    {
                        classOf[b - 32] = cls;
                    }
                }
            }
        }

        // The trie has at most one state per pattern byte, plus the root: the bound is known
        // before building, so the table is one allocation.
        long maxStates = totalBytes + 1;
        if (maxStates * classCount > MaxTableEntries)
        {
            throw new AdapterOptionException(
                $"the patterns are too large: {patterns.Count} patterns of {totalBytes} bytes in all would need a " +
                $"{maxStates * classCount * sizeof(int) / (1024 * 1024)} MiB automaton (limit {MaxTableEntries * sizeof(int) / (1024 * 1024)} MiB)");
        }

        var trie = new int[maxStates * classCount];
        Array.Fill(trie, -1);
        var ownPattern = new int[maxStates];
        Array.Fill(ownPattern, -1);
        int states = 1;
        for (int index = 0; index < patterns.Count; index++)
        {
            int state = 0;
            foreach (byte b in patterns[index])
            {
                int slot = state * classCount + classOf[b];
                if (trie[slot] < 0)
                {
                    trie[slot] = states++;
                }

                state = trie[slot];
            }

            if (ownPattern[state] < 0)
            {
                ownPattern[state] = index; // a duplicate keeps the first index
            }
        }

        // Breadth-first: a state's failure state is shallower, hence finished, when it is reached.
        var match = new int[states];
        var fail = new int[states];
        var queue = new int[states];
        int head = 0;
        int tail = 0;
        match[0] = -1;
        for (int c = 0; c < classCount; c++)
        {
            int child = trie[c];
            if (child < 0)
            {
                trie[c] = 0;
            }
            else
            {
                fail[child] = 0;
                match[child] = ownPattern[child];
                queue[tail++] = child;
            }
        }

        while (head < tail)
        {
            int state = queue[head++];
            int row = state * classCount;
            int failRow = fail[state] * classCount;
            for (int c = 0; c < classCount; c++)
            {
                int child = trie[row + c];
                if (child < 0)
                {
                    trie[row + c] = trie[failRow + c];
                }
                else
                {
                    int childFail = trie[failRow + c];
                    fail[child] = childFail;
                    int inherited = match[childFail];
                    int own = ownPattern[child];
                    match[child] = own < 0 ? inherited : inherited < 0 ? own : Math.Min(own, inherited);
                    queue[tail++] = child;
                }
            }
        }

        // Renumber: non-matching states first (the root stays 0), matching states last.
        var newId = new int[states];
        int nonMatching = 0;
        for (int s = 0; s < states; s++)
        {
            if (match[s] < 0)
            {
                newId[s] = nonMatching++;
            }
        }

        int matching = nonMatching;
        var patternOfMatchState = new int[states - nonMatching];
        for (int s = 0; s < states; s++)
        {
            if (match[s] >= 0)
            {
                patternOfMatchState[matching - nonMatching] = match[s];
                newId[s] = matching++;
            }
        }

        var next = new int[states * classCount];
        for (int s = 0; s < states; s++)
        {
            int from = s * classCount;
            int to = newId[s] * classCount;
            for (int c = 0; c < classCount; c++)
            {
                next[to + c] = newId[trie[from + c]] * classCount;
            }
        }

        return new PatternAutomaton(next, classOf, classCount, nonMatching * classCount, patternOfMatchState);
    }

    private static byte Fold(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
}
