#!/usr/bin/env python3
"""Apache behind `firewall nftables` next to Apache with its ordinary file access log (issue 18).

The kernel judges a connection by its source address, so this bench cannot use apache_bench.py's
X-Forwarded-For load: it runs in a network namespace of its own (`unshare -n`, as root), where
every 127.x.y.z address is local, and a C load generator (tests/bench/firewall/httpgen.c) binds
one of 100,000 source addresses before each connection. Two setups, the same Apache and config
as apache_bench.py's, interleaved round after round, each with a warm-up:

  file-log       Apache with its ordinary file access log
  firewall-feed  `tinyfence run` with `firewall nftables` on the table, 10,000 of the load's
                 addresses driven over the threshold (HIT) before the round, so the kernel
                 refuses them; the access log goes through `tinyfence feed`
  firewall-file-log  the same firewall with file-log's access log: what the kernel's part costs

Then the flood: one blocked address opening connections as fast as it can, and the CPU time of
Apache's processes over that time next to the same time idle (the kernel answers the SYN with a
reset: the goal is 0).

  python3 tests/bench/firewall_bench.py [--binary dist/tinyfence] [--rounds 3] [--duration 10]
  python3 tests/bench/firewall_bench.py --quick      # 1 round of 3 s: a smoke run

Needs root, unshare, ip, apache2, gcc and the nf_tables modules (tinyfence check says which).
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time

import apache_bench
from apache_bench import Apache, Daemon, SetupFailed, expect, render, served_root, wait_for
from benchlib import compile_c, print_rows, spread

HERE = os.path.dirname(os.path.abspath(__file__))
SETUPS = ["file-log", "firewall-feed", "firewall-file-log"]
FIREWALL_SETUPS = {"firewall-feed", "firewall-file-log"}
APACHE_CONFIG_OF = {"firewall-file-log": "file-log"}
TARGET = 0.97  # firewall-feed against file-log, same round (issue 18)
PORT = 80  # the firewall's default ports are 80 and 443; the namespace is the bench's own
IN_NAMESPACE = "TINYFENCE_FIREWALL_BENCH_NETNS"


def client_address(i):
    """The i-th client address of the load, as httpgen.c makes it: 127.1.0.0 + i."""
    return f"127.{1 + i // 65536}.{i // 256 % 256}.{i % 256}"


def refused(address):
    """Whether the kernel resets a connection from `address` to Apache."""
    with socket.socket() as s:
        s.settimeout(apache_bench.GUARD)
        s.bind((address, 0))
        try:
            s.connect(("127.0.0.1", PORT))
            return False
        except ConnectionRefusedError:
            return True


def block(daemon, args):
    """HITs the first --blocklist client addresses over the threshold, then waits for the kernel."""
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(os.path.join(daemon.run_dir, "tinyfence.sock"))
        s.sendall("".join(f"HIT spam {client_address(i)} 16\n" for i in range(args.blocklist)).encode())
        replies = b""
        while replies.count(b"\n") < args.blocklist:
            chunk = s.recv(65536)
            if not chunk:
                break
            replies += chunk
    if replies.count(b"16\n") != args.blocklist:
        raise SetupFailed(f"the daemon did not take the HITs: {replies[:200]!r}")
    # The firewall writes changes each second: the last address is in the set once it is refused.
    for i in (0, args.blocklist - 1):
        if not wait_for(lambda: refused(client_address(i)), apache_bench.GUARD):
            raise SetupFailed(f"the kernel does not refuse {client_address(i)}; see {daemon.log}")
    if refused(client_address(args.blocklist)):
        raise SetupFailed(f"the kernel refuses {client_address(args.blocklist)}, which is not blocked")


def stop_all(apache, daemon):
    """Stops Apache and the daemon, and removes the daemon's kernel table, which outlives it (so a
    restart keeps blocking): the next file-log run must see no firewall."""
    apache.stop()
    daemon.stop()
    subprocess.run(["nft", "delete", "table", "inet", "tinyfence"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def httpgen(gen, args, seconds, keys=None):
    out = subprocess.run([gen, "-p", str(PORT), "-c", str(args.connections), "-d", str(seconds),
                          "-k", str(keys or args.addresses), "-n", str(args.per_connection)],
                         capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return {k: float(v) for k, v in (pair.split("=") for pair in out.split())}


def started(setup, root, args, binary):
    """Apache (and for the firewall setups the daemon, with its blocked addresses), checked."""
    values = {"ROOT": root, "PORT": PORT, "SETUP": setup, "TINYFENCE": binary,
              "RUNDIR": os.path.join(root, "tf-run"), "USER": "User nobody\nGroup nogroup"}
    apache = Apache(root, setup, render("base.conf", values) + render(f"{APACHE_CONFIG_OF.get(setup, setup)}.conf", values))
    daemon = Daemon(binary, root, "tinyfence-nft.conf")
    access_log = os.path.join(root, "access.log")
    if os.path.exists(access_log):
        os.remove(access_log)
    try:
        if setup in FIREWALL_SETUPS:
            daemon.start(0)
        apache.start(PORT)
        expect(PORT, apache_bench.ALLOWED, 200, setup)
        if not wait_for(lambda: os.path.exists(access_log), apache_bench.GUARD):
            raise SetupFailed(f"{setup} wrote no access log")
        if setup in FIREWALL_SETUPS:
            block(daemon, args)
        elif refused(client_address(0)):
            raise SetupFailed("the kernel refuses connections without the daemon: a tinyfence table is left over")
        return apache, daemon
    except BaseException:
        stop_all(apache, daemon)
        raise


def measure(setup, root, args, binary, gen):
    apache, daemon = started(setup, root, args, binary)
    try:
        if args.warmup > 0:
            httpgen(gen, args, args.warmup)
        extra = [daemon.proc.pid] if daemon.proc else []
        before = apache_bench.cpu_ticks(apache.proc.pid, extra)
        result = httpgen(gen, args, args.duration)
        used = apache_bench.cpu_ticks(apache.proc.pid, extra) - before
        result["cpu_us"] = used / apache_bench.CLK_TCK * 1e6 / max(result["requests"], 1)
        if apache.proc.poll() is not None:
            raise SetupFailed(f"apache2 died during the run: {apache.tail()}")
        return result
    finally:
        stop_all(apache, daemon)


def flood(root, args, binary, gen):
    """Apache's CPU seconds over --flood seconds idle, then over as long a flood from one blocked address."""
    apache, daemon = started("firewall-feed", root, args, binary)
    try:
        before = apache_bench.cpu_ticks(apache.proc.pid)
        time.sleep(args.flood)
        idle = apache_bench.cpu_ticks(apache.proc.pid) - before
        before = apache_bench.cpu_ticks(apache.proc.pid)
        load = httpgen(gen, argparse.Namespace(connections=1, per_connection=1), args.flood, keys=1)
        flooded = apache_bench.cpu_ticks(apache.proc.pid) - before
        return idle / apache_bench.CLK_TCK, flooded / apache_bench.CLK_TCK, load
    finally:
        stop_all(apache, daemon)


