#!/usr/bin/env python3
"""Extraction quality of `quarry extract` against the gold of the real datasets and the fixtures:
per-field precision, recall, F1 and exact match from `quarry eval`, and extraction speed.

    python3 Benchmarks/extraction_quality.py [--sets kleister,sroie,cuad,fixtures] [--limit N]
                                             [--extractors span,llm] [--quarry .build/release/quarry]
                                             [--work DIR] [--data DIR] [--fresh] [--json]

Sets (the first three need ../shared/data, relative to the repository, and are skipped with a
message where it is absent):

  kleister  Kleister NDA train, 254 PDFs        Fixtures/schemas/kleister-nda.json  table nda
  sroie     SROIE train, 400 receipts as text   Fixtures/schemas/sroie.json         table receipts
  cuad      CUAD sample, 20 contract PDFs       Fixtures/schemas/cuad.json          table contracts
  fixtures  Fixtures/documents (16 invoices     Fixtures/schemas/invoice.json       table invoices
            and receipts)

For each set the gold is converted with scripts/gold/convert.py into the work directory (default
/tmp/quarry-extraction-eval; converted again when convert.py is newer than its output, or with
--fresh). Each set has its own database there, kept across runs: `quarry ingest` (with
embeddings, as `quarry extract` would) adds what is new and is timed on its own, then
`quarry extract --replace` re-extracts every document, so a changed extractor is always measured
while the ingested corpus is reused. --fresh deletes the databases first (ingest again).

--limit N takes the first N documents of a set (sorted by name) through a folder of symlinks and
scores them against their gold rows only. --extractors runs each named extractor (default span;
llm is the embedded language model, seconds per document: use --limit) into its own table
(TABLE for span, TABLE_llm for llm) of the same database, and the summary puts them side by
side. "extraction seconds" is the `seconds` of extract's
report (the whole extract run in-process, ingest being a no-op by then; not the model load);
docs/s divides the documents extracted by it. --json prints one JSON object instead of tables.
"""
from measure import run, require_quarry, warn_if_busy
import argparse, json, os, shutil, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CONVERT = os.path.join(ROOT, "scripts", "gold", "convert.py")

SETS = {
    "kleister": dict(title="Kleister NDA train", data="kleister-nda-train", schema="kleister-nda.json", table="nda"),
    "sroie": dict(title="SROIE train", data="sroie-train", schema="sroie.json", table="receipts"),
    "cuad": dict(title="CUAD sample", data="cuad-sample", schema="cuad.json", table="contracts"),
    "fixtures": dict(title="Fixtures", data=None, schema="invoice.json", table="invoices"),
}


def log(message):
    print(message, file=sys.stderr, flush=True)


