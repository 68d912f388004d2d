using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using Tinyfence.Interop;

namespace Tinyfence.Actions;

/// <summary>
/// Starts <c>SHELL -c COMMAND</c> with glibc's posix_spawn, which is safe in a multi-threaded
/// process (glibc clones with CLONE_VM|CLONE_VFORK and runs no fork handlers). The child leads a
/// new process group (so a timeout can signal everything it started), starts with an empty signal
/// mask and every signal at its default action (the .NET runtime blocks some and ignores SIGPIPE;
/// a shell must not inherit that), reads /dev/null and writes stdout and stderr to one pipe.
/// </summary>
internal static unsafe class CommandSpawner
{
    // glibc (x86-64 and arm64, checked with sizeof against 2.36) has a posix_spawnattr_t of 336
    // bytes, a posix_spawn_file_actions_t of 80 and a sigset_t of 128 (1024 bits; the kernel uses
    // 64). musl's are the same sizes. They are ABI, so glibc cannot grow them without new symbol
    // versions; the margin (2-3x) is cheap insurance against a mistake here, paid once per command.
    private const int SpawnAttrBytes = 1024;
    private const int FileActionsBytes = 256;
    private const int SigSetBytes = 256;

    private const short SpawnFlags = Libc.POSIX_SPAWN_SETPGROUP | Libc.POSIX_SPAWN_SETSIGMASK | Libc.POSIX_SPAWN_SETSIGDEF;

    // Signals 1-64 as the kernel's sigset bits (bit n-1 for signal n, in the first word), without
    // SIGKILL and SIGSTOP, which cannot be changed. Written directly rather than with sigfillset:
    // glibc's sigfillset and sigaddset leave out its two internal signals (32 and 33), and its
    // posix_spawn then sets them to SIG_IGN in the child, where they would stay ignored after exec.
    private const ulong SignalsToDefault = ulong.MaxValue & ~(1UL << (Libc.SIGKILL - 1)) & ~(1UL << (Libc.SIGSTOP - 1));

    private static ReadOnlySpan<byte> DevNull => "/dev/null\0"u8;

    /// <summary>Spawns the command with <paramref name="outputFd"/> as its stdout and stderr.</summary>
    /// <returns>0, or the error number (ENOENT for a missing shell, EAGAIN, ENOMEM...).</returns>
    public static int Spawn(string shellPath, string command, IReadOnlyList<KeyValuePair<string, string>>? environment, int outputFd, out int pid)
    {
        pid = 0;
        List<KeyValuePair<string, string>> variables = MergeEnvironment(environment);
        string[] argv = ["sh", "-c", command];

        // One block holds argv and envp (pointer arrays, null-terminated) followed by their strings.
        nuint pointerBytes = (nuint)(argv.Length + 1 + variables.Count + 1) * (nuint)sizeof(nint);
        nuint stringBytes = (nuint)Encoding.UTF8.GetByteCount(shellPath) + 1;
        foreach (string arg in argv)
        {
            stringBytes += (nuint)Encoding.UTF8.GetByteCount(arg) + 1;
        }

        foreach (KeyValuePair<string, string> variable in variables)
        {
            stringBytes += (nuint)(Encoding.UTF8.GetByteCount(variable.Key) + Encoding.UTF8.GetByteCount(variable.Value)) + 2;
        }

        byte* block = (byte*)NativeMemory.Alloc(pointerBytes + stringBytes);
        byte* spawnState = (byte*)NativeMemory.AllocZeroed(SpawnAttrBytes + FileActionsBytes + 2 * SigSetBytes);
        if (block is null || spawnState is null)
        {
            NativeMemory.Free(block);
            NativeMemory.Free(spawnState);
            return Errno.ENOMEM;
        }

        void* attributes = spawnState;
        void* fileActions = spawnState + SpawnAttrBytes;
        void* emptyMask = spawnState + SpawnAttrBytes + FileActionsBytes;
        void* defaultSignals = spawnState + SpawnAttrBytes + FileActionsBytes + SigSetBytes;
        bool attributesReady = false;
        bool fileActionsReady = false;
        try
        {
            var strings = new StringWriter(block + pointerBytes, stringBytes);
            byte* path = strings.Add(shellPath);
            byte** args = (byte**)block;
            for (int i = 0; i < argv.Length; i++)
            {
                args[i] = strings.Add(argv[i]);
            }

            args[argv.Length] = null;
            byte** envp = args + argv.Length + 1;
            for (int i = 0; i < variables.Count; i++)
            {
                envp[i] = strings.Add(variables[i].Key, variables[i].Value);
            }

            envp[variables.Count] = null;

            int error = Libc.PosixSpawnAttrInit(attributes);
            if (error != 0)
            {
                return error;
            }

            attributesReady = true;
            error = Libc.PosixSpawnFileActionsInit(fileActions);
            if (error != 0)
            {
                return error;
            }

            fileActionsReady = true;
            Libc.SigEmptySet(emptyMask);
            *(ulong*)defaultSignals = SignalsToDefault;

            // The dup2s come before the open: if the pipe's write end happens to be fd 0 (a daemon
            // started with stdin closed), it is copied to 1 and 2 before /dev/null replaces it.
            // Both pipe ends are O_CLOEXEC, so the child keeps only the copies.
            fixed (byte* devNull = DevNull)
            {
                error = Libc.PosixSpawnAttrSetFlags(attributes, SpawnFlags);
                error = error != 0 ? error : Libc.PosixSpawnAttrSetPGroup(attributes, 0);
                error = error != 0 ? error : Libc.PosixSpawnAttrSetSigMask(attributes, emptyMask);
                error = error != 0 ? error : Libc.PosixSpawnAttrSetSigDefault(attributes, defaultSignals);
                error = error != 0 ? error : Libc.PosixSpawnFileActionsAddDup2(fileActions, outputFd, 1);
                error = error != 0 ? error : Libc.PosixSpawnFileActionsAddDup2(fileActions, outputFd, 2);
                error = error != 0 ? error : Libc.PosixSpawnFileActionsAddOpen(fileActions, 0, devNull, Libc.O_RDONLY, 0);
            }

            if (error != 0)
            {
                return error;
            }

            // posix_spawn returns once the child has exec'd (or failed to: then it is already
            // reaped and the exec's errno is returned), so the new process group exists from here on.
            int newPid;
            error = Libc.PosixSpawn(&newPid, path, fileActions, attributes, args, envp);
            if (error == 0)
            {
                pid = newPid;
            }

            return error;
        }
        finally
        {
            if (fileActionsReady)
            {
                Libc.PosixSpawnFileActionsDestroy(fileActions);
            }

            if (attributesReady)
            {
                Libc.PosixSpawnAttrDestroy(attributes);
            }

            NativeMemory.Free(spawnState);
            NativeMemory.Free(block);
        }
    }

