namespace Tinyfence.Config;

public enum ActionKind
{
    /// <summary>Run a command through /bin/sh -c.</summary>
    Run,

    /// <summary>Log the firing and its readings.</summary>
    Log,
}
