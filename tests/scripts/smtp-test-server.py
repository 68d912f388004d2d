#!/usr/bin/python3
"""A small SMTP server for the mail-alert tests, built on aiosmtpd (Debian: python3-aiosmtpd).

Run it with /usr/bin/python3: Debian's python3-aiosmtpd is not visible to another Python
(a pyenv one, say) that may come first on PATH.

    smtp-test-server.py PORT [options]      PORT 0: the kernel picks a free port

The first line on stdout is always "listening PORT". Then one line per event the tests may
wait for or count (flushed at once):
    connect / disconnect            a client connected / its connection ended
    auth MECH                       AUTH MECH was sent (before any check)
    auth-ok USER / auth-failed USER
    mail FROM / rcpt ADDRESS / refused ADDRESS
    data-refused N                  the Nth DATA command answered 451 (--fail-data)
    stored N.eml                    a message was accepted and written (--maildir)

It binds 127.0.0.1 only, and exits when its stdin closes, so a test process that dies never
leaves it running.

Options:
    --maildir DIR          write each accepted message to DIR/N.eml (N = 1, 2, ...), and the
                           envelope recipients to DIR/N.rcpt, one a line; the .rcpt is written
                           first and the .eml is renamed into place, so a test that sees N.eml
                           sees whole files
    --starttls CERT KEY    offer STARTTLS (PEM files); AUTH is only offered after it
    --tls CERT KEY         implicit TLS (SMTPS): TLS from the first byte
    --auth USER:PASSWORD   require AUTH (PLAIN or LOGIN) before MAIL
    --advertise-auth MECH  also advertise the SASL mechanism MECH (e.g. NTLM, GSSAPI); using
                           it always fails, so a test can see that the client never does
    --no-password-auth     with --auth: do not offer PLAIN and LOGIN (only --advertise-auth ones)
    --refuse ADDRESS       answer RCPT TO for ADDRESS with 550 (repeatable)
    --defer ADDRESS        answer RCPT TO for ADDRESS with 450 (repeatable)
    --fail-data N          answer the first N DATA commands with 451
    --hang                 accept TCP connections and never say anything (no SMTP at all)
"""

import argparse
import asyncio
import logging
import os
import ssl
import sys
import threading
import warnings

HANG_HELP = "accept connections and never send the greeting"


