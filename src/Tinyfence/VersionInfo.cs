namespace Tinyfence;

/// <summary>
/// The product's version: <c>Version</c>, a constant that Tinyfence.csproj writes from its
/// <c>&lt;Version&gt;</c> at build time (obj/.../VersionInfo.g.cs), so that no start reads it
/// through reflection.
/// </summary>
public static partial class VersionInfo;
