#!/usr/bin/env python3
"""Tables shared through Redis (issue 17): what one Redis absorbs, how fast a block travels, what a node pays.

  python3 tests/bench/share_bench.py --binary dist/tinyfence [--nodes 3] [--hits 50000] [--single-hits 10000] [--rounds 3] [--spam-addresses 100] [--callgrind]

1. Redis's side: NODES daemons share table "spam" through one redis-server (Unix socket); each is
   sent HITS quiet, pipelined HIT requests over 100,000 addresses at once. Reported: Redis's CPU
   (utime + stime) per hit applied and the hits/s that makes for one Redis core, the EVALSHA
   calls and Redis's own usec per call (INFO commandstats), and the wall time until Redis holds
   every hit (the nodes' batches every 50 ms included).
2. Block propagation: a HIT of 20 points on node A, then CHECK on node B until BLOCK; p50 / p99
   over 200 addresses, back to back (a hit waits for the next 50 ms batch) and 0.2 s apart (the
   first hit after a quiet spell is sent at once).
3. A node's CPU per request, shared and not, same load, interleaved rounds: the daemon's threads'
   time on a CPU (/proc/PID/task/*/schedstat, in ns: utime + stime come in 10 ms ticks, 0.2 µs a
   request here) / requests, over two floods in windows of the same length for both (idle
   upkeep counted alike). Twice: pipelined (HITS quiet HIT requests in one write, then a PING that
   answers once all are counted: the table's and the sharing's cost with nothing around it), and
   one at a time (SINGLE_HITS HIT requests, each answered with the score and sent once the one
   before was, the way an Apache RewriteMap adapter asks: a request's real cost on the node, its
   socket wake-up included).
1 and 3 run twice: hits spread over 100,000 addresses (nothing for a node to coalesce), and spam
from SPAM_ADDRESSES addresses (a script's hits of one address and second are sent as one).
4. With --callgrind: the instructions a node executes per HIT, alone and shared, under valgrind
   (a count, the same whatever else loads the machine): the difference between a flood of HITS
   and one of HITS / 5, divided by the hits between, the sender's work until Redis holds them
   included, the main thread's (the upkeep's once-a-second sweep) left out.
Numbers depend on the machine and on what else runs on it: compare only within one run.
"""
import argparse
import glob
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import cpu_ticks, stop, valgrind_copy  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
ADDRESSES = [f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}" for i in range(1, 100_001)]


def wait_for(condition, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"share bench: no {what} within {timeout} s")
        time.sleep(0.01)


def can_connect(path):
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(path)
        return True
    except OSError:
        return False


def redis_cli(sock, *args):
    return subprocess.run(["redis-cli", "-s", sock, *args], capture_output=True, text=True, check=True).stdout.strip()


class Node:
    """A daemon serving table "spam", shared through REDIS_URL or not."""

    def __init__(self, binary, tmp, name, redis_url, prefix="tf:", patience=60.0):
        """BINARY: the daemon's path, or a list that runs it (under valgrind)."""
        self.dir = os.path.join(tmp, name)
        os.makedirs(self.dir)
        self.sock = os.path.join(self.dir, "run", "tinyfence.sock")
        share = f'share redis "{redis_url}" prefix "{prefix}"' if redis_url else ""
        config = os.path.join(self.dir, "tinyfence.conf")
        with open(config, "w") as f:
            f.write(f'set run-dir "{self.dir}/run"\nset state-dir "{self.dir}/state"\n'
                    f'table "spam" {{ capacity 200000 decay 3 per 1d block above 15 snapshot off {share} }}\n')
        self.log = open(os.path.join(self.dir, "stderr"), "w")
        command = binary if isinstance(binary, list) else [binary]
        self.proc = subprocess.Popen([*command, "run", "-c", config], stderr=self.log, stdin=subprocess.DEVNULL)
        wait_for(lambda: can_connect(self.sock), f"socket of {name}", patience)
        if redis_url:
            wait_for(lambda: "listening for blocks" in open(self.log.name).read(), f"{name} listening", patience)
        self.conn = socket.socket(socket.AF_UNIX)
        self.conn.connect(self.sock)
        self.reader = self.conn.makefile("rb")

    def ask(self, line):
        self.conn.sendall(line.encode() + b"\n")
        return self.reader.readline().decode().strip()

    def flood(self, payload):
        """Quiet hits, then PING: back once the daemon has counted them all."""
        self.conn.sendall(b"QUIET\n")
        self.reader.readline()
        self.conn.sendall(payload + b"PING\n")
        assert self.reader.readline() == b"PONG\n"

    def one_at_a_time(self, lines):
        """Hits each answered with the address's score and sent once the one before was, on a
        connection of their own (not quiet)."""
        with socket.socket(socket.AF_UNIX) as conn:
            conn.connect(self.sock)
            reader = conn.makefile("rb")
            for line in lines:
                conn.sendall(line)
                reader.readline()

    def close(self):
        self.conn.close()
        stop(self.proc)
        self.log.close()


