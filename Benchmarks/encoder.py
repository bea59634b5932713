#!/usr/bin/env python3
"""Sentence-encoder throughput and peak memory: `quarry-bench encoder` against sentence-transformers on
PyTorch CPU, same model (all-MiniLM-L6-v2), same texts, same batch size, same thread count.

    python3 Benchmarks/encoder.py [--all | --sample 1000 | --quick] [--runs 1] [--batch-size 32]
                                  [--threads 2] [--quarry .build/release/quarry] [--bench .build/release/quarry-bench] [--data DIR]

The texts are the chunks of the Kleister NDA train PDFs (../shared/data, relative to the repo)
as `quarry ingest --no-embed` stores them: the lexical chunks, at most 1000 code points each.
Ingest with the encoder would additionally cut chunks to fit 254 word pieces, but that takes
minutes; here the few chunks over 256 tokens are truncated instead, identically by both sides,
so both encode exactly the same token sequences. By default a deterministic sample of 1000
chunks is used: every k-th, ordered by file path, page and offset (chunk ids depend on the
order parallel ingest finishes documents). --all uses every chunk (about 6,500; a few minutes
per side), --quick 200.

Each side runs --runs times in a fresh process; the table gives the median. "seconds" is the
encode time each side measures itself after loading the model and a warm-up batch; "process s"
and "peak MiB" are the whole process's wall time and peak resident set, measured from outside.
The PyTorch side (Benchmarks/encoder_torch.py) runs in the reference venv of
scripts/reference/venv.sh (created on first use, about a minute). The vectors of both sides are
compared text by text: the target is Quarry >= 1.5x PyTorch's texts/s with cosine >= 0.9999.
"""
from measure import run, require_quarry, warn_if_busy
import argparse, array, json, math, os, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DIMS = 384


def reference_python():
    """The reference venv's python (scripts/reference/venv.sh prints it last)."""
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts", "reference", "venv.sh")],
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    return out.strip().splitlines()[-1]


def load_vectors(path, count):
    values = array.array("f")
    with open(path, "rb") as f:
        values.frombytes(f.read())
    if sys.byteorder != "little":
        values.byteswap()
    if len(values) != count * DIMS:
        sys.exit(f"{path}: {len(values)} floats, expected {count} x {DIMS}")
    return values


