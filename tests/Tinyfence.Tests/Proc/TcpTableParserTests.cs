using System.Buffers;
using Tinyfence.Proc;

namespace Tinyfence.Tests.Proc;

public class TcpTableParserTests
{
    private const string Header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    private static readonly ushort[] s_webPorts = [80, 443];

    // 192.168.1.10:80 <- 203.0.113.7:51344 ESTABLISHED, 0.0.0.0:80 LISTEN, :80 TIME_WAIT,
    // an outgoing connection to a remote :80, and an IPv6 connection to :443.
    private const string Sample =
        Header +
        "   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20007 1 ffff8f1e4c3a8800 100 0 30 10 0\n" +
        "   1: 0A01A8C0:0050 0771CBCB:C890 01 00000000:00000000 01:00000015 00000000    33        0 20028 2 ffff8f1e4c3aa000 20 4 30 10 -1\n" +
        "   2: 0A01A8C0:0050 0971CBCB:AFC8 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000\n" +
        "   3: 0A01A8C0:8190 22D8B85D:0050 01 00000000:00000000 01:00000015 00000000     0        0 20091 2 ffff8f1e4c3ae800 20 4 30 10 -1\n" +
        "   4: B80D0120000000000000000010000000:01BB B80D0120000001000000000006000000:C3AF 01 00000000:00000000 01:00000015 00000000    33        0 30021 2 ffff8f1e5d2b1800 20 4 30 10 -1\n";

    [Fact]
    public void CountsOnlyEstablishedSocketsByLocalPort()
    {
        int[] counts = new int[2];
        OperationStatus status = TcpTableParser.CountEstablished(ProcFixtures.Bytes(Sample), isFinalBlock: true, s_webPorts, counts, out int consumed);
        Assert.Equal(OperationStatus.Done, status);
        Assert.Equal(Sample.Length, consumed);
        Assert.Equal([1, 1], counts);
    }

    [Fact]
    public void APortListedTwiceIsCountedAtBothIndexes()
    {
        int[] counts = new int[3];
        TcpTableParser.CountEstablished(ProcFixtures.Bytes(Sample), true, [80, 443, 80], counts, out _);
        Assert.Equal([1, 1, 1], counts);
    }

    [Fact]
    public void AddsToTheCountsItIsGiven()
    {
        int[] counts = [10, 20];
        TcpTableParser.CountEstablished(ProcFixtures.Bytes(Sample), true, s_webPorts, counts, out _);
        Assert.Equal([11, 21], counts);
    }

    [Fact]
    public void AnIncompleteLastLineIsLeftForTheNextChunk()
    {
        byte[] data = ProcFixtures.Bytes(Sample);
        int cut = Sample.IndexOf("   3:", StringComparison.Ordinal) + 20;
        int[] counts = new int[2];
        OperationStatus status = TcpTableParser.CountEstablished(data.AsSpan(0, cut), isFinalBlock: false, s_webPorts, counts, out int consumed);
        Assert.Equal(OperationStatus.NeedMoreData, status);
        Assert.Equal(Sample.IndexOf("   3:", StringComparison.Ordinal), consumed);
        Assert.Equal([1, 0], counts);
    }

    [Fact]
    public void AnUnterminatedLastLineIsParsedInTheFinalBlock()
    {
        string text = Sample.TrimEnd('\n');
        int[] counts = new int[2];
        Assert.Equal(OperationStatus.Done, TcpTableParser.CountEstablished(ProcFixtures.Bytes(text), true, s_webPorts, counts, out int consumed));
        Assert.Equal(text.Length, consumed);
        Assert.Equal([1, 1], counts);
    }

    [Theory]
    [InlineData("idle", 1)]
    [InlineData("idle", 7)]
    [InlineData("idle", 149)]
    [InlineData("idle", 150)]
    [InlineData("overloaded", 1)]
    [InlineData("overloaded", 7)]
    [InlineData("overloaded", 4096)]
    [InlineData("container", 1)]
    [InlineData("container", 7)]
    public void ChunkedInputGivesTheSameCountsAsOneBlock(string tree, int chunkSize)
    {
        ushort[] ports = [80, 443, 22, 3306, 33168];
        foreach (string file in new[] { "net/tcp", "net/tcp6" })
        {
            byte[] data = File.ReadAllBytes(Path.Combine(ProcFixtures.Tree(tree), file));
            int[] whole = new int[ports.Length];
            Assert.Equal(OperationStatus.Done, TcpTableParser.CountEstablished(data, true, ports, whole, out _));
            Assert.Equal(whole, CountInChunks(data, chunkSize, ports));
        }
    }

