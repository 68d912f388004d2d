namespace Tinyfence.Adapters;

/// <summary>What <c>tinyfence map</c> answers for each key.</summary>
public enum MapOperation
{
    /// <summary><c>BLOCK</c> or <c>ALLOW</c>.</summary>
    Check,

    /// <summary>The current score.</summary>
    Get,

    /// <summary>Adds points (sent to the daemon) and answers the score they make.</summary>
    Hit,
}
