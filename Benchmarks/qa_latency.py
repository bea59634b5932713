#!/usr/bin/env python3
"""Latency of `quarry ask` over a collection of 100,000 chunks: end-to-end time per question (a
fresh process: start, model load, retrieval, answer, output), p50/p95 and peak memory, for each
retrieval mode; and a check that the answers have the same shape as on the small database.

    python3 Benchmarks/qa_latency.py [--source kleister|tatqa|squad] [--chunks 100000] [--questions 20]
                                     [--retrieval lexical,semantic,hybrid] [--mode extractive]
                                     [--top-k N] [--seed S] [--fresh] [--quarry PATH]
                                     [--work /tmp/quarry-qa-bench] [--data DIR] [--json]

The collection is made of real chunks. The source set is built by qa_sets.build (default kleister:
254 NDAs, about 6,500 chunks, from an existing ingested database, with a vector per chunk). Its
database is copied (SQLite backup) to <work>/latency/<source>-<chunks>.db and its documents are
replicated, in id order and round after round, until the chunk count reaches --chunks: each copy
is a new `documents` row (same columns; new id; path <folder>/copyNNN-<file name>, so a copy never
takes the original's name and a --document filter still means the original), its `pages` rows,
its `chunks` rows under new ids (same page, offsets and text; the chunks_fts_insert trigger fills
the FTS5 index as for an ingest) and their `chunk_vectors` rows (the same vectors). The last round
stops after the document that reaches the target, so the count is --chunks or a little over
(printed). Checks after the build: every chunk has a vector, chunks_fts_docsize has a row per
chunk, and FTS5's integrity-check passes. The database is kept and reused while the source
database is unchanged (--fresh rebuilds it).

Questions: a seeded sample of --questions from the source set's gold (qa_sets.subset: the type
shares kept, so unanswerable ones too), with their document filter where the set has one. For each
retrieval mode: one untimed warm-up (the first question), then every question once on the big
database, timed by measure.run (wall time of the process, peak RSS), and once on the source
database (for the small-database p50, and the shape check). Shape: the JSON of `ask --json` must
have the same keys and value types (answer, citations with document, page, start, end, quote,
confidence, refused) on both databases; the table also counts the questions whose refusal and
answer text are the same on both (the copies hold the same text, so they should mostly agree;
ties between a chunk and its copies may pick another copy). This measures speed and memory, not
quality: on the big database a chunk's top-k neighbours are mostly its own copies.
"""
from measure import run, require_quarry, warn_if_busy
import argparse, json, math, os, sqlite3, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
import qa_sets  # noqa: E402
from qa_quality import require_command, RETRIEVALS  # noqa: E402


def log(message):
    print(message, file=sys.stderr, flush=True)


