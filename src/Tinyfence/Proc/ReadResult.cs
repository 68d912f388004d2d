namespace Tinyfence.Proc;

/// <summary>
/// The outcome of one read: a status and, for <see cref="ReadStatus.Missing"/>,
/// <see cref="ReadStatus.Unsupported"/> and <see cref="ReadStatus.Failed"/>, the errno behind it.
/// A plain value, so a tick that reads everything allocates nothing; <see cref="Describe"/> builds
/// text only when someone logs it.
/// </summary>
public readonly record struct ReadResult(ReadStatus Status, int Errno)
{
    public bool IsOk => Status == ReadStatus.Ok;

    public static ReadResult Ok => default;

    public static ReadResult Malformed => new(ReadStatus.Malformed, 0);

    /// <summary>Classifies a failed open, read or statvfs by its errno.</summary>
    public static ReadResult FromErrno(int errno) => errno switch
    {
        Interop.Errno.ENOENT or Interop.Errno.ENOTDIR => new(ReadStatus.Missing, errno),
        Interop.Errno.EOPNOTSUPP => new(ReadStatus.Unsupported, errno),
        _ => new(ReadStatus.Failed, errno),
    };

    /// <summary>A cold-path, human-readable text for logs and <c>check</c> output.</summary>
    public string Describe() => Status switch
    {
        ReadStatus.Ok => "ok",
        ReadStatus.Missing => "no such file",
        ReadStatus.Unsupported => "not supported by this kernel (EOPNOTSUPP)",
        ReadStatus.Malformed => "malformed content",
        _ when Errno == 110 => "no answer (a hung file system?)",
        _ => "read failed: errno " + Errno.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
