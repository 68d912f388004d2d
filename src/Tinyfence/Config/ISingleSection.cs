namespace Tinyfence.Config;

/// <summary>A section a config may give only once (<c>mail</c>, <c>server</c>), found where it was declared.</summary>
internal interface ISingleSection
{
    SourceLocation Location { get; }
}
