#!/usr/bin/env python3
"""Does TAO tuning help on held-out documents? `quarry tune` (no labels) against the zero-shot
span extractor and against supervised training on the same documents (`quarry train`, with
labels), all scored by `quarry eval` on documents none of them saw.

    python3 Benchmarks/tao.py [--sets kleister,sroie,cuad] [--tune-docs N] [--test-docs N]
                              [--split-seed S] [--methods zero-shot,tao,supervised]
                              [--steps N] [--tune-args "..."] [--train-args "..."]
                              [--guidelines FILE | --no-guidelines] [--report-gold]
                              [--quarry .build/release/quarry] [--work DIR] [--data DIR]
                              [--seed-from DIR] [--fresh] [--json]

Sets (they need ../shared/data, relative to the repository; a set whose data is absent is
skipped with a message):

  kleister  Kleister NDA train, 254 PDFs        Fixtures/schemas/kleister-nda.json  table nda
  sroie     SROIE train, 400 receipts as text   Fixtures/schemas/sroie.json         table receipts
  cuad      CUAD sample, 20 contract PDFs       Fixtures/schemas/cuad.json          table contracts

The split. A set's documents are sorted by file name and shuffled with random.Random(split seed,
default 1), so the same seed always gives the same split. The TUNE part is the first N of that
order: N = --tune-docs, default half the set (rounded down), never more than three quarters of
it. The TEST part is the second half of the order, or, when the TUNE part reaches into it, the
rest after the TUNE part, so smaller TUNE parts are all scored on the same TEST documents.
--test-docs M keeps only the first M of the TEST part (quick runs). Each part is a folder of
symbolic links under the work directory, with its gold rows (the gold of the TEST part for
scoring, of the TUNE part for supervised training and --report-gold).

For each set, in a fresh copy of the set's ingested database ({work}/{set}-run.db, copied again
on every run so model versions of earlier runs do not pile up), with S the set's schema and T
its table:

  1. zero-shot:   quarry extract --schema S --table T_zero --model zero-shot --json TEST
                  quarry eval --table T_zero --gold TEST-gold --json
  2. TAO:         quarry tune --schema S --table T_tao --model zero-shot --json --promote always
                      [--guideline G ...] [--steps N] [--gold TUNE-gold] [TUNE-ARGS] TUNE
                  quarry extract --schema S --table T_tao --model VERSION --json TEST
                  quarry eval --table T_tao --gold TEST-gold --json
  3. supervised:  quarry train --schema S --table T_sup --gold TUNE-gold --model zero-shot --json
                      --promote never [TRAIN-ARGS] TUNE
                  quarry extract --schema S --table T_sup --model VERSION --json TEST
                  quarry eval --table T_sup --gold TEST-gold --json

TAO sees no labels: quarry tune gets the TUNE documents and the guidelines only. --promote
always stores the tuned version as promoted even when its unlabelled scores got worse (the
notes say whether tune's default, --promote auto, would have promoted it). With
--report-gold the TUNE gold is passed to it as --gold, which quarry tune uses only to report
field F1 before and after on its own held-back share of the TUNE documents (shown in the notes),
never for training; without it no gold reaches tune at all. Both quarry tune and quarry train
keep the same share of the TUNE documents out of learning (--held-back, default 0.2, same seed)
for their own before/after figures; the scores here are on the TEST part only. A model version
belongs to the table it was tuned for, so TAO tunes for T_tao and supervised training for T_sup,
the tables their versions then extract into.

Guidelines come from Benchmarks/tao_guidelines.json ({"sroie": ["the company name includes the
legal suffix", ...], ...}; another file with --guidelines), one --guideline per entry of the
set; --no-guidelines runs TAO without any. quarry tune skips, without saying so, a guideline its
compiler does not understand. --tune-args and --train-args pass further options through (split
like a shell would), e.g. --tune-args "--samples 4 --reward topic=2".

Reported per set and method: micro-F1 and macro-F1 over fields and per-field F1 on TEST (from
eval's JSON), Δ micro-F1 against zero-shot, the tune/train seconds (the whole quarry tune or
train process, measured here; tune's JSON splits it into preparing the documents and the
optimisation, shown in the notes with the steps taken and the unlabelled scores before and after
on its held-back share), and extraction docs/s (documents extracted divided by the `seconds` of
extract's report, the model load excluded). The tuned version runs the same extractor with other
weights, so its docs/s should match zero-shot's. A summary table puts the sets side by side;
--json prints one JSON object with everything instead.

The work directory (default /tmp/quarry-tao-bench) keeps the converted gold
(scripts/gold/convert.py, converted again when convert.py is newer, or with --fresh), the SROIE
text, each set's ingested database {set}.db (`quarry ingest` adds what is new on every run),
the split folders and every command's JSON output under out/. A missing {set}.db is first
copied from --seed-from (default /tmp/quarry-extraction-eval, the work directory of
extraction_quality.py; its files are copied, never opened there) when that database holds the
set's documents at the same paths, which saves the ingest for Kleister and CUAD (read from the
data folder); SROIE's text is written under each work directory, so it is ingested here.
--fresh deletes the databases first and ingests everything again (no copy).
"""
from measure import run, require_quarry, warn_if_busy
from extraction_quality import convert_gold, part   # the same gold files and subsets
import argparse, json, os, random, shlex, shutil, sqlite3, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GUIDELINES = os.path.join(HERE, "tao_guidelines.json")

