namespace Tinyfence.Tests;

/// <summary>Tests that measure the whole process (CPU time) run in this collection, after and apart from the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "Serial";
}
