using System.Reflection;

namespace Tinyfence;

/// <summary>The product's version, from the assembly (set in Tinyfence.csproj).</summary>
public static class VersionInfo
{
    public static string Version { get; } =
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