def cosines(a, b, count):
    result = []
    for i in range(count):
        x, y = a[i * DIMS:(i + 1) * DIMS], b[i * DIMS:(i + 1) * DIMS]
        dot = math.fsum(p * q for p, q in zip(x, y))
        norm = math.sqrt(math.fsum(p * p for p in x) * math.fsum(q * q for q in y))
        result.append(dot / norm if norm > 0 else 0.0)
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--bench", default=os.path.join(ROOT, ".build", "release", "quarry-bench"),
                    help="the benchmark tool (swift build -c release --product quarry-bench)")
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "kleister-nda-train", "documents"))
    ap.add_argument("--sample", type=int, default=1000, help="texts to encode (every k-th chunk; default %(default)s)")
    ap.add_argument("--all", action="store_true", help="encode every chunk")
    ap.add_argument("--quick", action="store_true", help="a sample of 200 texts")
    ap.add_argument("--runs", type=int, default=1, help="runs per side; the median is reported (default %(default)s)")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--python", help="python with torch and sentence-transformers (default: the reference venv)")
    a = ap.parse_args()
    if a.runs < 1 or a.sample < 1:
        ap.error("--runs and --sample must be at least 1")
    if not os.path.isdir(a.data) or not any(f.endswith(".pdf") for f in os.listdir(a.data)):
        sys.exit(f"no PDFs in {a.data}: the benchmark needs the Kleister NDA data in ../shared/data")
    require_quarry(a.quarry)
    require_quarry(a.bench)
    python = a.python or reference_python()

    warn_if_busy()
    tmp = tempfile.mkdtemp(prefix="quarry-encoder-bench-")
    try:
        # The texts: the lexical chunks, as the store holds them.
        db = os.path.join(tmp, "chunks.db")
        run([a.quarry, "ingest", a.data, "--db", db, "--no-embed", "--json"], os.devnull)
        with sqlite3.connect(db) as conn:
            chunks = [row[0] for row in conn.execute("SELECT c.text FROM chunks c JOIN documents d ON d.id = c.document_id "
                                                  "ORDER BY d.path, c.page_number, c.start")]
        if a.all:
            texts = chunks
        else:
            want = min(200 if a.quick else a.sample, len(chunks))
            texts = [chunks[i * len(chunks) // want] for i in range(want)]   # every k-th, k fractional
        texts_path = os.path.join(tmp, "texts.jsonl")
        with open(texts_path, "w", encoding="utf-8") as f:
            for t in texts:
                f.write(json.dumps(t) + "\n")
        print(f"{len(texts)} texts of {len(chunks)} chunks from {a.data}, "
              f"{sum(len(t) for t in texts)} code points; batch {a.batch_size}, {a.threads} threads, "
              f"{a.runs} run(s) per side", flush=True)

        sides = {
            "quarry": lambda out, vec: run([a.bench, "encoder", "--input", texts_path, "--output", vec,
                                            "--batch-size", str(a.batch_size), "--threads", str(a.threads)], out),
            "pytorch": lambda out, vec: run([python, os.path.join(HERE, "encoder_torch.py"), "--texts", texts_path,
                                             "--out", vec, "--batch-size", str(a.batch_size),
                                             "--threads", str(a.threads)], out,
                                            env={**os.environ, "OMP_NUM_THREADS": str(a.threads),
                                                 "MKL_NUM_THREADS": str(a.threads)}),
        }
        results = {}
        for run_index in range(a.runs):
            for name, side in sides.items():   # alternate the sides, so drift hits both alike
                out, vec = os.path.join(tmp, f"{name}.json"), os.path.join(tmp, f"{name}.f32")
                wall, peak = side(out, vec)
                with open(out) as f:
                    report = json.loads(f.read())
                results.setdefault(name, []).append((report, wall, peak))
                print(f"  run {run_index + 1}/{a.runs} {name}: {report['seconds']:.2f} s encoding, "
                      f"{wall:.2f} s process, {peak:.0f} MiB", flush=True)

        rows = {}
        for name, runs in results.items():
            report = runs[0][0]
            seconds = statistics.median(r["seconds"] for r, _, _ in runs)
            rows[name] = dict(texts=report["texts"], tokens=report["tokens"], seconds=seconds,
                              wall=statistics.median(w for _, w, _ in runs), peak=max(p for _, _, p in runs))
        q, t = rows["quarry"], rows["pytorch"]
        qr = results["quarry"][0][0]
        labels = {"quarry": f"quarry encoder (BLAS core {qr.get('blas_core', '?')})",
                  "pytorch": f"sentence-transformers, torch {results['pytorch'][0][0].get('torch', '?')}"}
        print()
        print(f"{'side':44} {'texts':>6} {'tokens':>8} {'seconds':>8} {'texts/s':>8} {'tokens/s':>9} "
              f"{'process s':>9} {'peak MiB':>9}")
        for name, r in rows.items():
            print(f"{labels[name]:44} {r['texts']:6d} {r['tokens']:8d} {r['seconds']:8.2f} "
                  f"{r['texts'] / r['seconds']:8.1f} {r['tokens'] / r['seconds']:9.0f} {r['wall']:9.2f} {r['peak']:9.1f}")
        if q["tokens"] != t["tokens"] or q["texts"] != t["texts"]:
            print(f"\nWARNING: the sides saw different inputs: quarry {q['texts']} texts / {q['tokens']} tokens, "
                  f"pytorch {t['texts']} texts / {t['tokens']} tokens")

        cos = cosines(load_vectors(os.path.join(tmp, "quarry.f32"), q["texts"]),
                      load_vectors(os.path.join(tmp, "pytorch.f32"), t["texts"]), len(texts))
        speedup = (q["texts"] / q["seconds"]) / (t["texts"] / t["seconds"])
        worst = min(range(len(cos)), key=cos.__getitem__)
        print(f"\nspeed-up, quarry texts/s / pytorch texts/s: {speedup:.2f}x (target >= 1.5x)")
        mean = statistics.fmean(cos)
        print(f"cosine of the two sides' vectors per text: min {cos[worst]:.7f} "
              f"(1 - {1 - cos[worst]:.1e}, text {worst + 1}), mean {mean:.7f} (1 - {1 - mean:.1e}); target >= 0.9999")
        verdict = speedup >= 1.5 and cos[worst] >= 0.9999
        print(f"target {'met' if verdict else 'NOT met'}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


main()
