"""What the bench scripts share: reading a process's CPU time and memory, stopping it, printing a spread."""
import os
import shutil
import signal
import statistics
import subprocess
import tempfile

MEM_KEYS = ("VmRSS", "VmHWM", "RssAnon")


def status_kib(pid, keys=MEM_KEYS):
    """The given memory figures of /proc/PID/status, in KiB."""
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in keys:
                values[key] = int(rest.split()[0])
    return values


def cpu_ticks(pid):
    """utime + stime of a process and all its threads, in clock ticks (/proc/PID/stat 14, 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def stop(proc, timeout=10):
    """SIGTERM, then SIGKILL if it has not exited within the timeout."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def compile_c(source, out, *flags):
    """Builds one of the benches' C programs (gcc -O2, warnings on); returns its path."""
    subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", *flags, "-o", out, source], check=True)
    return out


def spread(values, fmt):
    """min / median / max."""
    return f"{fmt(min(values))} / {fmt(statistics.median(values))} / {fmt(max(values))}"


def print_rows(header, rows):
    """A Markdown table, its columns padded to their widest cell."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")


def valgrind_copy(binary, directory):
    """A copy of BINARY in DIRECTORY, away from the tinyfence.dbg beside dist/tinyfence: Debian 12's
    valgrind (3.19) gives up on that file's DWARF 5 ("Possibly corrupted debuginfo file") and
    counts nothing."""
    return shutil.copy(binary, tempfile.mkdtemp(prefix="valgrind-", dir=directory))
