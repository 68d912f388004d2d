using MimeKit;

namespace Tinyfence.Alerts;

// The worker thread: picks what may go now, sends it, and decides what a failure means.
// Everything it shares with Enqueue/Flush/Settings is read and changed under _lock; the
// network is only touched outside it, so Enqueue never waits for a server.
public sealed partial class MailQueue
{
    private static readonly TimerCallback s_wake = static state => ((ManualResetEventSlim)state!).Set();

    // Worker-owned (read under _lock by Flush and Settings only to reset them).
    private long _retryAt;
    private TimeSpan _backoff;
    private long _lastActivity;
    private bool _holdLogged;
    private long _holdLoggedAt;
    private MailSettings? _unverifiedWarned;
    private SmtpSession? _session;

    private void Run()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            _wake.Reset();
            QueuedAlert? entry;
            TimeSpan wait;
            MailSettings settings;
            string? heldLine;
            lock (_lock)
            {
                entry = NextLocked(out wait, out heldLine);
                settings = _settings;
                _inFlight = entry;
            }

            if (heldLine is not null)
            {
                _log.Notice(heldLine);
            }

            if (entry is null)
            {
                WaitForWork(CloseIfIdle(wait));
                continue;
            }

            try
            {
                Attempt(entry, settings, stop);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A bug here must neither kill the thread (that would end the process) nor wedge
                // the queue behind one message.
                Forget(entry, countAsFailed: true);
                _log.Error($"mail: dropped \"{entry.Subject}\": internal error: {e.GetType().Name}: {e.Message}");
            }

            List<string>? dropped;
            int limit;
            lock (_lock)
            {
                _inFlight = null;
                limit = _settings.QueueLimit;
                dropped = TrimLocked(keep: null);
            }

