namespace Tinyfence.Cli;

/// <summary>Exit statuses, from sysexits.h where one fits.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The daemon could not start for a reason other than its config.</summary>
    public const int Failure = 1;

    /// <summary>EX_USAGE: a bad command line.</summary>
    public const int Usage = 64;

    /// <summary>EX_UNAVAILABLE: the daemon's socket did not answer (score).</summary>
    public const int Unavailable = 69;

    /// <summary>EX_CONFIG: the config has errors (sysfence used 21).</summary>
    public const int Config = 78;
}
