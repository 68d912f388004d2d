using System.Text;
using Tinyfence.Adapters;
using Tinyfence.Testing;

namespace Tinyfence.Tests.Adapters;

public sealed class PatternSetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tinyfence-patterns-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static PatternSet Parse(string text) => PatternSet.Parse(Encoding.UTF8.GetBytes(text), "spam.txt");

    private static string[] Patterns(PatternSet set) =>
        [.. Enumerable.Range(0, set.Count).Select(i => Encoding.UTF8.GetString(set[i]))];

    [Fact]
    public void OnePatternPerLineCommentsAndBlankLinesIgnored()
    {
        PatternSet set = Parse("# spam words\nviagra\n\n   \ncheap pills\n#not a pattern\nfree money");
        Assert.Equal(["viagra", "cheap pills", "free money"], Patterns(set));
        Assert.Equal([2, 5, 7], Enumerable.Range(0, set.Count).Select(set.LineOf));
    }

    [Fact]
    public void TrailingCarriageReturnsSpacesAndTabsAreTrimmedLeadingSpacesKept()
    {
        PatternSet set = Parse("viagra \r\n union select\t \r\n");
        Assert.Equal(["viagra", " union select"], Patterns(set));
    }

    [Fact]
    public void AHashAfterTheFirstByteIsPartOfThePattern() =>
        Assert.Equal(["a#b", " #c"], Patterns(Parse("a#b\n #c\n")));

    [Fact]
    public void APatternOfExactly256BytesIsAccepted() =>
        Assert.Equal(256, Parse(new string('x', 256) + "\n")[0].Length);

    [Fact]
    public void OverLongPatternsAreAllReportedWithFileAndLine()
    {
        var e = Assert.Throws<AdapterOptionException>(() =>
            Parse("ok\n" + new string('x', 257) + "\nfine\n" + new string('y', 300) + "\r\n"));
        Assert.Equal(
            [
                "spam.txt:2: error: the pattern is 257 bytes long; the limit is 256 bytes",
                "spam.txt:4: error: the pattern is 300 bytes long; the limit is 256 bytes",
            ],
            e.Errors);
    }

    [Fact]
    public void AnEmptyFileGivesAnEmptySetThatMatchesNothing()
    {
        PatternSet set = Parse("# nothing yet\n");
        Assert.Equal(0, set.Count);
        Assert.Equal(-1, set.FindFirst("anything at all"u8));
    }

    [Fact]
    public void LoadReadsTheFile()
    {
        string path = Path.Combine(_dir, "p.txt");
        File.WriteAllText(path, "casino\nloans\n");
        PatternSet set = PatternSet.Load(path);
        Assert.Equal(path, set.Source);
        Assert.Equal(1, set.FindFirst("cheap LOANS"u8));
        Assert.Equal($"'loans' ({path}:2)", set.Describe(1));
    }

    [Fact]
    public async Task APatternsFifoIsReadToItsEnd()
    {
        // No size to trust: the file is read until read(2) says the writer closed it.
        string path = Path.Combine(_dir, "patterns.fifo");
        ProcessResult made = ProcessResult.Run("mkfifo", [path]);
        Assert.True(made.ExitCode == 0, made.ToString());
        Task writer = Task.Run(() => File.WriteAllText(path, "casino\n" + new string('#', 20_000) + "\nloans\n"));
        PatternSet set = PatternSet.Load(path);
        await writer;
        Assert.Equal(2, set.Count);
        Assert.Equal(3, set.LineOf(1));
    }

    [Fact]
    public void APatternsFileLongerThanSixteenMegabytesIsRefused()
    {
        string path = Path.Combine(_dir, "huge.txt");
        using (FileStream file = File.Create(path))
        {
            file.SetLength((16L * 1024 * 1024) + 1); // sparse: zeros, never written
        }

        var e = Assert.Throws<AdapterOptionException>(() => PatternSet.Load(path));
        Assert.Equal($"{path}: error: the patterns file is longer than 16777216 bytes", e.Message);
    }

    [Fact]
    public void AMissingFileIsReportedWithItsPath()
    {
        string path = Path.Combine(_dir, "missing.txt");
        var e = Assert.Throws<AdapterOptionException>(() => PatternSet.Load(path));
        Assert.StartsWith($"{path}: error: cannot read the patterns file: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ADirectoryIsReportedAsUnreadable()
    {
        var e = Assert.Throws<AdapterOptionException>(() => PatternSet.Load(_dir));
        Assert.StartsWith($"{_dir}: error: cannot read the patterns file: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APatternsFileThatCannotBeReadIsReported()
    {
        // A directory opens but fails its read (EISDIR), for root too, who reads a mode-000 file.
        string path = Path.Combine(_dir, "patterns.d");
        Directory.CreateDirectory(path);
        var e = Assert.Throws<AdapterOptionException>(() => PatternSet.Load(path));
        Assert.StartsWith($"{path}: error: cannot read the patterns file: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("directory", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void DescribeEscapesNonPrintableBytes()
    {
        PatternSet set = PatternSet.Parse("a\x01'b\n"u8, "f");
        Assert.Equal("'a0x010x27b' (f:1)", set.Describe(0));
    }

    [Fact]
    public void APatternsFileTooLargeForTheAutomatonIsRefused()
    {
        // 94 printable bytes give ~70 classes (letters fold); 512,000 pattern bytes of them blow the table limit.
        var text = new StringBuilder();
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            text.Append('p'); // never a '#' comment
            for (int j = 1; j < 256; j++)
            {
                text.Append((char)random.Next(0x21, 0x7f));
            }

            text.Append('\n');
        }

        byte[] content = Encoding.ASCII.GetBytes(text.ToString());
        var e = Assert.Throws<AdapterOptionException>(() => PatternSet.Parse(content, "huge.txt"));
        Assert.StartsWith("huge.txt: error: the patterns are too large: 2000 patterns of 512000 bytes", e.Message, StringComparison.Ordinal);
    }
}
