"""Shared measuring helpers for the benchmark scripts: whole-process wall time and peak memory of
a command, and how busy the machine already is."""
import os, subprocess, sys, time

# Runs a command, its stdout to a file, and prints its wall seconds, peak RSS (KiB) and exit code.
# It runs in a small helper process: a child's peak RSS starts from the RSS of the process that
# spawned it (Linux keeps the high-water mark across fork and exec), and the calling scripts can
# grow large (building test databases, holding vectors).
_MEASURE = r"""
import os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, out, 1)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run(cmd, stdout_path, env=None):
    """Runs cmd with stdout to a file; returns (wall seconds, peak RSS MiB of the process).
    Exits the script when the command fails (exit status other than 0, or 3 = some documents failed)."""
    proc = subprocess.run([sys.executable, "-c", _MEASURE, stdout_path] + cmd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"measuring {' '.join(cmd[:4])} failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    wall, kib, rc = proc.stdout.split()
    if int(rc) not in (0, 3):
        sys.exit(f"command failed ({int(rc)}): {' '.join(cmd[:4])} …\n{proc.stderr.decode(errors='replace')[-2000:]}")
    return float(wall), int(kib) / 1024


def other_cpu_use(seconds=1.0):
    """Cores busy over the next second (from /proc/stat; 0 where unavailable): others' load skews timings."""
    def sample():
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        return sum(values), values[3] + values[4]   # total, idle + iowait
    try:
        total0, idle0 = sample(); time.sleep(seconds); total1, idle1 = sample()
    except OSError:
        return 0.0
    return (os.cpu_count() or 1) * (1 - (idle1 - idle0) / max(total1 - total0, 1))


def require_quarry(path):
    """Exits with advice when the binary to measure (quarry, quarry-bench) is not there."""
    if not os.access(path, os.X_OK):
        sys.exit(f"{path} not found: build it with swift build -c release --product {os.path.basename(path)}")


def warn_if_busy(file=sys.stdout):
    """Says so when other processes are using the cores, which skews the timings."""
    busy = other_cpu_use()
    if busy > 0.25:
        print(f"note: other processes were using {busy:.1f} of {os.cpu_count()} cores just before the start; "
              f"the timings will be skewed", file=file, flush=True)


def ingested(db):
    """(file names of the documents in an ingested database, chunks without a vector); (set(), 1)
    when the database is absent or unreadable, so a caller ingests again."""
    import sqlite3
    if not os.path.exists(db):
        return set(), 1
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        have = {os.path.basename(p) for (p,) in con.execute("SELECT path FROM documents")}
        missing = con.execute("SELECT count(*) FROM chunks c LEFT JOIN chunk_vectors v ON v.chunk_id = c.id "
                              "WHERE v.chunk_id IS NULL").fetchone()[0]
        return have, missing
    except sqlite3.Error:
        return set(), 1
    finally:
        con.close()