def enter_namespace():
    """Runs this script again in a network namespace of its own, with its loopback up."""
    if os.environ.get(IN_NAMESPACE) != "1":
        if os.geteuid() != 0 or not shutil.which("unshare"):
            sys.exit("firewall bench: needs root and unshare (util-linux): it runs in a network namespace of its own")
        os.environ[IN_NAMESPACE] = "1"
        os.execvp("unshare", ["unshare", "-n", sys.executable, os.path.abspath(__file__), *sys.argv[1:]])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default="dist/tinyfence")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3; --quick: 1)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per measurement (default 10; --quick: 3)")
    parser.add_argument("--warmup", type=float, default=None, help="seconds of warm-up before each (default 2; --quick: 1)")
    parser.add_argument("--flood", type=float, default=None, help="seconds of the flood and of the idle time beside it (default 10; --quick: 2)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 round of 3 s")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--per-connection", type=int, default=10, help="keep-alive requests per connection (default 10)")
    parser.add_argument("--addresses", type=int, default=100000, help="client source addresses")
    parser.add_argument("--blocklist", type=int, default=None, help="blocked addresses among them (default 10000; --quick: 1000)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (configs, logs)")
    args = parser.parse_args()
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.duration = args.duration or (3 if args.quick else 10)
    args.warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    args.flood = args.flood or (2 if args.quick else 10)
    args.blocklist = args.blocklist if args.blocklist is not None else (1000 if args.quick else 10000)
    if not 0 < args.blocklist < args.addresses:
        sys.exit("firewall bench: --blocklist must be between 1 and --addresses - 1")
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"firewall bench: {binary} is missing (make publish)")
    for tool in (apache_bench.APACHE, shutil.which("gcc"), shutil.which("ip"), shutil.which("nft")):
        if not tool or not os.path.exists(tool):
            sys.exit("firewall bench: needs apache2, gcc, ip and nft (tests/bench/run.sh installs them)")
    enter_namespace()

    with served_root("firewall", args.keep) as root:
        gen = compile_c(os.path.join(HERE, "firewall", "httpgen.c"), os.path.join(root, "httpgen"), "-pthread")
        results = {s: [] for s in SETUPS}
        failures = {}
        for round_no in range(args.rounds):
            for setup in SETUPS:
                print(f"firewall bench: round {round_no + 1}/{args.rounds}: {setup}", file=sys.stderr)
                try:
                    results[setup].append(measure(setup, root, args, binary, gen))
                except (SetupFailed, subprocess.SubprocessError) as e:
                    results[setup].append(None)
                    failures.setdefault(setup, str(e))
                    print(f"firewall bench: {setup} FAILED: {e}", file=sys.stderr)
                os.sync()
                time.sleep(apache_bench.SETTLE_SECONDS)
        print_table(args, results, failures)
        try:
            idle, flooded, load = flood(root, args, binary, gen)
            print(f"flood: one blocked address connecting for {args.flood:g} s: {load['refused_per_s']:,.0f} connects/s "
                  f"refused, {load['requests']:.0f} served; Apache CPU {flooded * 1000:.0f} ms during the flood, "
                  f"{idle * 1000:.0f} ms over as long idle (goal: 0; clock ticks of {1000 / apache_bench.CLK_TCK:.0f} ms)")
        except (SetupFailed, subprocess.SubprocessError) as e:
            failures["flood"] = str(e)
            print(f"flood FAILED: {e}")
        return 1 if failures else 0