SETS = {
    "kleister": dict(title="Kleister NDA train", data="kleister-nda-train", schema="kleister-nda.json", table="nda"),
    "sroie": dict(title="SROIE train", data="sroie-train", schema="sroie.json", table="receipts"),
    "cuad": dict(title="CUAD sample", data="cuad-sample", schema="cuad.json", table="contracts"),
}
METHODS = {"zero-shot": "zero", "tao": "tao", "supervised": "sup"}   # method → table suffix
LABELS = {"zero-shot": "zero-shot", "tao": "TAO", "supervised": "supervised"}


def log(message):
    print(message, file=sys.stderr, flush=True)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def remove_database(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix): os.remove(path + suffix)


def copy_database(source, target):
    """A consistent copy of an SQLite database of the work dir (WAL included)."""
    remove_database(target)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close(); dst.close()


def holds(db, folder):
    """Whether the database has documents ingested from the folder (documents.path is absolute, links resolved)."""
    prefix = os.path.join(os.path.realpath(folder), "")
    try:
        con = sqlite3.connect(db)
        try:
            return con.execute("SELECT count(*) FROM documents WHERE substr(path, 1, ?) = ?",
                               (len(prefix), prefix)).fetchone()[0] > 0
        finally:
            con.close()
    except sqlite3.Error:
        return False


def ingested_database(name, documents, work, a, out):
    """The set's database with every document ingested: {work}/{name}.db, copied from --seed-from
    when missing, then `quarry ingest` (with embeddings) adds what is new."""
    db = os.path.join(work, f"{name}.db")
    seed = os.path.join(a.seed_from, f"{name}.db") if a.seed_from else None
    if not os.path.exists(db) and seed and os.path.exists(seed) and not a.fresh:
        # Copied as files: opening another work dir's database with SQLite, even read only,
        # would leave -wal and -shm files there.
        for suffix in ("", "-wal"):
            if os.path.exists(seed + suffix): shutil.copyfile(seed + suffix, db + suffix)
        if holds(db, documents):
            log(f"{name}: copied the ingested database {seed}")
        else:
            remove_database(db)
    log(f"{name}: ingesting {documents} into {db} (only what is new) …")
    wall, _ = run([a.quarry, "ingest", documents, "--db", db, "--json"], os.path.join(out, f"{name}-ingest.json"))
    report = load_json(os.path.join(out, f"{name}-ingest.json"))
    if report["ingested"] or report.get("replaced"):
        log(f"{name}: ingested {report['ingested']} new documents in {wall:.1f} s")
    return db


