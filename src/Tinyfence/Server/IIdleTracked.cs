namespace Tinyfence.Server;

/// <summary>A connection that says when it last made progress, for <see cref="IdleSweep"/>.</summary>
internal interface IIdleTracked
{
    /// <summary><see cref="Environment.TickCount64"/> at its last progress.</summary>
    long LastActivityMs { get; }
}
