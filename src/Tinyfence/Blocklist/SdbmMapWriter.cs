using Tinyfence.Interop;

namespace Tinyfence.Blocklist;

/// <summary>
/// Writes an apr-util SDBM map (<c>BASE.dir</c> + <c>BASE.pag</c>) for Apache's
/// <c>RewriteMap NAME dbm=sdbm:BASE</c>: every key added maps to one value (<c>BLOCK</c>).
/// Use: <see cref="Begin"/>, <see cref="Add"/> per key, <see cref="Commit"/>. Not thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// Replacement without a helper process or lock: mod_rewrite opens <c>BASE.dir</c>, then
/// <c>BASE.pag</c>, for every lookup, so swapping two files by two renames cannot be atomic. The
/// writer therefore keeps <c>BASE.dir</c> the same across commits: it always describes the complete
/// tree of one depth d (the key's page is <c>hash &amp; (2^d - 1)</c>), and only <c>BASE.pag</c> is
/// rewritten, into a temporary file that is fsync'd and renamed over the old one. A reader gets
/// either page file whole, and either one is consistent with the directory.
/// </para>
/// <para>
/// The depth never shrinks while the writer lives. When it must grow from d to d' the commit writes
/// a transitional page file valid for both trees: page p &lt; 2^d holds every key whose hash ends in
/// p (the old layout, a superset of new page p), pages from 2^d up hold the new layout; then the new
/// <c>BASE.dir</c> is renamed into place. A reader that opened the old directory and the new page file
/// still finds every key, unless an old-layout page overflows (<see cref="SdbmCommitResult.OldLayoutMisses"/>);
/// such a key reads as absent for that one lookup (fail-open). Growth starts when the fullest page
/// is three quarters full, so the old layout normally still fits. The same transition, read from the existing
/// <c>BASE.dir</c>, handles a daemon restart whose first map is smaller or larger than the last one.
/// </para>
/// <para>
/// mod_rewrite caches lookups per child process under the newer of the two files' mtimes. The
/// writer gives every page file an mtime later than any it wrote before (to the microsecond, the
/// resolution apr_stat reports), and the directory file mtime 0, so a directory written later, or a
/// clock stepped back, can never freeze that cache key. After a new directory moves into place the
/// page file is stamped again, later still: answers cached by a lookup that paired the new page
/// file with the old directory are flushed, not kept until the next rewrite.
/// </para>
/// </remarks>
public sealed partial class SdbmMapWriter
{
    public const int MaxKeyLength = 255;
    public const int MaxValueLength = 255;

    /// <summary>2^16 pages, a 64 MiB page file: room for about 1.4 million IPv4 keys at half fill.</summary>
    public const int DefaultMaxDepth = 16;

    /// <summary>Largest accepted maxDepth: 2^24 pages of 1 KiB already make a 16 GiB file.</summary>
    public const int MaxDepthLimit = 24;

    // Depth from the key bytes alone: the shallowest tree whose average page is at most half full.
    private const int AverageFillLimit = SdbmFormat.PageCapacity / 2;

    // sdbm's hash spreads address text unevenly over its low bits (only the low bits of each
    // character count, and digits differ in four): the fullest page holds 2.5 to 3 times the
    // average, so the tree goes this many levels past the average-based depth for its fullest page.
    // Past that, keys whose hashes collide in many low bits (crafted addresses) are dropped rather
    // than let a few dozen of them force the deepest tree and its file size.
    private const int SkewDepthAllowance = 3;

    // Grow while the fullest page is above three quarters full. At the commit that grows, the old
    // layout then still fits in its pages (unless the key set jumped), which makes the transitional
    // page file complete for readers of the old directory; and the set can grow by about a third
    // before the next growth.
    private const int FullestPageLimit = SdbmFormat.PageCapacity * 3 / 4;

    private readonly byte[] _value;
    private readonly int _maxDepth;

    // The keys since Begin, in the order added. Nothing else is kept per key: a key's hash is
    // computed again where it is needed, some 40 ms more CPU a commit of 100,000 keys for 0.4 MB
    // less held for as long as the daemon runs.
    private readonly SdbmKeyStore _keys = new();
    private int _count;
    private long _pairBytes;

    // Counting sort of the keys by page: _bucketStart[p] .. _bucketStart[p + 1] index into _order,
    // which holds their handles in _keys.
    private int[] _bucketStart = new int[2];
    private int[] _order = new int[1024];

    // Depth chosen by the last commit of this writer; -1 before the first.
    private int _depth = -1;