def build_collection(source_db, db, target):
    """Copies source_db to db and replicates its documents until `target` chunks; returns stats."""
    start = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    src = sqlite3.connect(f"file:{source_db}?mode=ro", uri=True)
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close(); dst.close()

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -262144")   # 256 MiB
    doc_columns = [r[1] for r in con.execute("PRAGMA table_info(documents)")]
    page_columns = [r[1] for r in con.execute("PRAGMA table_info(pages)")]
    others = [c for c in doc_columns if c not in ("id", "path")]
    page_rest = [c for c in page_columns if c != "document_id"]
    docs = con.execute("SELECT d.id, d.path, count(c.id) FROM documents d JOIN chunks c ON c.document_id = d.id "
                       "GROUP BY d.id ORDER BY d.id").fetchall()
    if not docs:
        sys.exit(f"{source_db} has no chunks")
    max_doc = con.execute("SELECT max(id) FROM documents").fetchone()[0]
    max_chunk = con.execute("SELECT max(id) FROM chunks").fetchone()[0]
    count = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
    original = count
    q = lambda cols: ", ".join(f'"{c}"' for c in cols)
    insert_doc = (f"INSERT INTO documents (id, path, {q(others)}) SELECT ?, ?, {q(others)} FROM documents WHERE id = ?")
    insert_pages = (f"INSERT INTO pages (document_id, {q(page_rest)}) SELECT ?, {q(page_rest)} FROM pages "
                    f"WHERE document_id = ?")
    insert_chunks = ('INSERT INTO chunks (id, document_id, page_number, start, "end", text) '
                     'SELECT id + ?, ?, page_number, start, "end", text FROM chunks WHERE document_id = ? ORDER BY id')
    insert_vectors = ("INSERT INTO chunk_vectors (chunk_id, model, vector) SELECT v.chunk_id + ?, v.model, v.vector "
                      "FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id WHERE c.document_id = ?")
    rounds = 0
    con.execute("BEGIN")
    while count < target:
        rounds += 1
        for doc_id, path, n in docs:
            new_id, offset = doc_id + rounds * max_doc, rounds * max_chunk
            new_path = os.path.join(os.path.dirname(path), f"copy{rounds:03d}-{os.path.basename(path)}")
            con.execute(insert_doc, (new_id, new_path, doc_id))
            con.execute(insert_pages, (new_id, doc_id))
            con.execute(insert_chunks, (offset, new_id, doc_id))
            con.execute(insert_vectors, (offset, doc_id))
            count += n
            if count >= target:
                break
    con.execute("COMMIT")
    chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
    vectors = con.execute("SELECT count(*) FROM chunk_vectors").fetchone()[0]
    fts_rows = con.execute("SELECT count(*) FROM chunks_fts_docsize").fetchone()[0]
    documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    if not (chunks == vectors == fts_rows == count):
        sys.exit(f"replication went wrong: {chunks} chunks, {vectors} vectors, {fts_rows} FTS rows, expected {count}")
    try:
        con.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
    except sqlite3.DatabaseError as e:
        sys.exit(f"FTS5 integrity-check failed on {db}: {e}")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return dict(chunks=chunks, documents=documents, source_chunks=original, rounds=rounds,
                seconds=time.perf_counter() - start, mib=os.path.getsize(db) / 2**20)


def collection(source_db, work, source, target, fresh):
    folder = os.path.join(work, "latency")
    os.makedirs(folder, exist_ok=True)
    db = os.path.join(folder, f"{source}-{target}.db")
    stamp = db + ".json"
    if not fresh and os.path.exists(db) and os.path.exists(stamp) and os.path.getmtime(stamp) >= os.path.getmtime(source_db):
        with open(stamp) as f:
            return db, json.load(f)
    log(f"building {db}: {source} chunks replicated to {target} …")
    stats = build_collection(source_db, db, target)
    with open(stamp, "w") as f:
        json.dump(stats, f)
    log(f"built {stats['chunks']} chunks in {stats['documents']} documents in {stats['seconds']:.0f} s ({stats['mib']:.0f} MiB)")
    return db, stats


