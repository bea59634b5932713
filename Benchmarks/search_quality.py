#!/usr/bin/env python3
"""Search quality of `quarry search` in its three modes on the Kleister NDA train set: does
hybrid search put the chunk that answers a natural-language question higher than lexical search?

    python3 Benchmarks/search_quality.py [--db FILE] [--quarry PATH] [--json OUT] [--jobs N]
                                         [--templates all|rotate] [--show-diffs N]

The database (default /tmp/quarry-kleister-eval.db) is filled with `quarry ingest` (with
embeddings) when it does not already hold every document with a vector for every chunk.

Questions are written from the gold (`expected.tsv`), one per document, question type and
template (`--templates rotate`: one template per document instead of all). Templates were fixed
before any result was seen. Each names the document the way a user of a collection would, never
quoting the answer:

  jurisdiction  key: one party (the one named in the fewest gold documents; corporate suffixes
                dropped, e.g. "Nike").  Relevant chunk: a chunk of a target document (every
                document whose gold has that party) holding the state's name as a word, case-
                insensitive, AND a governing-law word (govern*, law, laws).
  party         key: one party as above; the answer is any other party of that document.
                Relevant chunk: a chunk of a target document holding another party's name,
                matched leniently (case, punctuation, "&"/"and", trailing Inc./Corp./LLC/Ltd./
                Co./Company/LP/... and Jr./II dropped; for 3-4 word names also first+last word).
  date          key: the effective date written "April 18, 2001"; the question asks for the
                parties. Target documents: all with that effective date. Relevant chunk: a chunk
                of a target document holding one of its parties' names (as above).

A document is skipped for a type when the gold field is missing, when the key (party name, or the
date in a common written form) occurs in none of its chunks, or when no chunk is relevant; the
skips are counted and printed.

Each question runs in each mode with --limit 10: recall@5 is the share of questions with a
relevant chunk in the top 5, MRR@10 the mean of 1/rank of the first relevant chunk (0 if none in
the top 10), doc@5 the share with any chunk of a target document in the top 5.
"""
import argparse, collections, concurrent.futures, hashlib, json, lzma, os, re, sqlite3, subprocess
import sys, time, unicodedata
from measure import ingested

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODES = ("lexical", "semantic", "hybrid")

# Fixed before any search was run; do not tune these against the results.
TEMPLATES = {
    "jurisdiction": [
        "Which state's law governs the agreement with {key}?",
        "Under which jurisdiction's laws is the {key} confidentiality agreement to be interpreted?",
        "If a dispute arises over the NDA with {key}, the law of which state applies?",
    ],
    "party": [
        "Who is the other party to the confidentiality agreement with {key}?",
        "Which company or person signed the nondisclosure agreement together with {key}?",
        "With whom did {key} enter into this non-disclosure agreement?",
    ],
    "date": [
        "Which agreement was signed on {key} and who are its parties?",
        "Who entered into the confidentiality agreement dated {key}?",
        "Find the NDA that took effect on {key}; which parties does it bind?",
    ],
}

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december"]
# Dropped from the end of a normalised name, repeatedly ("sears roebuck and co" -> "sears roebuck").
SUFFIXES = {"inc", "incorporated", "corp", "corporation", "co", "company", "llc", "ltd", "limited",
            "lp", "llp", "plc", "sa", "ag", "nv", "bv", "gmbh", "jr", "sr", "ii", "iii", "iv",
            "and", "the"}
LAW_WORD = re.compile(r"\b(govern\w*|laws?)\b")


