#!/usr/bin/env python3
"""Startup and idle memory of the published binary next to its peers, in one run.

Absolute figures move by +-15 % between runs and machines (shared/reference/benchmarks.md):
compare only what is measured here, side by side, and the per-round ratios.
"""
import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

from benchlib import MEM_KEYS, cpu_ticks, spread, status_kib, stop, valgrind_copy

# The daemon and the peer watch the same two things, every 10 s, and act on neither at idle:
# load averages and available memory. monit's "memory usage" is MemTotal minus MemAvailable
# (5.33), so 99 % used is the same threshold as about 1 % available.
TINYFENCE_CONF = """\
# Bench config: the same checks as the monitrc beside it.
set step 10s
rule "LoadHigh" { la1 >= 20 or la5 >= 10 } log
rule "MemoryLow" { memavail < 64M } log
"""

HTTP_SERVER = """\
set run-dir "{dir}/run"
set state-dir "{dir}/state"
server {{ http "127.0.0.1:{port}" }}
"""

# The same daemon with its line socket (what `tinyfence status` asks) and no HTTP endpoint: the
# endpoint's own cost is "tf + http" less this.
SOCKET_SERVER = """\
set run-dir "{dir}/run-socket"
set state-dir "{dir}/state-socket"
server {{ socket "{dir}/run-socket/tinyfence.sock" }}
"""

MONITRC = """\
set daemon 10
set pidfile {dir}/monit.pid
set statefile {dir}/monit.state
set idfile {dir}/monit.id
set logfile {dir}/monit.log
check system bench
    if loadavg (1min) > 20 then alert
    if loadavg (5min) > 10 then alert
    if memory usage > 99 % then alert
"""



def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch_paths(port, paths):
    """GETs each path from the daemon's HTTP endpoint; an answer other than 200 stops the bench."""
    for path in paths:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as reply:
            reply.read()


