namespace Tinyfence.Interop;

/// <summary>
/// Direct calls into libc. Every import names "libc" and the project links it statically
/// (<c>DirectPInvoke</c> in aot/publish.props): in the static binary a dlopen of the system's
/// libc.so.6 would load a second glibc and abort the process. Each concern adds its calls in its
/// own partial file, <c>Libc.Concern.cs</c>.
/// </summary>
internal static partial class Libc
{
    public const string Library = "libc";
}