def norm(text):
    """Lower case, diacritics and punctuation gone, '&' as 'and', single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("_", " ").replace("&", " and "))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def name_forms(gold):
    """The normalised forms a gold party name may take in the text."""
    words = norm(gold).split()
    stripped = False
    while len(words) > 1 and words[-1] in SUFFIXES:
        stripped |= words.pop() not in {"jr", "sr", "ii", "iii", "iv"}
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    forms = {" ".join(words)}
    if not stripped and 3 <= len(words) <= 4:  # likely a person: "Eric Dean Sprunk" ~ "Eric Sprunk"
        forms.add(words[0] + " " + words[-1])
    return {f for f in forms if f}


def display_name(gold):
    """How a user would write the party: "Nike_Inc." -> "Nike"."""
    words = gold.replace("_", " ").replace("“", "").replace("”", "").replace('"', "").split()
    while len(words) > 1 and norm(words[-1]) in SUFFIXES - {"and", "the"} | {""}:
        words.pop()
    while len(words) > 1 and norm(words[-1]) in {"and", ""}:
        words.pop()
    return " ".join(words).rstrip(",")


def date_forms(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    month = MONTHS[m - 1]
    ords = [str(d), str(d) + {1: "st", 2: "nd", 3: "rd"}.get(d % 10 if d not in (11, 12, 13) else 0, "th")]
    forms = set()
    for o in ords:
        forms |= {f"{month} {o} {y}", f"{o} {month} {y}", f"{o} day of {month} {y}", f"{o} of {month} {y}"}
    forms |= {f"{m} {d} {y}", f"{m:02d} {d:02d} {y}", f"{m} {d} {y % 100:02d}", f"{m:02d} {d:02d} {y % 100:02d}"}
    return forms


def display_date(iso):
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{MONTHS[m - 1].capitalize()} {d}, {y}"


def contains(normtext, forms):
    padded = " " + normtext + " "
    return any(" " + f + " " in padded for f in forms)


def load_gold(data):
    names = [line.split("\t", 1)[0] for line in lzma.open(os.path.join(data, "in.tsv.xz"), "rt", encoding="utf-8")]
    gold = {}
    for name, line in zip(names, open(os.path.join(data, "expected.tsv"), encoding="utf-8")):
        fields = collections.defaultdict(list)
        for token in line.split():
            k, _, v = token.partition("=")
            fields[k].append(v)
        gold[name] = fields
    return gold


def ensure_ingested(db, quarry, docdir):
    want = {f for f in os.listdir(docdir) if f.lower().endswith(".pdf")}
    have, missing_vectors = ingested(db)
    if want <= have and missing_vectors == 0:
        return 0.0
    print(f"ingesting {len(want)} PDFs into {db} (several minutes) …", file=sys.stderr)
    start = time.perf_counter()
    rc = subprocess.run([quarry, "ingest", docdir, "--db", db, "--json"], stdout=subprocess.DEVNULL).returncode
    if rc not in (0, 3):
        sys.exit(f"quarry ingest failed with status {rc}")
    return time.perf_counter() - start


def build_questions(db, gold, all_templates):
    con = sqlite3.connect(db)
    docs = {}  # basename -> document id
    for doc_id, path in con.execute("SELECT id, path FROM documents"):
        docs[os.path.basename(path)] = doc_id
    chunks = collections.defaultdict(list)  # doc id -> [(chunk id, normalised text)]
    for cid, doc_id, text in con.execute("SELECT id, document_id, text FROM chunks ORDER BY id"):
        chunks[doc_id].append((cid, norm(text)))
    con.close()

    party_freq = collections.Counter()
    for fields in gold.values():
        for p in set(fields.get("party", [])):
            party_freq[frozenset(name_forms(p))] += 1
    skipped = collections.Counter()
    questions = []
    names = sorted(n for n in gold if n in docs)
    skipped["all: not in database"] = len(gold) - len(names)

    def found(doc, forms):
        return [cid for cid, t in chunks[docs[doc]] if contains(t, forms)]

    def docs_with_party(forms):
        return [n for n in names if any(name_forms(p) & forms for p in gold[n].get("party", []))]

    def templates(kind, index):
        ts = list(enumerate(TEMPLATES[kind]))
        return ts if all_templates else [ts[index % len(ts)]]

    for index, name in enumerate(names):
        fields = gold[name]
        parties = list(dict.fromkeys(fields.get("party", [])))
        present = [p for p in parties if found(name, name_forms(p))]
        # The key party: present in the text, named in the fewest gold documents, first on ties.
        ranked = sorted(present, key=lambda p: (party_freq[frozenset(name_forms(p))], parties.index(p)))

        # jurisdiction
        state = (fields.get("jurisdiction") or [None])[0]
        if not state: skipped["jurisdiction: no gold"] += 1
        elif not ranked: skipped["jurisdiction: no party name in text"] += 1
        else:
            key = ranked[0]
            targets = [n for n in docs_with_party(name_forms(key)) if gold[n].get("jurisdiction")]
            sforms = {norm(state)}
            relevant = {cid for n in targets for cid, t in chunks[docs[n]]
                        if contains(t, {norm(gold[n]["jurisdiction"][0])}) and LAW_WORD.search(t)}
            if not any(cid for cid, t in chunks[docs[name]] if contains(t, sforms) and LAW_WORD.search(t)):
                skipped["jurisdiction: no chunk with state + law word"] += 1
            else:
                for ti, t in templates("jurisdiction", index):
                    questions.append(dict(type="jurisdiction", template=ti, document=name,
                                          question=t.format(key=display_name(key)), answer=state.replace("_", " "),
                                          targets=targets, relevant=sorted(relevant)))

        # party
        if len(parties) < 2: skipped["party: fewer than two gold parties"] += 1
        else:
            key = next((p for p in ranked if any(q != p and found(name, name_forms(q)) for q in parties)), None)
            if key is None: skipped["party: names not in text"] += 1
            else:
                kforms = name_forms(key)
                targets = docs_with_party(kforms)
                relevant = set()
                for n in targets:
                    for q in gold[n]["party"]:
                        if not (name_forms(q) & kforms):
                            relevant.update(found(n, name_forms(q)))
                others = [q.replace("_", " ") for q in parties if q != key]
                for ti, t in templates("party", index):
                    questions.append(dict(type="party", template=ti, document=name,
                                          question=t.format(key=display_name(key)), answer=" / ".join(others),
                                          targets=targets, relevant=sorted(relevant)))

        # date
        date = (fields.get("effective_date") or [None])[0]
        if not date: skipped["date: no gold"] += 1
        elif not found(name, date_forms(date)): skipped["date: date not in text"] += 1
        elif not present: skipped["date: no party name in text"] += 1
        else:
            targets = [n for n in names if (gold[n].get("effective_date") or [None])[0] == date]
            relevant = {cid for n in targets for p in gold[n].get("party", []) for cid in found(n, name_forms(p))}
            for ti, t in templates("date", index):
                questions.append(dict(type="date", template=ti, document=name,
                                      question=t.format(key=display_date(date)),
                                      answer=" / ".join(p.replace("_", " ") for p in parties),
                                      targets=targets, relevant=sorted(relevant)))
    return questions, skipped, docs


def search(quarry, db, question, mode, limit):
    out = subprocess.run([quarry, "search", question, "--mode", mode, "--db", db, "--limit", str(limit), "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"quarry search failed ({out.returncode}) for {question!r} {mode}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default="/tmp/quarry-kleister-eval.db")
    ap.add_argument("--quarry", default=os.path.join(ROOT, ".build/release/quarry"))
    ap.add_argument("--data", default=os.path.join(ROOT, "../shared/data/kleister-nda-train"))
    ap.add_argument("--json", metavar="OUT", help="write the per-question results here")
    ap.add_argument("--templates", choices=("all", "rotate"), default="all",
                    help="all: every template per document; rotate: one per document (a third of the searches)")
    ap.add_argument("--jobs", type=int, default=2, help="searches run at once")
    ap.add_argument("--show-diffs", type=int, default=0, metavar="N",
                    help="print N questions where hybrid and lexical rank a relevant chunk differently")
    args = ap.parse_args()
    data = os.path.normpath(args.data)
    started = time.perf_counter()
    ingest_seconds = ensure_ingested(args.db, args.quarry, os.path.join(data, "documents"))

    gold = load_gold(data)
    questions, skipped, _ = build_questions(args.db, gold, args.templates == "all")
    con = sqlite3.connect(args.db)
    path_of = dict(con.execute("SELECT id, path FROM documents"))
    con.close()

    limit = 10
    jobs = [(i, m) for i in range(len(questions)) for m in MODES]
    search_start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = pool.map(lambda job: (job, search(args.quarry, args.db, questions[job[0]]["question"], job[1], limit)), jobs)
        for done, ((i, mode), hits) in enumerate(results, 1):
            if done % 500 == 0 or done == len(jobs):
                print(f"searched {done}/{len(jobs)}", file=sys.stderr)
            q = questions[i]
            relevant, targets = set(q["relevant"]), set(q["targets"])
            rank = next((r for r, h in enumerate(hits, 1) if h["chunk_id"] in relevant), None)
            q.setdefault("modes", {})[mode] = dict(
                rank=rank,
                doc_at_5=any(os.path.basename(h["path"]) in targets for h in hits[:5]),
                hits=[dict(chunk_id=h["chunk_id"], document=os.path.basename(h["path"]), page=h["page"],
                           score=h["score"], relevant=h["chunk_id"] in relevant, snippet=h["snippet"])
                      for h in hits])
    search_seconds = time.perf_counter() - search_start

    def row(label, qs):
        cells = [f"{label:<22}", f"{len(qs):>5}"]
        for mode in MODES:
            ranks = [q["modes"][mode]["rank"] for q in qs]
            r5 = sum(1 for r in ranks if r and r <= 5) / len(qs)
            mrr = sum(1 / r for r in ranks if r) / len(qs)
            d5 = sum(q["modes"][mode]["doc_at_5"] for q in qs) / len(qs)
            cells += [f"{r5:8.3f}", f"{mrr:7.3f}", f"{d5:6.3f}"]
        return " ".join(cells)

    header = f"{'questions':<22} {'n':>5} " + " ".join(f"{m + ' R@5':>8} {'MRR@10':>7} {'doc@5':>6}" for m in MODES)
    print(header)
    print("-" * len(header))
    for kind in TEMPLATES:
        qs = [q for q in questions if q["type"] == kind]
        if qs: print(row(kind, qs))
    print(row("all", questions))
    print()
    for kind in TEMPLATES:
        for ti in range(len(TEMPLATES[kind])):
            qs = [q for q in questions if q["type"] == kind and q["template"] == ti]
            if qs: print(row(f"{kind} t{ti + 1}", qs))
    print()
    # Head-to-head: which of hybrid and lexical ranks the first relevant chunk higher.
    def r(q, m): return q["modes"][m]["rank"] or 99
    better = sum(1 for q in questions if r(q, "hybrid") < r(q, "lexical"))
    worse = sum(1 for q in questions if r(q, "hybrid") > r(q, "lexical"))
    print(f"hybrid vs lexical, first relevant rank (top 10): hybrid higher {better}, lexical higher {worse}, "
          f"same {len(questions) - better - worse}")
    print("skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items()) if v))
    print(f"templates: {args.templates}; {len(questions)} questions x 3 modes = {len(jobs)} searches in "
          f"{search_seconds:.0f} s" + (f"; ingest {ingest_seconds:.0f} s" if ingest_seconds else "") +
          f"; total {time.perf_counter() - started:.0f} s")

    if args.show_diffs:
        diffs = [q for q in questions if (q["modes"]["hybrid"]["rank"] or 99) != (q["modes"]["lexical"]["rank"] or 99)]
        diffs.sort(key=lambda q: hashlib.sha1(q["question"].encode()).hexdigest())  # arbitrary but fixed
        for q in diffs[:args.show_diffs]:
            print(f"\n{q['type']}: {q['question']}  (answer: {q['answer']}; document {q['document']})")
            for mode in MODES:
                m = q["modes"][mode]
                top = m["hits"][0] if m["hits"] else None
                first = (f"{top['document'][:8]} p{top['page']} {'REL' if top['relevant'] else 'not relevant'}: "
                         f"{top['snippet'][:110]!r}") if top else "no hits"
                print(f"  {mode:<8} first relevant at {m['rank'] or '-':>2}; #1 {first}")

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(dict(templates=TEMPLATES, skipped=skipped, questions=questions), f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
