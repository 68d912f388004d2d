using Tinyfence.Config;
using Tinyfence.Logging;
using Tinyfence.Table;

namespace Tinyfence.Firewall;

/// <summary>
/// A score table's addresses above its threshold, kept in two kernel sets (IPv4, IPv6) that a
/// rule per port and family refuses new TCP connections from. The whole of it is replaced in one
/// batch at start, after a reload and after any failure; then each second only what changed is
/// sent: an address that crossed the threshold is added with the time its decay takes to bring
/// it back (so the kernel drops it on its own, also when the daemon is gone), one whose score
/// moved is put in anew with its new time, one brought below by <c>SET</c>/<c>DEL</c> removed.
/// Before that, the counters of the elements are read and each refused connection adds
/// <see cref="FirewallOptions.BlockedPoints"/> to its address's score. A failure is logged once
/// with what to do, the table goes on without the firewall, and a replace is tried each minute.
/// Used from the daemon's main thread only; no allocation in a second without new maxima.
/// </summary>
internal sealed class TableFirewall(string tableName, FirewallOptions options, Logger log) : IDisposable
{
    // Elements live at most a day past the daemon: a score that never decays is re-timed each
    // half day, and an element left by a daemon that died goes within a day.
    private const uint LongestSeconds = 86_400;
    private const long RetryMs = 60_000;

    private readonly FirewallNames _names = new(tableName);
    private readonly NetlinkMessages _batch = new(64 * 1024);
    private readonly NetlinkMessages _request = new(256);
    private readonly ElementChanges _removals4 = new();
    private readonly ElementChanges _removals6 = new();
    private readonly ElementChanges _additions4 = new();
    private readonly ElementChanges _additions6 = new();
    private InstalledElements _installed4 = new();
    private InstalledElements _installed6 = new();
    private InstalledElements _next4 = new();
    private InstalledElements _next6 = new();
    private NetlinkSocket? _socket;
    private bool _replaceDue = true;
    private bool _replacedOnce;
    private int _failingErrno;
    private long _retryAtMs;

    // The upkeep under way: read by the visitor.
    private ScoreTable? _table;
    private uint _now;
    private long _nowMs;
    private bool _replacing;

    public FirewallOptions Options { get; } = options;

    public FirewallNames Names => _names;

    /// <summary>Elements the kernel holds as far as the daemon knows.</summary>
    public int Installed => _installed4.Count + _installed6.Count;

    /// <summary>Refused connections counted since the daemon started.</summary>
    public long Refused { get; private set; }

    /// <summary>The next upkeep replaces the whole set from the table (a reload).</summary>
    public void ReplaceNext() => _replaceDue = true;

    /// <summary>A second's upkeep, after the table's sweep; <paramref name="monotonicMs"/> paces retries.</summary>
    public void Update(ScoreTable table, long monotonicMs)
    {
        if (_replaceDue && monotonicMs < _retryAtMs)
        {
            return;
        }

        int error = _replaceDue ? Replace(table) : SendChanges(table);
        if (error != 0)
        {
            Failed(error, monotonicMs);
        }
        else if (_failingErrno != 0)
        {
            _failingErrno = 0;
            log.Notice($"table \"{tableName}\": firewall: the kernel set is kept again ({Installed} addresses)");
        }
    }

