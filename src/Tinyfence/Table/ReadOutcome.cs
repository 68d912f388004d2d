namespace Tinyfence.Table;

public enum ReadOutcome
{
    Found,
    Absent,

    // The writer kept the entry or the probe window busy for every retry (or died mid-write):
    // the answer is unknown, and the caller falls back rather than wait.
    Busy,
}
