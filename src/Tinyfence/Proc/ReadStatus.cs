namespace Tinyfence.Proc;

/// <summary>How a read of a /proc file (or a statvfs) ended.</summary>
public enum ReadStatus
{
    /// <summary>The value was read and parsed.</summary>
    Ok,

    /// <summary>The file does not exist (ENOENT or ENOTDIR): an old kernel, a container, IPv6 disabled.</summary>
    Missing,

    /// <summary>
    /// The file exists but the kernel refuses it (EOPNOTSUPP): /proc/pressure/* on a kernel
    /// booted with <c>psi=0</c> opens fine and fails on read.
    /// </summary>
    Unsupported,

    /// <summary>The file was read but its content is not what the kernel writes there.</summary>
    Malformed,

    /// <summary>Any other error; <see cref="ReadResult.Errno"/> says which.</summary>
    Failed,
}