def print_table(args, results, failures):
    print()
    print(f"Apache 2.4 mpm_event, 512-byte static file, in a network namespace of its own; "
          f"tests/bench/firewall/httpgen.c with {args.connections} connections of {args.per_connection} "
          f"keep-alive requests each, from {args.addresses:,} source addresses (127.1.0.0 + i), "
          f"{args.blocklist:,} of them blocked in the firewall setups; -d {args.duration:g}s (+{args.warmup:g} s warm-up), "
          f"{args.rounds} interleaved round(s); generator and Apache share the machine's {os.cpu_count()} cores.")
    print("req/s: complete 2xx replies, min / median / max over rounds; refused/s: connects reset by the kernel; "
          "CPU: Apache's processes plus the tinyfence daemon, per request.")
    print()
    header = ["setup", "req/s", "x file-log", "refused/s", "CPU us/req", "errors"]
    rows = []
    for setup in SETUPS:
        runs = [r for r in results[setup] if r]
        if not runs:
            rows.append([setup, "FAILED (below)", "", "", "", ""])
            continue
        ratios = [r["rps"] / b["rps"] for r, b in zip(results[setup], results["file-log"]) if r and b]
        rows.append([setup, spread([r["rps"] for r in runs], lambda v: f"{v:,.0f}"),
                     f"{statistics.median(ratios):.3f} ({min(ratios):.3f}-{max(ratios):.3f})"
                     if ratios and setup != "file-log" else "",
                     f"{statistics.median(r['refused_per_s'] for r in runs):,.0f}",
                     f"{statistics.median(r['cpu_us'] for r in runs):.1f}",
                     f"{sum(r['errors'] for r in runs):.0f}"])
    print_rows(header, rows)
    print()
    ratios = [r["rps"] / b["rps"] for r, b in zip(results["firewall-feed"], results["file-log"]) if r and b]
    if ratios:
        median = statistics.median(ratios)
        print(f"target firewall-feed >= {TARGET:.2f} x file-log (same round): median {median:.3f} over {len(ratios)} "
              f"round(s), min {min(ratios):.3f}: {'holds' if median >= TARGET else 'MISSED'}")
    for setup, why in failures.items():
        print(f"{setup} FAILED: {why}")


if __name__ == "__main__":
    sys.exit(main())
