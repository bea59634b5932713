#!/usr/bin/env python3
"""Where the F1 is lost: per field of each dev set, the ceilings of the span extractor on
held-out documents, so that each loss is attributed to the candidates, the model or the reward.

    python3 Benchmarks/ceilings.py [--sets sroie,kleister,cuad] [--split-seed 1] [--tune-docs N]
                                   [--test-docs N] [--guidelines] [--quarry .build/release/quarry]
                                   [--work DIR] [--data DIR] [--json]

It runs Benchmarks/tao.py's protocol (the same seeded TUNE/TEST split of each set, the same
commands; without guidelines unless --guidelines, as a new user would run it) and adds two
measurements:

  candidate recall  quarry eval --candidates on the TEST part: the share of gold values that equal
                    one of the span extractor's candidates for their document. No weights can
                    find a value that is not a candidate.
  supervised fit    the supervised version (trained on the TUNE part's gold) extracting the TUNE
                    part it was trained on: how well the model class can express the field when
                    it has seen the answers. (quarry train holds back a share of TUNE from
                    learning, so this is slightly below a pure training fit.)

Per field it prints candidate recall, supervised fit (TUNE), and the F1 on TEST of supervised
training, zero-shot and TAO, then the loss attributed to each stage, in F1 points of the field:
candidates (1 − candidate recall), model (candidate recall − supervised fit), generalisation
(supervised fit − supervised on TEST) and reward (supervised − TAO on TEST). Then each judge's
AUC at telling right values from wrong among the samples of the zero-shot and of the tuned
extractor, on the documents quarry tune held back from TUNE (it gets the TUNE gold with --gold,
which it uses for that report only). Candidate recall is
a recall and the others are F1, so the split is an attribution, not an identity. The work
directory is tao.py's (default /tmp/quarry-ceilings); the sets need ../shared/data.
"""
import argparse, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import tao   # noqa: E402  (the split, the databases and the three methods)
from extraction_quality import convert_gold, part   # noqa: E402
from measure import run, require_quarry, warn_if_busy   # noqa: E402


def ceilings(name, result, a, work):
    """Candidate recall on TEST and the supervised fit on TUNE, added to tao.py's result."""
    spec = tao.SETS[name]
    out = os.path.join(work, "out")
    documents, gold = convert_gold(name, os.path.join(a.data, spec["data"]), work, False)
    tune, tune_gold, _ = part(name, "tune", result["tune_files"], documents, gold, work)
    test, test_gold, _ = part(name, "test", result["test_files"], documents, gold, work)
    db, schema = result["db"], os.path.join(tao.ROOT, "Fixtures", "schemas", spec["schema"])
    zero_table = f"{spec['table']}_zero"
    tao.log(f"{name}: candidate recall on TEST …")
    run([a.quarry, "eval", "--table", zero_table, "--gold", test_gold, "--db", db, "--candidates", "--json"],
        os.path.join(out, f"{name}-candidates.json"))
    recall = {c["field"]: c for c in tao.load_json(os.path.join(out, f"{name}-candidates.json"))["candidates"]}
    supervised = result["methods"]["supervised"]
    fit_table = f"{spec['table']}_fit"
    tao.log(f"{name}: supervised fit: extracting TUNE with {supervised['version']} …")
    run([a.quarry, "extract", "--schema", schema, "--table", fit_table, "--db", db, "--model", supervised["version"],
         "--json", tune], os.path.join(out, f"{name}-fit-extract.json"))
    run([a.quarry, "eval", "--table", fit_table, "--gold", tune_gold, "--db", db, "--json"],
        os.path.join(out, f"{name}-fit-eval.json"))
    fit = tao.load_json(os.path.join(out, f"{name}-fit-eval.json"))["report"]
    result["candidate_recall"] = {f: c["recall"] for f, c in recall.items()}
    result["candidate_gold"] = {f: c["gold"] for f, c in recall.items()}
    result["fit"] = {f["field"]: f["f1"] for f in fit["fields"]}
    result["fit_micro_f1"] = fit["micro"]["f1"]
    # The judges' separation, measured by quarry tune on its held-back TUNE documents (--gold is
    # used there for reports only).
    tuned = tao.load_json(os.path.join(out, f"{name}-tao-tune.json")).get("gold") or {}
    result["judges"] = {j["judge"]: dict(before=j.get("auc"), after=None, right=j["right"], wrong=j["wrong"])
                        for j in tuned.get("judges_before", [])}
    for j in tuned.get("judges_after", []):
        if j["judge"] in result["judges"]:
            result["judges"][j["judge"]]["after"] = j.get("auc")
    found = sum(c["found"] for c in recall.values())
    total = sum(c["gold"] for c in recall.values())
    result["candidate_recall_micro"] = found / total if total else 0.0
    return result


