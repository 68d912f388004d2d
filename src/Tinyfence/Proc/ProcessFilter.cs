namespace Tinyfence.Proc;

/// <summary>
/// The selection of an nproc comparison (<c>nproc "www-data" zombie &gt; 0</c>), built once at
/// config load. A process matches when its effective uid is one of <see cref="Uids"/> (or the
/// list is empty) and its state is one of <see cref="States"/> (see <see cref="ProcessStates"/>
/// for the letter mapping).
/// </summary>
/// <remarks>
/// sysfence summed one count per listed uid, so a uid listed twice counted its processes twice;
/// here the list is deduplicated and a process is counted once.
/// </remarks>
public sealed class ProcessFilter
{
    private readonly uint[] _uids;

    /// <param name="uids">Effective uids to count; empty means any user.</param>
    /// <param name="states"><see cref="ProcessStates.Any"/> or <see cref="ProcessStates.None"/> mean any state.</param>
    public ProcessFilter(IReadOnlyList<uint> uids, ProcessStates states)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var distinct = new List<uint>(uids.Count);
        foreach (uint uid in uids)
        {
            if (!distinct.Contains(uid))
            {
                distinct.Add(uid);
            }
        }

        _uids = [.. distinct];
        States = (states & ProcessStates.Any) is ProcessStates.None ? ProcessStates.Any : states & ProcessStates.Any;
    }

    /// <summary>Every process: no user, any state.</summary>
    public static ProcessFilter All { get; } = new([], ProcessStates.Any);

    /// <summary>The distinct uids, in the order given; empty for any user.</summary>
    public ReadOnlySpan<uint> Uids => _uids;

    /// <summary>The accepted states; <see cref="ProcessStates.Any"/> when any state is accepted.</summary>
    public ProcessStates States { get; }

    public bool HasUsers => _uids.Length != 0;

    public bool HasStates => States != ProcessStates.Any;

    /// <summary>Maps a state letter of /proc/PID/stat to its flag; <see cref="ProcessStates.None"/> for the letters no filter names.</summary>
    public static ProcessStates StateOf(byte stateLetter) => stateLetter switch
    {
        (byte)'R' => ProcessStates.Running,
        (byte)'S' => ProcessStates.Sleeping,
        (byte)'D' => ProcessStates.Uninterruptible,
        (byte)'T' or (byte)'t' => ProcessStates.Stopped,
        (byte)'Z' => ProcessStates.Zombie,
        _ => ProcessStates.None,
    };

    public bool MatchesUser(uint uid) => _uids.Length == 0 || Array.IndexOf(_uids, uid) >= 0;

    public bool MatchesState(byte stateLetter) => !HasStates || (StateOf(stateLetter) & States) != 0;

    public bool Matches(uint uid, byte stateLetter) => MatchesUser(uid) && MatchesState(stateLetter);
}
