#!/usr/bin/env python3
"""Semantic search latency of `quarry search --mode semantic` over many stored vectors.

    python3 Benchmarks/vector_search.py [--sizes 100000,1000000 | --quick] [--runs 5]
                                        [--quarry .build/release/quarry]

For each size N a synthetic database is built in a temporary folder (removed at the end): the
schema comes from `quarry ingest --no-embed` of a one-line text file; then one document, one
page, N chunks with short placeholder texts and N `chunk_vectors` rows (model all-MiniLM-L6-v2,
384 little-endian float16 values of a random unit vector, seeded) are inserted in one
transaction. Chunk offsets are not meaningful (the page text is a placeholder): the search
reads only vectors and chunk texts. One chunk holds the real vector of a known sentence
(`quarry embed TEXT --json`); each timed search queries that sentence and must return that
chunk first, so a wrong or partial scan fails the benchmark.

Every search is a fresh process, timed end to end (start, model load, query encoding, the
exact scan of all N vectors, output); one untimed warm-up run precedes --runs timed runs.
Peak MiB is the largest resident set among the runs. --quick: 100k vectors only, 3 runs.
Needs numpy: if this python has none, the script runs itself again under the reference venv's
python (scripts/reference/venv.sh).
"""
import argparse, json, os, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

try:
    import numpy as np
except ImportError:
    if os.environ.get("QUARRY_BENCH_REEXEC"):
        sys.exit("numpy is missing, even in the reference venv")
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "reference", "venv.sh")],
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    python = out.strip().splitlines()[-1]
    os.environ["QUARRY_BENCH_REEXEC"] = "1"
    os.execv(python, [python, os.path.abspath(__file__)] + sys.argv[1:])

MODEL = "all-MiniLM-L6-v2"
DIMS = 384
QUERY = "The Recipient shall hold the Confidential Information in strict confidence for a period of five years."
SEED = 20240601


