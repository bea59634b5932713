#!/usr/bin/env python3
"""Convert public datasets' gold annotations into Quarry gold files (JSON Lines).

Each output line is {"document": "<file name>", "fields": {...}} with the field names of the
matching schema in Fixtures/schemas; Quarry's GoldFile.load reads it. Standard library only.

Usage (from the repository root):
  python3 scripts/gold/convert.py kleister --data ../shared/data/kleister-nda-train --out kleister.jsonl
  python3 scripts/gold/convert.py sroie    --data ../shared/data/sroie-train --out sroie.jsonl --documents sroie-txt
  python3 scripts/gold/convert.py cuad     --data ../shared/data/cuad-sample --out cuad.jsonl
  python3 scripts/gold/convert.py fixtures --gold Fixtures/gold --out fixtures.jsonl

Each prints how many rows it wrote; documents it cannot match, and values it has to drop, are
reported on stderr. See scripts/gold/README.md for the conventions of each dataset.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import lzma
import os
import re
import sys

MONTHS = {name: i + 1 for i, names in enumerate([
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")]) for name in names}


def warn(message: str) -> None:
    print(message, file=sys.stderr)


def write_jsonl(rows: list[dict], out: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {out}")


def iso(year: int, month: int, day: int) -> str | None:
    if year < 100:
        year += 2000 if year < 70 else 1900   # the pivot Quarry's date parser uses
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


# --- Kleister NDA -------------------------------------------------------------------------------

def kleister(args: argparse.Namespace) -> None:
    """expected.tsv line i is the gold of in.tsv.xz line i; in-header.tsv names in.tsv's columns."""
    data = args.data
    with open(os.path.join(data, "in-header.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\r\n").split("\t")
    column = header.index("filename")
    with lzma.open(os.path.join(data, "in.tsv.xz"), "rt", encoding="utf-8", newline="\n") as f:
        names = [line.split("\t", column + 1)[column] for line in f.read().split("\n") if line]
    with open(os.path.join(data, "expected.tsv"), encoding="utf-8", newline="\n") as f:
        expected = [line.rstrip("\r") for line in f.read().split("\n")]
    if expected and expected[-1] == "":
        expected.pop()
    if len(expected) != len(names):
        sys.exit(f"expected.tsv has {len(expected)} lines but in.tsv.xz {len(names)}: cannot pair them")
    present = set(os.listdir(os.path.join(data, "documents")))
    rows = []
    for number, (name, line) in enumerate(zip(names, expected), start=1):
        if name not in present:
            warn(f"skipped line {number}: {name} is not in documents/")
            continue
        fields: dict = {"effective_date": None, "jurisdiction": None, "party": [], "term": None}
        for token in line.split():
            key, sep, value = token.partition("=")
            if not sep or key not in fields:
                warn(f"{name}: ignored unknown gold item {token!r}")
                continue
            value = value.replace("_", " ")   # Kleister writes spaces as _
            if key == "party":
                fields["party"].append(value)
            elif key == "effective_date" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                warn(f"{name}: effective_date {value!r} is not YYYY-MM-DD; dropped")
            else:
                fields[key] = value
        rows.append({"document": name, "fields": fields})
    write_jsonl(rows, args.out)


# --- SROIE ---------------------------------------------------------------------------------------

def sroie_date(text: str) -> str | None:
    """A receipt date as YYYY-MM-DD, reading all-numeric dates day first (Malaysian receipts)."""
    t = text.strip().strip("()").strip()
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", t):
        return iso(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{2}|\d{4})", t):
        # A few tills print month first (12/28/2017): a second number above 12 settles it.
        first, second = int(m[1]), int(m[3])
        return iso(int(m[4]), first, second) if second > 12 >= first else iso(int(m[4]), second, first)
    if m := re.fullmatch(r"(\d{1,2})[-/ ]?([A-Za-z]{3,9})\.?[-/ ,]*(\d{2}|\d{4})", t):
        month = MONTHS.get(m[2].lower())
        return iso(int(m[3]), month, int(m[1])) if month else None
    if re.fullmatch(r"\d{8}", t):   # 20180304 or 25032018
        if t[:2] in ("19", "20") and (date := iso(int(t[:4]), int(t[4:6]), int(t[6:]))):
            return date
        return iso(int(t[4:]), int(t[2:4]), int(t[:2]))
    return None


def sroie_total(text: str) -> float | None:
    t = re.sub(r"^(RM|\$)\s*", "", text.strip(), flags=re.IGNORECASE).replace(",", "")
    return float(t) if re.fullmatch(r"-?\d*\.?\d+", t) else None


def read_text(path: str) -> str:
    raw = open(path, "rb").read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        warn(f"{path}: not UTF-8, read as Latin-1")
        return raw.decode("latin-1")


def sroie(args: argparse.Namespace) -> None:
    """box/NNN.csv holds OCR lines `x1,y1,…,x4,y4,TEXT` (the text may contain commas): each receipt
    becomes DOCUMENTS/NNN.txt, its lines in the file's order. key/NNN.json is the gold."""
    box_dir, key_dir = os.path.join(args.data, "box"), os.path.join(args.data, "key")
    os.makedirs(args.documents, exist_ok=True)
    boxes = {n[:-4] for n in os.listdir(box_dir) if n.endswith(".csv")}
    keys = {n[:-5] for n in os.listdir(key_dir) if n.endswith(".json")}
    for stem in sorted(keys - boxes):
        warn(f"skipped {stem}: key/{stem}.json has no box/{stem}.csv")
    rows, written = [], 0
    for stem in sorted(boxes):
        lines = []
        for number, line in enumerate(read_text(os.path.join(box_dir, stem + ".csv")).splitlines(), start=1):
            if not line.strip():
                continue
            parts = line.split(",", 8)
            if len(parts) < 9 or not all(p.strip().lstrip("-").isdigit() for p in parts[:8]):
                warn(f"box/{stem}.csv:{number}: not x1,y1,...,y4,TEXT; line skipped")
                continue
            lines.append(parts[8].strip())
        with open(os.path.join(args.documents, stem + ".txt"), "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")
        written += 1
        if stem not in keys:
            warn(f"skipped {stem}: box/{stem}.csv has no key/{stem}.json (text written, no gold)")
            continue
        with open(os.path.join(key_dir, stem + ".json"), encoding="utf-8") as f:
            key = json.load(f)
        fields = {name: (key.get(name) or "").strip() or None for name in ("company", "date", "address", "total")}
        if fields["date"] is not None:
            date = sroie_date(fields["date"])
            if date is None:
                warn(f"{stem}: date {fields['date']!r} not understood; kept as written")
            fields["date"] = date or fields["date"]
        if fields["total"] is not None:
            total = sroie_total(fields["total"])
            if total is None:
                warn(f"{stem}: total {fields['total']!r} is not an amount; kept as written")
            fields["total"] = fields["total"] if total is None else total
        rows.append({"document": stem + ".txt", "fields": fields})
    print(f"wrote {written} receipts to {args.documents}")
    write_jsonl(rows, args.out)


# --- CUAD ----------------------------------------------------------------------------------------

CUAD_COLUMNS = {   # master_clauses.csv answer column → field of Fixtures/schemas/cuad.json
    "parties": "parties", "agreement date": "agreement_date", "effective date": "effective_date",
    "expiration date": "expiration_date", "governing law": "governing_law", "renewal term": "renewal_term",
    "notice period to terminate renewal": "notice_period",
}
CUAD_DATES = {"agreement_date", "effective_date", "expiration_date"}


def split_top_level(text: str, separator: str = ";") -> list[str]:
    """Splits at `separator` outside parentheses."""
    parts, depth, current = [], 0, ""
    for c in text:
        depth += (c == "(") - (c == ")" and depth > 0)
        if c == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    return parts + [current]


def cuad_parties(text: str, document: str) -> list[str]:
    """`Name ("Defined Term"); Other, Inc. (the “Other”)` → the names, without their defined terms.
    Items are separated by `;` (by `,` in a row without `;`, unless a company suffix follows).
    An item that is only defined terms joined by `and` (`Company and Consultant (collectively, the
    “Parties”)`) refers to parties already listed and is dropped; so is an empty item."""
    names, terms = [], set()
    items = split_top_level(text)
    if len(items) == 1:   # a few rows list the parties with commas: split where no company suffix follows
        items = re.split(r",\s*(?!(?:inc|ltd|llc|l\.?l\.?c|l\.?p|lp|plc|corp|co|n\.a|s\.a|gmbh|ag|limited)\b)",
                         text, flags=re.IGNORECASE)
    for item in items:
        inner = re.findall(r"\(([^()]*)\)", item)
        for group in inner:
            terms.update(t.strip().lower() for t in re.findall(r"[\"“”]([^\"“”]+)[\"“”]", group))
        name = re.sub(r"\s+", " ", re.sub(r"\([^()]*\)", " ", item)).strip(" ,;:")
        if not name:
            if item.strip():
                warn(f"{document}: party {item.strip()!r} has no name; dropped")
            continue
        pieces = [p.strip().lower() for p in re.split(r"\band\b", name)]
        if len(pieces) > 1 and all(p in terms or p in (n.lower() for n in names) for p in pieces):
            warn(f"{document}: party {item.strip()!r} refers to parties already listed; dropped")
            continue
        terms.add(name.lower())
        names.append(name)
    return names


def cuad_date(text: str) -> str | None:
    """CUAD's normalised dates are M/D/YYYY."""
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text.strip())
    return iso(int(m[3]), int(m[1]), int(m[2])) if m else None


