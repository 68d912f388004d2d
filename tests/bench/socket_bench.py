#!/usr/bin/env python3
"""Socket requests per second: tinyfence next to redis-server and a C floor, same client.

For each scenario (1 client ping-pong, on two placements; 50 clients ping-pong; 50 clients
pipelined 16 deep) and each of R interleaved rounds, one load generator (socket/linegen.c,
built here) drives, in turn:
  floor      socket/floor.c: one epoll loop answering every line with a fixed line (the
             physical floor of a request/reply line protocol on this machine);
  floor_uring socket/floor_uring.c: the same on io_uring, one io_uring_enter per loop turn for
             every connection's send and recv (informational: the floor with fewer system calls);
  redis      redis-server on a Unix socket, `INCR <ip>` (the peer) in its own RESP framing
             (`*2 $4 INCR $N <ip>`), which costs it ~25 % less CPU than the inline form
             `INCR <ip>\\r\\n` (--redis-inline); the reply is one line `:N\\r\\n` either way;
  tinyfence  dist/tinyfence run, `HIT spam <ip>\\n`.
Same client count, pipelining depth and key spread (K IPv4 addresses, same pseudo-random
sequence) for all three. Each run gets a fresh server; its CPU time (utime+stime from
/proc/PID/stat, all threads) over the run is divided by the replies, and its VmHWM/VmRSS are
read after the run. redis-benchmark's own figures are shown beside, labelled as such.

Absolute figures move by +-15 % between runs and machines (shared/reference/benchmarks.md):
compare the per-round ratios. Python 3 stdlib only.
"""
import argparse
import contextlib
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import compile_c, cpu_ticks, spread, status_kib, stop, valgrind_copy

HERE = os.path.dirname(os.path.abspath(__file__))

TINYFENCE_CONF = """\
# Socket bench: one table, the socket in the bench's temp dir.
set run-dir "{dir}"
set state-dir "{dir}"
server {{ socket "{sock}" }}
table "spam" {{ capacity 200000 decay 3 per 1d block above 15 }}
"""

READY_TIMEOUT = 5.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


class Scenario:
    def __init__(self, title, clients, depth, server_cpus, client_cpus, placement):
        self.title, self.clients, self.depth = title, clients, depth
        self.server_cpus, self.client_cpus, self.placement = server_cpus, client_cpus, placement


def scenarios(pin):
    one = [Scenario("1 client, P=1", 1, 1, "0", "1",
                    "server on cpu 0, client on cpu 1 (taskset): every round trip wakes the other core"),
           Scenario("1 client, P=1", 1, 1, "0", "0",
                    "server and client both on cpu 0 (taskset)")]
    if not pin:
        one = [Scenario("1 client, P=1", 1, 1, None, None, "not pinned (taskset missing or 1 cpu)")]
    many = [Scenario("50 clients, P=1", 50, 1, None, None, "not pinned: server and client share both cores"),
            Scenario("50 clients, P=16", 50, 16, None, None, "not pinned: server and client share both cores")]
    return one + many


def pinned(cpus, argv):
    return (["taskset", "-c", cpus] + argv) if cpus is not None else argv






def can_connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def wait_ready(proc, sock, timeout=READY_TIMEOUT):
    """None when the server accepts connections on sock, else why not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"exited with status {proc.returncode}"
        if os.path.exists(sock) and can_connect(sock):
            return None
        time.sleep(0.02)
    return f"no socket at {sock} after {timeout:g} s"




def last_lines(path, n=3):
    try:
        with open(path, errors="replace") as f:
            return " | ".join(line.strip() for line in f.readlines()[-n:])
    except OSError:
        return ""


class Server:
    """name, label, template for linegen, and how to start it on a socket in a directory."""

    def __init__(self, name, label, template, argv_for):
        self.name, self.label, self.template, self._argv_for = name, label, template, argv_for

    def start(self, run_dir, cpus, wrapper=()):
        sock = os.path.join(run_dir, f"{self.name}.sock")
        log_path = os.path.join(run_dir, f"{self.name}.log")
        with open(log_path, "ab") as log:
            proc = subprocess.Popen(pinned(cpus, list(wrapper) + self._argv_for(run_dir, sock)),
                                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=run_dir)
        return proc, sock, log_path


def tinyfence_server(binary, name="tinyfence", label="tinyfence HIT"):
    def argv(run_dir, sock):
        conf = os.path.join(run_dir, "tinyfence.conf")
        with open(conf, "w") as f:
            f.write(TINYFENCE_CONF.format(dir=run_dir, sock=sock))
        return [binary, "run", "-c", conf]
    return Server(name, label, "tinyfence", argv)


def redis_server(redis, inline):
    return Server("redis", f"redis-server INCR {'inline' if inline else 'RESP'}", "redis" if inline else "resp",
                  lambda run_dir, sock: [redis, "--port", "0", "--unixsocket", sock, "--save", "",
                                         "--appendonly", "no", "--dir", run_dir, "--logfile", ""])


def floor_server(floor, name="floor", label="floor (C epoll)"):
    return Server(name, label, "tinyfence", lambda _run_dir, sock: [floor, sock, "1"])


def probe_tinyfence(sock):
    """None when the daemon answers PING and HIT as the protocol says, else what it said."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(sock)
        s.sendall(b"PING\nHIT spam 192.0.2.1\n")
        data = b""
        while data.count(b"\n") < 2:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError as e:
        return f"probe failed: {e}"
    finally:
        s.close()
    lines = data.decode(errors="replace").split("\n")
    if len(lines) < 3 or lines[0].strip() != "PONG" or not lines[1].strip().isdigit():
        return f"PING/HIT answered {data[:80]!r}"
    return None


