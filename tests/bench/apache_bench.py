#!/usr/bin/env python3
"""Apache with each per-IP mechanism, next to the same Apache without one (issue 9's table).

Every setup is the same Apache 2.4 (mpm_event) serving the same 512-byte static file; only the
per-IP check differs (the config files in tests/bench/apache/). wrk drives it with a random
X-Forwarded-For per request out of 100,000 addresses (mod_remoteip makes it REMOTE_ADDR), so
no per-child cache or single record hides the check's cost. Setups run interleaved, round after
round, each with a warm-up, and each ratio is taken within one round: absolute figures move by
+-15 % between runs on these shared 2-core machines (shared/reference/benchmarks.md).

  python3 tests/bench/apache_bench.py [--binary dist/tinyfence] [--rounds 3] [--duration 10]
  python3 tests/bench/apache_bench.py --quick        # 1 round of 3 s: a smoke run

Needs apache2, libapache2-mod-security2, wrk and gcc (tests/bench/run.sh installs them). A
Tinyfence row is skipped (and says why) when the binary's adapter fails a probe line.
"""
import argparse
import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from benchlib import print_rows, spread, stop

HERE = os.path.dirname(os.path.abspath(__file__))
ASSETS = os.path.join(HERE, "apache")
APACHE = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"
SETUPS = ["none", "file-log", "c-prg", "modsec", "modsec-blocklist", "tinyfence-prg", "tinyfence-fast"]
# modsec-blocklist is modsec with the blocklist's addresses in its collection, as on a server that
# has scored spammers: mod_security's cost grows with the size of its SDBM files.
CONFIG_OF = {"modsec-blocklist": "modsec"}
TINYFENCE_SETUPS = {"tinyfence-prg": "map", "tinyfence-fast": "feed"}
# Issue 9's targets: each Tinyfence setup against its peer, in the same round.
TARGETS = {"tinyfence-prg": ("c-prg", 0.95), "tinyfence-fast": ("file-log", 0.95)}
# The order setups run in within a round: each Tinyfence setup right after its peer, and the
# mod_security setups (which write SDBM files on every request: writeback goes on after Apache
# has stopped) last, so that they do not weigh on the rows that are compared with each other.
RUN_ORDER = ["none", "file-log", "tinyfence-fast", "c-prg", "tinyfence-prg", "modsec", "modsec-blocklist"]
# A pause after each setup, once its dirty pages are flushed, so it does not slow the next.
SETTLE_SECONDS = 1.0
# Hang guards (seconds) for what takes milliseconds on an idle machine: an answer, a start-up, a
# log line. Generous, as the smoke test runs on loaded machines; nothing is measured with them.
GUARD = 30
FILE_BYTES = 512
# The one address ok-map.c answers BLOCK for; 10.x (the load) and 198.18.x (the blocklist) never are.
MAP_PROBE = "192.0.2.66"
ALLOWED = "10.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class SetupFailed(Exception):
    pass


def render(name, values):
    with open(os.path.join(ASSETS, name)) as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    return text


def blocklist_address(i):
    """The i-th blocked address: 198.18.0.0/15 (benchmarking range), apart from the load's 10/8."""
    return f"198.{18 + i // 65536}.{i // 256 % 256}.{i % 256}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_stat(pid):
    """The fields after the command name of /proc/PID/stat (state is [0]), or None when gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def session_processes(session):
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = proc_stat(int(entry))
            if fields and fields[3] == str(session) and fields[0] != "Z":
                pids.append(int(entry))
    return pids


def cpu_ticks(session, extra_pids=()):
    """utime + stime of every live process of Apache's session (workers, maps, piped loggers),
    plus what the parent has reaped (cutime + cstime), plus the same for extra processes."""
    total = 0
    for pid in session_processes(session):
        fields = proc_stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
            if pid == session:
                total += int(fields[13]) + int(fields[14])
    for pid in extra_pids:
        fields = proc_stat(pid)
        if fields:
            total += sum(int(v) for v in fields[11:15])
    return total


def request(port, address, path="/f.html"):
    """(status, body) of one GET as if from `address`; status 0 when Apache closed the connection."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-Forwarded-For": address})
    try:
        with urllib.request.urlopen(req, timeout=GUARD) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except (ConnectionError, urllib.error.URLError) as e:
        if isinstance(e, urllib.error.URLError) and not isinstance(e.reason, ConnectionError):
            raise
        return 0, b""