def cuad(args: argparse.Namespace) -> None:
    """master_clauses.csv: one row per contract; the `-Answer` columns hold normalised values."""
    pdfs = sorted(os.listdir(os.path.join(args.data, "pdf")))
    by_name = {n.lower(): n for n in pdfs}
    by_stem = {os.path.splitext(n)[0].lower(): n for n in pdfs}
    with open(os.path.join(args.data, "master_clauses.csv"), encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        columns = {}
        for header in reader.fieldnames or []:
            label = re.sub(r"\s+", " ", header.lower()).strip()
            if (m := re.fullmatch(r"(.*?)\s*-\s*answer", label)) and m[1] in CUAD_COLUMNS:
                columns[CUAD_COLUMNS[m[1]]] = header
        if missing := set(CUAD_COLUMNS.values()) - set(columns):
            sys.exit(f"master_clauses.csv lacks answer columns for {', '.join(sorted(missing))}")
        records = list(reader)
    rows = []
    for record in records:
        filename = record["Filename"].strip()
        document = (by_name.get(filename.lower()) or by_stem.get(filename.lower())
                    or by_stem.get(os.path.splitext(filename)[0].lower()))
        if document is None:
            warn(f"skipped {filename}: no such PDF in pdf/")
            continue
        fields: dict = {}
        for field in ("parties", "agreement_date", "effective_date", "expiration_date", "governing_law",
                      "renewal_term", "notice_period"):
            value = re.sub(r"\s+", " ", record[columns[field]]).strip()
            if field == "parties":
                fields[field] = cuad_parties(record[columns[field]], document)
            elif not value:
                fields[field] = None
            elif field in CUAD_DATES:
                fields[field] = cuad_date(value)
                if fields[field] is None:
                    warn(f"{document}: {field} {value!r} is not a date; dropped (the schema field is a date)")
            else:
                fields[field] = value
        rows.append({"document": document, "fields": fields})
    write_jsonl(sorted(rows, key=lambda r: r["document"]), args.out)


# --- committed fixtures ----------------------------------------------------------------------------

def fixtures(args: argparse.Namespace) -> None:
    """Fixtures/gold/<name>.json: flat objects with "document", "doc_type" (dropped) and the fields."""
    rows = []
    for name in sorted(os.listdir(args.gold)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(args.gold, name), encoding="utf-8") as f:
            gold = json.load(f)
        document = gold.pop("document", None)
        if not document:
            warn(f"skipped {name}: no \"document\"")
            continue
        gold.pop("doc_type", None)
        rows.append({"document": document, "fields": gold})
    write_jsonl(rows, args.out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("kleister", help="Kleister NDA: expected.tsv + in.tsv.xz")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=kleister)
    p = commands.add_parser("sroie", help="SROIE receipts: box/*.csv to text files, key/*.json to gold")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--documents", required=True, help="folder for the receipts' text (NNN.txt)")
    p.set_defaults(run=sroie)
    p = commands.add_parser("cuad", help="CUAD: master_clauses.csv answer columns")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=cuad)
    p = commands.add_parser("fixtures", help="the committed Fixtures/gold/*.json")
    p.add_argument("--gold", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(run=fixtures)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
