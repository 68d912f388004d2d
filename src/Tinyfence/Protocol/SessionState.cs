namespace Tinyfence.Protocol;

/// <summary>What a connection has asked for so far.</summary>
#pragma warning disable CA1815 // never compared: a bag of flags owned by one session
public struct SessionState
#pragma warning restore CA1815
{
    /// <summary>Set by <c>QUIET</c>: HIT, SET and DEL are answered with nothing, not even errors.</summary>
    public bool Quiet;
}
