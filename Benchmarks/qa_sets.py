#!/usr/bin/env python3
"""Question-answering test sets for `quarry ask` / `quarry eval-qa`, built from ../shared/data:
document folders, an ingested database per set, and gold JSONL files.

    python3 Benchmarks/qa_sets.py [--sets squad,tatqa,kleister] [--work /tmp/quarry-qa-bench]
                                  [--limit N] [--seed S] [--quarry PATH] [--data DIR] [--json]

Importable: `build(name, work, data, quarry, limit=None, seed=SEED)` returns the set's database,
documents folder and gold file (qa_quality.py and qa_latency.py use it). Nothing generated here
is committed: everything under --work is rebuilt from ../shared/data and this script.

Gold format (one question per line; the `eval-qa` contract):
    {"id", "question", "answers": [accepted answers; [] = unanswerable, a refusal is right],
     "evidence": [{"document": file name, "page": N, "quote": verbatim page text}],
     "document": file name (optional: restrict retrieval to it), "type": group name}
Extra keys: `all_required` (eval-qa then wants every gold answer in the answer), `derived_from` and `note` (for readers; eval-qa ignores them).

Sets
  squad     SQuAD v1.1 dev, article Super_Bowl_50 (54 paragraphs, 810 questions). Layout: ONE text
            file, superbowl50.txt: the title line, then the paragraphs in order separated by blank
            lines, with a form feed (a new page) after every 6 paragraphs, so 9 pages of about a
            printed page each. One file is what a user would ingest (an article, not 54 snippets),
            so retrieval has to find the passage inside a long document; the pages make a citation's
            page number mean something (a single 33,000-character page would make "right page"
            trivially true). Answers: the 3 reference answers, deduplicated; evidence: the question's
            paragraph (its text is written verbatim, so it is a verbatim quote). Type `squad`.
            Unanswerable (type `unanswerable`): the hand-written questions of
            Benchmarks/qa_unanswerable.json ("squad"), written from the article before any answer
            was seen. Each lists `absent` words/phrases the article must not contain (checked here as
            whole words, case-insensitive; the build fails if one occurs) and a note on what the
            article does say. SQuAD itself repeats a few question texts (kept).
  tatqa     TAT-QA dev: 278 contexts from annual reports, 1,668 questions. One text file per context,
            named <table uid>.txt: the table, one row per line with the cells (trimmed) joined by
            " | " (rows with no text left out), a blank line, then the paragraphs in order separated
            by blank lines (paragraph text verbatim, including its own line breaks). Each question
            sets "document" to its file (TAT-QA asks questions of one context). Answers: span and
            multi-span: the answer strings as given (multi-span: each item is listed, and
            `all_required: true` says that TAT-QA wants all of them; an "answer contains any gold"
            score is lenient there). arithmetic/count: the number as text would write it (thousands
            separators, up to the dataset's decimals) with the scale ("-12.6 million", "-22.22%"),
            and the bare number as a second accepted form. Type = answer_type. An extractive answer
            (a quote) can only match span and multi-span answers: arithmetic and count answers are
            computed and rarely appear in the text.
            Evidence: the text of every rel_paragraph; and when answer_from is table or table-text,
            the table row lines that hold the answer, best effort: span items: rows with a cell equal
            to the item (else rows whose line contains it); arithmetic: rows with a cell whose number
            (after dropping $ , % ( ) and spaces) equals a number of the derivation; count: rows whose
            first cell equals a ## item of the derivation. Questions whose table evidence could not be
            found keep their paragraph evidence and are counted ("no table row found").
            Unanswerable (type `unanswerable`, near misses derived mechanically, before any result):
            span questions that mention exactly one distinct year (19xx/20xx, also inside "FY2019")
            which occurs in their document; the year is replaced by the first of 2009, 2008, ..., 2000,
            1999, ... 1990 that occurs nowhere in the document's text; at most one per context (the
            first eligible question), then a seeded sample of them sized to 12% of the set when there
            are more (the dev set has 194 candidates, all used: 10.4%). The document filter is kept;
            answers [].
  kleister  Kleister NDA train: 254 SEC-filed NDAs (PDF). The questions are search_quality.py's
            (imported: jurisdiction, party and date templates over the gold, fixed before results),
            with one template per document and type (its `--templates rotate`); a question text that
            repeats (two documents with the same key party or date) is kept once. There is no document
            filter: the question names the agreement by a party or its date, as a user of the
            collection would. Answers: jurisdiction: the state; party: every other party of the
            target documents (the documents whose gold has the key party); date: every party of the
            documents with that effective date. A party is accepted as search_quality.py names it
            (corporate suffix dropped: "Nike"), and for 3-4 word names without a corporate suffix
            also as first + last word. Evidence: every chunk search_quality.py deems relevant,
            quoted whole (chunk text = its page text slice, checked). Unanswerable (type
            `unanswerable`): the same templates about the fictional companies and dates of
            Benchmarks/qa_unanswerable.json ("kleister"): jurisdiction and party questions about each
            company, date questions about each date; a company whose name (normalised as
            search_quality.py does) occurs in any chunk, or a date that occurs in any chunk or is a
            gold effective date, is dropped and counted. The database is a copy of an existing
            ingested Kleister database with a vector for every chunk (--kleister-db, default
            /tmp/quarry-extraction-eval/kleister.db or /tmp/quarry-kleister-eval.db), else the PDFs
            are ingested (several minutes of both cores).

Databases: <work>/<set>/quarry.db, filled with `quarry ingest <work>/<set>/docs` (embeddings on)
when a document file is missing from it or a chunk lacks a vector; document files are rewritten
only when their content changes, so a rerun ingests nothing.

Answers are the datasets' text, not always verbatim in the page: Kleister's gold names are
normalised (title case; "Burlington Coat Factory Holdings" where the PDF says "BURLINGTON COAT
FACTORY HOLDINGS, INC."; only 136 of 196 party questions have an accepted answer verbatim in an
evidence document, 190 ignoring case, all 196 ignoring case and punctuation), and 14 TAT-QA span
answers differ in case. eval-qa's answer match has to fold case and punctuation.

Evidence check: after the build every evidence quote is looked up in the ingested database: the
page text of the document (by file name) and page must contain the quote verbatim. Quotes that do
not are dropped and counted; an answerable question left with no evidence is kept (its answer can
still be scored) and counted. The report prints both counts (they should be 0).

--limit N writes <set>-limitN-seedS.jsonl next to the full file: a seeded sample of N questions
that keeps the set's share of unanswerable questions (stratified by type, proportional, at least
one of each type present). The full file keeps the dataset's order.
"""
import argparse, collections, json, os, random, re, sqlite3, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from measure import ingested  # noqa: E402
import search_quality as sq  # noqa: E402  (Kleister question templates and name matching)