def new_run_dir(tmp):
    # Short paths: a Unix socket path is at most 107 bytes.
    return tempfile.mkdtemp(prefix="r", dir=tmp)


def run_generator(linegen, scenario, server, sock, args):
    argv = pinned(scenario.client_cpus,
                  [linegen, "-s", sock, "-t", server.template, "-c", str(scenario.clients),
                   "-P", str(scenario.depth), "-d", str(args.duration), "-w", str(args.warmup),
                   "-k", str(args.keys)])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=args.duration + args.warmup + 60)
    if out.returncode != 0:
        raise RuntimeError(f"linegen failed ({out.returncode}) against {server.name}: {out.stderr.strip()}")
    result = dict(kv.split("=", 1) for kv in out.stdout.split())
    if out.stderr.strip():
        print(f"    {server.name}: {out.stderr.strip()}", file=sys.stderr)
    return result


@contextlib.contextmanager
def ready_server(server, cpus, tmp, wrapper=(), timeout=READY_TIMEOUT):
    """A fresh server in a new run dir, stopped on the way out: (proc, sock, why), why saying why it
    is not ready (with its log's last lines) or empty."""
    run_dir = new_run_dir(tmp)
    proc, sock, log_path = server.start(run_dir, cpus, wrapper)
    try:
        why = wait_ready(proc, sock, timeout)
        yield proc, sock, (f"{why}; log: {last_lines(log_path)}" if why else "")
    finally:
        stop(proc, timeout=120)


def measure(server, scenario, linegen, tmp, args):
    """One run against a fresh server: dict of figures, or a string saying why there are none."""
    with ready_server(server, scenario.server_cpus, tmp) as (proc, sock, why):
        if why:
            return why
        before = cpu_ticks(proc.pid)
        gen = run_generator(linegen, scenario, server, sock, args)
        after = cpu_ticks(proc.pid)
        mem = status_kib(proc.pid)
        replies = int(gen["replies"])
        return {
            "rps": float(gen["rps"]),
            "errors": int(gen["errors"]) + int(gen["extra"]),
            "p50": float(gen["p50_us"]),
            "p99": float(gen["p99_us"]),
            "gen_cpu": float(gen["gen_cpu_us_per_req"]),
            "srv_cpu": (after - before) * 1e6 / CLK_TCK / replies if replies else float("nan"),
            "hwm": mem.get("VmHWM", 0),
            "rss": mem.get("VmRSS", 0),
            "anon": mem.get("RssAnon", 0),
        }


def callgrind_run(server, scenario, linegen, tmp, args, seconds):
    """(instructions, replies): callgrind's count of the instructions the server executed (all
    threads, start to exit) over one run of the generator of that many seconds."""
    out = os.path.join(tmp, f"callgrind.{server.name}.{time.monotonic_ns()}")
    wrapper = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-line=no"]
    with ready_server(server, None, tmp, wrapper, timeout=120) as (_proc, sock, why):
        if why:
            raise RuntimeError(f"{server.name} under valgrind: {why}")
        gen = run_generator(linegen, Scenario(scenario.title, scenario.clients, scenario.depth, None, None, ""),
                            server, sock, argparse.Namespace(duration=seconds, warmup=0, keys=args.keys))
    with open(out) as f:
        totals = next((line for line in f if line.startswith(("totals:", "summary:"))), None)
    if totals is None:
        # floor_uring waits in io_uring_enter, where valgrind holds SIGTERM back: killed, it dumps nothing.
        raise RuntimeError("valgrind wrote no count (the server did not end on SIGTERM under valgrind)")
    os.unlink(out)
    return int(totals.split()[1]), int(gen["replies"])


