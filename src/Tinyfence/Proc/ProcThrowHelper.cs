using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Tinyfence.Proc;

/// <summary>
/// The cold paths of this folder: misuse by a caller (a programming error, never a /proc
/// condition, which is always a <see cref="ReadResult"/>). Kept out of line so the hot methods
/// stay small.
/// </summary>
internal static class ProcThrowHelper
{
    [DoesNotReturn]
    public static void ThrowCountsShorterThanPorts() =>
        throw CreateArgumentException("counts must have at least one slot per port.", "counts");

    [DoesNotReturn]
    public static void ThrowPathNotNullTerminated() =>
        throw CreateArgumentException("the path must be UTF-8 ending with a NUL byte (see FileSystemSpace.EncodePath).", "nullTerminatedPath");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException CreateArgumentException(string message, string parameterName) =>
        new(message, parameterName);
}