def hit_payload(count, seed, addresses=ADDRESSES):
    rng = random.Random(seed)
    return "".join(f"HIT spam {rng.choice(addresses)}\n" for _ in range(count)).encode()


def start_redis(tmp):
    sock = os.path.join(tmp, "redis.sock")
    proc = subprocess.Popen(["redis-server", "--port", "0", "--unixsocket", sock, "--dir", tmp, "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: can_connect(sock), "redis-server")
    return proc, sock


def applied(sock, prefix):
    """How many hits Redis holds under PREFIX: each gave one point to a 10.x.y.z address."""
    script = ("local n=0 for _,k in ipairs(redis.call('KEYS',ARGV[1]..'spam:10.*')) do "
              "n=n+tonumber(redis.call('HGET',k,'s')) end return n")
    return int(redis_cli(sock, "EVAL", script, "0", prefix))


def drained(sock, quiet_s=1.0):
    """Waits until no EVALSHA has completed for QUIET_S: the nodes, which send every 50 ms while
    they hold hits, hold none. Cheap for Redis, unlike summing the scores."""
    calls, since = evalsha_stats(sock)[0], time.monotonic()
    while time.monotonic() - since < quiet_s:
        time.sleep(0.1)
        now = evalsha_stats(sock)[0]
        if now != calls:
            calls, since = now, time.monotonic()
    return since


def evalsha_stats(sock):
    for line in redis_cli(sock, "INFO", "commandstats").splitlines():
        if line.startswith("cmdstat_evalsha:"):
            fields = dict(kv.split("=") for kv in line.split(":", 1)[1].split(","))
            return int(fields["calls"]), float(fields["usec"])
    return 0, 0.0


def redis_side(binary, nodes, hits, seed, addresses):
    with tempfile.TemporaryDirectory(prefix="tf-share-bench-") as tmp:
        redis, sock = start_redis(tmp)
        url = "unix://" + sock
        started = [Node(binary, tmp, f"node{i}", url) for i in range(nodes)]
        try:
            payloads = [hit_payload(hits, seed + i, addresses) for i in range(nodes)]
            cpu0 = cpu_ticks(redis.pid)
            t0 = time.monotonic()
            # One sender thread per node would share the GIL; the writes are large and the daemons
            # read them in parallel, so one after another still loads them together.
            import threading
            threads = [threading.Thread(target=n.flood, args=(p,)) for n, p in zip(started, payloads)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            sent = time.monotonic() - t0

            done = drained(sock) - t0
            cpu = (cpu_ticks(redis.pid) - cpu0) / TICK
            calls, usec = evalsha_stats(sock)
            # Fewer than sent when the nodes' queues (65,536 hits each) overflowed: dropped, oldest first.
            total = applied(sock, "tf:")
            return {
                "hits": total, "sent": nodes * hits, "sent_s": sent, "applied_s": done, "redis_cpu_us_per_hit": cpu * 1e6 / total,
                "calls": calls, "script_us_per_hit": usec / total, "hits_per_call": total / max(calls, 1),
            }
        finally:
            for n in started:
                n.close()
            stop(redis)


def propagation(binary, trials, pause_s):
    """Latencies in ms; PAUSE_S between trials (longer than the 50 ms interval: each hit is the
    first after a quiet spell and goes at once; 0: back to back, each waits for the next batch)."""
    with tempfile.TemporaryDirectory(prefix="tf-share-bench-") as tmp:
        redis, sock = start_redis(tmp)
        url = "unix://" + sock
        a, b = Node(binary, tmp, "a", url), Node(binary, tmp, "b", url)
        try:
            latencies = []
            for i in range(trials):
                address = f"192.0.2.{i % 250 + 1}" if i < 250 else f"198.51.100.{i % 250 + 1}"
                t0 = time.monotonic()
                a.ask(f"HIT spam {address} 20")
                while b.ask(f"CHECK spam {address}") != "BLOCK":
                    pass
                latencies.append((time.monotonic() - t0) * 1000)
                time.sleep(pause_s)
            latencies.sort()
            return latencies
        finally:
            a.close()
            b.close()
            stop(redis)


def node_cost(binary, hits, rounds, seed, addresses, floods=2, one_at_a_time=False):
    """(shared, alone) CPU µs per request, one pair of rounds at a time. Each node takes FLOODS
    floods of HITS quiet HITs, each in a window of the same length for both kinds (the shared
    node's ends once it has sent every hit), so both count the same idle upkeep (the table's sweep
    once a second, about 1 ms at this capacity): a drain only the shared node waited for would
    charge it to sharing. ONE_AT_A_TIME: each HIT waits for its answer, as an Apache RewriteMap
    adapter sends them (a socket wake-up per request), instead of one pipelined write."""
    results = {"shared": [], "alone": []}
    window_s = 5.0 if one_at_a_time else 3.0
    with tempfile.TemporaryDirectory(prefix="tf-share-bench-") as tmp:
        redis, sock = start_redis(tmp)
        try:
            payloads = [hit_payload(hits, seed + i, addresses) for i in range(floods)]
            warm = hit_payload(40_000, seed + 100, addresses)
            lines = [p.splitlines(keepends=True) for p in payloads] if one_at_a_time else None
            for r in range(rounds):
                for kind in ("alone", "shared"):
                    prefix = f"r{r}-{len(addresses)}-{one_at_a_time}:"
                    name = f"{kind}{r}{'-single' if one_at_a_time else ''}"
                    node = Node(binary, tmp, name, "unix://" + sock if kind == "shared" else None, prefix)
                    try:
                        # Warm: the hit queue's ring (65,536 hits, 1.5 MiB) is touched once, as in a node
                        # that has run a while; its first pass costs a page fault every 170 hits.
                        for _ in range(2):
                            node.flood(warm)
                            if kind == "shared":
                                drained(sock, 0.5)
                        cpu0 = cpu_ns(node.proc.pid)
                        for i in range(floods):
                            t0 = time.monotonic()
                            if one_at_a_time:
                                node.one_at_a_time(lines[i])
                            else:
                                node.flood(payloads[i])
                            if kind == "shared":
                                # The sender's work is the node's too: counted until it has sent every hit.
                                drained(sock, 0.5)
                            spent = time.monotonic() - t0
                            if spent > window_s:
                                raise SystemExit(f"share bench: a flood took {spent:.1f} s, longer than its {window_s} s window: the machine is too loaded to compare")
                            time.sleep(window_s - spent)
                        results[kind].append((cpu_ns(node.proc.pid) - cpu0) / 1e3 / (hits * floods))
                    finally:
                        node.close()
        finally:
            stop(redis)
    return results


def callgrind_cost(binary, hits, addresses):
    """(alone, shared) instructions per HIT: a node under callgrind, its counters zeroed after a
    warm-up flood and dumped once it has sent everything, for HITS / 5 and HITS hits."""
    counts = {}
    with tempfile.TemporaryDirectory(prefix="tf-share-bench-") as tmp:
        binary = valgrind_copy(binary, tmp)
        redis, sock = start_redis(tmp)
        try:
            for kind in ("alone", "shared"):
                for count in (hits // 5, hits):
                    name = f"cg-{kind}-{count}"
                    out = os.path.join(tmp, name + ".out")
                    node = Node(["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={out}.%p", binary], tmp, name,
                                "unix://" + sock if kind == "shared" else None, f"{name}:", patience=300.0)
                    try:
                        node.flood(hit_payload(2000, 5, addresses))
                        settle(sock, kind)
                        subprocess.run(["callgrind_control", "-z", str(node.proc.pid)], check=True, capture_output=True)
                        node.flood(hit_payload(count, 6, addresses))
                        settle(sock, kind)
                        subprocess.run(["callgrind_control", "-d", "measured", str(node.proc.pid)], check=True, capture_output=True)
                        counts[kind, count] = measured_instructions(f"{out}.{node.proc.pid}")
                    finally:
                        node.close()
        finally:
            stop(redis)
    small = hits // 5
    return tuple((counts[kind, hits] - counts[kind, small]) / (hits - small) for kind in ("alone", "shared"))


def settle(sock, kind):
    """Until a shared node has sent every hit (its sender's work is the node's too); an unshared one has nothing to finish."""
    if kind == "shared":
        drained(sock, 2.0)
    else:
        time.sleep(2.0)


def measured_instructions(prefix):
    """The instructions of the dump named "measured", every thread's but the main one's
    (callgrind writes a file per dump and thread: PREFIX.N-T, the main thread T = 01). The main
    thread runs the once-a-second upkeep, whose sweep of the whole table (about 3 million
    instructions at this capacity) lands in one window and not in another; requests and sharing
    run on threads of their own."""
    total, found = 0, False
    for path in glob.glob(prefix + ".*-*"):
        with open(path) as f:
            text = f.read()
        if "\ndesc: Trigger: dump measured\n" in text:
            found = True
            if not path.endswith("-01"):
                total += int(text.split("\nsummary: ", 1)[1].split()[0])
    if not found:
        raise SystemExit(f"share bench: no callgrind dump 'measured' at {prefix}.*")
    return total


def cpu_ns(pid):
    """The time the process's threads have run on a CPU, in ns (schedstat's first field, per thread)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended meanwhile
    return total


def fmt_spread(values, unit):
    return f"{min(values):.2f} / {statistics.median(values):.2f} / {max(values):.2f} {unit}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default="dist/tinyfence")
    parser.add_argument("--nodes", type=int, default=3)
    parser.add_argument("--hits", type=int, default=50_000, help="hits per node (above 65,536 a node's queue drops)")
    parser.add_argument("--single-hits", type=int, default=10_000, help="hits per flood sent one at a time")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--spam-addresses", type=int, default=100, help="the few addresses of the spam passes")
    parser.add_argument("--callgrind", action="store_true", help="also count a node's instructions per HIT under valgrind")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    spreads = ((ADDRESSES, "100,000 addresses"), (ADDRESSES[:args.spam_addresses], f"{args.spam_addresses} addresses (spam)"))

    for addresses, label in spreads:
        print(f"== one Redis, {args.nodes} nodes, {args.hits} quiet hits each over {label} ({args.rounds} rounds) ==")
        runs = [redis_side(binary, args.nodes, args.hits, 17 + r, addresses) for r in range(args.rounds)]
        for key, unit in (("hits", ""), ("sent", ""), ("redis_cpu_us_per_hit", "µs"), ("script_us_per_hit", "µs"), ("hits_per_call", ""), ("sent_s", "s"), ("applied_s", "s")):
            print(f"  {key}: {fmt_spread([r[key] for r in runs], unit)}")
        per_core = [1e6 / r["redis_cpu_us_per_hit"] for r in runs]
        print(f"  hits/s one Redis core absorbs (1 / its CPU per hit): {fmt_spread([p / 1000 for p in per_core], 'k')}")
        print(f"  hits/s applied end to end (all hits / time until Redis held them): {fmt_spread([r['hits'] / r['applied_s'] / 1000 for r in runs], 'k')}\n")

    for pause_s, label in ((0.0, "back to back"), (0.2, "0.2 s apart")):
        print(f"\n== block propagation, node A to node B, {args.trials} addresses, {label} ==")
        lat = propagation(binary, args.trials, pause_s)
        print(f"  p50 {lat[len(lat) // 2]:.1f} ms, p99 {lat[int(len(lat) * 0.99) - 1]:.1f} ms, max {lat[-1]:.1f} ms")

    for one_at_a_time, hits in ((False, args.hits), (True, args.single_hits)):
        for addresses, label in spreads:
            how = "one at a time (each waits for its answer)" if one_at_a_time else "quiet, pipelined (one write)"
            print(f"\n== node CPU per HIT request, 2 x {hits} requests {how} over {label}, shared vs alone, {args.rounds} interleaved rounds ==")
            cost = node_cost(binary, hits, args.rounds, 99, addresses, one_at_a_time=one_at_a_time)
            for kind in ("alone", "shared"):
                print(f"  {kind}: {fmt_spread(cost[kind], 'µs')} (min / median / max)")
            ratios = [s / a for s, a in zip(cost["shared"], cost["alone"])]
            print(f"  shared / alone per round: {fmt_spread(ratios, '×')}; shared - alone per round: "
                  f"{fmt_spread([(s - a) * 1000 for s, a in zip(cost['shared'], cost['alone'])], 'ns')}")

    for addresses, label in spreads if args.callgrind else ():
        print(f"\n== node instructions per quiet HIT request under callgrind, {args.hits // 5} and {args.hits} requests over {label} ==")
        alone, shared = callgrind_cost(binary, args.hits, addresses)
        print(f"  alone {alone:.0f}, shared {shared:.0f}: shared / alone {shared / alone:.3f} ×")


if __name__ == "__main__":
    main()
