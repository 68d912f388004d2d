using System.Runtime.InteropServices;

namespace Tinyfence.Interop;

/// <summary>
/// Spawning, watching and signalling child processes (the command runner). Constants are the
/// Linux values, the same on x86-64 and arm64 (checked against glibc 2.36's headers).
/// </summary>
internal static unsafe partial class Libc
{
    public const short POSIX_SPAWN_SETPGROUP = 0x02;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04;
    public const short POSIX_SPAWN_SETSIGMASK = 0x08;

    // O_RDONLY and O_CLOEXEC: declared with the file calls (Libc.FileSystem.cs).

    public const int WNOHANG = 1;

    // waitid: P_PID selects one child; WEXITED asks for exits; WNOWAIT leaves the child a zombie,
    // so its pid (and process group id) cannot be reused while we still signal the group.
    public const int P_PID = 1;
    public const int WEXITED = 4;
    public const int WNOWAIT = 0x01000000;

    /// <summary>siginfo_t is 128 bytes on Linux; si_pid sits at offset 16 on 64-bit targets.</summary>
    public const int SigInfoBytes = 128;
    public const int SigInfoPidOffset = 16;

    public const short POLLIN = 0x01;
    public const short POLLOUT = 0x04;
    public const short POLLERR = 0x08;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    // The posix_spawn family returns an error number instead of setting errno.
    [LibraryImport(Library, EntryPoint = "posix_spawn", SetLastError = true)]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init", SetLastError = true)]
    public static partial int PosixSpawnAttrInit(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy", SetLastError = true)]
    public static partial int PosixSpawnAttrDestroy(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags", SetLastError = true)]
    public static partial int PosixSpawnAttrSetFlags(void* attributes, short flags);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setpgroup", SetLastError = true)]
    public static partial int PosixSpawnAttrSetPGroup(void* attributes, int processGroup);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask", SetLastError = true)]
    public static partial int PosixSpawnAttrSetSigMask(void* attributes, void* signalSet);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault", SetLastError = true)]
    public static partial int PosixSpawnAttrSetSigDefault(void* attributes, void* signalSet);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_init", SetLastError = true)]
    public static partial int PosixSpawnFileActionsInit(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_destroy", SetLastError = true)]
    public static partial int PosixSpawnFileActionsDestroy(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_adddup2", SetLastError = true)]
    public static partial int PosixSpawnFileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addopen", SetLastError = true)]
    public static partial int PosixSpawnFileActionsAddOpen(void* fileActions, int fd, byte* path, int flags, uint mode);

    [LibraryImport(Library, EntryPoint = "sigemptyset", SetLastError = true)]
    public static partial int SigEmptySet(void* signalSet);

    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Library, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, byte* sigInfo, int options);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    // Named for their use here so they cannot clash with another concern's read/close.
    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint ReadPipe(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int ClosePipe(int fd);
}
