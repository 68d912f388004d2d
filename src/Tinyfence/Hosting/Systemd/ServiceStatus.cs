namespace Tinyfence.Hosting.Systemd;

/// <summary>How the last reload went, as the status line keeps saying until the next one.</summary>
internal enum ReloadOutcome
{
    /// <summary>No reload yet, or the last one applied the whole config.</summary>
    Applied,

    /// <summary>The config had errors: the previous rules run on.</summary>
    Rejected,

    /// <summary>The rules were reloaded, but not every score table could be set up.</summary>
    TablesIncomplete,
}

/// <summary>
/// The figures of systemd's status line (<c>systemctl status</c> shows it):
/// "3 rules, 1 table, 2 blocked addresses", after what an admin should know first (paused, a
/// rejected reload). A value, compared to the one last sent, so an unchanged status costs nothing.
/// </summary>
internal readonly record struct ServiceStatus(int Rules, int Tables, int Blocked, bool Paused, ReloadOutcome LastReload)
{
    /// <summary>Appends the status text (without <c>STATUS=</c>).</summary>
    public void WriteTo(ref NotifyMessage message)
    {
        message.Append(LastReload switch
        {
            ReloadOutcome.Rejected => "reload rejected (errors in the config), the previous rules run on: "u8,
            ReloadOutcome.TablesIncomplete => "reloaded, but not every score table could be set up: "u8,
            _ => ""u8,
        });
        if (Paused)
        {
            message.Append("paused (SIGUSR1), "u8);
        }

        message.Append(Rules);
        message.Append(Rules == 1 ? " rule"u8 : " rules"u8);
        if (Tables > 0)
        {
            message.Append(", "u8);
            message.Append(Tables);
            message.Append(Tables == 1 ? " table, "u8 : " tables, "u8);
            message.Append(Blocked);
            message.Append(Blocked == 1 ? " blocked address"u8 : " blocked addresses"u8);
        }
    }
}
