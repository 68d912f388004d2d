using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Adapters;
using Tinyfence.Protocol;
using Tinyfence.Table;

namespace Tinyfence.Bench;

/// <summary>
/// The score table driven in process, one thread: operations per second, nanoseconds and bytes
/// allocated per operation, for the table's own operations, the adapters' read path (a shared
/// view of the table's file), the map adapter's whole answer (parse, view, verdict) and the
/// daemon's dispatcher (one protocol line in, one reply out). A <see cref="Dictionary{TKey, TValue}"/>
/// of the same keys is the peer for Hit and Get, in the same run. Keys are 100,000 IPv4 addresses
/// spread over 10/8 as the Apache bench's are, visited in a shuffled order.
/// </summary>
internal static class TableBench
{
    private const int Capacity = 200_000;
    private const int KeyCount = 100_000;
    private const int Rounds = 5;
    private const int OpsPerRound = 1_000_000;

    // The dispatcher's reply buffer, reused as a session's is.
    private static readonly ArrayBufferWriter<byte> s_reply = new(4096);

    public static void Run()
    {
        string dir = Directory.CreateTempSubdirectory("tf-table-bench-").FullName;
        try
        {
            Run(dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Run(string dir)
    {
        var spec = new TableSpec("spam", Capacity, DecayPoints: 3, DecayPeriodSeconds: 86_400, BlockAbove: 15, IPv6PrefixBits: 128);
        string viewPath = Path.Combine(dir, "spam.table");
        using ScoreTable table = ScoreTable.CreateShared(spec, viewPath, (UnixFileMode)0b110_100_100);
        IpKey[] keys = Keys(KeyCount, first: 10, shuffleSeed: 1);
        IpKey[] absent = Keys(KeyCount, first: 11, shuffleSeed: 2);
        uint now = table.Now;
        foreach (IpKey key in keys)
        {
            table.Hit(key, 1, now);
        }

        using TableView view = TableView.TryOpen(viewPath) ?? throw new InvalidOperationException($"cannot open {viewPath}");

        long dictionaryBefore = GC.GetAllocatedBytesForCurrentThread();
        var dictionary = new Dictionary<IpKey, int>(Capacity);
        foreach (IpKey key in keys)
        {
            dictionary[key] = 1;
        }

        long dictionaryBytes = GC.GetAllocatedBytesForCurrentThread() - dictionaryBefore;

        var dispatcher = new RequestDispatcher();
        dispatcher.UseTables([table]);
        Lines hitLines = Lines.Of("HIT spam ", keys);
        Lines checkLines = Lines.Of("CHECK spam ", keys);
        Lines mapKeys = Lines.Of("", keys);
        using var map = new RewriteMapProgram(MapOperation.Check, "spam", viewPath, Path.Combine(dir, "none.sock"), "NULL", hitBlocked: 0, points: 1);

        Console.WriteLine(Invariant(
            $"Score table in process (JIT, Release, one thread): capacity {Capacity:N0} ({table.SlotCount:N0} slots), {KeyCount:N0} IPv4 keys in a shuffled order; median of {Rounds} rounds of {OpsPerRound:N0} operations (Delete: the {KeyCount:N0} keys, put back between rounds). bytes/op: allocated on the thread over all rounds."));
        Console.WriteLine();
        Console.WriteLine("| operation | ops/s | ns/op median (min) | bytes/op | Dictionary<IpKey,int> ns/op median (min) | bytes/op | table / Dictionary, medians |");
        Console.WriteLine("|---|---|---|---|---|---|---|");

        Row("ScoreTable.Hit (existing key, +1)", Measure(n => Hit(table, keys, now, n)),
            Measure(n => DictionaryHit(dictionary, keys, n)));
        Row("ScoreTable.Get (present)", Measure(n => Get(table, keys, now, n)),
            Measure(n => DictionaryGet(dictionary, keys, n)));
        Row("ScoreTable.Get (absent)", Measure(n => Get(table, absent, now, n)),
            Measure(n => DictionaryGet(dictionary, absent, n)));
        using (ScoreTable heap = ScoreTable.CreatePrivate(spec))
        {
            foreach (IpKey key in keys)
            {
                heap.Hit(key, 1, now);
            }

            // The same table in private memory (no file behind it): what the shared mapping costs.
            Row("ScoreTable.Get (present), private memory", Measure(n => Get(heap, keys, now, n)), null);
        }

        Row("ScoreTable.Set (existing key)", Measure(n => Set(table, keys, now, n)), null);
        Row("ScoreTable.Delete (present; put back between rounds)", Measure(_ => Delete(table, keys), KeyCount, () => Refill(table, keys, now)), null);
        IpKey[] newcomers = Keys(Capacity, first: 12, shuffleSeed: 3);
        using (ScoreTable filled = ScoreTable.CreatePrivate(spec))
        {
            Row("ScoreTable.Hit (new key: an empty table filled to capacity; emptied between rounds)",
                Measure(_ => Fill(filled, newcomers, now), Capacity, () => Delete(filled, newcomers)), null);
            Fill(filled, newcomers, now);
            TableStats full = filled.Stats;
            Console.WriteLine(Invariant(
                $"| (filled to capacity: entries={full.Entries:N0} evictions={full.Evictions:N0}, longest probe {filled.LongestProbe} slots) | | | | | | |"));
        }

        Row("TableView.TryGetScore (present), view.Now each", Measure(n => ViewGet(view, keys, n)), null);
        Row("TableView.TryGetScore (absent), view.Now each", Measure(n => ViewGet(view, absent, n)), null);
        Row("map: RewriteMapProgram.Answer (parse, view, verdict)", Measure(n => MapAnswer(map, mapKeys, n)), null);
        Row("RequestDispatcher.Handle \"HIT spam 10.x.y.z\"", Measure(n => Dispatch(dispatcher, hitLines, n)), null);
        Row("RequestDispatcher.Handle \"CHECK spam 10.x.y.z\"", Measure(n => Dispatch(dispatcher, checkLines, n)), null);

        long slotBytes = (long)table.SlotCount * 32;
        long fileBytes = new FileInfo(viewPath).Length;
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"Memory: {table.SlotCount:N0} slots x 32 bytes + 128-byte header = {slotBytes + 128:N0} bytes (MemoryBytes {table.MemoryBytes:N0}): {(slotBytes + 128) / (double)Capacity:0.0} bytes per declared entry (capacity {Capacity:N0}), 32 per slot; the view file {Path.GetFileName(viewPath)} is {fileBytes:N0} bytes."));
        Console.WriteLine(Invariant(
            $"Peer: Dictionary<IpKey,int> created with the same capacity and filled with the same keys: {dictionaryBytes:N0} bytes allocated ({dictionaryBytes / (double)Capacity:0.0} per declared entry), on the GC heap."));
        GC.KeepAlive(dictionary);
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static void Row(string name, Figures table, Figures? peer)
    {
        string peerText = peer is { } p
            ? string.Create(CultureInfo.InvariantCulture, $"{p.NsPerOp:0.0} ({p.MinNsPerOp:0.0}) | {p.BytesPerOp:0.##} | {table.NsPerOp / p.NsPerOp:0.00}")
            : "- | - | -";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {1e9 / table.NsPerOp / 1e6:0.00}M | {table.NsPerOp:0.0} ({table.MinNsPerOp:0.0}) | {table.BytesPerOp:0.##} | {peerText} |"));
    }

    private readonly record struct Figures(double NsPerOp, double MinNsPerOp, double BytesPerOp);

    /// <summary>
    /// Warms up (tiering) for a while, then times <see cref="Rounds"/> rounds; <paramref name="round"/>
    /// returns a checksum; <paramref name="between"/> runs untimed after each round (and is not
    /// counted in bytes either).
    /// </summary>
    private static Figures Measure(Func<int, long> round, int opsPerRound = OpsPerRound, Action? between = null)
    {
        long sink = 0;
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 300)
        {
            sink += round(opsPerRound / 10);
            between?.Invoke();
        }

        var ns = new double[Rounds];
        long allocated = 0;
        for (int r = 0; r < Rounds; r++)
        {
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            long start = Stopwatch.GetTimestamp();
            sink += round(opsPerRound);
            ns[r] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / opsPerRound;
            allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            between?.Invoke();
        }

        GC.KeepAlive(sink);
        Array.Sort(ns);
        return new Figures(ns[Rounds / 2], ns[0], allocated / (double)(Rounds * (long)opsPerRound));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Hit(ScoreTable table, IpKey[] keys, uint now, int ops)
    {
        long sum = 0;
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == keys.Length ? 0 : k + 1)
        {
            sum += table.Hit(keys[k], 1, now);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Get(ScoreTable table, IpKey[] keys, uint now, int ops)
    {
        long sum = 0;
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == keys.Length ? 0 : k + 1)
        {
            sum += table.Get(keys[k], now);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Set(ScoreTable table, IpKey[] keys, uint now, int ops)
    {
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == keys.Length ? 0 : k + 1)
        {
            table.Set(keys[k], 5 + (i & 7), now);
        }

        return ops;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Delete(ScoreTable table, IpKey[] keys)
    {
        long deleted = 0;
        foreach (IpKey key in keys)
        {
            deleted += table.Delete(key) ? 1 : 0;
        }

        return deleted;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Fill(ScoreTable table, IpKey[] keys, uint now)
    {
        long sum = 0;
        foreach (IpKey key in keys)
        {
            sum += table.Hit(key, 20, now);
        }

        return sum;
    }

    private static void Refill(ScoreTable table, IpKey[] keys, uint now)
    {
        foreach (IpKey key in keys)
        {
            table.Set(key, 1, now);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long ViewGet(TableView view, IpKey[] keys, int ops)
    {
        long sum = 0;
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == keys.Length ? 0 : k + 1)
        {
            view.TryGetScore(keys[k], view.Now, out int score);
            sum += score;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long MapAnswer(RewriteMapProgram map, Lines keys, int ops)
    {
        Span<byte> answer = stackalloc byte[64];
        long sum = 0;
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == keys.Count ? 0 : k + 1)
        {
            sum += map.Answer(keys[k], answer);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Dispatch(RequestDispatcher dispatcher, Lines lines, int ops)
    {
        ArrayBufferWriter<byte> reply = s_reply;
        var session = default(SessionState);
        long sum = 0;
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == lines.Count ? 0 : k + 1)
        {
            dispatcher.Handle(lines[k], reply, ref session);
            if (reply.FreeCapacity < 256)
            {
                sum += reply.WrittenCount;
                reply.ResetWrittenCount();
            }
        }

        return sum + reply.WrittenCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long DictionaryHit(Dictionary<IpKey, int> dictionary, IpKey[] keys, int ops)
    {
        long sum = 0;
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == keys.Length ? 0 : k + 1)
        {
            ref int score = ref CollectionsMarshal.GetValueRefOrAddDefault(dictionary, keys[k], out _);
            sum += ++score;
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long DictionaryGet(Dictionary<IpKey, int> dictionary, IpKey[] keys, int ops)
    {
        long sum = 0;
        for (int i = 0, k = 0; i < ops; i++, k = k + 1 == keys.Length ? 0 : k + 1)
        {
            sum += dictionary.TryGetValue(keys[k], out int score) ? score : 0;
        }

        return sum;
    }

    /// <summary>Distinct addresses first.x.y.z (i × 7919 mod 2^24, as the Apache bench's wrk script), shuffled.</summary>
    private static IpKey[] Keys(int count, int first, int shuffleSeed)
    {
        var keys = new IpKey[count];
        Span<byte> text = stackalloc byte[16];
        for (int i = 0; i < count; i++)
        {
            int x = (int)((long)i * 7919 % 16_777_216);
            int length = Encoding.ASCII.GetBytes($"{first}.{x >> 16}.{(x >> 8) & 255}.{x & 255}", text);
            if (!IpKey.TryParse(text[..length], out keys[i]))
            {
                throw new InvalidOperationException("bad key");
            }
        }

        new Random(shuffleSeed).Shuffle(keys);
        return keys;
    }

    /// <summary>Text lines in one buffer (no per-line array), e.g. "HIT spam 10.1.2.3".</summary>
    private sealed class Lines
    {
        private readonly byte[] _bytes;
        private readonly int[] _starts;

        private Lines(byte[] bytes, int[] starts)
        {
            _bytes = bytes;
            _starts = starts;
        }

        public int Count => _starts.Length - 1;

        public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(_starts[index], _starts[index + 1] - _starts[index]);

        public static Lines Of(string prefix, IpKey[] keys)
        {
            var bytes = new List<byte>();
            var starts = new int[keys.Length + 1];
            Span<byte> address = stackalloc byte[IpKey.MaxTextLength];
            for (int i = 0; i < keys.Length; i++)
            {
                starts[i] = bytes.Count;
                bytes.AddRange(Encoding.ASCII.GetBytes(prefix));
                bytes.AddRange(address[..keys[i].Format(address)]);
            }

            starts[keys.Length] = bytes.Count;
            return new Lines([.. bytes], starts);
        }
    }
}