def expect(port, address, status, what, path="/f.html", within=0.0):
    """Checks one answer (retrying for `within` seconds): the setup really is on the request path."""
    deadline = time.monotonic() + within
    while True:
        got, body = request(port, address, path)
        if got == status and (status != 200 or len(body) == FILE_BYTES):
            return
        if time.monotonic() >= deadline:
            raise SetupFailed(f"{what}: {address} got {got or 'a closed connection'} ({len(body)} bytes), "
                              f"expected {status or 'a closed connection'}")
        time.sleep(0.2)


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def first_line(path):
    try:
        with open(path) as f:
            return f.readline()
    except OSError:
        return ""




class Apache:
    """apache2 in the foreground, in a session of its own, so its whole tree can be counted and ended."""

    def __init__(self, root, setup, config_text):
        self.root = root
        self.setup = setup
        self.conf = os.path.join(root, f"{setup}.conf")
        with open(self.conf, "w") as f:
            f.write(config_text)
        self.error_log = os.path.join(root, f"{setup}-error.log")
        self.proc = None

    def start(self, port):
        with open(os.path.join(self.root, f"{self.setup}-stderr.log"), "ab") as out:
            self.proc = subprocess.Popen([APACHE, "-d", self.root, "-f", self.conf, "-DFOREGROUND"],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 2 * GUARD
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SetupFailed(f"apache2 exited at start-up ({self.proc.returncode}): {self.tail()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SetupFailed(f"apache2 did not answer on port {port} within {2 * GUARD} s: {self.tail()}")

    def stop(self):
        if self.proc is None:
            return
        stop(self.proc, 15)
        for pid in session_processes(self.proc.pid):  # maps or loggers that outlived the parent
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc = None

    def tail(self):
        lines = []
        for path in (os.path.join(self.root, f"{self.setup}-stderr.log"), self.error_log):
            if os.path.exists(path):
                with open(path, errors="replace") as f:
                    lines += f.read().splitlines()[-8:]
        return " | ".join(lines) or "(no log output)"


def run_wrk(args, port, seconds, latency=True):
    # wrk takes whole seconds.
    argv = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds}s",
            "-s", os.path.join(ASSETS, "xff.lua")]
    if latency:
        argv.append("--latency")
    argv += [f"http://127.0.0.1:{port}/f.html", "--", str(args.addresses)]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    if run.returncode != 0:
        raise SetupFailed(f"wrk exited with {run.returncode}: {run.stderr.strip() or run.stdout.strip()}")
    return parse_wrk(run.stdout)