    /// <summary>What is wrong with a request that cannot be passed to exec, or null.</summary>
    public static string? Validate(string command, IReadOnlyList<KeyValuePair<string, string>>? environment)
    {
        if (command.Contains('\0', StringComparison.Ordinal))
        {
            return "the command contains a NUL character";
        }

        if (environment is not null)
        {
            foreach (KeyValuePair<string, string> variable in environment)
            {
                if (string.IsNullOrEmpty(variable.Key) || variable.Key.AsSpan().IndexOfAny('=', '\0') >= 0)
                {
                    return "invalid environment variable name '" + variable.Key + "'";
                }

                if (variable.Value is null || variable.Value.Contains('\0', StringComparison.Ordinal))
                {
                    return "invalid value for environment variable " + variable.Key;
                }
            }
        }

        return null;
    }

    /// <summary>The daemon's environment as .NET sees it, with the request's variables replacing or added.</summary>
    internal static List<KeyValuePair<string, string>> MergeEnvironment(IReadOnlyList<KeyValuePair<string, string>>? overrides)
    {
        overrides ??= [];
        var merged = new List<KeyValuePair<string, string>>();
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value && IndexOf(overrides, name, overrides.Count) < 0
                && name.Length > 0 && name.AsSpan().IndexOfAny('=', '\0') < 0 && !value.Contains('\0', StringComparison.Ordinal))
            {
                merged.Add(new(name, value));
            }
        }

        // A name given twice by the caller: the later one wins, as in a shell.
        for (int i = 0; i < overrides.Count; i++)
        {
            if (IndexOf(overrides, overrides[i].Key, overrides.Count, start: i + 1) < 0)
            {
                merged.Add(overrides[i]);
            }
        }

        return merged;
    }

    private static int IndexOf(IReadOnlyList<KeyValuePair<string, string>> variables, string name, int end, int start = 0)
    {
        for (int i = start; i < end; i++)
        {
            if (string.Equals(variables[i].Key, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Appends NUL-terminated UTF-8 strings into the native block sized for them.</summary>
    private struct StringWriter(byte* start, nuint length)
    {
        private byte* _next = start;
        private nuint _left = length;

        public byte* Add(string text) => Add(text, null);

        public byte* Add(string name, string? value)
        {
            byte* result = _next;
            int written = Encoding.UTF8.GetBytes(name, new Span<byte>(_next, (int)Math.Min(_left, int.MaxValue)));
            if (value is not null)
            {
                _next[written++] = (byte)'=';
                written += Encoding.UTF8.GetBytes(value, new Span<byte>(_next + written, (int)Math.Min(_left - (nuint)written, int.MaxValue)));
            }

            _next[written++] = 0;
            _next += written;
            _left -= (nuint)written;
            return result;
        }
    }
}
