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
from measure import run, require_quarry, warn_if_busy
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


def timed(cmd, folder):
    """Wall seconds, peak RSS MiB and stdout of one run of cmd."""
    out = os.path.join(folder, "stdout")
    wall, peak = run(cmd, out)
    with open(out, "rb") as f:
        return wall, peak, f.read()

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
    require_quarry(a.quarry)

    warn_if_busy()
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
