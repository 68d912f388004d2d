using Tinyfence.Testing;
using Tinyfence.Aot.Tests.Infrastructure;

namespace Tinyfence.Aot.Tests;

/// <summary>The shipped file is one static executable: no dynamic loader, no libc.so.</summary>
public class StaticBinaryTests
{
    [Fact]
    public void FileReportsAStaticallyLinkedExecutable()
    {
        var result = ProcessResult.Run("file", ["-L", Repo.PublishedBinary]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ELF 64-bit", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("statically linked", result.Stdout, StringComparison.Ordinal);
    }

    // Issue 21's budget. Over it, `make size` says which piece grew (README, "The static binary").
    [Fact]
    public void TheBinaryFitsInTwelveMillionBytes()
    {
        long size = new FileInfo(Repo.PublishedBinary).Length;

        Assert.True(size <= 12_000_000, $"dist/tinyfence is {size:N0} bytes, over 12,000,000: run make size to see what it is made of");
    }

    [Fact]
    public void LddReportsNotADynamicExecutable()
    {
        var result = ProcessResult.Run("ldd", [Repo.PublishedBinary]);

        Assert.Contains("not a dynamic executable", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryHasNoProgramInterpreter()
    {
        // The ELF header names no dynamic loader: a PT_INTERP segment would tie the binary to
        // the host's ld-linux, which an old userland does not have at the same version.
        byte[] elf = File.ReadAllBytes(Repo.PublishedBinary);
        Assert.True(elf.Length > 64 && elf[0] == 0x7f && elf[1] == (byte)'E' && elf[2] == (byte)'L' && elf[3] == (byte)'F',
            "dist/tinyfence is not an ELF file");
        ulong phoff = BitConverter.ToUInt64(elf, 0x20);
        ushort phentsize = BitConverter.ToUInt16(elf, 0x36);
        ushort phnum = BitConverter.ToUInt16(elf, 0x38);
        const uint PtInterp = 3;
        for (int i = 0; i < phnum; i++)
        {
            uint type = BitConverter.ToUInt32(elf, checked((int)phoff + (i * phentsize)));
            Assert.NotEqual(PtInterp, type);
        }
    }
}