def callgrind_table(servers, linegen, tmp, args):
    """Instructions per request, immune to what else runs on the machine: the difference between
    a short and a long run under callgrind, over the difference in replies (start-up cancels out)."""
    print()
    print("Instructions per request (valgrind --tool=callgrind, all threads of the server; a 2 s and an 8 s run, "
          "their difference over the difference in replies: start-up and exit cancel out)")
    cols = "{:<24} {:>22} {:>22} {:>22}"
    picked = scenarios(False)
    print(cols.format("server", *(s.title for s in picked)))
    for server in servers:
        cells = []
        for scenario in picked:
            try:
                short_ir, short_replies = callgrind_run(server, scenario, linegen, tmp, args, 2)
                long_ir, long_replies = callgrind_run(server, scenario, linegen, tmp, args, 8)
                cells.append(f"{(long_ir - short_ir) / max(long_replies - short_replies, 1):,.0f}")
            except (RuntimeError, OSError) as e:
                print(f"    {server.name}: {e}", file=sys.stderr)
                cells.append("-")
        print(cols.format(server.label, *cells), flush=True)


def redis_benchmark(tool, redis, scenario, requests, tmp, args):
    """redis-benchmark's own client against a fresh redis-server (same placement)."""
    with ready_server(redis, scenario.server_cpus, tmp) as (proc, sock, why):
        if why:
            return f"redis-server: {why}"
        argv = [tool, "-s", sock, "-t", "incr", "-n", str(requests), "-c", str(scenario.clients),
                "-r", str(args.keys), "--csv"]
        if scenario.depth > 1:
            argv += ["-P", str(scenario.depth)]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        before = cpu_ticks(proc.pid)
        out = subprocess.run(pinned(scenario.client_cpus, argv), capture_output=True, text=True, timeout=300)
        after = cpu_ticks(proc.pid)
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        mem = status_kib(proc.pid)
        rows = [line.replace('"', "").split(",") for line in out.stdout.splitlines() if line.strip()]
        header = next((r for r in rows if r and r[0] == "test"), None)
        row = next((r for r in rows if r and r[0].upper().startswith("INCR")), None)
        if out.returncode != 0 or not header or not row:
            return f"redis-benchmark failed: {out.stderr.strip() or out.stdout.strip()}"
        fig = dict(zip(header, row))
        client_cpu = (children_after.ru_utime - children.ru_utime + children_after.ru_stime - children.ru_stime)
        return {
            "rps": float(fig["rps"]),
            "p50": float(fig.get("p50_latency_ms", "nan")) * 1000,
            "p99": float(fig.get("p99_latency_ms", "nan")) * 1000,
            "gen_cpu": client_cpu * 1e6 / requests,
            "srv_cpu": (after - before) * 1e6 / CLK_TCK / requests,
            "hwm": mem.get("VmHWM", 0),
            "rss": mem.get("VmRSS", 0),
            "anon": mem.get("RssAnon", 0),
        }


def rate(v):
    if v != v:
        return "-"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e4:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"




def ratio_text(nums, dens, key="rps"):
    """Median (min-max) of the per-round ratios, over the rounds where both have figures."""
    ratios = [n[key] / d[key] for n, d in zip(nums, dens) if n and d and d[key]]
    if not ratios:
        return "-"
    if len(ratios) == 1:
        return f"{ratios[0]:.2f}"
    return f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


def print_targets(server, results):
    """The rows issue 21 asks of the socket server, for one tinyfence binary: medians (min-max) of
    the per-round ratios to the peers, each next to its target."""
    def rounds_of(clients, depth, placement_word=""):
        for scenario, rounds, _, _ in results:
            if scenario.clients == clients and scenario.depth == depth and placement_word in scenario.placement:
                return rounds
        return None

    print(f"-- targets (issue 21), {server.label}: medians (min-max) of the per-round ratios")
    rows = []
    many = rounds_of(50, 1)
    if many:
        rows.append(("50 clients: req/s x redis, x floor (>= 1.0 each)",
                     f"{ratio_text(many[server.name], many['redis'])}, {ratio_text(many[server.name], many['floor'])}"))
    for title, rounds in (("1 client, different cores", rounds_of(1, 1, "cpu 1")),
                          ("1 client, one core", rounds_of(1, 1, "both on cpu 0")),
                          ("1 client, not pinned", rounds_of(1, 1, "not pinned")),
                          ("50 clients", many)):
        if rounds:
            rows.append((f"{title}: server CPU per request / redis's (<= 1.0)",
                         ratio_text(rounds[server.name], rounds["redis"], "srv_cpu")))
    piped = rounds_of(50, 16)
    if piped:
        anon = [r["anon"] / 1024 for r in piped[server.name] if r]
        rows.append(("50 clients pipelined 16: req/s x redis (>= 1.5)", ratio_text(piped[server.name], piped["redis"])))
        rows.append(("50 clients pipelined 16: RssAnon after the run, MB (<= 2)",
                     spread(anon, lambda v: f"{v:.1f}") if anon else "-"))
    for title, value in rows:
        print(f"  {title:<64} {value}")