def emit(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def parse_args():
    p = argparse.ArgumentParser(description="SMTP test server for tinyfence's mail tests")
    p.add_argument("port", type=int)
    p.add_argument("--maildir")
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth", metavar="USER:PASSWORD")
    p.add_argument("--advertise-auth", action="append", default=[], metavar="MECH")
    p.add_argument("--no-password-auth", action="store_true")
    p.add_argument("--refuse", action="append", default=[], metavar="ADDRESS")
    p.add_argument("--defer", action="append", default=[], metavar="ADDRESS")
    p.add_argument("--fail-data", type=int, default=0, metavar="N")
    p.add_argument("--hang", action="store_true", help=HANG_HELP)
    args = p.parse_args()
    if args.starttls and args.tls:
        p.error("--starttls and --tls exclude each other")
    if args.auth is not None and ":" not in args.auth:
        p.error("--auth takes USER:PASSWORD")
    return args


def tls_context(cert, key):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class Handler:
    """aiosmtpd handler hooks: recipients, DATA, and event lines."""

    def __init__(self, args):
        self.maildir = args.maildir
        self.refuse = {a.lower() for a in args.refuse}
        self.defer = {a.lower() for a in args.defer}
        self.stored = 0

    async def handle_AUTH(self, server, session, envelope, args):
        from aiosmtpd.smtp import MISSING
        emit("auth " + args[0].upper())
        return MISSING

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        emit("mail " + address)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            emit("refused " + address)
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        if address.lower() in self.defer:
            emit("deferred " + address)
            return f"450 4.2.0 <{address}>: Recipient address temporarily unavailable"
        emit("rcpt " + address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.stored += 1
        n = self.stored
        if self.maildir:
            base = os.path.join(self.maildir, str(n))
            with open(base + ".rcpt", "w", encoding="utf-8") as f:
                f.write("".join(r + "\n" for r in envelope.rcpt_tos))
            with open(base + ".tmp", "wb") as f:
                f.write(envelope.original_content)
            os.rename(base + ".tmp", base + ".eml")
        emit(f"stored {n}.eml")
        return f"250 2.0.0 Ok: queued as TEST{n}"


def decoy_mechanism(name):
    async def mechanism(server, args):
        from aiosmtpd.smtp import AuthResult
        emit("decoy-auth-used " + name)
        return AuthResult(success=False, handled=False)
    return mechanism


def make_smtp_class(args):
    from aiosmtpd.smtp import SMTP

    class TestSMTP(SMTP):
        data_failures_left = args.fail_data
        data_failures = 0

        def connection_made(self, transport):
            if self.transport is None:
                emit("connect")
            super().connection_made(transport)

        def connection_lost(self, error):
            # After STARTTLS the TLS layer reports the loss too: count the connection once.
            if not getattr(self, "_lost_reported", False):
                self._lost_reported = True
                emit("disconnect")
            super().connection_lost(error)

        async def smtp_DATA(self, arg):
            # Only a DATA that would be accepted counts (after a valid MAIL and RCPT).
            if TestSMTP.data_failures_left > 0 and self.envelope.rcpt_tos and self.session.host_name:
                TestSMTP.data_failures_left -= 1
                TestSMTP.data_failures += 1
                emit(f"data-refused {TestSMTP.data_failures}")
                await self.push("451 4.3.0 Temporary failure, try again later")
                return
            await super().smtp_DATA(arg)

    return TestSMTP


async def serve_smtp(args, loop):
    from aiosmtpd.smtp import AuthResult, LoginPassword

    handler = Handler(args)
    for mech in args.advertise_auth:
        setattr(handler, "auth_" + mech.upper().replace("-", "__"), decoy_mechanism(mech.upper()))

    kwargs = {"hostname": "tinyfence-test", "ident": "tinyfence-test-smtp", "loop": loop}
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            if not isinstance(auth_data, LoginPassword):
                return AuthResult(success=False, handled=False)
            login = auth_data.login.decode("utf-8", "replace")
            ok = login == user and auth_data.password == password.encode("utf-8")
            emit(("auth-ok " if ok else "auth-failed ") + login)
            # handled=False: aiosmtpd answers "535 5.7.8 Authentication credentials invalid".
            return AuthResult(success=ok, handled=False)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        # AUTH only after STARTTLS when STARTTLS is offered; with implicit TLS or plain text,
        # aiosmtpd would otherwise never offer AUTH (it does not see implicit TLS).
        kwargs["auth_require_tls"] = bool(args.starttls)
        if args.no_password_auth:
            kwargs["auth_exclude_mechanism"] = ["PLAIN", "LOGIN"]
    else:
        kwargs["auth_require_tls"] = True
        kwargs["auth_exclude_mechanism"] = ["PLAIN", "LOGIN"]
    if args.starttls:
        kwargs["tls_context"] = tls_context(*args.starttls)

    smtp_class = make_smtp_class(args)
    ssl_context = tls_context(*args.tls) if args.tls else None
    return await loop.create_server(lambda: smtp_class(handler, **kwargs),
                                    host="127.0.0.1", port=args.port, ssl=ssl_context)


class HangProtocol(asyncio.Protocol):
    open_transports = []

    def connection_made(self, transport):
        emit("connect")
        HangProtocol.open_transports.append(transport)


async def main():
    args = parse_args()
    # aiosmtpd warns about AUTH without TLS (on purpose here) and deprecated fields: noise.
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    loop = asyncio.get_running_loop()
    if args.hang:
        server = await loop.create_server(HangProtocol, host="127.0.0.1", port=args.port)
    else:
        server = await serve_smtp(args, loop)
    emit(f"listening {server.sockets[0].getsockname()[1]}")

    stdin_closed = loop.create_future()

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            loop.call_soon_threadsafe(lambda: stdin_closed.done() or stdin_closed.set_result(None))

    threading.Thread(target=watch_stdin, daemon=True).start()
    await stdin_closed
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    # Connections may still be open (--hang): do not wait for them.
    os._exit(0)
