using Tinyfence.Testing;
using Tinyfence.Aot.Tests.Infrastructure;

namespace Tinyfence.Aot.Tests.OldUserland;

/// <summary>
/// A Debian 11 (glibc 2.31) minbase tree with the published binary and the fixtures staged in
/// it. The tree itself is cached per machine by tests/scripts/bullseye-root.sh; the staging dir
/// (under the tree's /tmp, unique per run) is removed afterwards.
/// </summary>
public sealed class BullseyeRoot : IDisposable
{
    // debootstrap takes about a minute here; the limit allows a slow mirror on a first run.
    private static readonly TimeSpan s_debootstrapLimit = TimeSpan.FromMinutes(20);

    public BullseyeRoot()
    {
        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException(
                "the old-userland tests need root (debootstrap and chroot); CI runs as root");
        }
        string binary = Repo.PublishedBinary;

        var made = ProcessResult.Run("bash", [Path.Combine(Repo.Root, "tests", "scripts", "bullseye-root.sh")],
            s_debootstrapLimit);
        if (made.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not make the bullseye tree:\n{made}");
        }
        Root = made.Stdout.Trim().Split('\n')[^1];

        StageInChroot = "/tmp/tinyfence-aot-" + Guid.NewGuid().ToString("N")[..12];
        Directory.CreateDirectory(HostPath(StageInChroot));
        File.Copy(binary, HostPath(BinaryInChroot));
        File.SetUnixFileMode(HostPath(BinaryInChroot),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var copied = ProcessResult.Run("cp", ["-a", Repo.Fixtures, HostPath(FixturesInChroot)]);
        if (copied.ExitCode != 0)
        {
            throw new InvalidOperationException($"could not copy the fixtures into the tree:\n{copied}");
        }
    }

    /// <summary>The tree's path on the host.</summary>
    public string Root { get; }

    /// <summary>The per-run staging dir, as seen inside the chroot.</summary>
    public string StageInChroot { get; }

    public string BinaryInChroot => StageInChroot + "/tinyfence";

    public string FixturesInChroot => StageInChroot + "/fixtures";

    /// <summary>Where a path inside the chroot is on the host.</summary>
    public string HostPath(string pathInChroot) => Root + pathInChroot;

    /// <summary>Runs the staged binary under chroot.</summary>
    internal ProcessResult Tinyfence(params string[] args) =>
        ProcessResult.Run("chroot", [Root, BinaryInChroot, .. args]);

    public string DebianVersion => File.ReadAllText(Path.Combine(Root, "etc", "debian_version")).Trim();

    public void Dispose()
    {
        try
        {
            Directory.Delete(HostPath(StageInChroot), recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
