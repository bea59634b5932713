#!/usr/bin/env python3
"""Question-answering quality of `quarry eval-qa` (that is, `quarry ask` over a gold file) on the
sets of qa_sets.py, for each retrieval mode: are the answers right, is the evidence cited, and does
Quarry refuse exactly the questions the documents cannot answer?

    python3 Benchmarks/qa_quality.py [--sets squad,tatqa,kleister] [--retrieval lexical,semantic,hybrid]
                                     [--generative] [--top-k N] [--limit N] [--seed S]
                                     [--quarry .build/release/quarry] [--work /tmp/quarry-qa-bench]
                                     [--data DIR] [--json]

Each set is built by qa_sets.build (documents, gold JSONL, and a database ingested once with
embeddings and kept under --work; see qa_sets.py for how the questions, answers, evidence and
unanswerable questions are made). Then `quarry eval-qa --gold FILE --db DB --mode M --retrieval R
--json` runs once per set, mode (extractive; also generative with --generative: the embedded
language model, seconds per question, use --limit) and retrieval mode. --limit N scores a seeded
sample of N questions per set that keeps the share of each question type (qa_sets.subset), not
eval-qa's own --limit (the first N lines, which would leave out the unanswerable questions at the
end of the files).

Columns, from eval-qa's report: `answer` = answer_match (the answer contains a gold answer,
eval-qa's normalisation), `evidence` = evidence_cited (a citation overlaps a gold evidence quote),
`refusal acc` = refusal_accuracy (refused exactly when the gold has no answer), `refused unans.`
= share of unanswerable questions refused, `refused ans.` = share of answerable questions refused
(wrongly), `quotes ok` = quotes_verified (citation quotes found verbatim at their offsets), `ms` =
mean_latency_ms per question, `wall s` the whole eval-qa process. A second table breaks answer /
evidence / refusal down by question type (eval-qa's by_type): on tatqa an extractive answer can
only match span and multi-span questions, so read arithmetic/count there as a floor.

Timings share the machine: warn_if_busy says when other processes were using the cores.
"""
from measure import require_quarry, warn_if_busy
import argparse, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
import qa_sets  # noqa: E402

RETRIEVALS = ("lexical", "semantic", "hybrid")
KEYS = ("answer_match", "evidence_cited", "refusal_accuracy", "refused_unanswerable", "refused_answerable",
        "quotes_verified", "mean_latency_ms")


def log(message):
    print(message, file=sys.stderr, flush=True)


def has_command(quarry, command):
    """True when `quarry COMMAND --help` is that command's own help (argument-parser prints the
    top-level help, with status 0, for an unknown subcommand)."""
    proc = subprocess.run([quarry, command, "--help"], capture_output=True, text=True)
    return proc.returncode == 0 and f"USAGE: quarry {command}" in proc.stdout


def require_command(quarry, command):
    if not has_command(quarry, command):
        sys.exit(f"{quarry} has no `{command}` command yet: build a quarry that has it "
                 f"(swift build -c release --product quarry) or pass --quarry PATH")