def split(files, seed, tune_docs, test_docs):
    """(TUNE, TEST): the files sorted, then shuffled with the seed; TUNE the first tune_docs
    (default half, at most three quarters), TEST the second half or the rest after TUNE, cut to
    test_docs."""
    order = sorted(files)
    random.Random(seed).shuffle(order)
    n, half = len(order), len(order) // 2
    tune_n = min(tune_docs or half, n - (n + 3) // 4)
    test = order[max(half, tune_n):]
    return order[:tune_n], test[:test_docs] if test_docs else test


def guidelines_for(name, a):
    if a.no_guidelines:
        return []
    try:
        table = load_json(a.guidelines)
    except (OSError, ValueError) as e:
        sys.exit(f"cannot read the guidelines {a.guidelines}: {e}")
    entries = table.get(name, [])
    if not isinstance(entries, list) or not all(isinstance(g, str) for g in entries):
        sys.exit(f"{a.guidelines}: {name} must be a list of sentences")
    return entries


def extract_and_score(name, method, table, model, schema, db, test, test_gold, a, out):
    """Extracts TEST into the table with the model, scores it; returns the figures."""
    stem = os.path.join(out, f"{name}-{METHODS[method]}")
    log(f"{name}: {method}: extracting {os.path.basename(test)} into {table} with {model} …")
    wall, peak = run([a.quarry, "extract", "--schema", schema, "--table", table, "--db", db, "--model", model,
                      "--json", test], stem + "-extract.json")
    extract = load_json(stem + "-extract.json")
    run([a.quarry, "eval", "--table", table, "--gold", test_gold, "--db", db, "--json"], stem + "-eval.json")
    evaluation = load_json(stem + "-eval.json")
    report = evaluation["report"]
    return dict(table=table, model=extract["model"], documents=extract["documents"], extracted=extract["extracted"],
                extract_seconds=extract["seconds"], extract_process_seconds=wall, extract_peak_mib=peak,
                docs_per_second=extract["extracted"] / extract["seconds"] if extract["seconds"] > 0 else 0,
                issues=extract["issues"], eval_run=evaluation["run"],
                micro_f1=report["micro"]["f1"], macro_f1=report["macro_f1"],
                fields={f["field"]: f["f1"] for f in report["fields"]}, missing=len(report["missing"]), eval=report,
                calibration=evaluation.get("calibration"))


def evaluate_set(name, spec, a, work, methods):
    data = os.path.join(a.data, spec["data"])
    if not os.path.isdir(data):
        log(f"skipping {name}: {data} not found (the real datasets live in ../shared/data beside the checkout)")
        return dict(set=name, title=spec["title"], skipped=f"{data} not found")
    out = os.path.join(work, "out")
    documents, gold = convert_gold(name, data, work, a.fresh)
    base_db = ingested_database(name, documents, work, a, out)
    files = [f for f in os.listdir(documents) if not f.startswith(".")]
    tune_files, test_files = split(files, a.split_seed, a.tune_docs, a.test_docs)
    tune, tune_gold, tune_rows = part(name, "tune", tune_files, documents, gold, work)
    test, test_gold, test_rows = part(name, "test", test_files, documents, gold, work)
    log(f"{name}: {len(tune_files)} TUNE documents ({tune_rows} with gold), {len(test_files)} TEST "
        f"({test_rows} with gold), of {len(files)}; split seed {a.split_seed}")
    schema = os.path.join(ROOT, "Fixtures", "schemas", spec["schema"])
    db = os.path.join(work, f"{name}-run.db")
    copy_database(base_db, db)
    guidelines = guidelines_for(name, a)
    result = dict(set=name, title=spec["title"], documents=len(files), tune_documents=len(tune_files),
                  test_documents=len(test_files), tune_gold_rows=tune_rows, test_gold_rows=test_rows,
                  split_seed=a.split_seed, tune_files=tune_files, test_files=test_files, db=db,
                  guidelines=guidelines, methods={})
    for method in methods:
        table = f"{spec['table']}_{METHODS[method]}"
        stem = os.path.join(out, f"{name}-{METHODS[method]}")
        entry = {}
        if method == "tao":
            cmd = [a.quarry, "tune", "--schema", schema, "--table", table, "--db", db, "--model", "zero-shot",
                   "--json", "--promote", "always"]
            for g in guidelines:
                cmd += ["--guideline", g]
            if a.steps:
                cmd += ["--steps", str(a.steps)]
            if a.report_gold:
                cmd += ["--gold", tune_gold]
            cmd += shlex.split(a.tune_args) + [tune]
        elif method == "supervised":
            cmd = [a.quarry, "train", "--schema", schema, "--table", table, "--db", db, "--gold", tune_gold,
                   "--model", "zero-shot", "--json", "--promote", "never"] + shlex.split(a.train_args) + [tune]
        if method != "zero-shot":
            log(f"{name}: {method}: quarry {cmd[1]} on {len(tune_files)} documents …")
            wall, peak = run(cmd, stem + f"-{cmd[1]}.json")
            report = load_json(stem + f"-{cmd[1]}.json")
            entry.update(learn_seconds=wall, learn_peak_mib=peak, version=report["version"], report=report)
            log(f"{name}: {method}: version {report['version']} in {wall:.1f} s")
        entry.update(extract_and_score(name, method, table, entry.get("version", "zero-shot"), schema, db, test,
                                       test_gold, a, out))
        result["methods"][method] = entry
    zero = result["methods"].get("zero-shot")
    for entry in result["methods"].values():
        entry["delta_micro_f1"] = entry["micro_f1"] - zero["micro_f1"] if zero else None
        entry["delta_macro_f1"] = entry["macro_f1"] - zero["macro_f1"] if zero else None
    return result


def fmt(x, signed=False):
    return "" if x is None else (f"{x:+.3f}" if signed else f"{x:.3f}")


def print_set(r):
    methods = r["methods"]
    fields = list(next(iter(methods.values()))["fields"])
    print(f"### {r['title']} ({r['set']}): {r['tune_documents']} TUNE documents, {r['test_documents']} TEST "
          f"({r['test_gold_rows']} with gold), split seed {r['split_seed']}\n")
    print("| method | micro-F1 | macro-F1 | Δ micro | " + " | ".join(fields) + " | tune/train s | docs/s |")
    print("|---|---|---|---|" + "---|" * len(fields) + "---|---|")
    for method, m in methods.items():
        learn = f"{m['learn_seconds']:.1f}" if "learn_seconds" in m else ""
        print(f"| {LABELS[method]} | {fmt(m['micro_f1'])} | {fmt(m['macro_f1'])} | "
              f"{fmt(m['delta_micro_f1'], True) if method != 'zero-shot' else ''} | "
              + " | ".join(fmt(m["fields"][f]) for f in fields) + f" | {learn} | {m['docs_per_second']:.2f} |")
    notes = []
    if "tao" in methods:
        t = methods["tao"]["report"]
        steps = len(t["steps"])
        note = (f"TAO: version {t['version']}, {t['training']} documents tuned on, {t['held_back']} held back; "
                f"{steps} steps{' (stopped early)' if t.get('stopped_early') else ''}; "
                f"preparing {t['prepare_seconds']:.1f} s, tuning {t['tune_seconds']:.1f} s")
        if t.get("before") and t.get("after"):
            b, e = t["before"], t["after"]
            note += (f"; held back, unlabelled: mean reward {b['mean_reward']:.3f} → {e['mean_reward']:.3f}, "
                     f"valid rows {b['valid_rows']:.3f} → {e['valid_rows']:.3f}")
            judges = sorted(b.get("judges", {}))
            if judges:
                note += " (" + ", ".join(f"{j} {b['judges'][j]:.3f} → {e['judges'].get(j, float('nan')):.3f}"
                                          for j in judges) + ")"
            worse = e["mean_reward"] < b["mean_reward"] - 1e-9 or e["valid_rows"] < b["valid_rows"] - 1e-9
            note += f"; --promote auto would {'not ' if worse else ''}have promoted it"
        if t.get("gold"):
            g = t["gold"]
            note += (f"; report-only gold on {g['documents']} held-back TUNE documents: micro-F1 "
                     f"{g['before']['micro']['f1']:.3f} → {g['after']['micro']['f1']:.3f}")
        notes.append(note)
        notes.append(f"guidelines: {'; '.join(r['guidelines']) if r['guidelines'] else 'none'}")
    if "supervised" in methods:
        s = methods["supervised"]["report"]
        notes.append(f"supervised: version {s['version']}, {s['training']} labelled documents, {s['held_back']} held back, "
                     f"{len(s.get('likelihood', []))} epochs; preparing {s['prepare_seconds']:.1f} s, "
                     f"training {s['tune_seconds']:.1f} s")
    if "zero-shot" in methods and "tao" in methods:
        z, t = methods["zero-shot"], methods["tao"]
        notes.append(f"extraction seconds: zero-shot {z['extract_seconds']:.2f}, TAO {t['extract_seconds']:.2f} "
                     f"(TAO/zero-shot {t['extract_seconds'] / max(z['extract_seconds'], 1e-9):.2f}×)")
    missing = {LABELS[k]: m["missing"] for k, m in methods.items() if m["missing"]}
    if missing:
        notes.append("TEST gold documents without a row: " + ", ".join(f"{k} {v}" for k, v in missing.items()))
    print("\n" + "\n".join(f"- {n}" for n in notes) + "\n")


def print_summary(results):
    print("| set | TUNE | TEST | zero-shot micro / macro | TAO micro / macro | Δ micro | supervised micro / macro "
          "| Δ micro | TAO tune s | train s | docs/s zero-shot / TAO |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        if "skipped" in r:
            print(f"| {r['title']} | | | skipped: {r['skipped']} | | | | | | | |")
            continue
        m = r["methods"]
        def pair(k):
            return f"{fmt(m[k]['micro_f1'])} / {fmt(m[k]['macro_f1'])}" if k in m else ""
        def delta(k):
            return fmt(m[k]["delta_micro_f1"], True) if k in m else ""
        def secs(k):
            return f"{m[k]['learn_seconds']:.1f}" if k in m else ""
        rates = " / ".join(f"{m[k]['docs_per_second']:.2f}" for k in ("zero-shot", "tao") if k in m)
        print(f"| {r['title']} | {r['tune_documents']} | {r['test_documents']} | {pair('zero-shot')} | {pair('tao')} "
              f"| {delta('tao')} | {pair('supervised')} | {delta('supervised')} | {secs('tao')} | {secs('supervised')} "
              f"| {rates} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="kleister,sroie,cuad", help="comma-separated (default %(default)s)")
    ap.add_argument("--tune-docs", type=int, default=0, metavar="N",
                    help="documents in the TUNE part (default half the set; at most three quarters)")
    ap.add_argument("--test-docs", type=int, default=0, metavar="N", help="only the first N of the TEST part")
    ap.add_argument("--split-seed", type=int, default=1, help="seed of the shuffle that splits the documents")
    ap.add_argument("--methods", default="zero-shot,tao,supervised", help="comma-separated (default %(default)s)")
    ap.add_argument("--steps", type=int, default=0, help="quarry tune --steps (default: tune's own)")
    ap.add_argument("--tune-args", default="", help="more quarry tune options, e.g. \"--samples 4\"")
    ap.add_argument("--train-args", default="", help="more quarry train options, e.g. \"--epochs 50\"")
    ap.add_argument("--guidelines", default=GUIDELINES, help="JSON file: set name → list of guidelines")
    ap.add_argument("--no-guidelines", action="store_true", help="tune without guidelines")
    ap.add_argument("--report-gold", action="store_true",
                    help="give tune the TUNE gold for its held-back report only (never used for training)")
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data"), help="the datasets folder")
    ap.add_argument("--work", default="/tmp/quarry-tao-bench", help="gold, databases, splits and reports (kept)")
    ap.add_argument("--seed-from", default="/tmp/quarry-extraction-eval",
                    help="copy a missing set database from this work dir of extraction_quality.py ('' for none)")
    ap.add_argument("--fresh", action="store_true", help="delete the databases first: ingest again")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    a = ap.parse_args()
    names = [n.strip() for n in a.sets.split(",") if n.strip()]
    if unknown := [n for n in names if n not in SETS]:
        ap.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    methods = [m.strip() for m in a.methods.split(",") if m.strip()]
    if not methods or (unknown := [m for m in methods if m not in METHODS]):
        ap.error(f"unknown method(s) {', '.join(unknown) if methods else '(none)'}; choose from {', '.join(METHODS)}")
    methods = [m for m in METHODS if m in methods]
    if a.tune_docs < 0 or a.test_docs < 0 or a.steps < 0:
        ap.error("--tune-docs, --test-docs and --steps must be positive")
    for option, value in (("--tune-args", a.tune_args), ("--train-args", a.train_args)):
        try:
            shlex.split(value)
        except ValueError as e:
            ap.error(f"{option}: {e}")
    require_quarry(a.quarry)
    a.data = os.path.normpath(a.data)
    a.guidelines = os.path.abspath(a.guidelines)
    work = os.path.abspath(a.work)
    os.makedirs(os.path.join(work, "gold"), exist_ok=True)
    os.makedirs(os.path.join(work, "out"), exist_ok=True)
    if a.fresh:
        for n in names:
            remove_database(os.path.join(work, f"{n}.db"))

    warn_if_busy(sys.stderr)
    results = [evaluate_set(n, SETS[n], a, work, methods) for n in names]

    if a.json:
        print(json.dumps(dict(quarry=a.quarry, work=work, split_seed=a.split_seed, tune_docs=a.tune_docs or None,
                              test_docs=a.test_docs or None, steps=a.steps or None, tune_args=a.tune_args,
                              train_args=a.train_args, report_gold=a.report_gold,
                              guidelines=None if a.no_guidelines else a.guidelines, sets=results), indent=1))
        return
    print()
    for r in results:
        if "skipped" not in r:
            print_set(r)
    print_summary(results)
    print(f"\nwork dir {work}" + (f"; tune args {a.tune_args!r}" if a.tune_args else "")
          + (f"; train args {a.train_args!r}" if a.train_args else ""))


if __name__ == "__main__":
    main()