    [Fact]
    public void ChunksThatSplitCarriageReturnLineEndsGiveTheSameCounts()
    {
        byte[] data = ProcFixtures.Bytes(Sample.Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal([1, 1], CountInChunks(data, 1, s_webPorts));
        Assert.Equal([1, 1], CountInChunks(data, 7, s_webPorts));
    }

    [Theory]
    [InlineData("", "an empty file (no sockets)")]
    [InlineData(Header, "only the header")]
    [InlineData("\n\n   \n", "blank lines")]
    [InlineData("  sl\n", "a bare header")]
    public void FilesWithoutSocketsCountNothing(string text, string why)
    {
        int[] counts = new int[2];
        Assert.Equal(OperationStatus.Done, TcpTableParser.CountEstablished(ProcFixtures.Bytes(text), true, s_webPorts, counts, out int consumed));
        Assert.Equal(text.Length, consumed);
        Assert.True(counts is [0, 0], why);
    }

    [Theory]
    [InlineData("   0: 0A01A8C0:0050 0771CBCB:C890\n", "cut before the state")]
    [InlineData("   0: 0A01A8C0:0050 0771CBCB:C890 1\n", "a one-digit state")]
    [InlineData("   0: 0A01A8C0:0050 0771CBCB:C890 0G 00000000:00000000\n", "a state that is not hex")]
    [InlineData("   0: 0A01A8C0:0050 0771CBCB:C890 011 00000000:00000000\n", "a three-digit state")]
    [InlineData("   0: 0A01A8C0:050 0771CBCB:C890 01 00000000:00000000\n", "a three-digit port")]
    [InlineData("   0: 0A01A8C0:00500 0771CBCB:C890 01 00000000:00000000\n", "a five-digit port")]
    [InlineData("   0: 0A01A8:0050 0771CBCB:C890 01 00000000:00000000\n", "an address of 6 hex digits")]
    [InlineData("   0: 0A01A8CZ:0050 0771CBCB:C890 01 00000000:00000000\n", "an address that is not hex")]
    [InlineData("   0: 0A01A8C0:+050 0771CBCB:C890 01 00000000:00000000\n", "a sign in the port")]
    [InlineData("   0: 0A01A8C0-0050 0771CBCB:C890 01 00000000:00000000\n", "no colon in the endpoint")]
    [InlineData("   x: 0A01A8C0:0050 0771CBCB:C890 01 00000000:00000000\n", "a slot that is not a number")]
    [InlineData("   0:0A01A8C0:0050 0771CBCB:C890 01 00000000:00000000\n", "no blank after the slot")]
    [InlineData("hello world\n", "not a socket line")]
    [InlineData("\xff\xfe\x00\x01\n", "binary garbage")]
    public void StopsAtTheFirstLineThatIsNotASocket(string badLine, string why)
    {
        string good = "   1: 0A01A8C0:0050 0771CBCB:C890 01 00000000:00000000 01:00000015 00000000    33        0 20028 2 ffff8f1e4c3aa000 20 4 30 10 -1\n";
        byte[] data = ProcFixtures.Bytes(Header + good + badLine + good);
        int[] counts = new int[2];
        OperationStatus status = TcpTableParser.CountEstablished(data, true, s_webPorts, counts, out int consumed);
        Assert.True(status == OperationStatus.InvalidData, why);
        Assert.Equal(Header.Length + good.Length, consumed);
        Assert.Equal([1, 0], counts);
    }

    [Fact]
    public void RefusesCountsShorterThanPorts() =>
        Assert.Throws<ArgumentException>(() => TcpTableParser.CountEstablished(default, true, s_webPorts, new int[1], out _));

    // Feeds data the way ProcReader does: a fixed buffer, the unconsumed tail moved to its front.
    private static int[] CountInChunks(byte[] data, int chunkSize, ushort[] ports)
    {
        int[] counts = new int[ports.Length];
        byte[] buffer = new byte[4096 + chunkSize];
        int pending = 0;
        int offset = 0;
        while (true)
        {
            int read = Math.Min(chunkSize, data.Length - offset);
            data.AsSpan(offset, read).CopyTo(buffer.AsSpan(pending));
            offset += read;
            int available = pending + read;
            OperationStatus status = TcpTableParser.CountEstablished(buffer.AsSpan(0, available), read == 0, ports, counts, out int consumed);
            Assert.NotEqual(OperationStatus.InvalidData, status);
            if (read == 0)
            {
                Assert.Equal(OperationStatus.Done, status);
                return counts;
            }

            pending = available - consumed;
            buffer.AsSpan(consumed, pending).CopyTo(buffer);
        }
    }
}
