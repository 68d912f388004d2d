using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Tinyfence.Cli;

namespace Tinyfence.Tests.Cli;

public class DescriptorWriterTests
{
    [Fact]
    public void ALineIsWrittenAsUtf8InOneWrite()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        var writer = new DescriptorWriter(FdOf(pipe.ClientSafePipeHandle));

        writer.WriteLine("größe: 5 €");

        // One read of a pipe returns what one write put in it, whole.
        byte[] buffer = new byte[64];
        int length = pipe.Read(buffer);
        Assert.Equal("größe: 5 €\n", Encoding.UTF8.GetString(buffer, 0, length));
    }

    [Fact]
    public void TextLongerThanTheStackBufferAndSurrogatesSplitAcrossWritesArriveIntact()
    {
        string path = Path.GetTempFileName();
        try
        {
            using (SafeFileHandle file = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
            {
                var writer = new DescriptorWriter(FdOf(file));
                string longText = string.Concat(Enumerable.Repeat("é0123456789", 500));
                writer.Write(longText);
                writer.Write('\uD83D');   // 🙂, its two halves in two writes
                writer.Write('\uDE42');
                writer.WriteLine();
            }

            Assert.Equal(string.Concat(Enumerable.Repeat("é0123456789", 500)) + "🙂\n", File.ReadAllText(path, Encoding.UTF8));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AReaderThatWentAwayIsNoError()
    {
        // As for Console: `tinyfence status | head -1` must not fail the verb.
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        pipe.DisposeLocalCopyOfClientHandle();
        var writer = new DescriptorWriter(FdOf(pipe.SafePipeHandle));

        writer.WriteLine("nobody reads this");
    }

    [Fact]
    public void AFailedWriteThrowsWithTheSystemsReason()
    {
        using SafeFileHandle full = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write);
        var writer = new DescriptorWriter(FdOf(full));

        IOException e = Assert.Throws<IOException>(() => writer.WriteLine("x"));
        Assert.Equal("No space left on device (errno 28)", e.Message);
    }

    private static int FdOf(SafeHandle handle) => (int)handle.DangerousGetHandle();
}
