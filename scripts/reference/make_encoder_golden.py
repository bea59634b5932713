"""Writes the golden files that Quarry's Swift sentence encoder (all-MiniLM-L6-v2) is checked against.

Usage (from the repo root):

    PY=$(bash scripts/reference/venv.sh | tail -1)
    "$PY" scripts/reference/make_encoder_golden.py [--model DIR] [--out DIR]

--model defaults to $QUARRY_MODELS/all-MiniLM-L6-v2 (QUARRY_MODELS defaults to
~/.cache/quarry/models, filled by scripts/models.sh); --out defaults to Tests/ModelsTests/Golden.
Runs offline (HF_HUB_OFFLINE=1): the model is loaded by sentence-transformers from the local folder.

Writes:
  tokenizer.json  a list of {"text", "ids"}: the ids the model's own (fast) tokenizer gives, with
                  [CLS]/[SEP] and truncation at max_seq_length (256), exactly as
                  SentenceTransformer.encode tokenises. Every case is also run through transformers'
                  slow (pure Python) BertTokenizer built from vocab.txt with do_lower_case=True; where
                  its ids differ they are kept in a "slow_ids" field and the disagreement is printed.
  encoder.json    {"model", "max_seq_length", "cases": [{"text", "ids", "vector"}]}: vectors from
                  SentenceTransformer.encode(texts, batch_size=16) (the model's own modules end with
                  Normalize, so they are unit length), written with 7 significant digits.

All texts are written here, so the output is reproducible: same library versions (pinned in
scripts/reference/requirements.txt), same files. Vectors are computed on the CPU with one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[2]
MODEL_NAME = "all-MiniLM-L6-v2"


# ---------------------------------------------------------------------------------------------
# Texts


def numbered_clauses(count: int) -> str:
    """A long, deterministic contract text (well over 256 tokens for count >= 12)."""
    subjects = ["The Supplier", "The Customer", "Each Party", "The Licensee", "The Contractor", "The Agent"]
    verbs = ["shall deliver", "shall pay", "shall indemnify", "shall notify", "shall maintain", "shall not assign"]
    objects = [
        "the Goods described in Schedule 2 to the Delivery Address",
        "all undisputed invoices within thirty (30) days of receipt",
        "the other Party against losses arising from a breach of this Agreement",
        "the other Party in writing of any event of force majeure",
        "insurance cover of not less than EUR 5,000,000 per claim",
        "any of its rights under this Agreement without prior written consent",
    ]
    parts = []
    for i in range(count):
        parts.append(
            f"{i + 1}.{i % 4 + 1} {subjects[i % 6]} {verbs[(i * 5) % 6]} {objects[(i * 7) % 6]}"
            f" (clause {i + 1}, revision {2019 + i % 6})."
        )
    return " ".join(parts)


def invoice_lines(count: int) -> str:
    items = ["Consulting services", "Travel expenses", "Software licence", "Hardware (laptop)", "Support plan"]
    lines = ["INVOICE No. INV-2024-00917", "Date: 2024-03-15    Due: 2024-04-14"]
    total = 0
    for i in range(count):
        qty = i % 4 + 1
        cents = 1999 + 3571 * i
        total += qty * cents
        lines.append(f"{i + 1:>2}  {items[i % 5]:<20} {qty:>3} x {cents / 100:>9,.2f}  = {qty * cents / 100:>10,.2f} EUR")
    lines.append(f"Subtotal: {total / 100:,.2f} EUR   VAT 19%: {total * 0.19 / 100:,.2f} EUR")
    return "\n".join(lines)


LONG_WORD_100 = "a" + "bcdefghij" * 11  # exactly 100 characters: still split into pieces
LONG_WORD_101 = LONG_WORD_100 + "k"  # 101 characters: WordPiece gives [UNK]
assert len(LONG_WORD_100) == 100 and len(LONG_WORD_101) == 101

TOKENIZER_TEXTS: list[str] = [
    # empty and whitespace
    "",
    " ",
    "   \t\n  ",
    "\u00a0\u2003\u3000",
    # plain English, case
    "hello world",
    "Hello, World!",
    "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG",
    "The quick brown fox jumps over the lazy dog.",
    "It's a dog's life, isn't it? Don't worry.",
    "mIxEd CaSe WoRdS and CamelCaseIdentifiers like getHTTPResponseCode",
    # accents and Latin-script languages
    "café naïve Ångström résumé coöperate",
    "CAFÉ NAÏVE ÅNGSTRÖM",
    "Die Straße ist groß; STRASSE, Fußgänger, Maß",
    "Ça va? Où est l'hôtel? À bientôt, garçon.",
    "El niño comió piñata en Año Nuevo, ¿verdad? ¡Sí!",
    "Zażółć gęślą jaźń; Dvořák; Łódź",
    "İstanbul ve Iğdır; ışık; ŞİŞLİ",
    "e\u0301te\u0301 (combining acute) vs été (precomposed)",
    # CJK and other scripts
    "北京是中国的首都。",
    "東京都渋谷区の会議は午後3時に始まります。",
    "ひらがな カタカナ ｶﾀｶﾅ",
    "한국어 텍스트 처리",
    "مرحبا بالعالم، هذا نص عربي.",
    "Привет, мир! Договор поставки № 17 от 01.02.2024",
    "Καλημέρα κόσμε· ΟΔΟΣ ΣΟΦΟΣ σοφός",
    "नमस्ते दुनिया, हिन्दी पाठ",
    "สวัสดีครับ ภาษาไทย",
    "שלום עולם",
    "mixed English 中文 and 日本語 text",
    # emoji and symbols
    "I love it 😀👍🏽 🇩🇪 👨‍👩‍👧",
    "keycap 1\ufe0f\u20e3 and ©®™ ° ± × ÷ § ¶ †",
    "∑ ∫ √ ∞ ≤ ≥ ≠ → ⇒ ∀ ∃",
    "ﬁnance ﬂow Ⅻ ① ² ½",
    "ＡＢＣ ｆｕｌｌｗｉｄｔｈ １２３",
    # numbers, money, dates
    "0 1 12 123 1234 12345 123456 1234567 3.14159 -42 +7 1e-10",
    "$1,234.56",
    "€ 99,90",
    "USD 1.000.000",
    "Total: £12.50 + ¥3,000 + ₹499 + CHF 1'250.00 = ?",
    "2024-03-15 15/03/2024 03/15/24 15.03.2024 March 15th, 2024 10:30:00 UTC+01:00",
    "Q3 FY2023/24, 1st 2nd 3rd 4th, 50% off, 7.5 % VAT, 1/2 and 3/4",
    # WordPiece splitting
    "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
    "Donaudampfschifffahrtsgesellschaftskapitänsmütze",
    "unbelievably counterrevolutionaries internationalization",
    LONG_WORD_100,
    LONG_WORD_101,
    "short " + LONG_WORD_101 + " words around it",
    "x" * 250,
    # punctuation
    "!!! ??? ... --- *** ### @@@ ~~~ ^^^ ``` ||| \\\\ ///",
    "(parenthesised) [bracketed] {braced} <angled> «guillemets» „quotes“ “curly” ‘single’",
    "em—dash en–dash hyphen-ated non-breaking\u2011hyphen a_b snake_case_name",
    "¿¡ … · • ‰ ′ ″ ‹ › ※",
    # URLs, emails, paths, code
    "Visit https://www.example.com/path/to/page?query=1&lang=en#section-2 today.",
    "Email jane.doe+invoices@example.co.uk or billing@sub.example.org",
    "C:\\Users\\Admin\\Documents\\report_final(2).pdf and /var/log/syslog.1",
    "def f(x): return x**2 if x >= 0 else -x  # comment",
    # control, format and special whitespace characters
    "tab\tseparated\tvalues\nnew line\r\nwindows line",
    "bell\x07 null\x00 escape\x1b unit\x1f vertical\x0b form\x0c next\x85 end",
    "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u2060wj",
    "soft\u00adhyphen co\u00adop\u00ader\u00adate",
    "non\u00a0breaking\u00a0space and thin\u2009space and narrow\u202fnbsp",
    "line\u2028separator paragraph\u2029separator ogham\u1680space",
    "replacement \ufffd char and private use \ue000 char",
    "right-to-left \u202eoverride\u202c and \u200fmark",
    # special-token strings inside the text
    "[CLS] literal special tokens [SEP] [MASK] [PAD] [UNK] [cls] [ unk ]",
    # documents
    "This Agreement shall be governed by and construed in accordance with the laws of England and Wales.",
    "Notwithstanding Section 4.2(b)(iii), the Licensor's aggregate liability shall not exceed the Fees paid in the twelve (12) months preceding the claim.",
    "IN WITNESS WHEREOF, the parties hereto have executed this Agreement as of the Effective Date.",
    "Qty 3 x Widget A (SKU WA-1002) @ $19.99 = $59.97; Shipping $4.50; Tax 8.25%; TOTAL DUE $69.42",
    "Rechnung Nr. 2024-0815 | Nettobetrag: 1.234,56 € | MwSt. 19 %: 234,57 € | Gesamt: 1.469,13 €",
    "IBAN: DE89 3704 0044 0532 0130 00, BIC: COBADEFFXXX, Ref: PO#45-7781/B",
    # truncation: 254 words fit exactly with [CLS] and [SEP]; 255 are cut to 256 tokens
    " ".join(["the"] * 254),
    " ".join(["the"] * 255),
    numbered_clauses(30),
    invoice_lines(24),
]

ENCODER_TEXTS: list[str] = [
    # empty and one word
    "",
    "hello",
    "invoice",
    "Agreement",
    "indemnification",
    "€",
    "2024",
    "😀",
    # sentences
    "The quick brown fox jumps over the lazy dog.",
    "A fast auburn fox leaps above a sleepy hound.",
    "The stock market fell sharply on Tuesday after the interest rate decision.",
    "Please find attached the signed contract and the first invoice.",
    "How do I reset my password?",
    "The meeting has been moved to Thursday at 3 pm in room 204.",
    "Photosynthesis converts light energy into chemical energy stored in glucose.",
    "THIS IS AN ALL CAPS WARNING ABOUT LATE PAYMENT!!!",
    "café naïve Ångström — résumé",
    "Visit https://www.example.com/terms or write to legal@example.com.",
    "Tab\tand\nnewline\r\nseparated, zero\u200bwidth, soft\u00adhyphen, non\u00a0breaking.",
    "[CLS] special [SEP] tokens [MASK] typed as text",
    # legal / contract
    "This Agreement shall be governed by and construed in accordance with the laws of the State of New York.",
    "Either Party may terminate this Agreement upon thirty (30) days' prior written notice to the other Party.",
    "The Receiving Party shall hold the Confidential Information in strict confidence and shall not disclose it to any third party.",
    "Neither Party shall be liable for any failure or delay in performance caused by events beyond its reasonable control, "
    "including acts of God, war, terrorism, strikes, epidemics, or governmental action.",
    "In no event shall the Licensor be liable for any indirect, incidental, special, consequential or punitive damages, "
    "including loss of profits, revenue, data or goodwill, even if advised of the possibility of such damages. "
    "The Licensor's total aggregate liability under this Agreement shall not exceed the amounts paid by the Licensee "
    "in the twelve (12) months immediately preceding the event giving rise to the claim.",
    "All notices under this Agreement shall be in writing and delivered by hand, by registered post, or by email with "
    "confirmation of receipt, to the addresses set out in Schedule 1, or to such other address as a Party may notify.",
    "The Contractor warrants that the Services will be performed with reasonable skill and care and in accordance with "
    "good industry practice. Any defect notified within ninety (90) days shall be remedied at no additional cost.",
    "Section 7.3(a)(ii): Payment of the Purchase Price, less the Holdback Amount, shall be made at Closing by wire transfer.",
    # invoices and money
    "Invoice INV-2024-00917, dated 15 March 2024, amount due $1,234.56, payment terms net 30.",
    "Qty 3 x Widget A (SKU WA-1002) @ $19.99 = $59.97; Shipping $4.50; Tax 8.25%; TOTAL DUE $69.42",
    "Rechnung Nr. 2024-0815, Nettobetrag 1.234,56 €, MwSt. 19 % 234,57 €, Gesamtbetrag 1.469,13 €.",
    "Facture n° F-2023-118 : montant HT 850,00 €, TVA 20 % 170,00 €, total TTC 1 020,00 €.",
    "Bank: IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX, reference PO#45-7781/B.",
    "USD 1.000.000 wired on 2024-01-31; fee 0.15% (USD 1,500.00).",
    invoice_lines(6),
    # other languages
    "Le présent contrat est régi par le droit français et tout litige sera soumis aux tribunaux de Paris.",
    "Bonjour, pourriez-vous m'envoyer la facture du mois dernier ?",
    "Dieser Vertrag unterliegt dem Recht der Bundesrepublik Deutschland; Gerichtsstand ist München.",
    "Die Straße ist nass, weil es die ganze Nacht geregnet hat.",
    "El presente contrato se regirá por las leyes de España y cualquier disputa se resolverá en Madrid.",
    "¿Dónde está la estación de tren más cercana?",
    "本合同受中华人民共和国法律管辖。",
    "请在三十天内支付发票金额。",
    "يخضع هذا العقد لقوانين دولة الإمارات العربية المتحدة.",
    "Настоящий договор регулируется законодательством Российской Федерации.",
    "Счёт № 42 от 01.02.2024 на сумму 15 000,00 руб.",
    "東京の会議は午後三時に始まります。",
    "Καλημέρα, το συμβόλαιο υπογράφηκε χθες.",
    # paragraphs
    "Quarry extracts text, tables and key facts from documents such as contracts, invoices and reports. "
    "It reads PDFs page by page, finds the reading order, and stores every passage with its position so that "
    "answers can always be traced back to the source.",
    "The committee reviewed the quarterly results. Revenue grew by 12% to EUR 48.2 million, while operating costs "
    "rose by 7%. The board proposed a dividend of EUR 0.45 per share, payable on 30 June.",
    "Machine learning models map sentences to vectors so that sentences with similar meanings are close together. "
    "Cosine similarity between two normalised vectors is simply their dot product.",
    # long: truncated to 256 tokens by the model
    numbered_clauses(20),
    numbered_clauses(40),
    invoice_lines(30),
    ("The parties agree as follows. " * 60).strip(),
    " ".join(f"word{i}" for i in range(300)),
]


# ---------------------------------------------------------------------------------------------
# Output


def escape_invisible(s: str) -> str:
    """json.dumps(ensure_ascii=False) output with invisible characters escaped as \\uXXXX.

    Keeps CJK, accents, emoji readable in the file while control, format, separator and
    non-ASCII space characters stay visible (and unambiguous) in review.
    """
    out = []
    prev = ""
    for ch in s:
        cat = unicodedata.category(ch)
        invisible = ch != " " and cat[0] in "CZ" and ord(ch) >= 0x7F
        # a combining mark on a Latin letter looks like the precomposed letter: show it
        detached_mark = cat in ("Mn", "Me") and prev != "" and ord(prev) < 0x250
        prev = ch
        if invisible or detached_mark:
            if ord(ch) > 0xFFFF:
                v = ord(ch) - 0x10000
                out.append(f"\\u{0xD800 + (v >> 10):04x}\\u{0xDC00 + (v & 0x3FF):04x}")
            else:
                out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def dumps(obj) -> str:
    return escape_invisible(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


def write_list(path: Path, items: list) -> None:
    body = ",\n".join(dumps(x) for x in items)
    path.write_text("[\n" + body + "\n]\n", encoding="utf-8")


def round7(x: float) -> float:
    return float(f"{x:.7g}")


# ---------------------------------------------------------------------------------------------


def main() -> int:
    default_model = Path(os.environ.get("QUARRY_MODELS", Path.home() / ".cache/quarry/models")) / MODEL_NAME
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=default_model, help="model folder (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=REPO / "Tests/ModelsTests/Golden", help="output folder")
    args = ap.parse_args()

    import numpy as np
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    torch.manual_seed(0)

    model = SentenceTransformer(str(args.model), device="cpu", local_files_only=True)
    model.eval()
    max_len = model.max_seq_length
    assert max_len == 256, max_len
    fast = model.tokenizer
    assert fast.is_fast, type(fast)

    try:  # transformers >= 5: the pure-Python tokenizer is BertTokenizerLegacy
        from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy as SlowBert
    except ImportError:  # transformers 4: BertTokenizer is the slow one
        from transformers import BertTokenizer as SlowBert
    slow = SlowBert(vocab_file=str(args.model / "vocab.txt"), do_lower_case=True)
    assert not getattr(slow, "is_fast", False)

    def st_ids(texts: list[str]) -> list[list[int]]:
        """Token ids exactly as SentenceTransformer.encode makes them (padding removed)."""
        result = []
        for text in texts:
            features = model.preprocess([text])
            ids = features["input_ids"][0][features["attention_mask"][0].bool()].tolist()
            direct = fast(text, truncation=True, max_length=max_len)["input_ids"]
            assert ids == direct, (text, ids, direct)
            result.append(ids)
        return result

    args.out.mkdir(parents=True, exist_ok=True)

    # tokenizer.json
    assert len(set(TOKENIZER_TEXTS)) == len(TOKENIZER_TEXTS), "duplicate tokenizer text"
    cases = []
    disagreements = 0
    for text, ids in zip(TOKENIZER_TEXTS, st_ids(TOKENIZER_TEXTS)):
        case = {"text": text, "ids": ids}
        slow_ids = slow(text, truncation=True, max_length=max_len)["input_ids"]
        if slow_ids != ids:
            disagreements += 1
            case["slow_ids"] = slow_ids
            print(f"slow/fast disagree on {text[:60]!r}", file=sys.stderr)
            print(f"  fast: {fast.convert_ids_to_tokens(ids)[:40]}", file=sys.stderr)
            print(f"  slow: {slow.convert_ids_to_tokens(slow_ids)[:40]}", file=sys.stderr)
        cases.append(case)
    assert any(len(c["ids"]) == max_len for c in cases), "no tokenizer case reaches truncation"
    tok_path = args.out / "tokenizer.json"
    write_list(tok_path, cases)

    # encoder.json
    assert len(set(ENCODER_TEXTS)) == len(ENCODER_TEXTS), "duplicate encoder text"
    vectors = model.encode(ENCODER_TEXTS, batch_size=16, normalize_embeddings=False, convert_to_numpy=True)
    vectors = np.asarray(vectors, dtype=np.float32)
    assert vectors.shape == (len(ENCODER_TEXTS), 384), vectors.shape
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-5), norms
    enc_cases = [
        {"text": t, "ids": ids, "vector": [round7(float(x)) for x in v]}
        for t, ids, v in zip(ENCODER_TEXTS, st_ids(ENCODER_TEXTS), vectors)
    ]
    assert sum(len(c["ids"]) == max_len for c in enc_cases) >= 3, "too few truncated encoder cases"
    enc_path = args.out / "encoder.json"
    header = dumps({"model": MODEL_NAME, "max_seq_length": max_len})[:-1]
    body = ",\n".join(dumps(c) for c in enc_cases)
    enc_path.write_text(header + ',"cases":[\n' + body + "\n]}\n", encoding="utf-8")

    import sentence_transformers
    import tokenizers

    print(
        f"wrote {tok_path} ({len(cases)} cases, {tok_path.stat().st_size} bytes, "
        f"{disagreements} slow/fast disagreements) and {enc_path} ({len(enc_cases)} cases, "
        f"{enc_path.stat().st_size} bytes) with sentence-transformers {sentence_transformers.__version__}, "
        f"transformers {transformers.__version__}, tokenizers {tokenizers.__version__}, torch {torch.__version__}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