def eval_qa(quarry, gold, db, mode, retrieval, top_k=None):
    cmd = [quarry, "eval-qa", "--gold", gold, "--db", db, "--mode", mode, "--retrieval", retrieval, "--json"]
    if top_k:
        cmd += ["--top-k", str(top_k)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"quarry eval-qa failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"quarry eval-qa printed no JSON object: {proc.stdout[:500]!r}")
    # eval-qa nests the overall scores under "overall" and leaves out a share no question counts
    # toward (e.g. refused_unanswerable when a set has no unanswerable question).
    if "overall" not in report or "questions" not in report["overall"]:
        sys.exit(f"quarry eval-qa --json lacks overall.questions (has {sorted(report)})")
    flat = {k: report["overall"].get(k) for k in ("questions",) + KEYS}
    flat.update(by_type=report.get("by_type"), run_id=report.get("run_id"))
    return flat, wall


def cell(value, width, digits=3):
    if value is None:
        return f"{'-':>{width}}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:>{width}.{digits}f}" if isinstance(value, float) else f"{value:>{width}d}"
    return f"{str(value):>{width}}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(qa_sets.SETS), help="comma-separated, of %s" % ", ".join(qa_sets.SETS))
    ap.add_argument("--retrieval", default=",".join(RETRIEVALS), help="comma-separated retrieval modes (default all)")
    ap.add_argument("--generative", action="store_true", help="also run --mode generative (not built yet: eval-qa refuses it; slow once it is: use --limit)")
    ap.add_argument("--top-k", type=int, help="passed to eval-qa (default: eval-qa's)")
    ap.add_argument("--limit", type=int, help="score a seeded, type-stratified sample of N questions per set")
    ap.add_argument("--seed", type=int, default=qa_sets.SEED)
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--work", default=qa_sets.WORK)
    ap.add_argument("--data", default=qa_sets.DATA)
    ap.add_argument("--kleister-db", help="an ingested Kleister database (with vectors) to copy (see qa_sets.py)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the tables")
    a = ap.parse_args()
    names = [s for s in a.sets.split(",") if s]
    retrievals = [r for r in a.retrieval.split(",") if r]
    if bad := [s for s in names if s not in qa_sets.SETS] + [r for r in retrievals if r not in RETRIEVALS]:
        ap.error(f"unknown set(s) or retrieval mode(s): {bad}")
    modes = ["extractive"] + (["generative"] if a.generative else [])
    require_quarry(a.quarry)
    require_command(a.quarry, "eval-qa")

    warn_if_busy(sys.stderr)
    runs = []
    for name in names:
        built = qa_sets.build(name, a.work, a.data, a.quarry, a.limit, a.seed, a.kleister_db)
        dropped = built["verify"].get("evidence quotes not in page text (dropped)", 0)
        log(f"{name}: {built['questions']} questions ({built['unanswerable']} unanswerable) from {built['gold']}"
            + (f"; {dropped} evidence quotes did not verify and were dropped" if dropped else ""))
        for mode in modes:
            for retrieval in retrievals:
                report, wall = eval_qa(a.quarry, built["gold"], built["db"], mode, retrieval, a.top_k)
                log(f"  {mode} {retrieval}: {wall:.0f} s")
                runs.append(dict(set=name, mode=mode, retrieval=retrieval, gold=built["gold"], db=built["db"],
                                 wall_seconds=wall, by_type_in_gold=built["by_type"], report=report))

    if a.json:
        print(json.dumps(dict(limit=a.limit, seed=a.seed, top_k=a.top_k, runs=runs), indent=1))
        return

    head = (f"{'set':<9} {'mode':<10} {'retrieval':<9} {'n':>5} {'answer':>7} {'evidence':>8} {'refusal acc':>11} "
            f"{'refused unans.':>14} {'refused ans.':>12} {'quotes ok':>9} {'ms':>7} {'wall s':>7}")
    print(head)
    print("-" * len(head))
    for r in runs:
        p = r["report"]
        print(f"{r['set']:<9} {r['mode']:<10} {r['retrieval']:<9} {cell(p['questions'], 5)} {cell(p['answer_match'], 7)} "
              f"{cell(p['evidence_cited'], 8)} {cell(p['refusal_accuracy'], 11)} {cell(p['refused_unanswerable'], 14)} "
              f"{cell(p['refused_answerable'], 12)} {cell(p['quotes_verified'], 9)} {cell(p['mean_latency_ms'], 7, 0)} "
              f"{r['wall_seconds']:7.0f}")
    print()
    head = f"{'set':<9} {'mode':<10} {'retrieval':<9} {'type':<13} {'n':>5} {'answer':>7} {'evidence':>8} {'refusal acc':>11}"
    print(head)
    print("-" * len(head))
    for r in runs:
        for kind, p in sorted((r["report"].get("by_type") or {}).items()):
            print(f"{r['set']:<9} {r['mode']:<10} {r['retrieval']:<9} {kind:<13} {cell(p.get('questions'), 5)} "
                  f"{cell(p.get('answer_match'), 7)} {cell(p.get('evidence_cited'), 8)} {cell(p.get('refusal_accuracy'), 11)}")
    print()
    print("run ids: " + ", ".join(f"{r['set']}/{r['mode']}/{r['retrieval']}={r['report'].get('run_id')}" for r in runs))
    if a.limit:
        print(f"--limit {a.limit}: a seeded sample per set (seed {a.seed}), type shares kept")


if __name__ == "__main__":
    main()
