#!/usr/bin/env python3
"""Ingest throughput and peak memory of `quarry ingest` on the Kleister NDA PDFs, against
`pdftotext` run serially over the same files. Prints a table.

    python3 Benchmarks/ingest.py [--quarry .build/release/quarry] [--runs 3]

Ingest runs with --no-embed: this measures parsing, chunking and storing, the part that competes
with pdftotext. Embedding cost is measured by Benchmarks/encoder.py.

Peak memory is the largest resident set of any one process (the ingest process or a parse
worker), measured at 25%, 50% and 100% of the documents to show it stays flat.
"""
import argparse, os, resource, subprocess, sys, tempfile, time, glob, statistics, sqlite3

def run(cmd):
    """Wall seconds and the peak RSS (MiB) of the process tree, each in a fresh child."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        start = time.perf_counter()
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        os.write(w, f"{wall} {peak} {rc}".encode()); os._exit(0)
    os.close(w); data = os.read(r, 100).decode(); os.waitpid(pid, 0)
    wall, peak, rc = data.split()
    if int(rc) not in (0, 3): sys.exit(f"command failed ({rc}): {' '.join(cmd[:3])} …")
    return float(wall), float(peak)

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--quarry", default=os.path.join(here, "..", ".build", "release", "quarry"))
    ap.add_argument("--data", default=os.path.join(here, "..", "..", "shared", "data", "kleister-nda-train", "documents"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    files = sorted(glob.glob(os.path.join(a.data, "*.pdf")))
    if not files: sys.exit(f"no PDFs in {a.data}: the benchmark needs ../shared/data")
    tmp = tempfile.mkdtemp()
    rows = []
    for share in (0.25, 0.5, 1.0):
        subset = files[: max(1, int(len(files) * share))]
        folder = os.path.join(tmp, f"set{share}")
        os.makedirs(folder)
        for f in subset: os.symlink(f, os.path.join(folder, os.path.basename(f)))
        walls, peaks = [], []
        for i in range(a.runs):
            db = os.path.join(tmp, f"b{share}-{i}.db")
            wall, peak = run([a.quarry, "ingest", folder, "--db", db, "--json", "--no-embed"])
            walls.append(wall); peaks.append(peak)
        pages = sqlite3.connect(db).execute("SELECT sum(page_count) FROM documents").fetchone()[0]
        rows.append((f"quarry ingest --no-embed", len(subset), pages, statistics.median(walls), max(peaks)))
        rerun = run([a.quarry, "ingest", folder, "--db", db, "--json", "--no-embed"])
        rows.append(("quarry ingest, unchanged rerun", len(subset), pages, rerun[0], rerun[1]))
    script = "for f in \"$@\"; do pdftotext \"$f\" /dev/null; done"
    walls, peaks = [], []
    for _ in range(a.runs):
        wall, peak = run(["bash", "-c", script, "bash"] + files)
        walls.append(wall); peaks.append(peak)
    rows.append(("pdftotext, serial", len(files), rows[-2][2], statistics.median(walls), max(peaks)))
    print(f"{'command':34} {'docs':>5} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'peak MiB':>9}")
    for name, docs, pages, wall, peak in rows:
        print(f"{name:34} {docs:5d} {pages:6d} {wall:8.2f} {pages / wall:8.1f} {peak:9.1f}")
    ours = rows[-3]; ref = rows[-1]
    print(f"\nspeed-up over serial pdftotext on all {ref[1]} documents: {(ours[2] / ours[3]) / (ref[2] / ref[3]):.2f}x "
          f"(cores: {os.cpu_count()})")

main()