# Runs a command, its stdout to a file, and prints its wall seconds, peak RSS (KiB) and exit code.
# It runs in a small helper process: a child's peak RSS starts from the RSS of the process that
# spawned it (Linux keeps the high-water mark across fork and exec), and this script grows large
# while it builds the databases.
MEASURE = r"""
import os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
start = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, out, 1)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def timed(cmd, folder):
    """Wall seconds, peak RSS MiB and stdout of one run of cmd."""
    out = os.path.join(folder, "stdout")
    proc = subprocess.run([sys.executable, "-c", MEASURE, out] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"measuring {' '.join(cmd[:4])} failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    wall, kib, rc = proc.stdout.split()
    if int(rc) not in (0, 3):   # 3: quarry ingest with some failed documents
        sys.exit(f"command failed ({int(rc)}): {' '.join(cmd[:4])} …\n{proc.stderr.decode(errors='replace')[-2000:]}")
    with open(out, "rb") as f:
        return float(wall), int(kib) / 1024, f.read()


def build(quarry, folder, n, known_vector):
    """Builds the database with n vectors; returns (path, id of the known chunk, seconds)."""
    start = time.perf_counter()
    db = os.path.join(folder, f"vectors-{n}.db")
    seed_file = os.path.join(folder, "schema.txt")
    with open(seed_file, "w") as f:
        f.write("A one-line file whose ingest creates the schema.\n")
    timed([quarry, "ingest", seed_file, "--db", db, "--no-embed", "--json"], folder)
    known_id = int(n * 0.618) + 1
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("PRAGMA cache_size = -262144")   # 256 MiB
    conn.execute("BEGIN")
    for table in ("chunk_vectors", "chunks", "pages", "documents"):
        conn.execute(f"DELETE FROM {table}")
    conn.execute("""INSERT INTO documents (id, path, sha256, kind, page_count, status, ingested_at,
                    file_size, file_mtime) VALUES (1, ?, ?, 'text', 1, 'ok', '2024-06-01T00:00:00Z', 0, 0)""",
                 (f"/synthetic/vectors-{n}.txt", "0" * 64))
    conn.execute("INSERT INTO pages (document_id, page_number, text, has_text) VALUES (1, 1, ?, 1)",
                 ("synthetic page: chunk offsets are placeholders",))
    texts = (QUERY if i == known_id else f"synthetic chunk {i}" for i in range(1, n + 1))
    conn.executemany('INSERT INTO chunks (id, document_id, page_number, start, "end", text) VALUES (?, 1, 1, 0, ?, ?)',
                     ((i, len(t), t) for i, t in enumerate(texts, 1)))
    rng = np.random.default_rng(SEED + n)
    block = 65536
    for first in range(0, n, block):
        count = min(block, n - first)
        v = rng.standard_normal((count, DIMS), dtype=np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        ids = np.arange(first + 1, first + count + 1)
        if first < known_id <= first + count:
            v[known_id - first - 1] = known_vector
        halves = v.astype("<f2")
        conn.executemany("INSERT INTO chunk_vectors (chunk_id, model, vector) VALUES (?, ?, ?)",
                         ((int(ids[i]), MODEL, halves[i].tobytes()) for i in range(count)))
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return db, known_id, time.perf_counter() - start


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated vector counts (default %(default)s)")
    ap.add_argument("--runs", type=int, help="timed searches per size (default 5, --quick 3)")
    ap.add_argument("--quick", action="store_true", help="100k vectors only, 3 runs")
    a = ap.parse_args()
    sizes = [100_000] if a.quick else [int(s) for s in a.sizes.split(",")]
    runs = a.runs or (3 if a.quick else 5)
    if runs < 1 or min(sizes) < 1:
        ap.error("--runs and the sizes must be at least 1")
    if not os.access(a.quarry, os.X_OK):
        sys.exit(f"{a.quarry} not found: build it with swift build -c release --product quarry")

    busy = other_cpu_use()
    if busy > 0.25:
        print(f"note: other processes were using {busy:.1f} of {os.cpu_count()} cores just before the start; "
              f"the timings will be skewed", flush=True)
    tmp = tempfile.mkdtemp(prefix="quarry-vector-bench-")
    rows = []
    try:
        _, _, out = timed([a.quarry, "embed", QUERY, "--json"], tmp)
        known_vector = np.array(json.loads(out)[0]["vector"], dtype=np.float32)
        if known_vector.shape != (DIMS,):
            sys.exit(f"quarry embed gave a vector of shape {known_vector.shape}, expected ({DIMS},)")
        for n in sizes:
            db, known_id, build_seconds = build(a.quarry, tmp, n, known_vector)
            size = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p)) / 2**20
            print(f"built {n} vectors in {build_seconds:.1f} s: {size:.0f} MiB", flush=True)
            cmd = [a.quarry, "search", QUERY, "--mode", "semantic", "--db", db, "--limit", "10", "--json"]
            walls, peaks = [], []
            for i in range(runs + 1):
                wall, peak, out = timed(cmd, tmp)
                hits = json.loads(out)
                if not hits or hits[0]["chunk_id"] != known_id or len(hits) != min(10, n):
                    top = hits[0]["chunk_id"] if hits else None
                    sys.exit(f"{n} vectors: expected chunk {known_id} first of {min(10, n)} hits, "
                             f"got {top} first of {len(hits)}")
                if i > 0:   # run 0 warms the page cache
                    walls.append(wall); peaks.append(peak)
            rows.append((n, size, statistics.median(walls), min(walls), max(peaks), hits[0]["score"]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\nquarry search --mode semantic --limit 10, {runs} runs after a warm-up; "
          f"the known chunk came first every time")
    print(f"{'vectors':>9} {'DB MiB':>8} {'median s':>9} {'min s':>7} {'peak MiB':>9} {'top score':>10}")
    for n, size, median, best, peak, score in rows:
        print(f"{n:9d} {size:8.1f} {median:9.3f} {best:7.3f} {peak:9.1f} {score:10.4f}")


main()
