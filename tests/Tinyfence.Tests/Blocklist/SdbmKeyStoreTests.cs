using System.Text;
using Tinyfence.Blocklist;

namespace Tinyfence.Tests.Blocklist;

/// <summary>
/// How the writer holds its keys between Add and Commit: every key reads back as the text added,
/// in the order added, across blocks; only canonical IPv4 text is packed.
/// </summary>
public sealed class SdbmKeyStoreTests
{
    [Fact]
    public void APackedAddressReadsBackAsItsTextAndOtherTextStaysText()
    {
        Span<byte> record = stackalloc byte[SdbmKeyRecords.MaxRecordLength];
        Span<byte> scratch = stackalloc byte[SdbmKeyRecords.MaxAddressLength];
        foreach ((string key, bool packed) in Keys())
        {
            int length = SdbmKeyRecords.Write(Encoding.ASCII.GetBytes(key), record);
            int offset = 0;
            Assert.Equal(key, Encoding.ASCII.GetString(SdbmKeyRecords.Read(record, ref offset, scratch)));
            Assert.Equal((length, packed), (offset, record[0] == 0));
        }
    }

    [Fact]
    public void KeysReadBackInTheOrderAddedAcrossBlocksAndAfterAClear()
    {
        var store = new SdbmKeyStore();
        // 20,000 addresses of 5 bytes and 5,000 of 40: several blocks, records never split.
        List<string> keys = [.. TestKeys.IPv4(20_000, seed: 1), .. TestKeys.LongIPv6(5_000, seed: 2), .. Keys().Select(k => k.Key)];
        Span<byte> scratch = stackalloc byte[SdbmKeyRecords.MaxAddressLength];
        Span<byte> again = stackalloc byte[SdbmKeyRecords.MaxAddressLength];
        for (int round = 0; round < 2; round++)
        {
            store.Clear();
            foreach (string key in keys)
            {
                store.Add(Encoding.ASCII.GetBytes(key));
            }

            int read = 0;
            for (int handle = 0, next = 0; store.TryRead(ref next, scratch, out ReadOnlySpan<byte> key); handle = next, read++)
            {
                Assert.Equal(keys[read], Encoding.ASCII.GetString(key));
                Assert.True(key.SequenceEqual(store.At(handle, again)));
            }

            Assert.Equal(keys.Count, read);
            keys.Reverse();
        }
    }

    // Texts that look like addresses but are not canonical ones stay text: packed, they would read
    // back as another key.
    private static IEnumerable<(string Key, bool Packed)> Keys() =>
    [
        ("0.0.0.0", true), ("255.255.255.255", true), ("1.2.3.4", true), ("10.0.0.10", true), ("100.200.30.4", true),
        ("01.2.3.4", false), ("1.2.3.04", false), ("1.2.3.00", false), ("256.1.1.1", false), ("1.2.3.256", false),
        ("1.2.3", false), ("1.2.3.4.5", false), ("1..2.3", false), (".1.2.3", false), ("1.2.3.", false), ("1.2.3.4 ", false),
        ("1111.2.3.4", false), ("a", false), ("::1", false), ("2001:db8::1", false), ("::ffff:192.0.2.1", false),
        (new string('x', SdbmMapWriter.MaxKeyLength), false), ("12345678901234567", false),
    ];
}