    /// <summary>Removes the table's chain and sets from the kernel: the table or its firewall left the config.</summary>
    public void Remove()
    {
        if (_socket is null)
        {
            return;
        }

        _batch.BeginBatch();
        KernelObjects.Remove(_batch, _names);
        _batch.EndBatch();
        int error = _socket.Transact(_batch);
        if (error != 0 && !FirewallErrors.IsChangedElsewhere(error))
        {
            log.Warning($"table \"{tableName}\": firewall: cannot remove chain {_names.ChainName} and its sets: {FirewallErrors.Describe(error)}");
        }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private int Replace(ScoreTable table)
    {
        if (_socket is null)
        {
            int opened = NetlinkSocket.TryOpen(out _socket);
            if (opened != 0)
            {
                return opened;
            }
        }

        // A reload replaces sets that may hold refused connections not yet counted: count them first.
        if (Options.BlockedPoints > 0 && _failingErrno == 0)
        {
            _ = ReadCounters(table, _installed4, _names.IPv4Set);
            _ = ReadCounters(table, _installed6, _names.IPv6Set);
        }

        _batch.BeginBatch();
        KernelObjects.Table(_batch);
        KernelObjects.Chain(_batch, _names);
        KernelObjects.FlushChain(_batch, _names);
        KernelObjects.Set(_batch, _names.IPv4Set, ipv6: false, id: 1);
        KernelObjects.Set(_batch, _names.IPv6Set, ipv6: true, id: 2);
        KernelObjects.FlushSet(_batch, _names.IPv4Set);
        KernelObjects.FlushSet(_batch, _names.IPv6Set);
        foreach (ushort port in Options.Ports)
        {
            RuleWriter.Write(_batch, FirewallNames.Table, _names.Chain, _names.IPv4Set, port, ipv6: false, table.Spec.IPv6PrefixBits);
            RuleWriter.Write(_batch, FirewallNames.Table, _names.Chain, _names.IPv6Set, port, ipv6: true, table.Spec.IPv6PrefixBits);
        }

        _replacing = true;
        Gather(table);
        int error = Send(_batch);
        if (error == 0)
        {
            if (_replacedOnce is false && FirewallProbe.Limitation(FirewallProbe.Kernel, Options.BlockedPoints) is { } limitation)
            {
                log.Warning($"table \"{tableName}\": firewall: {limitation}");
            }

            _replacedOnce = true;
            _replaceDue = false;
            log.Info($"table \"{tableName}\": firewall: {Installed} addresses in inet tinyfence sets {_names.IPv4SetName}, {_names.IPv6SetName}");
        }

        return error;
    }

    private int SendChanges(ScoreTable table)
    {
        if (Options.BlockedPoints > 0)
        {
            int error = ReadCounters(table, _installed4, _names.IPv4Set);
            error = error != 0 ? error : ReadCounters(table, _installed6, _names.IPv6Set);
            if (error != 0)
            {
                return error;
            }
        }

        _batch.BeginBatch();
        _replacing = false;
        Gather(table);
        if (_removals4.Count + _removals6.Count + _additions4.Count + _additions6.Count == 0)
        {
            Swap();
            return 0;
        }

        return Send(_batch);
    }

    private int ReadCounters(ScoreTable table, InstalledElements installed, byte[] set)
    {
        if (installed.Count == 0)
        {
            return 0;
        }

        KernelObjects.DumpRequest(_request, set);
        var reader = new CounterReader(table, installed, Options.BlockedPoints, table.Now);
        int error = _socket!.Dump(_request, ref reader);
        Refused += reader.Refused;
        return error;
    }

    /// <summary>Visits the table and gathers the changes: additions with timeouts, removals.</summary>
    private void Gather(ScoreTable table)
    {
        _table = table;
        _now = table.Now;
        _nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + (table.ClockOffset * 1000);
        _removals4.Clear();
        _removals6.Clear();
        _additions4.Clear();
        _additions6.Clear();
        _next4.Clear();
        _next6.Clear();
        var visitor = new Visitor(this);
        table.ForEach(_now, ref visitor);
        if (!_replacing)
        {
            GatherGone(_installed4, _removals4);
            GatherGone(_installed6, _removals6);
        }

        _table = null;
    }

    private void Consider(in StoredScore entry, int scoreNow)
    {
        if (!_table!.IsBlocked(scoreNow))
        {
            return;
        }

        IpKey key = entry.Key;
        bool ipv6 = !key.IsIPv4;
        InstalledElements installed = ipv6 ? _installed6 : _installed4;
        uint until = BlockEnd.At(_table.Spec, entry, scoreNow, _now);
        uint expires = (uint)Math.Min(until, (long)_now + LongestSeconds);
        int slot = _replacing ? -1 : installed.Find(key);
        if (slot >= 0)
        {
            ref InstalledElements.Slot element = ref installed[slot];
            element.Carried = true;
            bool inKernel = element.ExpiresAt > _now;
            bool current = until <= (long)_now + LongestSeconds
                ? element.ExpiresAt == until
                : element.ExpiresAt - _now >= LongestSeconds / 2;
            if (inKernel && current && !element.CounterRead)
            {
                (ipv6 ? _next6 : _next4).Add(key, element.ExpiresAt);
                return;
            }

            // An element is removed only while it surely is there: the kernel drops it at
            // ExpiresAt, and removing a missing element would undo the whole batch.
            if (inKernel)
            {
                (ipv6 ? _removals6 : _removals4).Add(key, 0);
            }
        }

        // At least a millisecond: a timeout of 0 would be no timeout at all.
        long timeoutMs = Math.Max(1, (expires * 1000L) - _nowMs);
        (ipv6 ? _additions6 : _additions4).Add(key, (ulong)timeoutMs);
        (ipv6 ? _next6 : _next4).Add(key, expires);
    }

    /// <summary>Elements no longer blocked: removed, unless the kernel has dropped them already.</summary>
    private void GatherGone(InstalledElements installed, ElementChanges removals)
    {
        for (int i = 0; i < installed.SlotCount; i++)
        {
            ref InstalledElements.Slot element = ref installed[i];
            if (element.Used && !element.Carried && element.ExpiresAt > _now)
            {
                removals.Add(element.Key, 0);
            }
        }
    }

    private int Send(NetlinkMessages batch)
    {
        _removals4.WriteTo(batch, NfTables.NFT_MSG_DELSETELEM, _names.IPv4Set, ipv6: false);
        _removals6.WriteTo(batch, NfTables.NFT_MSG_DELSETELEM, _names.IPv6Set, ipv6: true);
        _additions4.WriteTo(batch, NfTables.NFT_MSG_NEWSETELEM, _names.IPv4Set, ipv6: false);
        _additions6.WriteTo(batch, NfTables.NFT_MSG_NEWSETELEM, _names.IPv6Set, ipv6: true);
        batch.EndBatch();
        int error = _socket!.Transact(batch);
        if (error == 0)
        {
            Swap();
        }

        return error;
    }

    private void Swap()
    {
        (_installed4, _next4) = (_next4, _installed4);
        (_installed6, _next6) = (_next6, _installed6);
    }

    private void Failed(int error, long monotonicMs)
    {
        // What the kernel holds is unknown now: the next try replaces it all.
        _replaceDue = true;
        _installed4.Clear();
        _installed6.Clear();
        if (FirewallErrors.IsChangedElsewhere(error) && _failingErrno == 0)
        {
            log.Warning($"table \"{tableName}\": firewall: {FirewallErrors.Describe(error)}");
            _retryAtMs = 0;
            _failingErrno = error;
            return;
        }

        if (error != _failingErrno)
        {
            log.Error($"table \"{tableName}\": firewall: {FirewallErrors.Describe(error)}; the table goes on without it, tried again each minute");
        }

        _failingErrno = error;
        _retryAtMs = monotonicMs + RetryMs;
        if (error is not (Interop.Errno.EAGAIN or Interop.Errno.EIO))
        {
            _socket?.Dispose();
            _socket = null;
        }
    }

    private readonly struct Visitor(TableFirewall firewall) : IEntryVisitor
    {
        public void Visit(in StoredScore entry, int scoreNow) => firewall.Consider(entry, scoreNow);
    }
}
