using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Tinyfence.Blocklist;

/// <summary>The cold paths of this folder, out of line so Add and Commit stay small.</summary>
internal static class BlocklistThrowHelper
{
    [DoesNotReturn]
    public static void ThrowBadKeyLength(int length) =>
        throw CreateArgumentException(
            $"a key must be 1 to {SdbmMapWriter.MaxKeyLength} bytes, got {length}.", "key");

    [DoesNotReturn]
    public static void ThrowBadKeyByte(byte value) =>
        throw CreateArgumentException(
            $"a key must be ASCII without NUL (sdbm hashes a signed char on x86-64 and an unsigned one on arm64), found byte 0x{value:X2}.", "key");

    [DoesNotReturn]
    public static void ThrowBadValueLength(int length) =>
        throw CreateArgumentException(
            $"the value must be 1 to {SdbmMapWriter.MaxValueLength} bytes (mod_rewrite reads an empty value as no value), got {length}.", "value");

    [DoesNotReturn]
    public static void ThrowIO(string operation, ReadOnlySpan<byte> nullTerminatedPath, int errno) =>
        throw CreateIOException(operation, Encoding.UTF8.GetString(nullTerminatedPath[..^1]), errno);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException CreateArgumentException(string message, string parameterName) =>
        new(message, parameterName);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IOException CreateIOException(string operation, string path, int errno) =>
        new($"blocklist map: {operation} {path}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
}