def fetched_memory(binary, conf, port, path, fetches, log_path):
    """The daemon's memory after `path` was fetched once, then after `fetches` more times over one
    keep-alive connection: a reply that allocates grows the GC heap, which stays grown."""
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([binary, "run", "-c", conf], stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for _ in range(100):  # until the endpoint listens, 10 s at most
            try:
                connection.request("GET", path)
                break
            except ConnectionRefusedError:
                connection.close()
                time.sleep(0.1)
        connection.getresponse().read()
        once = status_kib(proc.pid)
        for _ in range(fetches):
            connection.request("GET", path)
            reply = connection.getresponse()
            reply.read()
            if reply.status != 200:
                raise RuntimeError(f"GET {path}: {reply.status}; see {log_path}")
        connection.close()
        return once, status_kib(proc.pid)
    finally:
        stop(proc)


def startup(commands, runs):
    """Median wall time per command, in ms: hyperfine if present, else a timed loop."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run(
                ["hyperfine", "-N", "--warmup", "5", "--runs", str(runs), "--style", "none",
                 "--export-json", out.name, *commands],
                check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results = json.load(open(out.name))["results"]
        return "hyperfine", {r["command"]: r["median"] * 1000 for r in results}
    medians = {}
    for command in commands:
        argv = command.split()
        samples = []
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            samples.append((time.perf_counter_ns() - t0) / 1e6)
        medians[command] = statistics.median(samples)
    return "timed loop (includes Python's fork/exec)", medians


def startup_rounds(commands, runs, rounds):
    """startup() in interleaved rounds: one hyperfine call runs all of one command's runs before
    the next command's, so a drift of a loaded machine would land on one of them. Returns how,
    and per command its median of each round, in ms."""
    per_round = [startup(commands, runs) for _ in range(rounds)]
    return per_round[0][0], {c: [medians[c] for _, medians in per_round] for c in commands}


def start_costs(argv):
    """What one start costs whatever else the machine runs: the instructions valgrind's callgrind
    counts (None without valgrind), and the page faults the kernel counts for the process."""
    instructions = None
    if shutil.which("valgrind"):
        with tempfile.TemporaryDirectory(prefix="tinyfence-bench-callgrind-") as tmp:
            program = valgrind_copy(argv[0], tmp) if os.path.isabs(argv[0]) else argv[0]
            run = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", program, *argv[1:]],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in run.stderr.splitlines():
            if "Collected :" in line:
                instructions = int(line.split(":")[1].strip().replace(",", ""))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return instructions, usage.ru_minflt + usage.ru_majflt


def idle_memory(argv, idle_s, log_path, touch=None):
    """Starts argv, waits idle_s, reads its memory figures, stops it (SIGTERM, then SIGKILL).
    touch(), when given, is called a second after the start (a first use of what it serves)."""
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        if touch is not None:
            time.sleep(1)
            touch()
            idle_s -= 1
        time.sleep(idle_s)
        if proc.poll() is not None:
            raise RuntimeError(f"{argv[0]} exited with {proc.returncode} before the reading; see {log_path}")
        return status_kib(proc.pid)
    finally:
        stop(proc)


# A rule that holds at every check and mails each time: the queue, MailKit and TLS-free SMTP at work.
MAIL_CONF = """
mail {{
    server "127.0.0.1" port {port} security none
    from "tinyfence@example.com" to "admin@example.com"
    limit 1000 per 1m
}}
rule "mail-every-check" {{ la1 >= 0 }} mail step 200ms
"""




def busy_cpu(argv, seconds, log_path):
    """CPU time (ms) a daemon uses over `seconds` of checking, after a 2 s start-up."""
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        time.sleep(2)
        before = cpu_ticks(proc.pid)
        time.sleep(seconds)
        return (cpu_ticks(proc.pid) - before) * 1000 / os.sysconf("SC_CLK_TCK")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()




def mb(kib):
    return f"{kib / 1024:.2f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="dist/tinyfence")
    parser.add_argument("--runs", type=int, default=50, help="startup runs per command (>= 30)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved startup and idle-memory rounds")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before the memory reading")
    args = parser.parse_args()
    args.runs = max(args.runs, 30)  # a median of fewer runs says little at the ms scale
    binary = os.path.abspath(args.binary)
    monit = shutil.which("monit")

    print(f"Tinyfence bench: {platform.node()}, {os.cpu_count()} cores, Linux {platform.release()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    size = os.path.getsize(binary)
    print()
    print(f"{'binary size':<34} {size / 1e6:.2f} MB ({size} bytes, {version or 'no --version output'})")

    with tempfile.TemporaryDirectory(prefix="tinyfence-bench-start-") as tmp:
        # The real per-POST cost: mod_ext_filter starts `tinyfence filter` for every body, here
        # an empty one (stdin /dev/null), so the figure is the start and the patterns file.
        patterns = os.path.join(tmp, "patterns.txt")
        with open(patterns, "w") as f:
            f.write("viagra\ncasino bonus\n")
        labels = {f"{binary} --version": "tinyfence --version",
                  f"{binary} filter --table spam --add 30 --patterns {patterns} --socket {tmp}/none.sock": "tinyfence filter",
                  "/bin/true": "/bin/true (floor)"}
        if monit:
            labels[f"{monit} -V"] = "monit -V"
        commands = list(labels)
        how, medians = startup_rounds(commands, args.runs, args.rounds)
        costs = {c: start_costs(c.split()) for c in commands}
    print()
    print(f"startup, median of {args.runs} runs in each of {args.rounds} interleaved rounds ({how}), "
          f"ms min / median / max, x /bin/true (per-round ratio; goal for tinyfence <= 3.0), "
          f"instructions (callgrind) and page faults of one start:")
    for command in commands:
        ratio = spread([m / t for m, t in zip(medians[command], medians["/bin/true"])], lambda v: f"{v:.2f}")
        instructions, faults = costs[command]
        counted = f"{instructions / 1e6:.2f} M" if instructions is not None else "(no valgrind)"
        print(f"  {labels[command]:<22}{spread(medians[command], lambda v: f'{v:.2f}'):>24}"
              f"{ratio:>24} x{counted:>14} instr{faults:>6} faults")

    with tempfile.TemporaryDirectory(prefix="tinyfence-bench-") as tmp:
        conf = os.path.join(tmp, "tinyfence.conf")
        with open(conf, "w") as f:
            f.write(TINYFENCE_CONF)
        check = subprocess.run([binary, "check", conf], capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"bench: tinyfence check rejects the bench config:\n{check.stderr}")
        # The same daemon with the status page's HTTP endpoint on (and the socket it needs): what
        # the endpoint costs at idle, measured in the same rounds.
        # "tf + http" has each of its three paths fetched once, so the figure holds the page's code
        # and buffers; "http unused" is the same daemon never asked.
        http_conf = os.path.join(tmp, "tinyfence-http.conf")
        port = free_port()
        with open(http_conf, "w") as f:
            f.write(TINYFENCE_CONF + HTTP_SERVER.format(dir=tmp, port=port))
        socket_conf = os.path.join(tmp, "tinyfence-socket.conf")
        with open(socket_conf, "w") as f:
            f.write(TINYFENCE_CONF + SOCKET_SERVER.format(dir=tmp))
        touches = {"tf + http": lambda: fetch_paths(port, ("/", "/status.json", "/metrics"))}
        peers = {"tinyfence": [binary, "run", "-c", conf], "tf + socket": [binary, "run", "-c", socket_conf],
                 "tf + http": [binary, "run", "-c", http_conf], "http unused": [binary, "run", "-c", http_conf]}
        if monit:
            rc = os.path.join(tmp, "monitrc")
            with open(rc, "w") as f:
                f.write(MONITRC.format(dir=tmp))
            os.chmod(rc, 0o600)
            # Peer first in each round: interleaved, so a drift of the machine hits both.
            peers = {"monit": [monit, "-I", "-c", rc], **peers}

        readings = {name: [] for name in peers}
        for _ in range(args.rounds):
            for name, argv in peers.items():
                readings[name].append(idle_memory(argv, args.idle, os.path.join(tmp, f"{name}.log"), touches.get(name)))

    print()
    print(f"idle memory after {args.idle:g} s, {args.rounds} interleaved rounds, "
          f"MB min / median / max (config: load averages and memory every 10 s):")
    print(f"  {'':<12}" + "".join(f"{k:>26}" for k in MEM_KEYS))
    for name, rounds in readings.items():
        print(f"  {name:<12}" + "".join(f"{spread([r[k] for r in rounds], mb):>26}" for k in MEM_KEYS))
    for name in ("tf + http", "http unused"):
        extra = [h["VmRSS"] - t["VmRSS"] for t, h in zip(readings["tinyfence"], readings[name])]
        print(f"  {name + ' - off':<12}{spread(extra, mb):>26}   (VmRSS the server section adds, line socket and HTTP endpoint, per round)")
        extra = [h["VmRSS"] - t["VmRSS"] for t, h in zip(readings["tf + socket"], readings[name])]
        print(f"  {name + ' - socket':<12}{spread(extra, mb):>26}   (VmRSS the HTTP endpoint adds to the daemon with its socket, per round; goal <= 0.5 MB)")
    if "monit" in readings:
        ratios = "".join(
            f"{spread([t[k] / m[k] for t, m in zip(readings['tinyfence'], readings['monit'])], lambda v: f'{v:.2f}'):>26}"
            for k in MEM_KEYS)
        print(f"  {'tf / monit':<12}{ratios}   (per-round ratio)")
    else:
        print("  (monit not installed: no peer figures)")

    fetches = 10_000
    paths = ("/", "/status.json", "/metrics")
    with tempfile.TemporaryDirectory(prefix="tinyfence-bench-fetch-") as tmp:
        conf = os.path.join(tmp, "tinyfence-http.conf")
        port = free_port()
        with open(conf, "w") as f:
            f.write(TINYFENCE_CONF + HTTP_SERVER.format(dir=tmp, port=port))
        fetched = {path: [] for path in paths}
        for _ in range(args.rounds):
            for path in paths:
                fetched[path].append(fetched_memory(binary, conf, port, path, fetches, os.path.join(tmp, "tinyfence.log")))
    print()
    print(f"the HTTP endpoint's RssAnon after a path was fetched once, then {fetches:,} times more on one connection, "
          f"{args.rounds} interleaved rounds, MB min / median / max (goal: no growth):")
    for path, rounds in fetched.items():
        once = spread([o["RssAnon"] for o, _ in rounds], mb)
        after = spread([a["RssAnon"] for _, a in rounds], mb)
        growth = spread([a["RssAnon"] - o["RssAnon"] for o, a in rounds], mb)
        print(f"  {path:<14}{once:>26}{after:>26}{growth:>26}   (once, after, growth)")

    if monit:
        seconds = 30
        with tempfile.TemporaryDirectory(prefix="tinyfence-bench-cpu-") as tmp:
            conf = os.path.join(tmp, "tinyfence.conf")
            with open(conf, "w") as f:
                f.write(TINYFENCE_CONF.replace("set step 10s", "set step 1s"))
            rc = os.path.join(tmp, "monitrc")
            with open(rc, "w") as f:
                f.write(MONITRC.replace("set daemon 10", "set daemon 1").format(dir=tmp))
            os.chmod(rc, 0o600)
            cpu = {"monit": [], "tinyfence": []}
            for _ in range(args.rounds):
                cpu["monit"].append(busy_cpu([monit, "-I", "-c", rc], seconds, os.path.join(tmp, "monit.log")))
                cpu["tinyfence"].append(busy_cpu([binary, "run", "-c", conf], seconds, os.path.join(tmp, "tf.log")))
        print()
        print(f"CPU time over {seconds} s of checks every second (same checks), {args.rounds} interleaved rounds, "
              f"ms min / median / max (resolution: one clock tick, 10 ms):")
        for name, values in cpu.items():
            print(f"  {name:<12}{spread(values, lambda v: f'{v:.0f}'):>26}")

    if os.path.exists("/usr/bin/python3"):
        seconds = 10
        peak, delivered = sending_memory(binary, seconds)
        print()
        print(f"while sending mail ({delivered} alerts delivered in {seconds} s, one every 200 ms, system snapshot in each):")
        print(f"  {'tinyfence':<12}" + "".join(f"{mb(peak[k]):>26}" for k in MEM_KEYS) + "   (VmRSS, VmHWM = peak, RssAnon)")


def sending_memory(binary, seconds):
    """The daemon's memory while it mails: a rule that holds and mails every 200 ms, delivered to
    the test SMTP server (aiosmtpd) on 127.0.0.1. Returns (status figures, messages delivered)."""
    with tempfile.TemporaryDirectory(prefix="tinyfence-bench-mail-") as tmp:
        maildir = os.path.join(tmp, "maildir")
        os.mkdir(maildir)
        server = subprocess.Popen(
            ["/usr/bin/python3", "-u", os.path.join(os.path.dirname(__file__), "..", "scripts", "smtp-test-server.py"),
             "0", "--maildir", maildir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            port = int(server.stdout.readline().split()[1])
            conf = os.path.join(tmp, "mail.conf")
            with open(conf, "w") as f:
                f.write(MAIL_CONF.format(port=port))
            peak = idle_memory([binary, "run", "-c", conf], seconds, os.path.join(tmp, "tinyfence.log"))
            delivered = len([n for n in os.listdir(maildir) if n.endswith(".eml")])
            return peak, delivered
        finally:
            server.stdin.close()
            server.wait(10)


if __name__ == "__main__":
    main()