SETS = ("squad", "tatqa", "kleister")
WORK = "/tmp/quarry-qa-bench"
DATA = os.path.join(ROOT, "..", "shared", "data")
SEED = 20250101
UNANSWERABLE_FILE = os.path.join(HERE, "qa_unanswerable.json")
UNANSWERABLE_SHARE = 0.12          # tatqa: derived unanswerable questions, as a share of the set
SQUAD_DOC = "superbowl50.txt"
SQUAD_PARAGRAPHS_PER_PAGE = 6
KLEISTER_DBS = ("/tmp/quarry-extraction-eval/kleister.db", "/tmp/quarry-kleister-eval.db")


def log(message):
    print(message, file=sys.stderr, flush=True)


def write_if_changed(path, text):
    """Writes text unless the file already holds it (keeps the mtime, so ingest skips the file)."""
    try:
        with open(path, encoding="utf-8", newline="") as f:
            if f.read() == text:
                return False
    except OSError:
        pass
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return True


def unanswerable_spec():
    with open(UNANSWERABLE_FILE, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------- squad

def squad_article(data):
    with open(os.path.join(data, "squad-superbowl", "dev-v1.1-superbowl50.json"), encoding="utf-8") as f:
        return json.load(f)["data"][0]


def squad_documents(data, docdir):
    """Writes superbowl50.txt; returns {paragraph index: page number}."""
    article = squad_article(data)
    pages, page_of = [], {}
    for i, p in enumerate(article["paragraphs"]):
        if i % SQUAD_PARAGRAPHS_PER_PAGE == 0:
            pages.append([article["title"].replace("_", " ")] if i == 0 else [])
        pages[-1].append(p["context"])
        page_of[i] = len(pages)
    write_if_changed(os.path.join(docdir, SQUAD_DOC), "\f".join("\n\n".join(ps) + "\n" for ps in pages))
    return page_of


def squad_gold(data, docdir):
    page_of = squad_documents(data, docdir)
    article = squad_article(data)
    records = []
    for i, p in enumerate(article["paragraphs"]):
        for qa in p["qas"]:
            answers = list(dict.fromkeys(a["text"].strip() for a in qa["answers"]))
            records.append(dict(id=qa["id"], question=qa["question"].strip(), answers=answers,
                                evidence=[dict(document=SQUAD_DOC, page=page_of[i], quote=p["context"])],
                                type="squad"))
    text = " ".join(p["context"] for p in article["paragraphs"]).lower()
    for q in unanswerable_spec()["squad"]:
        found = [w for w in q["absent"] if re.search(r"(?<!\w)" + re.escape(w.lower()) + r"(?!\w)", text)]
        if found:
            sys.exit(f"qa_unanswerable.json: squad question {q['id']} is meant to be unanswerable, "
                     f"but the article contains {found}")
        records.append(dict(id=q["id"], question=q["question"], answers=[], evidence=[], type="unanswerable",
                            note=q.get("note", "")))
    return records, collections.Counter()


# ---------------------------------------------------------------------------------------- tatqa

YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
REPLACEMENT_YEARS = [str(y) for y in range(2009, 1989, -1)]


def tatqa_contexts(data):
    with open(os.path.join(data, "tatqa-dev", "tatqa_dataset_dev.json"), encoding="utf-8") as f:
        return json.load(f)


def table_lines(table):
    lines = []
    for row in table:
        cells = [c.strip() for c in row]
        if any(cells):
            lines.append((cells, " | ".join(cells).strip()))
    return lines


def tatqa_text(ctx):
    rows = [line for _, line in table_lines(ctx["table"]["table"])]
    paragraphs = [p["text"] for p in sorted(ctx["paragraphs"], key=lambda p: p["order"])]
    return "\n".join(rows) + "\n\n" + "\n\n".join(paragraphs) + "\n"


def number_of(cell):
    """The number a table cell holds ("$ (1,234.5)" -> 1234.5, sign ignored), or None."""
    s = re.sub(r"[\s$,%()€£]", "", cell).lstrip("-–")
    try:
        return abs(float(s))
    except ValueError:
        return None


def format_number(value):
    """-12.6 -> "-12.6", 1496.5 -> "1,496.5", 5.0 -> "5": as annual reports write numbers."""
    if isinstance(value, str):
        return value.strip()
    v = float(value)
    if v.is_integer():
        return f"{int(v):,}"
    whole, _, frac = f"{abs(v):.10f}".rstrip("0").partition(".")
    return ("-" if v < 0 else "") + f"{int(whole):,}" + "." + frac


def tatqa_answers(q):
    a = q["answer"]
    if q["answer_type"] in ("span", "multi-span"):
        items = a if isinstance(a, list) else [a]
        return list(dict.fromkeys(str(x).strip() for x in items if str(x).strip()))
    number = format_number(a)
    scale = q.get("scale") or ""
    if scale == "percent":
        scaled = number + "%"
    elif scale:
        scaled = f"{number} {scale}"
    else:
        return [number]
    return [scaled, number]


def table_evidence(q, rows):
    """The table row lines that hold the answer (best effort, see the docstring)."""
    kind, found = q["answer_type"], []
    if kind in ("span", "multi-span"):
        items = q["answer"] if isinstance(q["answer"], list) else [q["answer"]]
        for item in (str(x).strip() for x in items):
            exact = [line for cells, line in rows if item in cells]
            found += exact or [line for _, line in rows if item and item in line]
    elif kind == "arithmetic":
        numbers = {abs(float(x.replace(",", ""))) for x in re.findall(r"\d[\d,]*\.?\d*", q["derivation"] or "")}
        found = [line for cells, line in rows if any(number_of(c) in numbers for c in cells[1:] if number_of(c) is not None)]
    elif kind == "count":
        items = {x.strip().lower() for x in (q["derivation"] or "").split("##") if x.strip()}
        found = [line for cells, line in rows if cells and cells[0].lower() in items]
    return list(dict.fromkeys(found))


def tatqa_gold(data, docdir, seed=SEED):
    contexts = tatqa_contexts(data)
    records, notes = [], collections.Counter()
    candidates = []
    for ctx in contexts:
        name = ctx["table"]["uid"] + ".txt"
        text = tatqa_text(ctx)
        write_if_changed(os.path.join(docdir, name), text)
        rows = table_lines(ctx["table"]["table"])
        paragraphs = {str(p["order"]): p["text"] for p in ctx["paragraphs"]}
        eligible = None
        for q in sorted(ctx["questions"], key=lambda q: q["order"]):
            evidence = [dict(document=name, page=1, quote=paragraphs[o]) for o in q["rel_paragraphs"] if o in paragraphs]
            if q["answer_from"] in ("table", "table-text"):
                lines = table_evidence(q, rows)
                if not lines:
                    notes[f"tatqa: no table row found ({q['answer_type']})"] += 1
                evidence += [dict(document=name, page=1, quote=line) for line in lines]
            record = dict(id=q["uid"], question=q["question"].strip(), answers=tatqa_answers(q), evidence=evidence,
                          document=name, type=q["answer_type"])
            if q["answer_type"] == "multi-span":
                record["all_required"] = True
            records.append(record)
            years = set(YEAR.findall(q["question"]))
            if eligible is None and q["answer_type"] == "span" and len(years) == 1 and next(iter(years)) in text:
                new = next((y for y in REPLACEMENT_YEARS if y not in text and y not in q["question"]), None)
                if new:
                    year = next(iter(years))
                    eligible = dict(id=q["uid"] + "-year" + new, question=YEAR.sub(lambda m: new if m.group() == year else m.group(),
                                                                                  q["question"].strip()),
                                    answers=[], evidence=[], document=name, type="unanswerable",
                                    derived_from=q["uid"], note=f"year {year} replaced by {new}, absent from the document")
        if eligible:
            candidates.append(eligible)
    want = round(UNANSWERABLE_SHARE / (1 - UNANSWERABLE_SHARE) * len(records))
    chosen = set(c["id"] for c in random.Random(seed).sample(candidates, min(want, len(candidates))))
    notes["tatqa: unanswerable candidates (one per context)"] = len(candidates)
    records += [c for c in candidates if c["id"] in chosen]
    return records, notes


# ------------------------------------------------------------------------------------- kleister

def kleister_db(work, quarry, data, source=None):
    """<work>/kleister/quarry.db: a copy of an ingested Kleister database when one is complete."""
    folder = os.path.join(work, "kleister")
    os.makedirs(folder, exist_ok=True)
    db = os.path.join(folder, "quarry.db")
    docdir = os.path.join(data, "kleister-nda-train", "documents")
    want = {f for f in os.listdir(docdir) if f.lower().endswith(".pdf")}

    def complete(path):
        if not os.path.exists(path):
            return False
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            have = {os.path.basename(p) for (p,) in con.execute("SELECT path FROM documents")}
            missing = con.execute("SELECT count(*) FROM chunks c LEFT JOIN chunk_vectors v ON v.chunk_id = c.id "
                                  "WHERE v.chunk_id IS NULL").fetchone()[0]
            return want <= have and missing == 0
        except sqlite3.Error:
            return False
        finally:
            con.close()

    if complete(db):
        return db, docdir
    for candidate in ([source] if source else list(KLEISTER_DBS)):
        if candidate and complete(candidate):
            log(f"kleister: copying {candidate} to {db}")
            src = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
            dst = sqlite3.connect(db)
            src.backup(dst)
            src.close(); dst.close()
            return db, docdir
    ingest(quarry, db, docdir, "kleister")
    return db, docdir


def kleister_gold(db, data):
    gold = sq.load_gold(os.path.join(data, "kleister-nda-train"))
    questions, skipped, docs = sq.build_questions(db, gold, all_templates=False)
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    chunk = {cid: (os.path.basename(path), page, text) for cid, path, page, text in con.execute(
        "SELECT c.id, d.path, c.page_number, c.text FROM chunks c JOIN documents d ON d.id = c.document_id")}
    all_chunks = [sq.norm(t) for _, _, t in chunk.values()]
    con.close()

    def forms(party):
        shown = sq.display_name(party)
        out = [shown]
        if shown == " ".join(party.replace("_", " ").split()):   # no corporate suffix: maybe a person
            words = shown.split()
            if 3 <= len(words) <= 4:
                out.append(words[0] + " " + words[-1])
        return out

    def parties_of(names, exclude=frozenset()):
        out = []
        for n in names:
            for p in gold[n].get("party", []):
                if not (sq.name_forms(p) & exclude):
                    out += forms(p)
        return list(dict.fromkeys(a for a in out if a))

    records, notes = [], collections.Counter({f"kleister skipped: {k}": v for k, v in skipped.items() if v})
    seen = set()
    for q in questions:
        if q["question"] in seen:   # another document with the same key party or date: the same question
            notes["kleister: duplicate question text (dropped)"] += 1
            continue
        seen.add(q["question"])
        if q["type"] == "jurisdiction":
            answers = list(dict.fromkeys(gold[n]["jurisdiction"][0].replace("_", " ") for n in q["targets"]))
        elif q["type"] == "party":
            key = next(p for p in gold[q["document"]]["party"] if sq.display_name(p) in q["question"])
            answers = parties_of(q["targets"], exclude=sq.name_forms(key))
        else:
            answers = parties_of(q["targets"])
        evidence = [dict(document=chunk[c][0], page=chunk[c][1], quote=chunk[c][2]) for c in q["relevant"]]
        records.append(dict(id=f"kleister-{q['type']}-{q['document'][:12]}-t{q['template'] + 1}", question=q["question"],
                            answers=answers, evidence=evidence, type=q["type"]))

    spec = unanswerable_spec()["kleister"]
    gold_dates = {(f.get("effective_date") or [None])[0] for f in gold.values()}
    for i, company in enumerate(spec["companies"]):
        if any(sq.contains(t, sq.name_forms(company)) for t in all_chunks):
            notes["kleister unanswerable: company named in a document (dropped)"] += 1
            continue
        for kind in ("jurisdiction", "party"):
            templates = sq.TEMPLATES[kind]
            ti = i % len(templates)
            records.append(dict(id=f"kleister-unanswerable-{kind}-{i + 1}", question=templates[ti].format(key=company),
                                answers=[], evidence=[], type="unanswerable", note=f"{company}: in no document"))
    for i, date in enumerate(spec["dates"]):
        if date in gold_dates or any(sq.contains(t, sq.date_forms(date)) for t in all_chunks):
            notes["kleister unanswerable: date in a document (dropped)"] += 1
            continue
        templates = sq.TEMPLATES["date"]
        records.append(dict(id=f"kleister-unanswerable-date-{i + 1}",
                            question=templates[i % len(templates)].format(key=sq.display_date(date)),
                            answers=[], evidence=[], type="unanswerable", note=f"{date}: no document has or states it"))
    return records, notes


# ---------------------------------------------------------------------------------------- common

def ingest(quarry, db, docdir, name):
    """`quarry ingest` of the folder when a file is missing from the database or a chunk lacks a vector."""
    want = {f for f in os.listdir(docdir) if not f.startswith(".")}
    stale = [f for f in want if os.path.getmtime(os.path.join(docdir, f)) > (os.path.getmtime(db) if os.path.exists(db) else 0)]
    if not stale:
        have, missing = ingested(db)
        if want <= have and missing == 0:
            return 0.0
    if not os.access(quarry, os.X_OK):
        sys.exit(f"{quarry} not found: build it with swift build -c release --product quarry")
    log(f"{name}: ingesting {len(want)} files into {db} (with embeddings) …")
    start = time.perf_counter()
    proc = subprocess.run([quarry, "ingest", docdir, "--db", db, "--json"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 3):
        sys.exit(f"quarry ingest failed with status {proc.returncode}: {proc.stderr[-2000:]}")
    os.utime(db)
    seconds = time.perf_counter() - start
    log(f"{name}: ingested in {seconds:.0f} s")
    return seconds


def verify(records, db):
    """Drops evidence quotes that are not verbatim in their page's stored text; returns counts."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    pages = collections.defaultdict(dict)
    for path, number, text in con.execute("SELECT d.path, p.page_number, p.text FROM pages p JOIN documents d ON d.id = p.document_id"):
        pages[os.path.basename(path)][number] = text
    con.close()
    counts = collections.Counter()
    for r in records:
        kept = []
        for e in r["evidence"]:
            counts["evidence quotes"] += 1
            text = pages.get(e["document"], {}).get(e["page"])
            if text is not None and e["quote"] in text:
                kept.append(e)
            else:
                counts["evidence quotes not in page text (dropped)"] += 1
                if text is not None and " ".join(e["quote"].split()) in " ".join(text.split()):
                    counts["  of which: match after whitespace folding"] += 1
        r["evidence"] = kept
        if r["answers"] and not kept:
            counts["answerable questions without verified evidence"] += 1
        if r.get("document") and r["document"] not in pages:
            counts["questions whose document is not in the database"] += 1
    return counts


def subset(records, limit, seed):
    """A seeded sample of `limit` records, stratified by type (proportional, at least one per type)."""
    if not limit or limit >= len(records):
        return list(records)
    groups = collections.defaultdict(list)
    for r in records:
        groups[r["type"]].append(r)
    rng = random.Random(seed)
    share = {t: max(1, round(limit * len(g) / len(records))) for t, g in groups.items()}
    while sum(share.values()) > limit:             # rounding: take from the largest group
        share[max(share, key=share.get)] -= 1
    chosen = set()
    for t, g in sorted(groups.items()):
        chosen |= {id(r) for r in rng.sample(g, min(share[t], len(g)))}
    return [r for r in records if id(r) in chosen]


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def build(name, work=WORK, data=DATA, quarry=None, limit=None, seed=SEED, kleister_source=None):
    """Builds one set; returns dict(name, db, docs, gold, full_gold, counts, notes, verify)."""
    quarry = quarry or os.path.join(ROOT, ".build", "release", "quarry")
    data = os.path.normpath(data)
    folder = os.path.join(work, name)
    os.makedirs(folder, exist_ok=True)
    if name == "kleister":
        db, docdir = kleister_db(work, quarry, data, kleister_source)
        records, notes = kleister_gold(db, data)
    else:
        docdir = os.path.join(folder, "docs")
        os.makedirs(docdir, exist_ok=True)
        db = os.path.join(folder, "quarry.db")
        records, notes = (squad_gold(data, docdir) if name == "squad" else tatqa_gold(data, docdir, seed))
        ingest(quarry, db, docdir, name)
    checks = verify(records, db)
    full = os.path.join(folder, f"{name}.jsonl")
    write_jsonl(full, records)
    gold = full
    chosen = records
    if limit and limit < len(records):
        chosen = subset(records, limit, seed)
        gold = os.path.join(folder, f"{name}-limit{limit}-seed{seed}.jsonl")
        write_jsonl(gold, chosen)
    counts = collections.Counter(r["type"] for r in chosen)
    return dict(name=name, db=db, docs=docdir, gold=gold, full_gold=full, questions=len(chosen),
                by_type=dict(sorted(counts.items())), unanswerable=sum(1 for r in chosen if not r["answers"]),
                notes=dict(notes), verify=dict(checks))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default=",".join(SETS), help="comma-separated, of %s" % ", ".join(SETS))
    ap.add_argument("--work", default=WORK)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build", "release", "quarry"))
    ap.add_argument("--limit", type=int, help="also write a seeded, type-stratified sample of N questions")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--kleister-db", help="an ingested Kleister database (with vectors) to copy")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    a = ap.parse_args()
    names = [s for s in a.sets.split(",") if s]
    if bad := [s for s in names if s not in SETS]:
        ap.error(f"unknown set(s) {bad}")
    results = [build(n, a.work, a.data, a.quarry, a.limit, a.seed, a.kleister_db) for n in names]
    if a.json:
        print(json.dumps(results, indent=1))
        return
    for r in results:
        print(f"{r['name']}: {r['questions']} questions ({r['unanswerable']} unanswerable, "
              f"{100 * r['unanswerable'] / max(r['questions'], 1):.1f}%) -> {r['gold']}")
        print(f"  database {r['db']}; documents {r['docs']}")
        print("  by type: " + ", ".join(f"{k} {v}" for k, v in r["by_type"].items()))
        for k, v in list(r["notes"].items()) + list(r["verify"].items()):
            print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