def med(rounds, key, fmt="{:.2f}"):
    values = [r[key] for r in rounds]
    return fmt.format(statistics.median(values)) if values else "-"


def build(obj):
    binaries = {}
    for name in ("linegen", "floor", "floor_uring"):
        binaries[name] = compile_c(os.path.join(HERE, "socket", f"{name}.c"), os.path.join(obj, name))
    return binaries["linegen"], binaries["floor"], binaries["floor_uring"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default="dist/tinyfence")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per scenario (default 3)")
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per run (default 5)")
    parser.add_argument("--warmup", type=float, default=0.5, help="seconds before the measured window (default 0.5)")
    parser.add_argument("--keys", type=int, default=100000, help="distinct IPv4 keys (default 100000)")
    parser.add_argument("--quick", action="store_true", help="1 round of 2 s")
    parser.add_argument("--compare", action="append", default=[], metavar="LABEL=BINARY",
                        help="another tinyfence binary in the same rounds (e.g. an older build); repeatable")
    parser.add_argument("--callgrind", action="store_true",
                        help="instructions per request under valgrind --tool=callgrind instead of the timed rounds")
    parser.add_argument("--redis-inline", action="store_true",
                        help="send redis the inline form `INCR <ip>\\r\\n` instead of RESP (costs redis more CPU)")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.duration = 1, 2.0
    binary = os.path.abspath(args.binary)

    redis = shutil.which("redis-server")
    if not redis:
        sys.exit("socket bench: redis-server is missing (tests/scripts/install-deps.sh redis-server redis-tools)")
    rbench = shutil.which("redis-benchmark")
    pin = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    redis_version = subprocess.run([redis, "--version"], capture_output=True, text=True).stdout.split()
    redis_version = next((w.split("=")[1] for w in redis_version if w.startswith("v=")), "?")

    print(f"socket bench: {platform.node()}, {os.cpu_count()} cores, Linux {platform.release()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}; redis {redis_version}; {args.rounds} interleaved rounds of "
          f"{args.duration:g} s (+{args.warmup:g} s warm-up) per server; {args.keys} distinct IPv4 keys; "
          f"redis gets {'inline commands' if args.redis_inline else 'RESP'}", flush=True)

    with tempfile.TemporaryDirectory(prefix="tf-sock-") as tmp:
        linegen, floor, floor_uring = build(tmp)
        servers = [floor_server(floor), redis_server(redis, args.redis_inline),
                   floor_server(floor_uring, "floor_uring", "floor (C io_uring)")]
        if args.callgrind:
            binary = valgrind_copy(binary, tmp)
            args.compare = [f"{label}={valgrind_copy(path, tmp)}" for label, _, path in (c.partition("=") for c in args.compare)]
        tinyfence = tinyfence_server(binary)

        # Is the daemon there yet? Once, before the rounds, so a pending daemon costs 5 s in all.
        pending = None
        if not os.access(binary, os.X_OK):
            pending = f"{binary} missing"
        else:
            with ready_server(tinyfence, None, tmp) as (_, sock, why):
                pending = why or probe_tinyfence(sock)
        if pending:
            print(f"tinyfence: pending ({pending})", flush=True)
        else:
            servers.append(tinyfence)
        for n, compare in enumerate(args.compare):
            label, _, path = compare.partition("=")
            servers.append(tinyfence_server(os.path.abspath(path), f"compare{n}", f"{label} HIT"))

        if args.callgrind:
            if not shutil.which("valgrind"):
                sys.exit("socket bench: valgrind is missing (tests/scripts/install-deps.sh valgrind)")
            callgrind_table(servers, linegen, tmp, args)
            return

        results = []  # (scenario, {server name: [figures or None per round]}, failures, redis-benchmark)
        for scenario in scenarios(pin):
            rounds = {s.name: [] for s in servers}
            failures = {s.name: [] for s in servers}
            print(f"  {scenario.title}; {scenario.placement}", file=sys.stderr, flush=True)
            for r in range(args.rounds):
                for server in servers:
                    got = measure(server, scenario, linegen, tmp, args)
                    if isinstance(got, str):
                        rounds[server.name].append(None)
                        failures[server.name].append(got)
                        print(f"    round {r + 1} {server.name}: no figures ({got})", file=sys.stderr, flush=True)
                        continue
                    rounds[server.name].append(got)
                    print(f"    round {r + 1} {server.name:<10} {rate(got['rps']):>8} req/s  "
                          f"server {got['srv_cpu']:.2f} us/req  errors {got['errors']}", file=sys.stderr, flush=True)
            bench = None
            redis_rates = [r["rps"] for r in rounds["redis"] if r]
            if rbench and redis_rates:
                seconds = min(args.duration, 3.0)
                n = int(min(max(statistics.median(redis_rates) * seconds, 20000), 5_000_000))
                bench = redis_benchmark(rbench, servers[1], scenario, n, tmp, args)
            results.append((scenario, rounds, failures, bench))

    # One table.
    cols = "{:<24} {:>26} {:>18} {:>18} {:>8} {:>8} {:>17} {:>18}"
    print()
    print(f"Socket requests/s, same load generator (tests/bench/socket/linegen.c) for floor, redis and tinyfence;"
          f" {args.rounds} interleaved rounds x {args.duration:g} s, {args.keys} keys")
    print(cols.format("", "req/s", "/ floor", "/ redis", "server", "client", "latency P=1, us", "MB"))
    print(cols.format("server", "min / median / max", "median (min-max)", "median (min-max)",
                      "us/req", "us/req", "p50 / p99", "VmHWM/VmRSS/anon"))
    for scenario, rounds, failures, bench in results:
        print(f"-- {scenario.title}: {scenario.placement}")
        for server in servers + ([] if tinyfence in servers else [tinyfence]):
            if server is tinyfence and pending:
                print(f"{server.label:<24} pending")
                continue
            per_round = rounds[server.name]
            rs = [r for r in per_round if r]
            if not rs:
                print(f"{server.label:<24} no figures: {failures[server.name][0]}")
                continue
            errors = sum(r["errors"] for r in rs)
            vs_floor = "1" if server.name == "floor" else ratio_text(per_round, rounds["floor"])
            vs_redis = ratio_text(per_round, rounds["redis"]) if server.template == "tinyfence" and server.name != "floor" else ""
            latency = f"{med(rs, 'p50', '{:.1f}')} / {med(rs, 'p99', '{:.1f}')}" if scenario.depth == 1 else ""
            memory = f"{statistics.median(r['hwm'] for r in rs) / 1024:.1f}/" \
                     f"{statistics.median(r['rss'] for r in rs) / 1024:.1f}/" \
                     f"{statistics.median(r['anon'] for r in rs) / 1024:.1f}"
            print(cols.format(server.label, spread([r["rps"] for r in rs], rate), vs_floor, vs_redis,
                              med(rs, "srv_cpu"), med(rs, "gen_cpu"), latency, memory)
                  + (f"  {errors} ERROR REPLIES" if errors else ""))
        if isinstance(bench, dict):
            latency = f"{bench['p50']:.1f} / {bench['p99']:.1f}" if scenario.depth == 1 else ""
            print(cols.format("redis-benchmark INCR", f"{rate(bench['rps'])} (own client)", "", "",
                              f"{bench['srv_cpu']:.2f}", f"{bench['gen_cpu']:.2f}", latency,
                              f"{bench['hwm'] / 1024:.1f}/{bench['rss'] / 1024:.1f}/{bench['anon'] / 1024:.1f}"))
        elif bench:
            print(f"{'redis-benchmark INCR':<24} {bench}")
    for server in servers:
        if server.template == "tinyfence" and not server.name.startswith("floor"):
            print_targets(server, results)
    print("floor and tinyfence get `HIT spam <ip>\\n` lines, redis `INCR <ip>`; batches of P requests, "
          "the next batch sent when all P replies are back (as redis-benchmark -P).")
    print("server us/req: the server's utime+stime over the run (all threads) / replies; client us/req: the load "
          "generator's own CPU; redis-benchmark rows: its own client (-r keys, one run, -n sized to ~3 s), "
          "not comparable with the rows above it. Memory: median over rounds, read after the run; anon = RssAnon "
          "(private memory: tinyfence's VmRSS also holds the pages of its table file, 32 bytes a slot, shared "
          "with the adapters that map it).")


if __name__ == "__main__":
    main()