    /// <param name="basePath">The map's path without extension, as in <c>dbm=sdbm:BASE</c>.</param>
    /// <param name="value">The value of every key (<c>BLOCK</c>), 1 to <see cref="MaxValueLength"/> bytes.</param>
    /// <param name="fileMode">Permission bits of both files (Apache's user must be able to read them).</param>
    /// <param name="maxDepth">Deepest tree to write (see <see cref="DefaultMaxDepth"/>).</param>
    public SdbmMapWriter(string basePath, ReadOnlySpan<byte> value, int fileMode = 0x1A4 /* 0644 */, int maxDepth = DefaultMaxDepth)
    {
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        if (value.IsEmpty || value.Length > MaxValueLength)
        {
            BlocklistThrowHelper.ThrowBadValueLength(value.Length);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDepth, MaxDepthLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(fileMode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fileMode, 0xFFF);

        BasePath = basePath;
        _value = value.ToArray();
        _maxDepth = maxDepth;
        _fileMode = (uint)fileMode;
        _dirPath = Libc.NullTerminated(basePath + ".dir");
        _pagPath = Libc.NullTerminated(basePath + ".pag");
        _dirTempPath = Libc.NullTerminated(basePath + ".dir.tmp");
        _pagTempPath = Libc.NullTerminated(basePath + ".pag.tmp");
        _folderPath = Libc.NullTerminated(Path.GetDirectoryName(Path.GetFullPath(basePath)) ?? "/");
        ReadExistingMap(basePath);
    }

    public string BasePath { get; }

    /// <summary>Keys added since <see cref="Begin"/>.</summary>
    public int Count => _count;

    /// <summary>Depth of the tree this writer last committed, -1 before its first commit.</summary>
    public int Depth => _depth;

    /// <summary>Starts a new key set; the map on disk is untouched until <see cref="Commit"/>.</summary>
    public void Begin()
    {
        _count = 0;
        _keys.Clear();
        _pairBytes = 0;
    }

    /// <summary>
    /// Adds a key (canonical address text): 1 to <see cref="MaxKeyLength"/> ASCII bytes, no NUL.
    /// Keys must be distinct; a repeated key is stored twice, which wastes room but reads the same.
    /// </summary>
    public void Add(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            BlocklistThrowHelper.ThrowBadKeyLength(key.Length);
        }

        int bad = key.IndexOfAnyExceptInRange((byte)0x01, (byte)0x7F);
        if (bad >= 0)
        {
            BlocklistThrowHelper.ThrowBadKeyByte(key[bad]);
        }

        _keys.Add(key);
        _pairBytes += SdbmFormat.PairCost(key.Length, _value.Length);
        _count++;
    }

    /// <summary>
    /// Writes the keys added since <see cref="Begin"/> as the new map and moves it into place.
    /// Throws <see cref="IOException"/> when a file cannot be written; the previous map then stays.
    /// </summary>
    public SdbmCommitResult Commit()
    {
        int depth = ChooseDepth();
        int oldDepth = _diskDepth;
        bool transition = oldDepth >= 0 && oldDepth != depth;
        int highDepth = transition ? Math.Max(oldDepth, depth) : depth;
        int lowDepth = transition ? Math.Min(oldDepth, depth) : depth;

        SortIntoBuckets(highDepth);
        // Growing: readers still holding the old directory read the low-layout pages, and may
        // pair them with this page file. Keys the old page file already had go in first there.
        PageCounts placed = WritePageFile(highDepth, lowDepth, preferOldKeys: transition && oldDepth < depth);
        bool directoryRewritten = oldDepth != depth;
        if (directoryRewritten)
        {
            // After the page file, never before: a reader that sees the new directory then opens
            // this page file (or a later one), never one written for another tree.
            WriteDirectoryFile(depth);
            // A reader that stat'ed the page file, then opened the old directory, cached its
            // answers (a miss, when the old layout overflowed) under the page file's mtime, and
            // the new directory (mtime 0) does not change that key: a later mtime flushes them.
            // Whoever sees it stat'ed after the directory moved, so opens the new one.
            StampPageFile();
        }

        SyncFolder();
        _diskDepth = depth;
        _depth = depth;

        int keys = depth == highDepth ? placed.InOwnPage : placed.InLowPage;
        int oldLayoutKeys = oldDepth == highDepth ? placed.InOwnPage : placed.InLowPage;
        int pages = 1 << highDepth;
        return new SdbmCommitResult(
            Keys: keys,
            DroppedKeys: _count - keys,
            Pages: pages,
            Depth: depth,
            PageFileBytes: (long)pages * SdbmFormat.PageSize,
            DirectoryRewritten: directoryRewritten,
            OldLayoutMisses: transition ? _count - oldLayoutKeys : 0);
    }

    private int ChooseDepth()
    {
        int needed = 0;
        while (needed < _maxDepth && _pairBytes > (1L << needed) * AverageFillLimit)
        {
            needed++;
        }

        int limit = Math.Min(_maxDepth, needed + SkewDepthAllowance);
        int depth = Math.Max(_depth, needed);
        while (depth < limit && FullestPage(depth) > FullestPageLimit)
        {
            depth++;
        }

        return depth;
    }

