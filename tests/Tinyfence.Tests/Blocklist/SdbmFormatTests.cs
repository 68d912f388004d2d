using System.Buffers.Binary;
using System.Text;
using Tinyfence.Blocklist;

namespace Tinyfence.Tests.Blocklist;

/// <summary>The pure pieces of the SDBM format, against the rules of apr-util's sdbm_*.c.</summary>
public class SdbmFormatTests
{
    [Fact]
    public void HashIsThePolynomialOf65599OverTheKeyBytes()
    {
        Assert.Equal(0u, SdbmFormat.Hash(""u8));
        Assert.Equal(97u, SdbmFormat.Hash("a"u8));
        Assert.Equal(unchecked(98u + (65599u * 97u)), SdbmFormat.Hash("ab"u8));
        uint expected = 0;
        foreach (byte b in "2001:db8:1234:5678:9abc:def0:1234:5678"u8)
        {
            expected = unchecked((expected * 65599u) + b);
        }

        Assert.Equal(expected, SdbmFormat.Hash("2001:db8:1234:5678:9abc:def0:1234:5678"u8));
    }

    [Fact]
    public void PutPairPacksTheKeyAtThePageEndAndItsValueBelowIt()
    {
        byte[] page = new byte[SdbmFormat.PageSize];
        Assert.True(SdbmPage.TryPut(page, "k1"u8, "v"u8));
        Assert.True(SdbmPage.TryPut(page, "key2"u8, "val"u8));

        Assert.Equal(4, Short(page, 0));
        Assert.Equal(1022, Short(page, 1)); // "k1" at 1022..1024
        Assert.Equal(1021, Short(page, 2)); // "v" at 1021..1022
        Assert.Equal(1017, Short(page, 3)); // "key2" at 1017..1021
        Assert.Equal(1014, Short(page, 4)); // "val" at 1014..1017
        Assert.Equal("valkey2vk1", Encoding.ASCII.GetString(page, 1014, 10));
        Assert.True(SdbmPage.IsValid(page));
        Assert.True(SdbmPage.TryFind(page, "key2"u8, out ReadOnlySpan<byte> value));
        Assert.Equal("val", Encoding.ASCII.GetString(value));
        Assert.False(SdbmPage.TryFind(page, "k"u8, out _));
    }

    [Fact]
    public void PutPairRefusesAPairThatDoesNotFitAndLeavesThePageAsItWas()
    {
        byte[] page = new byte[SdbmFormat.PageSize];
        byte[] key = new byte[40];
        int pairs = 0;
        while (true)
        {
            BinaryPrimitives.WriteInt32LittleEndian(key, pairs);
            byte[] before = (byte[])page.Clone();
            if (!SdbmPage.TryPut(page, key, "BLOCK"u8))
            {
                Assert.Equal(before, page);
                break;
            }

            pairs++;
        }

        // 2 bytes of count, then 40 + 5 + 4 bytes per pair: 1022 / 49 = 20 pairs.
        Assert.Equal(20, pairs);
        Assert.Equal(20, SdbmPage.PairCount(page));
        Assert.True(SdbmPage.IsValid(page));
    }

    [Fact]
    public void AnAllZeroPageIsAValidEmptyPage()
    {
        // What apr-util reads past the end of BASE.pag: read_from zero-fills on EOF.
        byte[] page = new byte[SdbmFormat.PageSize];
        Assert.True(SdbmPage.IsValid(page));
        Assert.False(SdbmPage.TryFind(page, "1.2.3.4"u8, out _));
    }

    [Theory]
    [InlineData(-2, 0, 0, "a negative entry count")]
    [InlineData(514, 0, 0, "more offsets than a page can hold (n > PBLKSIZ / sizeof(short))")]
    [InlineData(2, 1025, 1000, "a key offset past the page end")]
    [InlineData(2, 1000, 1010, "a value offset above its key offset")]
    [InlineData(2, 1000, -1, "a negative value offset")]
    public void ChkpageRejects(int count, int keyOffset, int valueOffset, string why)
    {
        byte[] page = new byte[SdbmFormat.PageSize];
        BinaryPrimitives.WriteInt16LittleEndian(page, (short)count);
        BinaryPrimitives.WriteInt16LittleEndian(page.AsSpan(2), (short)keyOffset);
        BinaryPrimitives.WriteInt16LittleEndian(page.AsSpan(4), (short)valueOffset);
        Assert.False(SdbmPage.IsValid(page), why);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 4096)]
    [InlineData(9, 4096)]
    [InlineData(15, 4096)] // 2^15 - 1 bits fit in one 4096-byte block
    [InlineData(16, 8192)]
    [InlineData(20, 131072)]
    public void DirectoryFileIsWholeBlocks(int depth, int length) =>
        Assert.Equal(length, SdbmDirectory.FileLength(depth));

    [Fact]
    public void DirectoryOfDepthDSetsExactlyTheBitsOfNodesAboveTheLeaves()
    {
        for (int depth = 0; depth <= 17; depth++)
        {
            byte[] directory = new byte[SdbmDirectory.FileLength(depth)];
            SdbmDirectory.Write(directory, depth);
            for (long bit = 0; bit < (long)directory.Length * 8; bit++)
            {
                bool set = (directory[bit / 8] & (1 << (int)(bit % 8))) != 0;
                Assert.True(set == bit < (1L << depth) - 1, $"depth {depth}, bit {bit}");
            }

            Assert.Equal(depth, SdbmDirectory.ParseDepth(directory));
        }
    }

    [Fact]
    public void GetpageWalkOverACompleteTreeGivesTheLowBitsOfTheHash()
    {
        var random = new Random(7);
        for (int depth = 0; depth <= 16; depth++)
        {
            byte[] directory = new byte[SdbmDirectory.FileLength(depth)];
            SdbmDirectory.Write(directory, depth);
            for (int i = 0; i < 200; i++)
            {
                uint hash = (uint)random.NextInt64(0, 1L << 32);
                Assert.Equal(hash & ((1L << depth) - 1), SdbmDirectory.PageOf(hash, directory));
            }
        }
    }

    [Fact]
    public void ParseDepthRejectsDirectoriesOfOtherShapes()
    {
        byte[] directory = new byte[SdbmDirectory.FileLength(5)];
        SdbmDirectory.Write(directory, 5);

        byte[] missingBit = (byte[])directory.Clone();
        missingBit[0] &= 0b1111_1011;
        Assert.Equal(-1, SdbmDirectory.ParseDepth(missingBit)); // a tree split unevenly (httxt2dbm's)

        byte[] extraBit = (byte[])directory.Clone();
        extraBit[100] = 1;
        Assert.Equal(-1, SdbmDirectory.ParseDepth(extraBit));

        Assert.Equal(-1, SdbmDirectory.ParseDepth(directory.AsSpan(0, 8))); // not whole blocks
        Assert.Equal(0, SdbmDirectory.ParseDepth([]));
    }

    private static int Short(byte[] page, int index) => BinaryPrimitives.ReadInt16LittleEndian(page.AsSpan(index * 2));
}