def parse_wrk(out):
    def duration_us(text):
        value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 6e7}[unit]

    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1)),
              "errors": 0}
    for pct in ("50", "90", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M)
        if m:
            result[f"p{pct}"] = duration_us(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        result["errors"] += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        result["errors"] += sum(int(v) for v in m.groups())
    return result


def tinyfence_status(binary, root):
    """setup -> None when it can run, else why not: the config is accepted, and each adapter
    does its job on a line of input (map answers the fallback without a table, feed copies its
    input to --log)."""
    if not os.access(binary, os.X_OK):
        return {s: f"{binary} is missing (make publish)" for s in TINYFENCE_SETUPS}
    conf = os.path.join(root, "tinyfence-check.conf")
    with open(conf, "w") as f:
        f.write(render("tinyfence.conf", {"RUNDIR": os.path.join(root, "tf-run")}))
    check = subprocess.run([binary, "check", conf], capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if check.returncode != 0:
        why = f"`tinyfence check` rejects the table config: {check.stderr.strip().splitlines()[:1]}"
        return {s: why for s in TINYFENCE_SETUPS}
    nowhere = os.path.join(root, "tf-probe")
    probe_log = os.path.join(root, "feed-probe.log")
    line = '10.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 512 "-" "probe"\n'
    probes = {
        "tinyfence-prg": ([binary, "map", "--table", "spam", "--op", "check", "--run-dir", nowhere],
                          "192.0.2.1\nnot-an-address\n", lambda out: out == "NULL\nNULL\n"),
        "tinyfence-fast": ([binary, "feed", "--table", "spam", "--run-dir", nowhere, "--log", probe_log],
                           line, lambda _out: first_line(probe_log) == line),
    }
    status = {}
    for setup, (argv, text, ok) in probes.items():
        try:
            run = subprocess.run(argv, input=text, capture_output=True, text=True, timeout=GUARD)
            good = run.returncode == 0 and ok(run.stdout)
            why = f"exit {run.returncode}, stdout {run.stdout[:60]!r}, stderr {run.stderr.strip()[:120]!r}"
        except subprocess.TimeoutExpired:
            good, why = False, f"no answer within {GUARD} s"
        status[setup] = None if good else f"`{' '.join(argv[1:3])}` on a probe line: {why}"
    return status


class Daemon:
    """`tinyfence run` with the bench's table, and the blocklist put into it over its socket."""

    def __init__(self, binary, root, template="tinyfence.conf"):
        self.binary = binary
        self.template = template
        self.run_dir = os.path.join(root, "tf-run")
        self.conf = os.path.join(root, "tinyfence.conf")
        self.log = os.path.join(root, "tinyfence.log")
        self.proc = None

    def start(self, blocklist):
        shutil.rmtree(self.run_dir, ignore_errors=True)
        os.makedirs(self.run_dir)
        os.chmod(self.run_dir, 0o755)  # Apache's workers (nobody under root) read the sdbm blocklist
        with open(self.conf, "w") as f:
            f.write(render(self.template, {"RUNDIR": self.run_dir}))
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([self.binary, "run", "-c", self.conf],
                                         stdin=subprocess.DEVNULL, stdout=out, stderr=out)
        sock_path = os.path.join(self.run_dir, "tinyfence.sock")
        deadline = time.monotonic() + GUARD
        while not os.path.exists(sock_path):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SetupFailed(f"tinyfence run did not make {sock_path}; see {self.log}")
            time.sleep(0.05)
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(sock_path)
            s.sendall("".join(f"SET spam {blocklist_address(i)} 100\n" for i in range(blocklist)).encode())
            replies = b""
            while replies.count(b"\n") < blocklist:
                chunk = s.recv(65536)
                if not chunk:
                    break
                replies += chunk
        if replies.count(b"OK\n") != blocklist:
            raise SetupFailed(f"the daemon did not take the blocklist: {replies[:200]!r}")

    def stop(self):
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


def modsec_data(root, setup):
    return os.path.join(root, f"{setup}-data")


def seed_modsec(port, blocklist):
    """+15 for each blocklist address (the spam rule), so the collection holds that many records."""
    conn = None
    for i in range(blocklist):
        for _ in range(2):
            try:
                if conn is None:
                    conn = http_connection(port)
                conn.request("GET", "/f.html?spam=1", headers={"X-Forwarded-For": blocklist_address(i)})
                conn.getresponse().read()
                break
            except OSError:
                conn = None
    if conn is not None:
        conn.close()


def http_connection(port):
    import http.client
    return http.client.HTTPConnection("127.0.0.1", port, timeout=GUARD)


def prepare(setup, root, port, args, daemon):
    """Everything a setup needs before Apache starts, then the checks that it is on the request path."""
    if setup == "modsec":
        # Fresh each time: the collection holds only the sanity check's record.
        shutil.rmtree(modsec_data(root, setup), ignore_errors=True)
    if setup.startswith("modsec") and not os.path.exists(modsec_data(root, setup)):
        os.makedirs(modsec_data(root, setup))
        os.chmod(modsec_data(root, setup), 0o777)  # written by the workers
    if setup in TINYFENCE_SETUPS:
        daemon.start(args.blocklist)
    access_log = os.path.join(root, "access.log")
    if os.path.exists(access_log):
        os.remove(access_log)


def check(setup, root, port, args):
    expect(port, ALLOWED, 200, setup)
    if setup == "file-log":
        # Apache logs after it has answered: the line may come a moment after the reply.
        if not wait_for(lambda: first_line(os.path.join(root, "access.log")).startswith(ALLOWED + " "), GUARD):
            raise SetupFailed("the access log does not start with the client address")
    elif setup == "c-prg":
        expect(port, MAP_PROBE, 403, "the C map's BLOCK answer")
    elif setup.startswith("modsec"):
        data = modsec_data(root, setup)
        if setup == "modsec-blocklist" and not os.path.exists(os.path.join(data, "seeded")):
            # Once, in the first round: the load itself adds no records (it never matches the
            # spam rule), so the collection stays the same over the rounds. Slow, as every write
            # makes mod_security go through its SDBM files.
            started = time.monotonic()
            seed_modsec(port, args.blocklist)
            open(os.path.join(data, "seeded"), "w").close()
            print(f"apache bench: {args.blocklist} records put into mod_security's collection in "
                  f"{time.monotonic() - started:.1f} s", file=sys.stderr)
        # +15 each: over 15 (blocked) whatever the score was. mod_security stores the record after
        # it has answered, so the next request waits a moment or it would read the old score.
        for _ in range(2):
            request(port, blocklist_address(0), "/f.html?spam=1")
            time.sleep(0.3)
        expect(port, blocklist_address(0), 0, "mod_security's drop of a blocked address", within=GUARD)
        # Named USER-ip.pag/.dir: mod_security 2.9 prefixes collection files with the worker's user.
        if not any(n.endswith("ip.pag") for n in os.listdir(data)):
            raise SetupFailed("mod_security wrote no IP collection")
    elif setup in TINYFENCE_SETUPS:
        # The fast path sees a block once the daemon has rewritten its sdbm file.
        expect(port, blocklist_address(0), 403, f"{setup}'s block", within=GUARD)
        expect(port, ALLOWED, 200, setup)
        if setup == "tinyfence-fast" and not wait_for(lambda: os.path.exists(os.path.join(root, "access.log")), GUARD):
            raise SetupFailed("tinyfence feed wrote no access log")


def measure(setup, root, port, args, binary):
    values = {"ROOT": root, "PORT": port, "SETUP": setup, "BLOCKLIST": args.blocklist,
              "MODSECDATA": modsec_data(root, setup),
              "TINYFENCE": binary, "RUNDIR": os.path.join(root, "tf-run"),
              "USER": "User nobody\nGroup nogroup" if os.geteuid() == 0 else ""}
    apache = Apache(root, setup, render("base.conf", values) + render(f"{CONFIG_OF.get(setup, setup)}.conf", values))
    daemon = Daemon(binary, root)
    try:
        prepare(setup, root, port, args, daemon)
        apache.start(port)
        check(setup, root, port, args)
        if args.warmup > 0:
            run_wrk(args, port, args.warmup, latency=False)
        extra = [daemon.proc.pid] if daemon.proc else []
        before = cpu_ticks(apache.proc.pid, extra)
        result = run_wrk(args, port, args.duration)
        used = cpu_ticks(apache.proc.pid, extra) - before
        result["cpu_us"] = used / CLK_TCK * 1e6 / max(result["requests"], 1)
        if apache.proc.poll() is not None:
            raise SetupFailed(f"apache2 died during the run: {apache.tail()}")
        return result
    except (SetupFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as e:
        raise SetupFailed(f"{e} [{apache.tail()}]") from e
    finally:
        apache.stop()
        daemon.stop()




@contextlib.contextmanager
def served_root(bench, keep):
    """The temp dir Apache serves from (htdocs/f.html, run/), removed afterwards unless kept."""
    root = tempfile.mkdtemp(prefix=f"tinyfence-{bench}-bench-")
    os.chmod(root, 0o755)  # Apache's workers run as nobody when the bench runs as root
    # A SIGTERM (CI timeout) ends the bench through the finally below, which stops Apache.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        os.makedirs(os.path.join(root, "run"))
        os.makedirs(os.path.join(root, "htdocs"))
        with open(os.path.join(root, "htdocs", "f.html"), "w") as f:
            f.write(("<p>" + "x" * 56 + "</p>\n") * 8)  # 8 lines of 64 bytes
        assert os.path.getsize(os.path.join(root, "htdocs", "f.html")) == FILE_BYTES
        yield root
    finally:
        if keep:
            print(f"{bench} bench: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def ms(us):
    return f"{us / 1000:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default="dist/tinyfence")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3; --quick: 1)")
    parser.add_argument("--duration", type=int, default=None, help="seconds per measurement (default 10; --quick: 3)")
    parser.add_argument("--warmup", type=int, default=None, help="seconds of warm-up before each (default 2; --quick: 1)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 round of 3 s")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--addresses", type=int, default=100000, help="client addresses (X-Forwarded-For)")
    parser.add_argument("--blocklist", type=int, default=None, help="blocked addresses in each table (default 10000; --quick: 2000)")
    parser.add_argument("--setups", default=",".join(SETUPS), help="comma-separated subset of " + ",".join(SETUPS))
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (configs, logs)")
    args = parser.parse_args()
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.duration = args.duration or (3 if args.quick else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    args.blocklist = args.blocklist if args.blocklist is not None else (2000 if args.quick else 10000)
    setups = [s for s in args.setups.split(",") if s]
    unknown = set(setups) - set(SETUPS)
    if unknown:
        sys.exit(f"apache bench: unknown setups {sorted(unknown)}")
    for tool in (APACHE, shutil.which("wrk"), shutil.which("gcc")):
        if not tool or not os.path.exists(tool):
            sys.exit("apache bench: needs apache2, wrk and gcc (tests/bench/run.sh installs them)")
    binary = os.path.abspath(args.binary)

    with served_root("apache", args.keep) as root:
        subprocess.run(["gcc", "-O2", "-o", os.path.join(root, "ok-map"), os.path.join(ASSETS, "ok-map.c")], check=True)

        pending = tinyfence_status(binary, root)
        if not os.path.exists(os.path.join(MODULES, "mod_security2.so")):
            pending["modsec"] = pending["modsec-blocklist"] = "libapache2-mod-security2 is not installed"
        for setup in setups:
            if pending.get(setup):
                print(f"apache bench: {setup} pending: {pending[setup]}", file=sys.stderr)
        active = [s for s in setups if not pending.get(s)]
        port = free_port()
        results = {s: [] for s in active}  # per round: a result dict, or None when the run failed
        failures = {}
        version = subprocess.run([APACHE, "-v"], capture_output=True, text=True).stdout.splitlines()[0]
        print(f"Apache bench: {platform.node()}, {os.cpu_count()} cores, Linux {platform.release()}, "
              f"{version.split(': ', 1)[-1]}, {time.strftime('%Y-%m-%d %H:%M')}", file=sys.stderr)
        for round_no in range(args.rounds):
            for setup in sorted(active, key=RUN_ORDER.index):
                print(f"apache bench: round {round_no + 1}/{args.rounds}: {setup}", file=sys.stderr)
                try:
                    results[setup].append(measure(setup, root, port, args, binary))
                except SetupFailed as e:
                    results[setup].append(None)
                    failures.setdefault(setup, str(e))
                    print(f"apache bench: {setup} FAILED: {e}", file=sys.stderr)
                os.sync()
                time.sleep(SETTLE_SECONDS)

        print_table(args, setups, results, pending, failures)
        return 1 if failures else 0


def ratios(results, setup, base):
    if base not in results:
        return []
    return [r["rps"] / b["rps"] for r, b in zip(results[setup], results[base]) if r and b]


def print_table(args, setups, results, pending, failures):
    print()
    print(f"Apache 2.4 mpm_event, 512-byte static file, wrk -t {args.threads} -c {args.connections} "
          f"-d {args.duration:g}s (+{args.warmup:g} s warm-up), {args.addresses:,} client addresses "
          f"(random X-Forwarded-For), {args.rounds} interleaved round(s); blocklists hold {args.blocklist:,} addresses. "
          f"wrk and Apache share the machine's {os.cpu_count()} cores, no pinning.")
    print("req/s and latencies: min / median / max over rounds; ratios: median (min-max) of the per-round ratios; "
          "CPU: Apache's processes (workers, maps, loggers) plus the tinyfence daemon, per request.")
    print(f"Order within a round: {', '.join(s for s in RUN_ORDER if s in setups)} (each Tinyfence setup right after "
          f"its peer; x its peer is the per-round ratio to it).")
    print()
    header = ["setup", "req/s", "x none", "x file-log", "x its peer", "p50 ms", "p90 ms", "p99 ms", "CPU us/req", "errors"]
    rows = []
    notes = []
    for setup in setups:
        if pending.get(setup):
            rows.append([setup, "pending (below)"] + [""] * 8)
            notes.append(f"{setup} pending: {pending[setup]}")
            continue
        runs = [r for r in results.get(setup, []) if r]
        if setup in failures:
            notes.append(f"{setup} FAILED: {failures[setup]}")
        if not runs:
            rows.append([setup, "FAILED (below)"] + [""] * 8)
            continue

        def ratio(base):
            values = ratios(results, setup, base)
            if not values:
                return "-"
            if len(values) == 1:
                return f"{values[0]:.2f}"
            return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"

        peer = TARGETS.get(setup, (None,))[0]
        rows.append([
            setup,
            spread([r["rps"] for r in runs], lambda v: f"{v:,.0f}"),
            ratio("none"),
            ratio("file-log"),
            f"{ratio(peer)} x {peer}" if peer else "",
            *(spread([r[p] for r in runs if p in r], ms) if any(p in r for r in runs) else "-" for p in ("p50", "p90", "p99")),
            f"{statistics.median(r['cpu_us'] for r in runs):.1f}",
            str(sum(r["errors"] for r in runs)) + (f", {len(results[setup]) - len(runs)} failed runs" if len(runs) < len(results[setup]) else ""),
        ])
    print_rows(header, rows)
    print()
    for setup, (peer, target) in TARGETS.items():
        values = ratios(results, setup, peer) if setup in results else []
        if not values:
            print(f"target {setup} >= {target:.2f} x {peer}: no figures")
            continue
        median = statistics.median(values)
        verdict = "holds" if median >= target else "MISSED"
        print(f"target {setup} >= {target:.2f} x {peer} (same round): median {median:.2f} over {len(values)} round(s), "
              f"min {min(values):.2f}: {verdict}")
    if notes:
        print()
        for note in notes:
            print(note)


if __name__ == "__main__":
    sys.exit(main())