    private int FullestPage(int depth)
    {
        int pages = 1 << depth;
        EnsureBuckets(pages);
        Span<int> load = _bucketStart.AsSpan(0, pages);
        load.Clear();
        uint mask = (uint)pages - 1;
        int fullest = 0;
        Span<byte> scratch = stackalloc byte[SdbmKeyRecords.MaxAddressLength];
        for (int handle = 0; _keys.TryRead(ref handle, scratch, out ReadOnlySpan<byte> key);)
        {
            ref int page = ref load[(int)(SdbmFormat.Hash(key) & mask)];
            page += SdbmFormat.PairCost(key.Length, _value.Length);
            fullest = Math.Max(fullest, page);
        }

        return fullest;
    }

    private void SortIntoBuckets(int depth)
    {
        int pages = 1 << depth;
        EnsureBuckets(pages);
        if (_order.Length < _count)
        {
            // A quarter to spare, not double: the array is held for as long as the writer lives.
            _order = new int[_count + (_count / 4)];
        }

        Span<int> start = _bucketStart.AsSpan(0, pages + 1);
        start.Clear();
        uint mask = (uint)pages - 1;
        Span<byte> scratch = stackalloc byte[SdbmKeyRecords.MaxAddressLength];
        for (int handle = 0; _keys.TryRead(ref handle, scratch, out ReadOnlySpan<byte> key);)
        {
            start[(int)(SdbmFormat.Hash(key) & mask) + 1]++;
        }

        for (int p = 1; p <= pages; p++)
        {
            start[p] += start[p - 1];
        }

        // Front to back, so each bucket keeps the order of Add; start[p] is bucket p's next free
        // index, and ends as bucket p + 1's first.
        for (int handle = 0, next = 0; _keys.TryRead(ref next, scratch, out ReadOnlySpan<byte> key); handle = next)
        {
            _order[start[(int)(SdbmFormat.Hash(key) & mask)]++] = handle;
        }

        start[..pages].CopyTo(start[1..]);
        start[0] = 0;
    }

    private void EnsureBuckets(int pages)
    {
        if (_bucketStart.Length < pages + 1)
        {
            _bucketStart = new int[pages + 1];
        }
    }

    /// <summary>
    /// Builds page <paramref name="page"/> of a file of 2^high pages, valid for trees of depth low
    /// and high. <paramref name="oldPage"/> (growth only, else empty): what the page file being
    /// replaced holds at this page for readers of the old directory.
    /// </summary>
    private void BuildPage(Span<byte> target, int page, int highDepth, int lowDepth, ReadOnlySpan<byte> oldPage, ref PageCounts counts)
    {
        target.Clear();
        int lowPages = 1 << lowDepth;
        int highPages = 1 << highDepth;

        // The key's own bucket first: it belongs here in both layouts when page < 2^low.
        int placed = PutBucket(target, page, oldPage, KeyFilter.Any);
        counts.InOwnPage += placed;
        if (page < lowPages)
        {
            counts.InLowPage += placed;
            if (oldPage.IsEmpty)
            {
                for (int other = page + lowPages; other < highPages; other += lowPages)
                {
                    counts.InLowPage += PutBucket(target, other, oldPage, KeyFilter.Any);
                }

                return;
            }

            // When a jump in the key set overflows the old layout, the keys it drops should be the
            // new ones (a reader of the old directory then sees the previous map for them), never
            // keys blocked before and after the commit.
            for (int other = page + lowPages; other < highPages; other += lowPages)
            {
                counts.InLowPage += PutBucket(target, other, oldPage, KeyFilter.InOldPage);
            }

            for (int other = page + lowPages; other < highPages; other += lowPages)
            {
                counts.InLowPage += PutBucket(target, other, oldPage, KeyFilter.NotInOldPage);
            }
        }
    }

    private int PutBucket(Span<byte> target, int bucket, ReadOnlySpan<byte> oldPage, KeyFilter filter)
    {
        int placed = 0;
        Span<byte> scratch = stackalloc byte[SdbmKeyRecords.MaxAddressLength];
        for (int j = _bucketStart[bucket]; j < _bucketStart[bucket + 1]; j++)
        {
            ReadOnlySpan<byte> key = _keys.At(_order[j], scratch);
            if (filter != KeyFilter.Any && SdbmPage.TryFind(oldPage, key, out _) != (filter == KeyFilter.InOldPage))
            {
                continue;
            }

            if (SdbmPage.TryPut(target, key, _value))
            {
                placed++;
            }
        }

        return placed;
    }

    private enum KeyFilter
    {
        Any,
        InOldPage,
        NotInOldPage,
    }

    private struct PageCounts
    {
        // Keys placed in the page of the deeper tree (their bucket).
        public int InOwnPage;

        // Keys placed in the page of the shallower tree (bucket mod 2^low); equal to InOwnPage without a transition.
        public int InLowPage;
    }
}
