using System.Text;
using Tinyfence.Blocklist;

namespace Tinyfence.Tests.Blocklist;

/// <summary>
/// The writer holding its keys as records (SdbmKeyRecords) writes the same .dir and .pag bytes,
/// and reports the same figures, as the writer that held every key's text, start, length and
/// hash in arrays (ArraySdbmMapWriter), commit after commit: growth, jumps, shrinking, restarts.
/// </summary>
public sealed class SdbmMapWriterIdentityTests : IDisposable
{
    private static readonly byte[] s_value = "BLOCK"u8.ToArray();

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("tinyfence-sdbm-same-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void EveryCommitWritesTheSameFilesAsTheArrayWriter()
    {
        string records = Path.Combine(_folder.FullName, "records");
        string arrays = Path.Combine(_folder.FullName, "arrays");
        List<string> many = TestKeys.IPv4(100_000, seed: 1);
        List<string>[] sets =
        [
            [],
            ["192.0.2.1"],
            TestKeys.IPv4(3_000, seed: 2),
            [.. many.Take(30_000)],                         // a jump: the old layout overflows
            [.. many.Take(40_000)],                         // growth by a third, at most one level each
            [.. many.Take(53_000)],
            [.. many.Take(70_000)],
            many,
            [.. many.Take(60_000)],                         // shrinking: the depth stays
            [.. many, .. TestKeys.IPv4(40_000, seed: 3)],   // growth by one level
            Mixed(),
            [.. TestKeys.LongIPv6(5_000, seed: 4), .. TestKeys.IPv4(5_000, seed: 5)],
            Colliding(),                                    // keys dropped
        ];

        var writer = new SdbmMapWriter(records, s_value);
        var reference = new ArraySdbmMapWriter(records.Replace("records", "arrays", StringComparison.Ordinal), s_value);
        var results = new List<SdbmCommitResult>();
        foreach (List<string> keys in sets)
        {
            results.Add(Commit(writer, keys));
            AssertSame(results[^1], Commit(reference, keys), records, arrays);
        }

        Assert.Contains(results, r => r.OldLayoutMisses > 0);
        Assert.Contains(results, r => r.DirectoryRewritten && r.OldLayoutMisses == 0 && r.Keys > 30_000);
        Assert.Contains(results, r => r.DroppedKeys > 0);

        // Restarts: a new writer finds a map of another depth, deeper and then shallower.
        foreach (List<string> keys in new[] { TestKeys.IPv4(200, seed: 6), TestKeys.IPv4(150_000, seed: 7) })
        {
            AssertSame(Commit(new SdbmMapWriter(records, s_value), keys), Commit(new ArraySdbmMapWriter(arrays, s_value), keys), records, arrays);
        }
    }

    [Fact]
    public void APackedAddressReadsBackAsItsText()
    {
        Span<byte> record = stackalloc byte[SdbmKeyRecords.MaxRecordLength];
        Span<byte> scratch = stackalloc byte[SdbmKeyRecords.MaxAddressLength];
        foreach (string key in Mixed())
        {
            byte[] text = Encoding.ASCII.GetBytes(key);
            int length = SdbmKeyRecords.Write(text, record);
            int offset = 0;
            Assert.Equal(key, Encoding.ASCII.GetString(SdbmKeyRecords.Read(record, ref offset, scratch)));
            Assert.Equal(length, offset);
            Assert.Equal(key.Split('.').Length == 4 && length == 5, record[0] == 0);
        }
    }

    // Texts that look like addresses but are not canonical ones stay text: packed, they would read
    // back as another key.
    private static List<string> Mixed() =>
    [
        "0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.0.10", "100.200.30.4",
        "01.2.3.4", "1.2.3.04", "1.2.3.00", "256.1.1.1", "1.2.3.256", "1.2.3", "1.2.3.4.5", "1..2.3",
        ".1.2.3", "1.2.3.", "1.2.3.4 ", "1111.2.3.4", "a", "::1", "2001:db8::1", "::ffff:192.0.2.1",
        new string('x', SdbmMapWriter.MaxKeyLength), "12345678901234567",
    ];

    // Addresses whose hashes share their low 14 bits.
    private static List<string> Colliding()
    {
        var colliding = new List<string>();
        var random = new Random(15);
        while (colliding.Count < 100)
        {
            string key = "2001:db8::" + random.Next(0x1000, 0x10000).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)
                + ":" + random.Next(0x1000, 0x10000).ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
            if ((SdbmFormat.Hash(Encoding.ASCII.GetBytes(key)) & 0x3FFF) == 0x5A5 && !colliding.Contains(key))
            {
                colliding.Add(key);
            }
        }

        return colliding;
    }

    private static SdbmCommitResult Commit(SdbmMapWriter writer, List<string> keys) => TestKeys.Write(writer, keys);

    private static SdbmCommitResult Commit(ArraySdbmMapWriter writer, List<string> keys)
    {
        writer.Begin();
        foreach (string key in keys)
        {
            writer.Add(Encoding.ASCII.GetBytes(key));
        }

        return writer.Commit();
    }

    private static void AssertSame(SdbmCommitResult result, SdbmCommitResult expected, string records, string arrays)
    {
        Assert.Equal(expected, result);
        Assert.True(File.ReadAllBytes(arrays + ".dir").AsSpan().SequenceEqual(File.ReadAllBytes(records + ".dir")), $".dir differs at {result}");
        Assert.True(File.ReadAllBytes(arrays + ".pag").AsSpan().SequenceEqual(File.ReadAllBytes(records + ".pag")), $".pag differs at {result}");
    }
}