            LogDropped(dropped, limit);
            _progress.Set();
        }

        CloseSession(quit: false);
        _progress.Set();
    }

    /// <summary>
    /// What to send now, or null and how long to wait. Digests go first (they hold older alerts);
    /// when the rate limit has no room, every queued alert moves into a digest (one per recipient
    /// list). While flushing, the limit is ignored: what it would hold goes out as one digest.
    /// </summary>
    private QueuedAlert? NextLocked(out TimeSpan wait, out string? heldLine)
    {
        long now = _time.GetTimestamp();
        heldLine = null;
        wait = Timeout.InfiniteTimeSpan;
        if (now < _retryAt)
        {
            wait = Until(_retryAt, now);
            return null;
        }

        bool limiterRoom = _limiter.HasRoom(now);
        if (!limiterRoom && _queue.Count > 0)
        {
            heldLine = HoldQueuedLocked(now);
        }

        bool room = limiterRoom || _flushing > 0;

        foreach (QueuedAlert digest in _digests)
        {
            if (digest.NotBefore > now)
            {
                wait = Shorter(wait, Until(digest.NotBefore, now));
            }
            else if (room)
            {
                return digest;
            }
            else
            {
                wait = Shorter(wait, _limiter.Wait(now));
            }
        }

        if (!room)
        {
            return null;
        }

        foreach (QueuedAlert entry in _queue)
        {
            if (entry.NotBefore <= now)
            {
                return entry;
            }

            wait = Shorter(wait, Until(entry.NotBefore, now));
        }

        return null;
    }

    private string? HoldQueuedLocked(long now)
    {
        while (_queue.First is { } node)
        {
            _queue.RemoveFirst();
            QueuedAlert entry = node.Value;
            QueuedAlert digest = DigestForLocked(entry.Recipients);
            if (digest.Held!.Count < MaxDigestAlerts)
            {
                digest.Held.Add(entry.Single!);
            }
            else
            {
                digest.Omitted++;
            }
        }

        // Once when holding starts, then at most once a minute: a storm must not become a log storm.
        if (_holdLogged && _time.GetElapsedTime(_holdLoggedAt, now) < TimeSpan.FromMinutes(1))
        {
            return null;
        }

        _holdLogged = true;
        _holdLoggedAt = now;
        int held = 0;
        foreach (QueuedAlert digest in _digests)
        {
            held += digest.Count;
        }

        return $"mail: rate limit ({AlertComposer.RateText(_settings)}): {MailText.Count(held, "message", "messages")} held for a digest";
    }

    private QueuedAlert DigestForLocked(IReadOnlyList<string> recipients)
    {
        foreach (QueuedAlert digest in _digests)
        {
            if (digest.Recipients.SequenceEqual(recipients, StringComparer.OrdinalIgnoreCase))
            {
                return digest;
            }
        }

        QueuedAlert created = QueuedAlert.ForDigest(recipients);
        _digests.Add(created);
        return created;
    }

    private void Attempt(QueuedAlert entry, MailSettings settings, CancellationToken stop)
    {
        if (!MailAddresses.TryParse(settings.From, out MailboxAddress? from, out string? fromError))
        {
            Retry(entry, new MailFailure(FailureKind.Configuration, $"sender {fromError}"));
            return;
        }

        List<MailboxAddress> recipients = Recipients(entry, settings);
        if (recipients.Count == 0)
        {
            Forget(entry, countAsFailed: true);
            _log.Error($"mail: dropped \"{entry.Subject}\": no valid recipient");
            return;
        }

        int droppedBefore;
        lock (_lock)
        {
            droppedBefore = _droppedUnreported;
        }

        entry.MessageId ??= AlertComposer.NewMessageId(from);
        MimeMessage message = Compose(entry, settings, from, recipients, droppedBefore, out string subject);
        for (int attempt = 0; ; attempt++)
        {
            bool reused = false;
            try
            {
                SmtpSession session = EnsureSession(settings, stop, out reused);
                Delivery delivery = session.Send(message, from, recipients, stop);
                Delivered(entry, subject, delivery, droppedBefore);
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                MailFailure failure = MailFailure.From(e, _session, settings);
                // After a refused MAIL/RCPT/DATA MailKit has said RSET: the connection is fine.
                if (failure.Kind is not (FailureKind.Permanent or FailureKind.Deferred) || _session is not { IsConnected: true })
                {
                    CloseSession(quit: false);
                }

                if (reused && attempt == 0 && failure.Kind == FailureKind.Down)
                {
                    // The server closed the idle connection under us: that is not the server
                    // being down. Once more on a fresh connection.
                    continue;
                }

                if (failure.Kind == FailureKind.Permanent)
                {
                    Volatile.Write(ref _lastError, failure.Reason);
                    Forget(entry, countAsFailed: true);
                    _log.Error($"mail: dropped \"{subject}\": {failure.Reason}");
                }
                else
                {
                    Retry(entry, failure);
                }

                return;
            }
        }
    }

    private List<MailboxAddress> Recipients(QueuedAlert entry, MailSettings settings)
    {
        IReadOnlyList<string> addresses = entry.Recipients.Count > 0 ? entry.Recipients : settings.To;
        var recipients = new List<MailboxAddress>(addresses.Count);
        foreach (string address in addresses)
        {
            if (MailAddresses.TryParse(address, out MailboxAddress? mailbox, out string? error))
            {
                recipients.Add(mailbox);
            }
            else
            {
                _log.Error($"mail: recipient of \"{entry.Subject}\" skipped: {error}");
            }
        }

        return recipients;
    }

    private MimeMessage Compose(QueuedAlert entry, MailSettings settings, MailboxAddress from, List<MailboxAddress> recipients,
        int droppedBefore, out string subject)
    {
        if (entry.Single is { } alert)
        {
            subject = alert.Subject;
            return AlertComposer.Compose(settings, from, recipients, alert.Subject,
                AlertComposer.Body(alert.Body, droppedBefore, settings.QueueLimit), alert.Created, entry.MessageId!);
        }

        subject = AlertComposer.DigestSubject(entry.Count, settings);
        return AlertComposer.Compose(settings, from, recipients, subject,
            AlertComposer.DigestBody(entry.Held!, entry.Omitted, settings, droppedBefore), _time.GetLocalNow(), entry.MessageId!);
    }

    private SmtpSession EnsureSession(MailSettings settings, CancellationToken stop, out bool reused)
    {
        SmtpSession? session = _session;
        if (session is not null && (!session.IsConnected || !ReferenceEquals(session.Settings, settings)))
        {
            // A reload may have changed the server, the credentials or the trust: new connection.
            CloseSession(quit: session.IsConnected);
            session = null;
        }

        if (session is not null)
        {
            reused = true;
            return session;
        }

        reused = false;
        if (!settings.VerifyCertificate && settings.Security != MailSecurity.None && !ReferenceEquals(_unverifiedWarned, settings))
        {
            _unverifiedWarned = settings;
            _log.Warning($"mail: certificate verification is off: the connection to {settings.Host} can be intercepted and read");
        }

        session = new SmtpSession(settings, _trust);
        Volatile.Write(ref _session, session);
        if (stop.IsCancellationRequested)
        {
            session.Abort();
            stop.ThrowIfCancellationRequested();
        }

        session.Open(stop);
        return session;
    }

    private void Delivered(QueuedAlert entry, string subject, Delivery delivery, int droppedBefore)
    {
        List<string>? deferred = null;
        foreach (RecipientRefusal refusal in delivery.Refused)
        {
            if (refusal.IsPermanent)
            {
                _log.Warning($"mail: {refusal.Mailbox.Address} refused: {refusal.Reply}");
            }
            else
            {
                _log.Warning($"mail: {refusal.Mailbox.Address} refused: {refusal.Reply} (temporary: will retry)");
                (deferred ??= []).Add(refusal.Mailbox.Address);
            }
        }

        long now = _time.GetTimestamp();
        if (delivery.DataReply is not null)
        {
            _log.Info($"mail: sent \"{subject}\" to {MailAddresses.Join(delivery.Accepted)} ({delivery.DataReply})");
            lock (_lock)
            {
                _limiter.Record(now);
                _sent++;
                _droppedUnreported = Math.Max(0, _droppedUnreported - droppedBefore);
                _retryAt = 0;
                _backoff = TimeSpan.Zero;
                _lastActivity = now;
            }
        }

        if (deferred is not null)
        {
            // Delivered to the others (or to nobody yet): only the deferred recipients get it again.
            TimeSpan delay;
            int pending;
            lock (_lock)
            {
                entry.Recipients = deferred;
                entry.Backoff = NextBackoff(entry.Backoff);
                entry.NotBefore = After(now, entry.Backoff);
                delay = entry.Backoff;
                pending = PendingLocked();
            }

            _log.Warning($"mail: \"{subject}\" deferred for {string.Join(", ", deferred)}, {MailText.Count(pending, "message", "messages")} queued, retrying in {MailText.Duration(delay)}");
            return;
        }

        if (delivery.DataReply is null)
        {
            Forget(entry, countAsFailed: true);
            _log.Error($"mail: dropped \"{subject}\": every recipient was refused");
            return;
        }

        Forget(entry, countAsFailed: false);
    }

    private void Retry(QueuedAlert entry, MailFailure failure)
    {
        Volatile.Write(ref _lastError, failure.Reason);
        long now = _time.GetTimestamp();
        TimeSpan delay;
        int pending;
        lock (_lock)
        {
            if (failure.Kind == FailureKind.Deferred)
            {
                // This message, not the server: the others may go meanwhile.
                entry.Backoff = NextBackoff(entry.Backoff);
                entry.NotBefore = After(now, entry.Backoff);
                delay = entry.Backoff;
            }
            else
            {
                _backoff = NextBackoff(_backoff);
                _retryAt = After(now, _backoff);
                delay = _backoff;
            }

            pending = PendingLocked();
        }

        string queued = $"{MailText.Count(pending, "message", "messages")} queued, retrying in {MailText.Duration(delay)}";
        switch (failure.Kind)
        {
            case FailureKind.Down:
                _log.Warning($"mail: server down ({failure.Reason}), {queued}");
                break;
            case FailureKind.Deferred:
                _log.Warning($"mail: server deferred \"{entry.Subject}\" ({failure.Reason}), {queued}");
                break;
            default:
                _log.Error($"mail: cannot send ({failure.Reason}), {queued}");
                break;
        }
    }

    private void Forget(QueuedAlert entry, bool countAsFailed)
    {
        lock (_lock)
        {
            if (entry.IsDigest)
            {
                _digests.Remove(entry);
                if (countAsFailed)
                {
                    _failed += entry.Count;
                }

                if (_digests.Count == 0)
                {
                    _holdLogged = false;
                }
            }
            else
            {
                _queue.Remove(entry);
                if (countAsFailed)
                {
                    _failed++;
                }
            }
        }
    }

    private TimeSpan CloseIfIdle(TimeSpan wait)
    {
        SmtpSession? session = _session;
        if (session is null)
        {
            return wait;
        }

        if (!session.IsConnected)
        {
            CloseSession(quit: false);
            return wait;
        }

        TimeSpan idle = _time.GetElapsedTime(_lastActivity);
        if (idle >= _options.IdleClose)
        {
            CloseSession(quit: true);
            return wait;
        }

        return Shorter(wait, _options.IdleClose - idle);
    }

    private void CloseSession(bool quit)
    {
        SmtpSession? session = Interlocked.Exchange(ref _session, null);
        if (session is null)
        {
            return;
        }

        if (quit)
        {
            session.Quit();
        }

        session.Dispose();
    }

    private void AbortSession() => Volatile.Read(ref _session)?.Abort();

    private void WaitForWork(TimeSpan wait)
    {
        if (wait == Timeout.InfiniteTimeSpan)
        {
            _wake.Wait();
            return;
        }

        if (wait <= TimeSpan.Zero)
        {
            return;
        }

        // A timer of the queue's clock, not Wait(timeout): a test's fake clock must be able to end the wait.
        using ITimer timer = _time.CreateTimer(s_wake, _wake, wait, Timeout.InfiniteTimeSpan);
        _wake.Wait();
    }

    private TimeSpan NextBackoff(TimeSpan current) =>
        current <= TimeSpan.Zero ? _options.InitialBackoff : TimeSpan.FromTicks(Math.Min(current.Ticks * 2, _options.MaxBackoff.Ticks));

    private long After(long now, TimeSpan delay) => now + (long)(delay.TotalSeconds * _time.TimestampFrequency);

    private TimeSpan Until(long timestamp, long now) => _time.GetElapsedTime(now, timestamp);

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) =>
        a == Timeout.InfiniteTimeSpan ? b : b == Timeout.InfiniteTimeSpan ? a : (a < b ? a : b);
}