def convert_gold(name, data, work, fresh):
    """Converts the set's gold (when needed); returns (documents folder, gold file)."""
    gold = os.path.join(work, "gold", f"{name}.jsonl")
    documents = {"kleister": os.path.join(data or "", "documents"), "sroie": os.path.join(work, "sroie-txt"),
                 "cuad": os.path.join(data or "", "pdf"), "fixtures": os.path.join(ROOT, "Fixtures", "documents")}[name]
    stale = (fresh or not os.path.exists(gold) or os.path.getmtime(CONVERT) > os.path.getmtime(gold)
             or not os.path.isdir(documents))
    if stale:
        args = {"kleister": ["--data", data], "sroie": ["--data", data, "--documents", documents],
                "cuad": ["--data", data], "fixtures": ["--gold", os.path.join(ROOT, "Fixtures", "gold")]}[name]
        proc = subprocess.run([sys.executable, CONVERT, name, *args, "--out", gold], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"convert.py {name} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        notes = proc.stderr.splitlines()
        with open(os.path.join(work, "gold", f"{name}.log"), "w", encoding="utf-8") as f:
            f.write(proc.stdout + proc.stderr)
        log(f"{name}: {proc.stdout.strip().splitlines()[-1]}"
            + (f" ({len(notes)} converter notes in {work}/gold/{name}.log)" if notes else ""))
    return documents, gold


def choose(name, documents, gold, work, limit):
    """The path to extract from and the gold file to score with: everything, or the first `limit`
    documents through a folder of symlinks and their gold rows."""
    files = sorted(f for f in os.listdir(documents) if not f.startswith("."))
    if not limit or limit >= len(files):
        return documents, gold, len(files)
    folder, subset, _ = part(name, f"first{limit}", files[:limit], documents, gold, work)
    return folder, subset, limit


def part(name, label, chosen, documents, gold, work):
    """A folder of symbolic links to the chosen documents and a gold file with their rows;
    returns (folder, gold file, gold rows written)."""
    folder = os.path.join(work, "docs", f"{name}-{label}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for f in chosen:
        os.symlink(os.path.join(os.path.abspath(documents), f), os.path.join(folder, f))
    keys = {os.path.splitext(f.lower())[0] for f in chosen}
    subset = os.path.join(work, "gold", f"{name}-{label}.jsonl")
    rows = 0
    with open(gold, encoding="utf-8") as src, open(subset, "w", encoding="utf-8") as out:
        for line in src:
            if line.strip() and os.path.splitext(json.loads(line)["document"].lower())[0] in keys:
                out.write(line); rows += 1
    return folder, subset, rows


def evaluate_set(name, spec, a, work, extractor="span"):
    data = os.path.join(a.data, spec["data"]) if spec["data"] else None
    if data and not os.path.isdir(data):
        log(f"skipping {name}: {data} not found (the real datasets live in ../shared/data beside the checkout)")
        return dict(set=name, title=spec["title"], skipped=f"{data} not found")
    documents, gold = convert_gold(name, data, work, a.fresh)
    path, gold, count = choose(name, documents, gold, work, a.limit)
    schema = os.path.join(ROOT, "Fixtures", "schemas", spec["schema"])
    db = os.path.join(work, f"{name}.db")
    out = os.path.join(work, "out")
    os.makedirs(out, exist_ok=True)

    log(f"{name}: ingesting {count} documents into {db} (only what is new) …")
    ingest_wall, _ = run([a.quarry, "ingest", path, "--db", db, "--json"], os.path.join(out, f"{name}-ingest.json"))
    with open(os.path.join(out, f"{name}-ingest.json")) as f:
        ingest = json.load(f)
    table = spec["table"] + ("" if extractor == "span" else f"_{extractor}")
    log(f"{name}: extracting with {extractor} into table {table} …")
    extract_wall, peak = run([a.quarry, "extract", "--schema", schema, "--table", table, "--db", db,
                              "--extractor", extractor, "--replace", "--json", path],
                             os.path.join(out, f"{name}-{extractor}-extract.json"))
    with open(os.path.join(out, f"{name}-{extractor}-extract.json")) as f:
        extract = json.load(f)
    run([a.quarry, "eval", "--table", table, "--gold", gold, "--db", db, "--json"],
        os.path.join(out, f"{name}-{extractor}-eval.json"))
    with open(os.path.join(out, f"{name}-{extractor}-eval.json")) as f:
        evaluation = json.load(f)
    return dict(set=name, title=spec["title"], extractor=extractor, documents=extract["documents"], extracted=extract["extracted"],
                model=extract["model"], extract_seconds=extract["seconds"], extract_process_seconds=extract_wall,
                extract_peak_mib=peak, ingest_process_seconds=ingest_wall,
                ingested=ingest["ingested"], ingest_failed=ingest["failed"], embedded=ingest["embedded"],
                issues=extract["issues"], gold=gold, db=db, eval=evaluation)


def fmt(x):
    return f"{x:.3f}"


def print_set(r):
    e = r["eval"]["report"]
    print(f"### {r['title']} ({r['set']}), {r['extractor']} extractor: {r['documents']} documents, {e['documents']} gold, "
          f"{len(e['missing'])} gold documents without a row\n")
    print("| field | precision | recall | F1 | exact | tp | fp | fn |")
    print("|---|---|---|---|---|---|---|---|")
    for s in e["fields"] + [e["micro"]]:
        label = f"**{s['field']}**" if s is e["micro"] else s["field"]
        print(f"| {label} | {fmt(s['precision'])} | {fmt(s['recall'])} | {fmt(s['f1'])} | {fmt(s['exact'])} "
              f"| {s['true_positives']} | {s['false_positives']} | {s['false_negatives']} |")
    print(f"| **macro** | {fmt(e['macro_precision'])} | {fmt(e['macro_recall'])} | {fmt(e['macro_f1'])} "
          f"| {fmt(e['macro_exact'])} | | | |")
    notes = [f"model {r['model']}", f"eval run {r['eval']['run']}", f"{r['issues']} validation issues"]
    if r["ingested"]:
        notes.append(f"ingested {r['ingested']} new documents first ({r['embedded']} chunks embedded, "
                     f"{r['ingest_process_seconds']:.1f} s)")
    if r["ingest_failed"]:
        notes.append(f"{r['ingest_failed']} documents failed to ingest")
    print("\n" + "; ".join(notes) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="kleister,sroie,cuad,fixtures", help="comma-separated (default %(default)s)")
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"), help="the datasets folder")
    ap.add_argument("--work", default="/tmp/quarry-extraction-eval", help="gold, databases and reports (kept)")
    ap.add_argument("--limit", type=int, default=0, metavar="N", help="only the first N documents of each set")
    ap.add_argument("--fresh", action="store_true", help="delete the databases first: ingest again")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    ap.add_argument("--extractors", default="span", help="comma-separated: span, llm (default %(default)s)")
    a = ap.parse_args()
    extractors = [e.strip() for e in a.extractors.split(",") if e.strip()]
    if unknown := [e for e in extractors if e not in ("span", "llm")]:
        ap.error(f"unknown extractor(s) {', '.join(unknown)}; choose from span, llm")
    names = [n.strip() for n in a.sets.split(",") if n.strip()]
    if unknown := [n for n in names if n not in SETS]:
        ap.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    if a.limit < 0:
        ap.error("--limit must be at least 1")
    require_quarry(a.quarry)
    a.data = os.path.normpath(a.data)
    work = os.path.abspath(a.work)
    os.makedirs(os.path.join(work, "gold"), exist_ok=True)
    if a.fresh:
        for n in names:
            for suffix in ("", "-wal", "-shm"):
                p = os.path.join(work, f"{n}.db{suffix}")
                if os.path.exists(p): os.remove(p)

    warn_if_busy(sys.stderr)
    results = [evaluate_set(n, SETS[n], a, work, e) for n in names for e in extractors]

    if a.json:
        print(json.dumps(dict(quarry=a.quarry, limit=a.limit or None, sets=results), indent=1))
        return
    print()
    for r in results:
        if "skipped" not in r:
            print_set(r)
    print("| set | extractor | docs | micro-F1 | macro-F1 | extraction seconds | docs/s | peak MiB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        if "skipped" in r:
            print(f"| {r['title']} | | skipped: {r['skipped']} | | | | | |")
            continue
        e = r["eval"]["report"]
        rate = r["extracted"] / r["extract_seconds"] if r["extract_seconds"] > 0 else 0
        print(f"| {r['title']} | {r['extractor']} | {r['documents']} | {fmt(e['micro']['f1'])} | {fmt(e['macro_f1'])} "
              f"| {r['extract_seconds']:.2f} | {rate:.2f} | {r['extract_peak_mib']:.0f} |")
    models = sorted({r["model"] for r in results if "model" in r})
    if models:
        print(f"\nmodels {', '.join(models)}" + (f"; first {a.limit} documents per set" if a.limit else "")
              + f"; work dir {work}")


if __name__ == "__main__":
    main()
