namespace Tinyfence.Config;

public enum ActionKind
{
    /// <summary>Run a command through /bin/sh -c.</summary>
    Run,

    /// <summary>Log the firing and its readings.</summary>
    Log,

    /// <summary>Send an email alert (needs a <c>mail</c> section).</summary>
    Mail,
}