def fmt(x):
    return "" if x is None else f"{x:.3f}"


def print_set(r):
    m = r["methods"]
    print(f"### {r['title']} ({r['set']}): {r['tune_documents']} TUNE, {r['test_documents']} TEST documents, "
          f"split seed {r['split_seed']}\n")
    print("| field | gold values (TEST) | candidate recall | supervised fit (TUNE) | supervised | zero-shot | TAO "
          "| lost to candidates | model | generalisation | reward |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for field in m["zero-shot"]["fields"]:
        c, fit = r["candidate_recall"].get(field), r["fit"].get(field)
        sup, zero, t = (m[k]["fields"].get(field) for k in ("supervised", "zero-shot", "tao"))
        losses = [None if c is None else 1 - c, None if None in (c, fit) else c - fit,
                  None if None in (fit, sup) else fit - sup, None if None in (sup, t) else sup - t]
        print(f"| {field} | {r['candidate_gold'].get(field, '')} | {fmt(c)} | {fmt(fit)} | {fmt(sup)} | {fmt(zero)} | {fmt(t)} | "
              + " | ".join(fmt(x) for x in losses) + " |")
    print(f"| **micro** | | {fmt(r['candidate_recall_micro'])} | {fmt(r['fit_micro_f1'])} | "
          f"{fmt(m['supervised']['micro_f1'])} | {fmt(m['zero-shot']['micro_f1'])} | {fmt(m['tao']['micro_f1'])} | | | | |\n")
    calibrated = {k: v["calibration"] for k, v in m.items() if (v.get("calibration") or {}).get("cells")}
    if calibrated:
        print("Confidence on TEST, expected calibration error (values with a confidence): "
              + ", ".join(f"{k} {c['expected_calibration_error']:.3f} ({c['cells']})" for k, c in calibrated.items()) + "\n")
    if r.get("judges"):
        print("| judge | right / wrong values | AUC, zero-shot samples | AUC, tuned samples |")
        print("|---|---|---|---|")
        for judge, j in r["judges"].items():
            print(f"| {judge} | {j['right']} / {j['wrong']} | {fmt(j['before'])} | {fmt(j['after'])} |")
        print()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="sroie,kleister,cuad", help="comma-separated (default %(default)s)")
    ap.add_argument("--split-seed", type=int, default=1)
    ap.add_argument("--tune-docs", type=int, default=0, metavar="N", help="documents in TUNE (default half the set)")
    ap.add_argument("--test-docs", type=int, default=0, metavar="N", help="only the first N of TEST")
    ap.add_argument("--guidelines", action="store_true", help="tune with Benchmarks/tao_guidelines.json (default: none)")
    ap.add_argument("--quarry", default=os.path.join(tao.ROOT, ".build", "release", "quarry"))
    ap.add_argument("--data", default=os.path.join(tao.ROOT, "..", "shared", "data"))
    ap.add_argument("--work", default="/tmp/quarry-ceilings")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args()
    names = [n.strip() for n in a.sets.split(",") if n.strip()]
    if unknown := [n for n in names if n not in tao.SETS]:
        ap.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(tao.SETS)}")
    require_quarry(a.quarry)
    # tao.py's options, as its defaults give them.
    # --report-gold: quarry tune measures its judges against the TUNE gold (never trains on it).
    a.steps, a.tune_args, a.train_args, a.report_gold, a.fresh = 0, "", "", True, False
    a.no_guidelines, a.guidelines = not a.guidelines, tao.GUIDELINES
    a.seed_from = "/tmp/quarry-extraction-eval"
    a.data = os.path.normpath(a.data)
    work = os.path.abspath(a.work)
    os.makedirs(os.path.join(work, "gold"), exist_ok=True)
    os.makedirs(os.path.join(work, "out"), exist_ok=True)
    warn_if_busy(sys.stderr)
    results = []
    for name in names:
        r = tao.evaluate_set(name, tao.SETS[name], a, work, ["zero-shot", "tao", "supervised"])
        results.append(r if "skipped" in r else ceilings(name, r, a, work))
    if a.json:
        print(json.dumps(dict(quarry=a.quarry, work=work, split_seed=a.split_seed, sets=results), indent=1))
        return
    print()
    for r in results:
        if "skipped" in r:
            print(f"{r['title']}: skipped ({r['skipped']})\n")
        else:
            print_set(r)
    print(f"work dir {work}; guidelines {'on' if a.guidelines and not a.no_guidelines else 'off'}")


if __name__ == "__main__":
    main()
