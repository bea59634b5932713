#!/usr/bin/env python3
"""Extraction throughput and peak memory of `quarry extract` on the Kleister NDA PDFs, for a
quarter, half and all of the documents (63, 127, 254), on an already ingested database and on a
fresh one (ingest included). Prints a table and the split into ingest and extraction time.

    python3 Benchmarks/extract_throughput.py [--quarry .build/release/quarry] [--runs 1] [--data DIR]

Per size, in a fresh temporary folder:
  quarry ingest                 a new database, with embeddings (as extract ingests)
  quarry extract, ingested      on that database: extraction only
  quarry extract, unchanged     the same again without --replace: nothing to do
  quarry extract, fresh DB      a new database: ingest and extraction in one run
The schema is Fixtures/schemas/kleister-nda.json. "seconds" is the process's wall time (model
load included), the median over --runs; peak MiB is the largest resident set of any one process
(the command or a parse worker). The split table gives extract's own `seconds` (its report,
without process start and model load) next to the ingest's wall time.
"""
from measure import run, require_quarry, warn_if_busy
import argparse, glob, json, os, shutil, sqlite3, statistics, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "kleister-nda-train", "documents"))
    ap.add_argument("--schema", default=os.path.join(ROOT, "Fixtures", "schemas", "kleister-nda.json"))
    ap.add_argument("--runs", type=int, default=1, help="runs per row; the median is reported (default %(default)s)")
    a = ap.parse_args()
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    files = sorted(glob.glob(os.path.join(a.data, "*.pdf")))
    if not files:
        sys.exit(f"no PDFs in {a.data}: the benchmark needs the Kleister NDA data in ../shared/data")
    require_quarry(a.quarry)

    warn_if_busy()
    tmp = tempfile.mkdtemp(prefix="quarry-extract-bench-")
    rows, splits = [], []
    try:
        for share in (0.25, 0.5, 1.0):
            subset = files[: max(1, int(len(files) * share))]
            folder = os.path.join(tmp, f"docs-{len(subset)}")
            os.makedirs(folder)
            for f in subset:
                os.symlink(os.path.abspath(f), os.path.join(folder, os.path.basename(f)))
            report = os.path.join(tmp, "report.json")

            def extract(db, replace=True):
                cmd = [a.quarry, "extract", "--schema", a.schema, "--table", "nda", "--db", db, "--json", folder]
                wall, peak = run(cmd[:2] + (["--replace"] if replace else []) + cmd[2:], report)
                with open(report) as f:
                    return wall, peak, json.load(f)

            timings = {k: [] for k in ("ingest", "ingested", "unchanged", "fresh")}
            for i in range(a.runs):
                print(f"{len(subset)} documents, run {i + 1}/{a.runs} …", file=sys.stderr, flush=True)
                db = os.path.join(tmp, f"ingested-{len(subset)}-{i}.db")
                wall, peak = run([a.quarry, "ingest", folder, "--db", db, "--json"], report)
                with open(report) as f:
                    ingest = json.load(f)
                timings["ingest"].append((wall, peak, ingest))
                timings["ingested"].append(extract(db))
                timings["unchanged"].append(extract(db, replace=False))
                timings["fresh"].append(extract(os.path.join(tmp, f"fresh-{len(subset)}-{i}.db")))
            with sqlite3.connect(db) as conn:
                pages = conn.execute("SELECT sum(page_count) FROM documents").fetchone()[0]
            labels = {"ingest": "quarry ingest (with embeddings)", "ingested": "quarry extract, ingested DB",
                      "unchanged": "quarry extract, unchanged rerun", "fresh": "quarry extract, fresh DB"}
            for key, label in labels.items():
                rows.append((label, len(subset), pages, statistics.median(t[0] for t in timings[key]),
                             max(t[1] for t in timings[key])))
            for key in ("ingested", "unchanged", "fresh"):
                for _, _, r in timings[key]:
                    if r["extracted"] != (0 if key == "unchanged" else len(subset)):
                        print(f"note: {labels[key]} extracted {r['extracted']} of {len(subset)} documents "
                              f"({r['ingest']['failed']} failed to ingest)", file=sys.stderr)
            chunks = timings["ingest"][0][2]["chunks"]
            splits.append((len(subset), pages, chunks, statistics.median(t[0] for t in timings["ingest"]),
                           statistics.median(t[2]["seconds"] for t in timings["ingested"]),
                           statistics.median(t[2]["seconds"] for t in timings["fresh"]),
                           statistics.median(t[0] for t in timings["fresh"])))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n`quarry extract` on Kleister NDA PDFs, schema {os.path.relpath(a.schema, ROOT)}, "
          f"median of {a.runs} run(s), {os.cpu_count()} cores\n")
    print("| command | docs | pages | seconds | docs/s | peak MiB |")
    print("|---|---|---|---|---|---|")
    for name, docs, pages, wall, peak in rows:
        print(f"| {name} | {docs} | {pages:,} | {wall:.2f} | {docs / wall:.1f} | {peak:.1f} |")
    print("\nSplit: ingest (`quarry ingest`, wall) vs extraction (extract's report `seconds` on the ingested DB); "
          "fresh = one extract on a new DB\n")
    print("| docs | pages | chunks | ingest s | extraction s | extraction docs/s | fresh: report s | fresh: wall s |")
    print("|---|---|---|---|---|---|---|---|")
    for docs, pages, chunks, ingest, extraction, fresh, fresh_wall in splits:
        print(f"| {docs} | {pages:,} | {chunks:,} | {ingest:.2f} | {extraction:.2f} | {docs / extraction:.1f} "
              f"| {fresh:.2f} | {fresh_wall:.2f} |")


main()