def shape(value):
    """The keys and value types of a JSON value (lists by their first element)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    if isinstance(value, bool) or value is None:
        return type(value).__name__
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def same_shape(a, b):
    """Same keys and types; an empty citations list matches any (a refusal may cite nothing)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_shape(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return not a or not b or same_shape(a[0], b[0])
    return a == b or "NoneType" in (a, b)


REQUIRED = {"answer": "str", "citations": "list", "confidence": "number", "refused": "bool"}
CITATION = {"document": "str", "page": "number", "start": "number", "end": "number", "quote": "str"}


def contract_problems(s):
    problems = [f"{k} missing or not {t}" for k, t in REQUIRED.items()
                if k not in s or (s[k] != t and not (t == "list" and isinstance(s[k], list)))]
    for c in s.get("citations") or []:
        problems += [f"citation {k} missing or not {t}" for k, t in CITATION.items() if c.get(k) != t]
    return problems


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ask(quarry, db, record, retrieval, mode, top_k, out):
    cmd = [quarry, "ask", record["question"], "--db", db, "--retrieval", retrieval, "--mode", mode, "--json"]
    if record.get("document"):
        cmd += ["--document", record["document"]]
    if top_k:
        cmd += ["--top-k", str(top_k)]
    wall, peak = run(cmd, out)
    with open(out, encoding="utf-8") as f:
        text = f.read()
    try:
        return wall, peak, json.loads(text)
    except json.JSONDecodeError:
        sys.exit(f"quarry ask printed no JSON for {record['question']!r}: {text[:300]!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", choices=qa_sets.SETS, default="kleister", help="the set whose chunks are replicated")
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--questions", type=int, default=20, help="questions timed per retrieval mode")
    ap.add_argument("--retrieval", default=",".join(RETRIEVALS))
    ap.add_argument("--mode", default="extractive", choices=("extractive", "generative"))
    ap.add_argument("--top-k", type=int)
    ap.add_argument("--seed", type=int, default=qa_sets.SEED)
    ap.add_argument("--fresh", action="store_true", help="rebuild the big database")
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--work", default=qa_sets.WORK)
    ap.add_argument("--data", default=qa_sets.DATA)
    ap.add_argument("--kleister-db", help="an ingested Kleister database (with vectors) to copy (see qa_sets.py)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    a = ap.parse_args()
    retrievals = [r for r in a.retrieval.split(",") if r]
    if bad := [r for r in retrievals if r not in RETRIEVALS]:
        ap.error(f"unknown retrieval mode(s) {bad}")
    if a.questions < 1 or a.chunks < 1:
        ap.error("--questions and --chunks must be at least 1")
    require_quarry(a.quarry)
    require_command(a.quarry, "ask")

    built = qa_sets.build(a.source, a.work, a.data, a.quarry, kleister_source=a.kleister_db)
    with open(built["full_gold"], encoding="utf-8") as f:
        records = qa_sets.subset([json.loads(line) for line in f], a.questions, a.seed)
    big, stats = collection(built["db"], a.work, a.source, a.chunks, a.fresh)
    out = os.path.join(a.work, "latency", "ask-stdout.json")

    warn_if_busy(sys.stderr)
    rows = []
    for retrieval in retrievals:
        ask(a.quarry, big, records[0], retrieval, a.mode, a.top_k, out)      # warm-up: page cache, model files
        walls, peaks, small_walls, results = [], [], [], []
        for r in records:
            wall, peak, answer = ask(a.quarry, big, r, retrieval, a.mode, a.top_k, out)
            small_wall, _, small = ask(a.quarry, built["db"], r, retrieval, a.mode, a.top_k, out)
            walls.append(wall); peaks.append(peak); small_walls.append(small_wall)
            results.append(dict(id=r["id"], question=r["question"], wall=wall, peak_mib=peak, small_wall=small_wall,
                                answer=answer, small_answer=small, same_shape=same_shape(shape(answer), shape(small)),
                                problems=contract_problems(shape(answer))))
        rows.append(dict(
            retrieval=retrieval, questions=len(records), p50=percentile(walls, 50), p95=percentile(walls, 95),
            max=max(walls), peak_mib=max(peaks), small_p50=percentile(small_walls, 50),
            refused=sum(1 for x in results if x["answer"].get("refused")),
            same_shape=sum(x["same_shape"] for x in results),
            contract_ok=sum(not x["problems"] for x in results),
            same_refusal=sum(x["answer"].get("refused") == x["small_answer"].get("refused") for x in results),
            same_answer=sum(x["answer"].get("answer") == x["small_answer"].get("answer") for x in results),
            results=results))
        log(f"{retrieval}: p50 {rows[-1]['p50']:.2f} s")

    if a.json:
        print(json.dumps(dict(collection=stats, db=big, source_db=built["db"], mode=a.mode, top_k=a.top_k, rows=rows), indent=1))
        return
    print(f"quarry ask --mode {a.mode} on {stats['chunks']} chunks ({stats['documents']} documents: {a.source}'s "
          f"{stats['source_chunks']} chunks replicated), {len(records)} questions per retrieval mode, each a fresh process")
    head = (f"{'retrieval':<9} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'peak MiB':>9} {'small p50 s':>11} "
            f"{'refused':>7} {'shape ok':>8} {'contract ok':>11} {'same refusal':>12} {'same answer':>11}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['retrieval']:<9} {r['questions']:>4} {r['p50']:7.2f} {r['p95']:7.2f} {r['max']:7.2f} {r['peak_mib']:9.1f} "
              f"{r['small_p50']:11.2f} {r['refused']:>7} {r['same_shape']:>8} {r['contract_ok']:>11} "
              f"{r['same_refusal']:>12} {r['same_answer']:>11}")
    bad = [x for r in rows for x in r["results"] if x["problems"] or not x["same_shape"]]
    for x in bad[:5]:
        print(f"shape problem: {x['question']!r}: {x['problems'] or 'differs from the small database'}")
    print(f"small p50: the same questions on the source database ({stats['source_chunks']} chunks)")


if __name__ == "__main__":
    main()
