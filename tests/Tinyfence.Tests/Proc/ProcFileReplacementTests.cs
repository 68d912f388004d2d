using Tinyfence.Proc;
using Tinyfence.Tests.Support;

namespace Tinyfence.Tests.Proc;

/// <summary>
/// A fixed file of a <c>--proc-root</c> tree swapped under the reader. The kernel's /proc never
/// does this; a copied tree can. The reader keeps its descriptor (one pread per tick), so what it
/// reads is the file it opened, until a read fails: the README ("Hardening") says so.
/// </summary>
public class ProcFileReplacementTests
{
    [Fact]
    public void AFixedFileReplacedByRenameOrDeletedIsStillReadThroughTheDescriptorHeldOpen()
    {
        using var tree = new FakeProcTree(fixture: null);
        tree.Write("loadavg", "1.00 2.00 3.00 1/1 1\n");
        using var reader = new ProcReader(tree.Root);
        Assert.Equal(ReadResult.Ok, reader.ReadLoadAverage(out _));

        string replacement = Path.Combine(tree.Root, "loadavg.new");
        File.WriteAllText(replacement, "4.00 5.00 6.00 1/1 1\n");
        File.Move(replacement, Path.Combine(tree.Root, "loadavg"), overwrite: true);
        Assert.Equal(ReadResult.Ok, reader.ReadLoadAverage(out LoadAverage renamed));
        tree.Delete("loadavg");
        Assert.Equal(ReadResult.Ok, reader.ReadLoadAverage(out LoadAverage deleted));
        Assert.Equal((1.0, 1.0), (renamed.One, deleted.One));

        // A reader opened afterwards (the daemon restarted) sees the tree as it is now.
        using var fresh = new ProcReader(tree.Root);
        Assert.Equal(ReadStatus.Missing, fresh.ReadLoadAverage(out _).Status);
    }
}
