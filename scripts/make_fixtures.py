#!/usr/bin/env python3
"""Generate Quarry's synthetic fixture documents (deterministic).

Usage:  python3 scripts/make_fixtures.py [--out Fixtures]

Writes:
  Fixtures/documents/   invoices and receipts (PDF, plain text, Markdown)
  Fixtures/gold/        one JSON file of normalised key fields per document
  Fixtures/edge-cases/  files for the ingest tests (encrypted, scanned, rotated,
                        two-column PDFs; Latin-1 text; non-BMP Markdown)

Requires:  pip install reportlab   (reportlab pulls in pillow, used for the
           raster "scan" page).
Last run with: Python 3.11.7, reportlab 5.1.0, pillow 13.0.0.

Determinism: every random choice comes from random.Random seeded with fixed
integers; reportlab runs in invariant mode (fixed creation date, fixed
document ID, fixed "random" bytes for encryption), so a rerun with the same
package versions produces byte-identical files.  Another reportlab or pillow
version may change PDF bytes (not the text or the gold values).

Every company, person, address, phone number, tax number and bank account in
these files is fictional.  Phone numbers use ranges reserved for drama where
they exist (UK 01632 960xxx, US 555-01xx, AU 5550 xxxx); IBANs have check
digits 00 and so are invalid; e-mail domains end in .example.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

# reportlab reads rl_config.invariant when pdfencrypt is imported (it decides
# whether encryption salts come from os.urandom), so set it before any import.
from reportlab import rl_config

rl_config.invariant = 1

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_JUSTIFY  # noqa: E402
from reportlab.lib.pagesizes import A4, LETTER  # noqa: E402
from reportlab.lib.pdfencrypt import StandardEncryption  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.lib.utils import simpleSplit  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import Frame, Paragraph  # noqa: E402

CENT = Decimal("0.01")
CREATOR = "Quarry fixture generator (scripts/make_fixtures.py)"


def D(x) -> Decimal:
    return Decimal(str(x))


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------
# Formatting helpers
# --------------------------------------------------------------------------

def num(d: Decimal, thousands: str = ",", decimal: str = ".", places: int = 2) -> str:
    s = f"{d:,.{places}f}"
    if (thousands, decimal) != (",", "."):
        s = s.replace(",", "\x00").replace(".", decimal).replace("\x00", thousands)
    return s


def qty_str(q: Decimal, decimal: str = ".") -> str:
    s = str(int(q)) if q == q.to_integral_value() else f"{q.normalize():f}"
    return s.replace(".", decimal)


def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def d_long_uk(d: dt.date) -> str:          # 14 March 2024
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def d_us(d: dt.date) -> str:               # 03/14/2024
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def d_dmy(d: dt.date) -> str:              # 25/12/2018
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def d_iso(d: dt.date) -> str:              # 2024-03-14
    return d.isoformat()


def d_ordinal(d: dt.date) -> str:          # March 14th, 2024
    return f"{MONTHS[d.month - 1]} {ordinal(d.day)}, {d.year}"


def d_de(d: dt.date) -> str:               # 14.03.2024
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def d_short_us(d: dt.date) -> str:         # Mar 14, 2024
    return f"{MONTHS[d.month - 1][:3]} {d.day}, {d.year}"


def d_dmon(d: dt.date) -> str:             # 14-Mar-2024
    return f"{d.day:02d}-{MONTHS[d.month - 1][:3]}-{d.year}"


ONES = ["", "one", "two", "three", "four", "five", "six", "seven", "eight",
        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
        "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
        "eighty", "ninety"]


def words(n: int) -> str:
    if n == 0:
        return "zero"
    parts = []
    for value, name in ((1_000_000, "million"), (1000, "thousand"), (100, "hundred")):
        if n >= value:
            parts.append(f"{words(n // value)} {name}")
            n %= value
    if n >= 20:
        parts.append(TENS[n // 10] + (f"-{ONES[n % 10]}" if n % 10 else ""))
    elif n:
        parts.append(ONES[n])
    return " ".join(parts)


def ringgit_words(amount: Decimal) -> str:
    whole = int(amount)
    sen = int((amount - whole) * 100)
    s = f"RINGGIT MALAYSIA {words(whole).upper()}"
    if sen:
        s += f" AND SEN {words(sen).upper()}"
    return s + " ONLY"


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------

@dataclass
class Item:
    description: str
    qty: Decimal
    unit_price: Decimal
    extra: dict = field(default_factory=dict)

    @property
    def amount(self) -> Decimal:
        return cents(self.qty * self.unit_price)


@dataclass
class Party:
    name: str
    address: list[str]


@dataclass
class Doc:
    file: str
    doc_type: str                 # "invoice" | "receipt"
    vendor: Party
    customer: Party | None
    number: str
    date: dt.date
    due: dt.date | None
    currency: str
    items: list[Item]
    tax_rate: Decimal             # percent
    terms: str | None
    extra: dict = field(default_factory=dict)

    @property
    def subtotal(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0.00"))

    @property
    def tax(self) -> Decimal:
        return cents(self.subtotal * self.tax_rate / 100)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax

    def gold(self) -> dict:
        def n(d: Decimal):
            return int(d) if d == d.to_integral_value() and d.as_tuple().exponent >= 0 else float(d)

        return {
            "document": self.file,
            "doc_type": self.doc_type,
            "vendor": self.vendor.name,
            "vendor_address": ", ".join(self.vendor.address),
            "customer": self.customer.name if self.customer else None,
            "invoice_number": self.number,
            "invoice_date": self.date.isoformat(),
            "due_date": self.due.isoformat() if self.due else None,
            "currency": self.currency,
            "subtotal": float(self.subtotal),
            "tax": float(self.tax),
            "total": float(self.total),
            "payment_terms": self.terms,
            "line_items": [
                {
                    "description": i.description,
                    "quantity": n(i.qty),
                    "unit_price": float(i.unit_price),
                    "amount": float(i.amount),
                }
                for i in self.items
            ],
        }


def pick_items(rng: random.Random, catalog, count, qty_choices) -> list[Item]:
    chosen = rng.sample(catalog, count) if count < len(catalog) else catalog[:]
    items = []
    for entry in chosen:
        desc, price = entry[0], entry[1]
        extra = entry[2] if len(entry) > 2 else {}
        items.append(Item(desc, D(rng.choice(qty_choices)), D(price), dict(extra)))
    return items


# --------------------------------------------------------------------------
# Generic paginated PDF table renderer
# --------------------------------------------------------------------------

@dataclass
class Col:
    title: str | list[str]
    width: float
    align: str                    # "l" | "r" | "c"
    value: object                 # callable(Item, index) -> str
    wrap: bool = False


@dataclass
class TableStyle:
    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 9
    leading: float = 11
    pad: float = 4
    header_fill: object = None
    header_text: object = colors.black
    header_rule: bool = True
    row_rules: bool = True
    zebra: object = None
    box: bool = False
    rule_color: object = colors.Color(0.7, 0.7, 0.7)


class PagedTable:
    """Draws a line-item table that flows over pages, with repeated headers."""

    def __init__(self, doc: Doc, cols: list[Col], style: TableStyle, x: float,
                 bottom: float, first_header, cont_header, footer, totals,
                 totals_height: float, carry=None, cont_note=None):
        self.doc, self.cols, self.st, self.x = doc, cols, style, x
        self.bottom = bottom
        self.first_header, self.cont_header = first_header, cont_header
        self.footer, self.totals, self.totals_height = footer, totals, totals_height
        self.carry = carry          # callable(c, y, running_subtotal, at_top) -> y
        self.cont_note = cont_note  # callable(c, y) drawn before a page break

    @property
    def width(self) -> float:
        return sum(c.width for c in self.cols)

    def header_height(self) -> float:
        lines = max(len(c.title) if isinstance(c.title, list) else 1 for c in self.cols)
        return lines * self.st.leading + 2 * self.st.pad

    def draw_header(self, c: Canvas, y: float) -> float:
        st, h = self.st, self.header_height()
        if st.header_fill is not None:
            c.setFillColor(st.header_fill)
            c.rect(self.x, y - h, self.width, h, stroke=0, fill=1)
        c.setFillColor(st.header_text)
        c.setFont(st.bold, st.size)
        x = self.x
        for col in self.cols:
            titles = col.title if isinstance(col.title, list) else [col.title]
            ty = y - st.pad - st.size
            for t in titles:
                self._text(c, col, x, ty, t)
                ty -= st.leading
            x += col.width
        c.setFillColor(colors.black)
        if st.header_rule:
            c.setStrokeColor(colors.black)
            c.setLineWidth(0.8)
            c.line(self.x, y - h, self.x + self.width, y - h)
        if st.box:
            c.setStrokeColor(colors.black)
            c.setLineWidth(0.6)
            c.line(self.x, y, self.x + self.width, y)
        return y - h

    def _text(self, c, col, x, y, s):
        p = self.st.pad
        if col.align == "r":
            c.drawRightString(x + col.width - p, y, s)
        elif col.align == "c":
            c.drawCentredString(x + col.width / 2, y, s)
        else:
            c.drawString(x + p, y, s)

    def row_lines(self, item, idx):
        out = []
        for col in self.cols:
            s = col.value(item, idx)
            if col.wrap:
                out.append(simpleSplit(s, self.st.font, self.st.size, col.width - 2 * self.st.pad))
            else:
                out.append([s])
        return out

    def render(self, c: Canvas, total_pages: int) -> None:
        st = self.st
        page = 1
        y = self.first_header(c, page, total_pages)
        y = self.draw_header(c, y)
        running = Decimal("0.00")
        table_top = y
        for idx, item in enumerate(self.doc.items):
            cells = self.row_lines(item, idx)
            n = max(len(x) for x in cells)
            h = n * st.leading + 2 * st.pad - 2
            if y - h < self.bottom:
                self._close_box(c, table_top, y)
                if self.carry:
                    y = self.carry(c, y, running, False)
                if self.cont_note:
                    self.cont_note(c, y)
                self.footer(c, page, total_pages)
                c.showPage()
                page += 1
                y = self.cont_header(c, page, total_pages)
                if self.carry:
                    y = self.carry(c, y, running, True)
                y = self.draw_header(c, y)
                table_top = y
            if st.zebra is not None and idx % 2 == 1:
                c.setFillColor(st.zebra)
                c.rect(self.x, y - h, self.width, h, stroke=0, fill=1)
                c.setFillColor(colors.black)
            c.setFont(st.font, st.size)
            x = self.x
            for col, lines in zip(self.cols, cells):
                ty = y - st.pad - st.size + 1
                for line in lines:
                    self._text(c, col, x, ty, line)
                    ty -= st.leading
                x += col.width
            y -= h
            if st.row_rules:
                c.setStrokeColor(st.rule_color)
                c.setLineWidth(0.4)
                c.line(self.x, y, self.x + self.width, y)
            running += item.amount
        self._close_box(c, table_top, y)
        if y - self.totals_height < self.bottom:
            if self.cont_note:
                self.cont_note(c, y)
            self.footer(c, page, total_pages)
            c.showPage()
            page += 1
            y = self.cont_header(c, page, total_pages)
        self.totals(c, y)
        self.footer(c, page, total_pages)
        c.showPage()

    def _close_box(self, c, top, y):
        if not self.st.box:
            return
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.6)
        c.line(self.x, y, self.x + self.width, y)
        x = self.x
        for col in self.cols:
            c.line(x, top + self.header_height(), x, y)
            x += col.width
        c.line(x, top + self.header_height(), x, y)


def new_canvas(target, pagesize, doc_title: str, author: str, subject: str = "", encrypt=None) -> Canvas:
    c = Canvas(target, pagesize=pagesize, invariant=1, pageCompression=1, encrypt=encrypt)
    c.setTitle(doc_title)
    c.setAuthor(author)
    c.setSubject(subject)
    c.setCreator(CREATOR)
    return c


def render_two_pass(path: Path, pagesize, title: str, author: str, build) -> int:
    """build(canvas, total_pages) draws the document; the first pass counts pages."""
    c = new_canvas(io.BytesIO(), pagesize, title, author)
    build(c, 0)
    pages = c.getPageNumber() - 1
    c = new_canvas(str(path), pagesize, title, author)
    build(c, pages)
    c.save()
    return pages


def right_kv(c: Canvas, x_label: float, x_value_right: float, y: float, label: str, value: str,
             font="Helvetica", bold="Helvetica-Bold", size=9.5, bold_value=False):
    c.setFont(font, size)
    c.drawString(x_label, y, label)
    c.setFont(bold if bold_value else font, size)
    c.drawRightString(x_value_right, y, value)


def lines_at(c: Canvas, x: float, y: float, lines: list[str], font="Helvetica", size=9.5,
             leading=12.0, first_bold=False) -> float:
    for i, s in enumerate(lines):
        c.setFont("Helvetica-Bold" if (first_bold and i == 0) else font, size)
        c.drawString(x, y, s)
        y -= leading
    return y


# --------------------------------------------------------------------------
# Vendor 1: Harrowgate Office Supplies Ltd (UK, "Invoice No.", 14 March 2024,
# GBP 1,234.50, VAT 20 %)
# --------------------------------------------------------------------------

HARROWGATE = Party("Harrowgate Office Supplies Ltd",
                   ["Unit 4, Calder Mill Trading Estate", "Brookhollow Road",
                    "Harrowgate Vale", "HV3 9QT", "United Kingdom"])

HARROWGATE_CATALOG = []
for base, price, variants in [
    ("A4 copier paper 80gsm, box of 5 reams", "21.95", ["white", "recycled", "ivory"]),
    ("Lever arch file A4, 70mm spine", "2.49", ["black", "blue", "red", "green"]),
    ("Ballpoint pen, medium, box of 50", "7.80", ["blue", "black", "red"]),
    ("Gel rollerball pen 0.7mm, pack of 12", "9.35", ["blue", "black"]),
    ("Sticky notes 76 x 76mm, pack of 12 pads", "6.60", ["yellow", "assorted neon"]),
    ("Whiteboard marker, chisel tip, wallet of 4", "4.25", ["assorted", "black"]),
    ("Laser toner cartridge HX-410", "64.90", ["black", "cyan", "magenta", "yellow"]),
    ("Desk organiser, 5 compartment", "12.40", ["black mesh", "silver mesh"]),
    ("Suspension files foolscap, box of 50", "18.75", ["green", "assorted"]),
    ("Envelopes DL self-seal 100gsm, box of 500", "15.20", ["white", "manilla"]),
    ("Highlighter pens, wallet of 6", "3.95", ["assorted", "yellow"]),
    ("Stapler, full strip, 25 sheet capacity", "8.99", ["black", "blue"]),
    ("Staples 26/6, box of 5000", "1.49", ["standard"]),
    ("Printer labels 99.1 x 38.1mm, 100 sheets", "23.50", ["white"]),
    ("Archive storage box, flat-packed, pack of 10", "17.60", ["brown"]),
    ("Ergonomic mouse mat with gel wrist rest", "9.90", ["black", "grey"]),
]:
    for v in variants:
        HARROWGATE_CATALOG.append((f"{base}, {v}", price, {"code": f"HOS-{len(HARROWGATE_CATALOG) + 1101}"}))


def harrowgate_pdf(doc: Doc, path: Path) -> int:
    W, H = A4
    L, R = 18 * mm, W - 18 * mm
    navy = colors.Color(0.10, 0.18, 0.36)

    def money(d):
        return f"GBP {num(d)}"

    def first_header(c, page, pages):
        c.setFillColor(navy)
        c.setFont("Helvetica-Bold", 20)
        c.drawString(L, H - 25 * mm, "Harrowgate")
        c.setFont("Helvetica", 11)
        c.drawString(L, H - 31 * mm, "Office Supplies Ltd")
        c.setFillColor(colors.black)
        y = lines_at(c, L, H - 38 * mm, doc.vendor.address, size=8.5, leading=10.5)
        lines_at(c, L, y, ["Tel 01632 960 418  |  accounts@harrowgate.example",
                           "VAT Reg. No. GB 104 7712 93"], size=8.5, leading=10.5)
        c.setFillColor(navy)
        c.setFont("Helvetica-Bold", 22)
        c.drawRightString(R, H - 25 * mm, "INVOICE")
        c.setFillColor(colors.black)
        x1, x2 = R - 80 * mm, R
        yy = H - 36 * mm
        for label, value in [("Invoice No.", doc.number), ("Invoice Date", d_long_uk(doc.date)),
                             ("Due Date", d_long_uk(doc.due)), ("Account No.", doc.extra["account"]),
                             ("Your Order Ref.", doc.extra["po"])]:
            right_kv(c, x1, x2, yy, label, value, bold_value=label == "Invoice No.")
            yy -= 12.5
        y = H - 86 * mm
        c.setFont("Helvetica-Bold", 9)
        c.setFillColor(navy)
        c.drawString(L, y, "INVOICE TO")
        c.drawString(L + 90 * mm, y, "DELIVER TO")
        c.setFillColor(colors.black)
        lines_at(c, L, y - 13, [doc.customer.name] + doc.customer.address, first_bold=True)
        lines_at(c, L + 90 * mm, y - 13, doc.extra["deliver_to"], first_bold=True)
        return H - 130 * mm

    def cont_header(c, page, pages):
        c.setFillColor(navy)
        c.setFont("Helvetica-Bold", 13)
        c.drawString(L, H - 22 * mm, "Harrowgate Office Supplies Ltd")
        c.setFillColor(colors.black)
        c.setFont("Helvetica", 9.5)
        c.drawRightString(R, H - 22 * mm, f"Invoice No. {doc.number} (continued)")
        c.drawRightString(R, H - 27 * mm, f"Invoice Date {d_long_uk(doc.date)}")
        c.setStrokeColor(navy)
        c.line(L, H - 31 * mm, R, H - 31 * mm)
        return H - 38 * mm

    def footer(c, page, pages):
        c.setStrokeColor(navy)
        c.setLineWidth(0.6)
        c.line(L, 24 * mm, R, 24 * mm)
        c.setFont("Helvetica", 7.5)
        c.drawString(L, 19 * mm, "Bank: Northfold Bank plc  |  Account name: Harrowgate Office Supplies Ltd  |  "
                                 "Sort code 40-00-00  |  Account 00418822")
        c.drawString(L, 15 * mm, "Registered in England and Wales No. 00000418. Registered office as above. "
                                 "Goods remain our property until paid in full.")
        c.drawRightString(R, 10 * mm, f"Page {page} of {pages}")

    def cont_note(c, y):
        c.setFont("Helvetica-Oblique", 8.5)
        c.drawRightString(R, y - 12, "Continued on next page")

    def totals(c, y):
        y -= 8 * mm
        c.setFont("Helvetica-Bold", 9)
        c.drawString(L, y, "Payment terms")
        c.setFont("Helvetica", 9)
        c.drawString(L, y - 12, doc.terms)
        c.drawString(L, y - 24, f"Please quote {doc.number} with your payment.")
        x1, x2 = R - 75 * mm, R
        for label, value, bold in [("Subtotal", money(doc.subtotal), False),
                                   (f"VAT @ {doc.tax_rate.normalize():f}%", money(doc.tax), False)]:
            right_kv(c, x1, x2, y, label, value, bold_value=bold)
            y -= 13
        c.setFillColor(navy)
        c.rect(x1 - 4, y - 6, x2 - x1 + 4, 17, stroke=0, fill=1)
        c.setFillColor(colors.white)
        right_kv(c, x1, x2 - 3, y, "Total Due", money(doc.total), bold="Helvetica-Bold", bold_value=True)
        c.setFillColor(colors.black)
        c.setFont("Helvetica-Oblique", 9)
        c.drawString(L, y - 30, "Thank you for your order.")

    cols = [
        Col("Item", 22 * mm, "l", lambda it, i: it.extra["code"]),
        Col("Description", 82 * mm, "l", lambda it, i: it.description, wrap=True),
        Col("Qty", 14 * mm, "r", lambda it, i: qty_str(it.qty)),
        Col("Unit Price", 25 * mm, "r", lambda it, i: num(it.unit_price)),
        Col("Amount", 31 * mm, "r", lambda it, i: num(it.amount)),
    ]
    st = TableStyle(header_fill=navy, header_text=colors.white, header_rule=False,
                    zebra=colors.Color(0.93, 0.95, 0.98), row_rules=False)
    t = PagedTable(doc, cols, st, L, 32 * mm, first_header, cont_header, footer, totals,
                   totals_height=48 * mm, cont_note=cont_note)
    return render_two_pass(path, A4, f"Invoice {doc.number}", doc.vendor.name, t.render)


# --------------------------------------------------------------------------
# Vendor 2: Brightwater Cloud Services, Inc. (US, "Invoice #", 03/14/2024, $1,234.50)
# --------------------------------------------------------------------------

BRIGHTWATER = Party("Brightwater Cloud Services, Inc.",
                    ["2200 Larkspur Avenue, Suite 310", "Cedar Falls Junction, OR 97999", "USA"])

BRIGHTWATER_CATALOG = [
    ("Compute instance bw.standard-4 (hours)", "0.19"),
    ("Compute instance bw.memory-8 (hours)", "0.42"),
    ("Block storage SSD (GB-month)", "0.10"),
    ("Object storage standard tier (GB-month)", "0.03"),
    ("Managed PostgreSQL, 2 vCPU plan (month)", "145.00"),
    ("Load balancer (month)", "18.00"),
    ("Data transfer out (GB)", "0.08"),
    ("Premium support plan (month)", "250.00"),
    ("DNS hosted zone (month)", "0.50"),
    ("Snapshot storage (GB-month)", "0.05"),
    ("Static IPv4 address (month)", "3.60"),
    ("Log retention 30 days (GB)", "0.30"),
]


def brightwater_items(rng: random.Random, count: int) -> list[Item]:
    items = []
    for desc, price in rng.sample(BRIGHTWATER_CATALOG, count):
        p = D(price)
        if "(hours)" in desc:
            q = D(rng.choice([720, 744, 1488, 2232]))
        elif "GB" in desc:
            q = D(rng.randrange(50, 4000, 10))
        else:
            q = D(rng.choice([1, 1, 2, 3]))
        items.append(Item(desc, q, p))
    return items


def brightwater_pdf(doc: Doc, path: Path) -> int:
    W, H = LETTER
    L, R = 0.75 * 72, W - 0.75 * 72
    teal = colors.Color(0.0, 0.45, 0.52)

    def money(d):
        return f"${num(d)}"

    def first_header(c, page, pages):
        c.setFillColor(teal)
        c.rect(0, H - 1.25 * 72, W, 1.25 * 72, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont("Helvetica-Bold", 18)
        c.drawString(L, H - 0.62 * 72, doc.vendor.name)
        c.setFont("Helvetica", 9)
        c.drawString(L, H - 0.85 * 72, ", ".join(doc.vendor.address))
        c.drawString(L, H - 1.02 * 72, "billing@brightwater.example  |  (555) 555-0142")
        c.setFont("Helvetica-Bold", 26)
        c.drawRightString(R, H - 0.78 * 72, "INVOICE")
        c.setFillColor(colors.black)
        y = H - 1.75 * 72
        c.setFont("Helvetica-Bold", 9)
        c.setFillColor(teal)
        c.drawString(L, y, "BILL TO")
        c.setFillColor(colors.black)
        lines_at(c, L, y - 14, [doc.customer.name] + doc.customer.address, size=10, leading=13,
                 first_bold=True)
        x1, x2 = R - 2.6 * 72, R
        for label, value in [("Invoice #", doc.number), ("Date", d_us(doc.date)),
                             ("Due Date", d_us(doc.due)), ("Terms", doc.terms),
                             ("Customer ID", doc.extra["customer_id"])]:
            right_kv(c, x1, x2, y, label, value, size=10, bold_value=label == "Invoice #")
            y -= 14
        c.setFont("Helvetica", 9)
        c.drawString(L, H - 3.35 * 72, f"Billing period: {doc.extra['period']}")
        return H - 3.55 * 72

    def cont_header(c, page, pages):
        c.setFillColor(teal)
        c.rect(0, H - 0.8 * 72, W, 0.8 * 72, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont("Helvetica-Bold", 13)
        c.drawString(L, H - 0.5 * 72, doc.vendor.name)
        c.setFont("Helvetica", 10)
        c.drawRightString(R, H - 0.5 * 72, f"Invoice # {doc.number} - continued")
        c.setFillColor(colors.black)
        return H - 1.2 * 72

    def footer(c, page, pages):
        c.setFont("Helvetica", 8)
        c.setFillColor(colors.Color(0.35, 0.35, 0.35))
        c.drawCentredString(W / 2, 0.55 * 72, f"Brightwater Cloud Services, Inc.  |  Page {page} of {pages}")
        c.setFillColor(colors.black)

    def totals(c, y):
        y -= 16
        x1, x2 = R - 2.6 * 72, R
        right_kv(c, x1, x2, y, "Subtotal", money(doc.subtotal), size=10)
        y -= 15
        right_kv(c, x1, x2, y, f"Sales Tax ({doc.tax_rate.normalize():f}%)", money(doc.tax), size=10)
        y -= 6
        c.setStrokeColor(teal)
        c.setLineWidth(1.2)
        c.line(x1, y, x2, y)
        y -= 15
        right_kv(c, x1, x2, y, "Total Due (USD)", money(doc.total), size=11,
                 font="Helvetica-Bold", bold_value=True)
        y -= 45
        c.setFont("Helvetica-Bold", 9)
        c.drawString(L, y, "How to pay")
        lines_at(c, L, y - 13, [
            "ACH / wire: First Meridian Bank, routing 000000555, account 0009 4412 7781",
            "Card payments: pay online at billing.brightwater.example with your Invoice #.",
        ], size=9)
        c.setFont("Helvetica-Oblique", 10)
        c.setFillColor(teal)
        c.drawString(L, y - 50, "Thank you for your business!")
        c.setFillColor(colors.black)

    cols = [
        Col("Qty", 0.9 * 72, "r", lambda it, i: f"{int(it.qty):,}"),
        Col("Description", 3.35 * 72, "l", lambda it, i: it.description),
        Col("Unit Price", 1.2 * 72, "r", lambda it, i: money(it.unit_price)),
        Col("Amount", 1.55 * 72, "r", lambda it, i: money(it.amount)),
    ]
    st = TableStyle(size=9.5, leading=12, pad=5, header_fill=colors.Color(0.88, 0.95, 0.96))
    t = PagedTable(doc, cols, st, L, 0.9 * 72, first_header, cont_header, footer, totals,
                   totals_height=2.6 * 72)
    return render_two_pass(path, LETTER, f"Invoice {doc.number}", doc.vendor.name, t.render)


# --------------------------------------------------------------------------
# Vendor 3: Kestrel Maschinenbau GmbH (DE, bilingual, 14.03.2024, 1.234,50 EUR)
# --------------------------------------------------------------------------

KESTREL = Party("Kestrel Maschinenbau GmbH", ["Industriestraße 12", "73999 Kesselbrunn", "Deutschland"])

KESTREL_CATALOG = []
for base, price in [
    ("Rillenkugellager 6204-2RS / deep groove ball bearing", "4.85"),
    ("Zahnriemen HTD 8M-1200, Breite 30 mm / timing belt", "38.40"),
    ("Linearführung 20 mm, Länge 800 mm / linear guide rail", "126.00"),
    ("Führungswagen 20 mm, Flansch / guide carriage", "54.75"),
    ("Kupplung elastisch D40 / flexible coupling", "22.90"),
    ("Sechskantschraube M10x40, 8.8 verzinkt (100 Stk.) / hex bolts", "11.60"),
    ("Sicherungsmutter M10 (100 Stk.) / lock nuts", "6.95"),
    ("Wellendichtring 35x52x7 / shaft seal", "2.35"),
    ("Getriebemotor 0,37 kW, i=20 / geared motor", "389.00"),
    ("Frequenzumrichter 0,75 kW / frequency inverter", "245.50"),
    ("Näherungsschalter M12 PNP / proximity sensor", "18.20"),
    ("Kabelschleppkette 25x38, 1 m / cable carrier", "27.80"),
    ("Pneumatikzylinder D32 Hub 100 / pneumatic cylinder", "64.30"),
    ("Magnetventil 5/2 G1/4 24 V DC / solenoid valve", "49.90"),
    ("Druckluftschlauch PU 8x6, 25 m Rolle / air hose", "31.25"),
    ("Steckverschraubung G1/4 - 8 mm (10 Stk.) / push-in fittings", "17.40"),
    ("Aluminiumprofil 40x40 Nut 8, Zuschnitt 1000 mm / aluminium profile", "14.60"),
    ("Winkelverbinder 40 Nut 8 (10 Stk.) / angle brackets", "19.90"),
    ("Nutenstein M6 Nut 8 (50 Stk.) / T-slot nuts", "12.45"),
    ("Stellfuß M12, Teller D60 / levelling foot", "6.80"),
    ("Schutzgitter-Paneel 1000x800 / guard mesh panel", "78.00"),
    ("Not-Halt-Taster mit Gehäuse / emergency stop button", "36.70"),
    ("Sicherheitsrelais 24 V / safety relay", "142.00"),
    ("Kettenrad 1/2\" Z=18 / sprocket", "15.35"),
    ("Rollenkette 1/2\" einfach, 5 m / roller chain", "42.10"),
    ("Stehlagereinheit UCP 205 / pillow block bearing", "21.45"),
    ("Montage vor Ort, Techniker (Std.) / on-site assembly (hours)", "86.00"),
    ("Anfahrtspauschale / call-out charge", "65.00"),
]:
    KESTREL_CATALOG.append((base, price, {"sku": f"K-{10200 + 37 * len(KESTREL_CATALOG)}"}))


def kestrel_pdf(doc: Doc, path: Path) -> int:
    W, H = A4
    L, R = 20 * mm, W - 15 * mm
    red = colors.Color(0.63, 0.10, 0.12)

    def eur(d):
        return f"{num(d, '.', ',')} EUR"

    def letterhead(c):
        c.setFillColor(red)
        c.setFont("Helvetica-Bold", 17)
        c.drawRightString(R, H - 20 * mm, "KESTREL")
        c.setFont("Helvetica", 9)
        c.drawRightString(R, H - 25 * mm, "Maschinenbau GmbH")
        c.setFillColor(colors.black)

    def first_header(c, page, pages):
        letterhead(c)
        lines_at(c, R - 55 * mm, H - 33 * mm, [doc.vendor.name] + doc.vendor.address +
                 ["Tel. +49 7000 555 0123", "info@kestrel-mb.example"], size=8.5, leading=10.5)
        # sender line above the window of a DIN 5008 envelope
        c.setFont("Helvetica", 6.5)
        c.drawString(L, H - 47 * mm, "Kestrel Maschinenbau GmbH · Industriestraße 12 · 73999 Kesselbrunn")
        c.setLineWidth(0.3)
        c.line(L, H - 48 * mm, L + 85 * mm, H - 48 * mm)
        lines_at(c, L, H - 55 * mm, [doc.customer.name] + doc.customer.address, size=10, leading=12.5)
        c.setFont("Helvetica-Bold", 15)
        c.drawString(L, H - 98 * mm, "Rechnung / Invoice")
        x1, x2 = R - 80 * mm, R
        y = H - 75 * mm
        for label, value in [("Rechnungsnr. / Invoice number", doc.number),
                             ("Datum / Date", d_de(doc.date)),
                             ("Kundennr. / Customer no.", doc.extra["customer_no"]),
                             ("Ihre Bestellung / Your order", doc.extra["po"]),
                             ("Fällig am / Due date", d_de(doc.due))]:
            right_kv(c, x1, x2, y, label, value, size=8.5)
            y -= 11
        c.setFont("Helvetica", 9.5)
        c.drawString(L, H - 107 * mm, "Wir berechnen Ihnen folgende Lieferungen und Leistungen / "
                                      "We invoice the following goods and services:")
        return H - 112 * mm

    def cont_header(c, page, pages):
        letterhead(c)
        c.setFont("Helvetica-Bold", 11)
        c.drawString(L, H - 22 * mm, f"Rechnung / Invoice {doc.number} - Fortsetzung / continued")
        c.setFont("Helvetica", 9)
        c.drawString(L, H - 27 * mm, f"Datum / Date {d_de(doc.date)}  ·  Seite / Page {page} von / of {pages}")
        return H - 36 * mm

    def carry(c, y, running, at_top):
        c.setFont("Helvetica-Bold", 9)
        if at_top:
            c.drawString(L + 4, y - 10, "Übertrag / Brought forward")
            c.drawRightString(R - 4, y - 10, eur(running))
            return y - 18
        c.drawString(L + 4, y - 12, "Übertrag / Carried forward")
        c.drawRightString(R - 4, y - 12, eur(running))
        return y - 18

    def footer(c, page, pages):
        c.setLineWidth(0.4)
        c.setStrokeColor(red)
        c.line(L, 27 * mm, R, 27 * mm)
        c.setFont("Helvetica", 7)
        col_w = (R - L) / 3
        blocks = [
            [doc.vendor.name, *doc.vendor.address[:2], "USt-IdNr. DE000000412"],
            ["Bankverbindung / Bank details", "Kesselbrunner Volksbank eG",
             "IBAN DE00 6009 0000 0412 7700 00", "BIC KVBKDE00XXX"],
            ["Geschäftsführer: Dr. Jana Vogelsang", "Amtsgericht Kesselbrunn HRB 00412",
             f"Seite / Page {page} von / of {pages}"],
        ]
        for i, block in enumerate(blocks):
            lines_at(c, L + i * col_w, 23 * mm, block, size=7, leading=8.5)

    def totals(c, y):
        y -= 14
        x1, x2 = R - 85 * mm, R - 4
        right_kv(c, x1, x2, y, "Zwischensumme / Subtotal", eur(doc.subtotal))
        y -= 13
        right_kv(c, x1, x2, y, f"zzgl. {doc.tax_rate.normalize():f} % USt. / VAT {doc.tax_rate.normalize():f}%",
                 eur(doc.tax))
        y -= 5
        c.setLineWidth(0.8)
        c.setStrokeColor(colors.black)
        c.line(x1, y, x2, y)
        c.line(x1, y - 17, x2, y - 17)
        c.line(x1, y - 19, x2, y - 19)
        y -= 13
        right_kv(c, x1, x2, y, "Gesamtbetrag / Total", eur(doc.total), font="Helvetica-Bold",
                 bold_value=True, size=10)
        y -= 30
        lines_at(c, L, y, [
            f"Zahlungsbedingungen / Payment terms: {doc.terms}",
            f"Lieferdatum entspricht Rechnungsdatum / Delivery date equals invoice date.",
            "Vielen Dank für Ihren Auftrag! / Thank you for your order!",
        ], size=9)

    cols = [
        Col(["Pos."], 10 * mm, "r", lambda it, i: str(i + 1)),
        Col(["Art.-Nr.", "Item no."], 18 * mm, "l", lambda it, i: it.extra["sku"]),
        Col(["Bezeichnung", "Description"], 77 * mm, "l", lambda it, i: it.description, wrap=True),
        Col(["Menge", "Qty"], 14 * mm, "r", lambda it, i: qty_str(it.qty, ",")),
        Col(["Einzelpreis", "Unit price"], 25 * mm, "r", lambda it, i: num(it.unit_price, ".", ",")),
        Col(["Gesamt", "Amount"], 31 * mm, "r", lambda it, i: num(it.amount, ".", ",")),
    ]
    st = TableStyle(size=8.5, leading=10.5, pad=3.5, header_rule=True, row_rules=True, box=True,
                    header_fill=colors.Color(0.93, 0.93, 0.93))
    t = PagedTable(doc, cols, st, L, 40 * mm, first_header, cont_header, footer, totals,
                   totals_height=45 * mm, carry=carry)
    return render_two_pass(path, A4, f"Rechnung {doc.number}", doc.vendor.name, t.render)


# --------------------------------------------------------------------------
# Vendor 4: Pelican Freight & Logistics Pty Ltd (AU, "Tax Invoice", 25/12/2018, AUD)
# --------------------------------------------------------------------------

PELICAN = Party("Pelican Freight & Logistics Pty Ltd",
                ["Shed 9, 41 Wharfside Drive", "Port Corella NSW 2999", "Australia"])

PELICAN_CATALOG = [
    ("Linehaul Sydney - Brisbane, general freight", "385.00", {"unit": "pallet"}),
    ("Linehaul Sydney - Melbourne, general freight", "310.00", {"unit": "pallet"}),
    ("Metro delivery, tail-lift truck", "95.00", {"unit": "drop"}),
    ("Pallet storage, weekly", "7.50", {"unit": "pallet/wk"}),
    ("Pick and pack, carton", "2.20", {"unit": "carton"}),
    ("Fuel levy", "42.35", {"unit": "each"}),
    ("Dangerous goods handling fee", "55.00", {"unit": "consignment"}),
    ("Waiting time (per 15 minutes)", "24.00", {"unit": "15 min"}),
    ("Shrink wrap and re-palletise", "18.50", {"unit": "pallet"}),
]


def pelican_pdf(doc: Doc, path: Path) -> int:
    W, H = A4
    L, R = 15 * mm, W - 15 * mm
    orange = colors.Color(0.85, 0.42, 0.05)

    def money(d):
        return f"${num(d)}"

    def first_header(c, page, pages):
        c.setFont("Helvetica-Bold", 24)
        c.drawCentredString(W / 2, H - 22 * mm, "TAX INVOICE")
        c.setFillColor(orange)
        c.rect(L, H - 27 * mm, R - L, 1.5 * mm, stroke=0, fill=1)
        c.setFillColor(colors.black)
        y = lines_at(c, L, H - 36 * mm, [doc.vendor.name] + doc.vendor.address,
                     size=9.5, leading=12, first_bold=True)
        lines_at(c, L, y, ["Phone (02) 5550 1877   accounts@pelicanfreight.example"], size=9)
        c.setFont("Helvetica-Bold", 9)
        c.drawString(L + 110 * mm, H - 36 * mm, "Invoice to:")
        lines_at(c, L + 110 * mm, H - 36 * mm - 12, [doc.customer.name] + doc.customer.address, size=9.5, leading=12)
        # a boxed row of key fields
        y = H - 82 * mm
        boxes = [("Invoice Date", d_dmy(doc.date)), ("Invoice Number", doc.number),
                 ("Reference", doc.extra["reference"]), ("ABN", "00 000 000 418")]
        bw = (R - L) / len(boxes)
        c.setLineWidth(0.6)
        for i, (label, value) in enumerate(boxes):
            x = L + i * bw
            c.rect(x, y - 16 * mm, bw, 16 * mm, stroke=1, fill=0)
            c.setFont("Helvetica-Bold", 8)
            c.drawString(x + 3 * mm, y - 5 * mm, label)
            c.setFont("Helvetica", 10)
            c.drawString(x + 3 * mm, y - 12 * mm, value)
        c.setFont("Helvetica", 9)
        c.drawString(L, y - 24 * mm, "All amounts are in Australian dollars (AUD).")
        return y - 28 * mm

    def cont_header(c, page, pages):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(L, H - 20 * mm, f"TAX INVOICE {doc.number} (continued)")
        return H - 28 * mm

    def footer(c, page, pages):
        c.setFont("Helvetica", 8)
        c.drawString(L, 14 * mm, "Pelican Freight & Logistics Pty Ltd  ABN 00 000 000 418")
        c.drawRightString(R, 14 * mm, f"Page {page} of {pages}")

    def totals(c, y):
        y -= 15
        x1, x2 = R - 80 * mm, R - 3
        right_kv(c, x1, x2, y, "Total (excl. GST)", money(doc.subtotal))
        y -= 13
        right_kv(c, x1, x2, y, f"GST {doc.tax_rate.normalize():f}%", money(doc.tax))
        y -= 16
        c.setFillColor(colors.Color(1.0, 0.93, 0.85))
        c.rect(x1 - 3, y - 5, x2 - x1 + 6, 17, stroke=0, fill=1)
        c.setFillColor(colors.black)
        right_kv(c, x1, x2, y, "Amount Due (AUD)", money(doc.total), font="Helvetica-Bold",
                 bold_value=True, size=10.5)
        y -= 20
        c.setFont("Helvetica", 9.5)
        c.drawString(x1, y, f"Due Date: {d_dmy(doc.due)}")
        y -= 30
        c.setStrokeColor(orange)
        c.rect(L, y - 28 * mm, R - L, 30 * mm, stroke=1, fill=0)
        lines_at(c, L + 4 * mm, y - 3 * mm, [
            "HOW TO PAY",
            "EFT: Coastal Mutual Bank   BSB 000-418   Account 1877 4020",
            "Reference: your invoice number",
            f"Payment terms: {doc.terms}",
        ], size=9, leading=12.5, first_bold=True)

    cols = [
        Col("Description", 90 * mm, "l", lambda it, i: it.description, wrap=True),
        Col("Qty", 15 * mm, "r", lambda it, i: qty_str(it.qty)),
        Col("Unit", 25 * mm, "l", lambda it, i: it.extra["unit"]),
        Col("Rate", 22 * mm, "r", lambda it, i: money(it.unit_price)),
        Col("Amount", 28 * mm, "r", lambda it, i: money(it.amount)),
    ]
    st = TableStyle(size=9.5, leading=12, pad=4, header_rule=True, row_rules=True, box=True,
                    rule_color=colors.Color(0.6, 0.6, 0.6))
    t = PagedTable(doc, cols, st, L, 25 * mm, first_header, cont_header, footer, totals,
                   totals_height=80 * mm)
    return render_two_pass(path, A4, f"Tax Invoice {doc.number}", doc.vendor.name, t.render)


# --------------------------------------------------------------------------
# Vendor 5: Lindqvist Consulting (US, "Bill number", March 14th, 2024, USD 1,234.50)
# typewriter style, Courier
# --------------------------------------------------------------------------

LINDQVIST = Party("Lindqvist Consulting", ["418 Marigold Terrace", "Alder Springs, VT 05999"])

LINDQVIST_TASKS = [
    "Kick-off workshop and stakeholder interviews",
    "Review of current month-end close process",
    "Chart of accounts redesign, draft",
    "Chart of accounts redesign, revisions",
    "Reconciliation templates for bank and card accounts",
    "Training session for finance team",
    "Status call and written summary",
    "Vendor master data clean-up",
    "Cash-flow forecast model, build",
    "Cash-flow forecast model, handover",
    "Audit preparation checklist",
    "Board pack commentary, Q1",
]


def lindqvist_pdf(doc: Doc, path: Path) -> int:
    W, H = LETTER
    L, R = 1.0 * 72, W - 1.0 * 72

    def money(d):
        return f"USD {num(d)}"

    def first_header(c, page, pages):
        c.setFont("Courier-Bold", 16)
        c.drawString(L, H - 1.0 * 72, doc.vendor.name.upper())
        y = lines_at(c, L, H - 1.0 * 72 - 16, doc.vendor.address + ["erik@lindqvist.example  555-0187"],
                     font="Courier", size=10, leading=12)
        c.setLineWidth(1)
        c.line(L, y + 2, R, y + 2)
        y -= 22
        for label, value in [("Bill number:", doc.number), ("Date:", d_ordinal(doc.date)),
                             ("Payment due:", d_ordinal(doc.due))]:
            c.setFont("Courier", 10)
            c.drawString(L, y, label)
            c.setFont("Courier-Bold", 10)
            c.drawString(L + 1.3 * 72, y, value)
            y -= 13
        yb = y + 39
        c.setFont("Courier", 10)
        c.drawString(L + 3.5 * 72, yb, "Billed to:")
        lines_at(c, L + 3.5 * 72, yb - 13, [doc.customer.name] + doc.customer.address,
                 font="Courier", size=10, leading=13)
        y -= 40
        c.setFont("Courier", 10)
        c.drawString(L, y, f"Re: {doc.extra['project']}")
        return y - 16

    def cont_header(c, page, pages):
        c.setFont("Courier-Bold", 11)
        c.drawString(L, H - 0.9 * 72, f"{doc.vendor.name.upper()} -- Bill number {doc.number}, continued")
        return H - 1.15 * 72

    def footer(c, page, pages):
        c.setFont("Courier", 8)
        c.drawCentredString(W / 2, 0.6 * 72, f"- {page} -")

    def totals(c, y):
        y -= 18
        x1, x2 = R - 3.2 * 72, R - 4
        for label, value, bold in [("Subtotal", money(doc.subtotal), False),
                                   ("Sales tax (services exempt)", money(doc.tax), False),
                                   ("Total", money(doc.total), True)]:
            c.setFont("Courier-Bold" if bold else "Courier", 10)
            c.drawString(x1, y, label)
            c.drawRightString(x2, y, value)
            y -= 14
        y -= 26
        lines_at(c, L, y, [
            f"Terms: {doc.terms}.",
            "Please pay by bank transfer to Lindqvist Consulting,",
            "Harrow Creek Savings, routing 000000187, account 4411 0187 22.",
            "Thank you -- Erik Lindqvist",
        ], font="Courier", size=10, leading=13)

    cols = [
        Col("Date", 0.95 * 72, "l", lambda it, i: it.extra["day"]),
        Col("Description", 3.0 * 72, "l", lambda it, i: it.description, wrap=True),
        Col("Hours", 0.6 * 72, "r", lambda it, i: f"{it.qty:.2f}"),
        Col("Rate", 0.7 * 72, "r", lambda it, i: num(it.unit_price)),
        Col("Amount", 1.25 * 72, "r", lambda it, i: money(it.amount)),
    ]
    st = TableStyle(font="Courier", bold="Courier-Bold", size=9, leading=11, pad=3,
                    header_rule=True, row_rules=False)
    t = PagedTable(doc, cols, st, L, 1.0 * 72, first_header, cont_header, footer, totals,
                   totals_height=2.6 * 72)
    return render_two_pass(path, LETTER, f"Bill {doc.number}", doc.vendor.name, t.render)


def lindqvist_items(rng: random.Random, start: dt.date, count: int) -> list[Item]:
    tasks = rng.sample(LINDQVIST_TASKS, count)
    day = start
    items = []
    for t in tasks:
        day += dt.timedelta(days=rng.choice([1, 2, 3, 6]))
        hours = D(rng.choice(["0.75", "1.5", "2", "2.25", "3.5", "4", "6", "7.5"]))
        items.append(Item(t, hours, D("165.00"), {"day": f"{d_short_us(day)[:-6]}"}))
    return items


# --------------------------------------------------------------------------
# Vendor 6: Tanjung Print Works Sdn. Bhd. (MY, "Invoice No", 2024-03-14, RM 1,234.50)
# --------------------------------------------------------------------------

TANJUNG = Party("Tanjung Print Works Sdn. Bhd.",
                ["Lot 18, Jalan Perusahaan Kenanga 4", "Kawasan Perindustrian Kenanga",
                 "47999 Bandar Kenanga, Selangor", "Malaysia"])

TANJUNG_CATALOG = [
    ("Business cards, 2 sides, 350gsm art card (box of 100)", "38.00"),
    ("A5 flyers, full colour, 128gsm (per 1000)", "185.00"),
    ("A4 letterhead, 100gsm woodfree (per 500)", "120.00"),
    ("Roll-up banner 85 x 200 cm with stand", "165.00"),
    ("Company profile booklet A4, 16pp, saddle stitch", "14.50"),
    ("Sticker labels, die-cut, 5 x 5 cm (per 1000)", "96.00"),
    ("Tarpaulin banner 10 x 3 ft", "75.00"),
    ("Delivery within Klang Valley", "25.00"),
    ("Design adjustment (per hour)", "60.00"),
]


def tanjung_pdf(doc: Doc, path: Path) -> int:
    W, H = A4
    L, R = 15 * mm, W - 15 * mm
    green = colors.Color(0.05, 0.40, 0.25)

    def rm(d):
        return f"RM {num(d)}"

    def first_header(c, page, pages):
        c.setFillColor(green)
        c.circle(L + 9 * mm, H - 22 * mm, 8 * mm, stroke=0, fill=1)
        c.setFillColor(colors.white)
        c.setFont("Helvetica-Bold", 11)
        c.drawCentredString(L + 9 * mm, H - 23.5 * mm, "TPW")
        c.setFillColor(colors.black)
        c.setFont("Helvetica-Bold", 14)
        c.drawString(L + 21 * mm, H - 18 * mm, doc.vendor.name.upper())
        c.setFont("Helvetica", 7.5)
        c.drawString(L + 21 * mm + stringWidth(doc.vendor.name.upper(), "Helvetica-Bold", 14) + 4,
                     H - 18 * mm, "(202301000418 (1418418-K))")
        lines_at(c, L + 21 * mm, H - 23 * mm, [", ".join(doc.vendor.address[:2]),
                                               ", ".join(doc.vendor.address[2:]),
                                               "Tel: 03-0000 4180   Email: sales@tanjungprint.example",
                                               "SST Reg. No.: B00-0000-00000418"], size=8, leading=9.5)
        c.setLineWidth(1.2)
        c.setStrokeColor(green)
        c.line(L, H - 45 * mm, R, H - 45 * mm)
        c.setFont("Helvetica-Bold", 16)
        c.drawCentredString(W / 2, H - 54 * mm, "INVOICE")
        y = H - 64 * mm
        c.setFont("Helvetica-Bold", 9)
        c.drawString(L, y, "Bill To:")
        lines_at(c, L, y - 12, [doc.customer.name] + doc.customer.address + [f"Attn: {doc.extra['attn']}"],
                 size=9, leading=11.5, first_bold=True)
        x1 = R - 68 * mm
        for label, value in [("Invoice No", doc.number), ("Date", d_iso(doc.date)),
                             ("Terms", doc.terms), ("Due Date", d_iso(doc.due)),
                             ("Your P.O.", doc.extra["po"]), ("Salesperson", "Farah")]:
            c.setFont("Helvetica", 9)
            c.drawString(x1, y, label)
            c.drawString(x1 + 25 * mm, y, ":")
            c.setFont("Helvetica-Bold" if label == "Invoice No" else "Helvetica", 9)
            c.drawString(x1 + 28 * mm, y, value)
            y -= 12
        return H - 118 * mm

    def cont_header(c, page, pages):
        c.setFont("Helvetica-Bold", 11)
        c.drawString(L, H - 20 * mm, f"INVOICE {doc.number} (continued)")
        return H - 28 * mm

    def footer(c, page, pages):
        c.setFont("Helvetica", 7.5)
        c.drawCentredString(W / 2, 12 * mm, "This is a computer-generated invoice. No signature is required.")

    def totals(c, y):
        x1, x2 = R - 70 * mm, R - 3
        y -= 14
        right_kv(c, x1, x2, y, "Sub Total", rm(doc.subtotal))
        y -= 13
        right_kv(c, x1, x2, y, f"SST {doc.tax_rate.normalize():f}%", rm(doc.tax))
        y -= 15
        c.setStrokeColor(colors.black)
        c.line(x1, y + 10, x2, y + 10)
        right_kv(c, x1, x2, y, "Grand Total", rm(doc.total), font="Helvetica-Bold", bold_value=True, size=10.5)
        y -= 22
        c.setFont("Helvetica-Oblique", 8.5)
        c.drawString(L, y, ringgit_words(doc.total))
        y -= 28
        lines_at(c, L, y, [
            "Payment to: TANJUNG PRINT WORKS SDN. BHD.",
            "Bank: Bank Kenanga Berhad   A/C No: 0000-418-18418-8",
            "Cheques should be crossed and made payable to the company.",
            "Goods sold are not returnable. Thank you for your support!",
        ], size=8.5, leading=11, first_bold=True)
        c.setFont("Helvetica", 8.5)
        c.line(R - 60 * mm, y - 40, R, y - 40)
        c.drawCentredString(R - 30 * mm, y - 50, "Authorised Signature")

    cols = [
        Col("No.", 12 * mm, "c", lambda it, i: str(i + 1)),
        Col("Description", 88 * mm, "l", lambda it, i: it.description, wrap=True),
        Col("Qty", 16 * mm, "c", lambda it, i: qty_str(it.qty)),
        Col("U/Price (RM)", 32 * mm, "r", lambda it, i: num(it.unit_price)),
        Col("Amount (RM)", 32 * mm, "r", lambda it, i: num(it.amount)),
    ]
    st = TableStyle(size=9, leading=11, pad=4, header_fill=colors.Color(0.85, 0.93, 0.88),
                    header_rule=True, row_rules=False, box=True)
    t = PagedTable(doc, cols, st, L, 25 * mm, first_header, cont_header, footer, totals,
                   totals_height=70 * mm)
    return render_two_pass(path, A4, f"Invoice {doc.number}", doc.vendor.name, t.render)


# --------------------------------------------------------------------------
# Vendor 7: Copperleaf Books (US receipt on an 80 mm roll, PDF)
# --------------------------------------------------------------------------

COPPERLEAF = Party("Copperleaf Books", ["88 Larch Street", "Fairhaven Mills, VT 05998"])


def copperleaf_pdf(doc: Doc, path: Path) -> int:
    W = 80 * mm
    H = (84 + 8 * len(doc.items)) * mm
    L, R = 5 * mm, W - 5 * mm
    c = new_canvas(str(path), (W, H), f"Receipt {doc.number}", doc.vendor.name)
    y = H - 12 * mm
    c.setFont("Helvetica-Bold", 13)
    c.drawCentredString(W / 2, y, doc.vendor.name.upper())
    y -= 13
    c.setFont("Helvetica", 8)
    for s in doc.vendor.address + ["(555) 555-0163", "books & stationery since 1987"]:
        c.drawCentredString(W / 2, y, s)
        y -= 10
    y -= 6
    c.setFont("Helvetica", 8)
    c.drawString(L, y, f"Receipt # {doc.number}")
    c.drawRightString(R, y, f"{d_short_us(doc.date)}  {doc.extra['time']}")
    y -= 10
    c.drawString(L, y, "Register 2   Cashier: Maya")
    y -= 6
    c.setDash(2, 2)
    c.line(L, y, R, y)
    y -= 12
    for it in doc.items:
        c.setFont("Helvetica", 8)
        c.drawString(L, y, it.description)
        c.drawRightString(R, y, f"${num(it.amount)}")
        y -= 9
        c.setFont("Helvetica", 7)
        c.drawString(L + 4 * mm, y, f"{qty_str(it.qty)} @ ${num(it.unit_price)}")
        y -= 11
    c.line(L, y + 4, R, y + 4)
    y -= 8
    for label, value in [("Subtotal", doc.subtotal), (f"Sales Tax {doc.tax_rate.normalize():f}%", doc.tax)]:
        right_kv(c, L, R, y, label, f"${num(value)}", size=8.5)
        y -= 11
    right_kv(c, L, R, y, "TOTAL", f"${num(doc.total)}", font="Helvetica-Bold", bold_value=True, size=10)
    y -= 14
    right_kv(c, L, R, y, "VISA **** 0418", f"${num(doc.total)}", size=8)
    y -= 10
    right_kv(c, L, R, y, "Change", "$0.00", size=8)
    y -= 18
    c.setFont("Helvetica", 8)
    for s in [f"Items: {len(doc.items)}", "Returns with receipt within 30 days.",
              "Thank you for shopping local!"]:
        c.drawCentredString(W / 2, y, s)
        y -= 10
    assert y > 4 * mm, "receipt content overflows the roll"
    c.showPage()
    c.save()
    return 1


# --------------------------------------------------------------------------
# Plain-text till receipts
# --------------------------------------------------------------------------

def center(s: str, w: int) -> str:
    return s.center(w).rstrip()


def lr(left: str, right: str, w: int) -> str:
    gap = max(1, w - len(left) - len(right))
    return left + " " * gap + right


KOPITIAM = Party("Kopitiam Sri Melor", ["No. 7, Jalan Melor 3", "Taman Sri Melor", "47998 Bandar Kenanga, Selangor"])
MAPLE = Party("Maple & Tide Coffee Co.", ["12 Ferry Wharf Road", "Port Alder, NS B0X 9Z9"])
IRONBRIDGE = Party("Ironbridge Hardware", ["1420 Canal Street", "Millbrook Falls, PA 19999"])
WEBER = Party("Baustoffhandel Weber & Söhne KG", ["Mühlenweg 3", "73998 Kesselbrunn-Süd"])


def kopitiam_txt(doc: Doc) -> str:
    w = 32
    out = [center(doc.vendor.name.upper(), w)]
    out += [center(s, w) for s in doc.vendor.address]
    out += [center("SST ID: W00-0000-00000077", w), "", center("RESIT / RECEIPT", w), "-" * w]
    out.append(f"Receipt No: {doc.number}")
    out.append(f"Date: {d_iso(doc.date)}   {doc.extra['time']}")
    out.append(f"Table: {doc.extra['table']}   Cashier: Aini")
    out.append("-" * w)
    for it in doc.items:
        out.append(it.description)
        out.append(lr(f"  {qty_str(it.qty)} x {num(it.unit_price)}", num(it.amount), w))
    out.append("-" * w)
    out.append(lr("Subtotal", f"RM {num(doc.subtotal)}", w))
    out.append(lr(f"SST {doc.tax_rate.normalize():f}%", f"RM {num(doc.tax)}", w))
    out.append(lr("TOTAL", f"RM {num(doc.total)}", w))
    out.append(lr("Cash", f"RM {num(doc.extra['cash'])}", w))
    out.append(lr("Change", f"RM {num(doc.extra['cash'] - doc.total)}", w))
    out += ["-" * w, center("Terima kasih! Thank you!", w), center("Sila datang lagi", w), ""]
    return "\n".join(out)


def maple_txt(doc: Doc) -> str:
    w = 40
    out = ["", center(doc.vendor.name.upper(), w)]
    out += [center(s, w) for s in doc.vendor.address]
    out += [center("(902) 555-0199", w), center("HST # 000000418 RT0001", w), "=" * w]
    out.append(lr(f"Order #{doc.number}", f"{d_dmon(doc.date)} {doc.extra['time']}", w))
    out.append(lr("Server: Jordan", "Dine in", w))
    out.append("=" * w)
    for it in doc.items:
        left = f"{qty_str(it.qty)} {it.description}"
        out.append(lr(left, num(it.amount), w))
        if it.qty != 1:
            out.append(f"    @ {num(it.unit_price)} ea")
    out.append("-" * w)
    out.append(lr("Subtotal", f"${num(doc.subtotal)}", w))
    out.append(lr(f"HST {doc.tax_rate.normalize():f}%", f"${num(doc.tax)}", w))
    out.append(lr("TOTAL CAD", f"${num(doc.total)}", w))
    out.append("")
    out.append(lr("Debit  ************7731", f"${num(doc.total)}", w))
    out.append("Approved  Auth 00418C")
    out += ["-" * w, center("Free wifi: TideGuest", w), center("Thanks for stopping by!", w), ""]
    return "\n".join(out)


def ironbridge_txt(doc: Doc, split_at: int) -> str:
    w = 42

    def head(page: int, pages: int) -> list[str]:
        if page == 1:
            lines = [center("IRONBRIDGE HARDWARE", w)]
            lines += [center(s, w) for s in doc.vendor.address]
            lines += [center("(555) 555-0131", w), ""]
        else:
            lines = [center("IRONBRIDGE HARDWARE  (continued)", w)]
        lines.append(lr(f"Receipt {doc.number}", f"{d_us(doc.date)} {doc.extra['time']}", w))
        lines.append(lr("Reg 04  Clerk 117", f"Page {page}/{pages}", w))
        lines.append("-" * w)
        lines.append(lr("SKU / ITEM", "AMOUNT", w))
        lines.append("-" * w)
        return lines

    def item_lines(it: Item) -> list[str]:
        return [lr(f"{it.extra['sku']} {it.description}", f"{num(it.amount)}", w),
                f"   {qty_str(it.qty)} @ {num(it.unit_price)}"]

    page1 = head(1, 2)
    for it in doc.items[:split_at]:
        page1 += item_lines(it)
    page1 += ["", center("*** CONTINUED ON NEXT PAGE ***", w), ""]
    page2 = head(2, 2)
    for it in doc.items[split_at:]:
        page2 += item_lines(it)
    page2.append("-" * w)
    page2.append(lr(f"{len(doc.items)} ITEMS          SUBTOTAL", f"${num(doc.subtotal)}", w))
    page2.append(lr(f"SALES TAX {doc.tax_rate.normalize():f}%", f"${num(doc.tax)}", w))
    page2.append(lr("TOTAL", f"${num(doc.total)}", w))
    page2.append(lr("MASTERCARD ****2209", f"${num(doc.total)}", w))
    page2 += ["", center("Keep your receipt. Returns within 90", w),
              center("days with receipt. Thank you!", w), ""]
    return "\n".join(page1) + "\f" + "\n".join(page2)


def weber_txt(doc: Doc) -> str:
    w = 44

    def eur(d):
        return num(d, ".", ",")

    out = [center("BAUSTOFFHANDEL WEBER & SÖHNE KG", w)]
    out += [center(s, w) for s in doc.vendor.address]
    out += [center("Tel. 07000 555 0177", w), center("USt-IdNr. DE000000177", w), ""]
    out.append(center("KASSENBELEG - GEWERBEKUNDE", w))
    out.append(center("Preise netto zzgl. MwSt.", w))
    out.append("=" * w)
    out.append(lr(f"Bon-Nr. {doc.number}", f"{d_de(doc.date)} {doc.extra['time']}", w))
    out.append(f"Kunde: Kd.-Nr. {doc.extra['customer_no']} {doc.customer.name}")
    out.append("=" * w)
    for it in doc.items:
        out.append(it.description)
        out.append(lr(f"  {qty_str(it.qty, ',')} {it.extra['unit']} x {eur(it.unit_price)}",
                      f"{eur(it.amount)} EUR", w))
    out.append("-" * w)
    out.append(lr("Summe netto", f"{eur(doc.subtotal)} EUR", w))
    out.append(lr(f"MwSt. {doc.tax_rate.normalize():f} %", f"{eur(doc.tax)} EUR", w))
    out.append(lr("SUMME BRUTTO", f"{eur(doc.total)} EUR", w))
    out.append("=" * w)
    out.append(lr("Gegeben EC-Karte", f"{eur(doc.total)} EUR", w))
    out += ["", center("Vielen Dank für Ihren Einkauf!", w), center("Umtausch nur mit Beleg.", w), ""]
    return "\n".join(out)


# --------------------------------------------------------------------------
# Markdown invoice: Nightjar Studio (IE, EUR, ISO dates)
# --------------------------------------------------------------------------

NIGHTJAR = Party("Nightjar Studio", ["14 Quayside Lane", "Dublin 8", "D08 N1J7", "Ireland"])


def nightjar_md(doc: Doc) -> str:
    def eur(d):
        return f"€{num(d)}"

    rows = "\n".join(
        f"| {it.description} | {qty_str(it.qty)} | {eur(it.unit_price)} | {eur(it.amount)} |"
        for it in doc.items)
    cust = "  \n".join([doc.customer.name] + doc.customer.address)
    vend = "  \n".join(doc.vendor.address)
    return f"""# Invoice {doc.number}

**{doc.vendor.name}**  
{vend}  
VAT number: IE 0000418NJ · hello@nightjar.example

| | |
|---|---|
| **Invoice number** | {doc.number} |
| **Issue date** | {d_iso(doc.date)} |
| **Due date** | {d_iso(doc.due)} |
| **Project** | {doc.extra['project']} |

## Bill to

{cust}

## Services

| Description | Qty | Unit price | Amount |
|---|---:|---:|---:|
{rows}

| | |
|---|---:|
| Subtotal | {eur(doc.subtotal)} |
| VAT {doc.tax_rate.normalize():f}% | {eur(doc.tax)} |
| **Total due** | **{eur(doc.total)}** |

## Payment

Payment terms: {doc.terms}.  
Bank transfer to Nightjar Studio, IBAN IE00 NJSB 9000 0041 8000 01, BIC NJSBIE2D.  
Please use the invoice number as the payment reference.

*Thank you for working with us!*
"""


# --------------------------------------------------------------------------
# The document set
# --------------------------------------------------------------------------

def build_documents():
    """Returns a list of (Doc, writer) where writer(doc, path) writes the file."""
    docs = []

    # -- Harrowgate: one long (multi-page) and one short invoice
    rng = random.Random(1101)
    customer = Party("Pennywhistle Architects LLP", ["3 Foundry Yard", "Oakhurst", "OK7 2LP"])
    d = Doc("", "invoice", HARROWGATE, customer, "HOS-24-0317", dt.date(2024, 3, 14), dt.date(2024, 4, 13),
            "GBP", pick_items(rng, HARROWGATE_CATALOG, len(HARROWGATE_CATALOG), [1, 1, 2, 2, 3, 4, 5, 6, 10, 12, 20]),
            D(20), "30 days from date of invoice",
            {"account": "PEN001", "po": "PA-7781", "deliver_to": ["Pennywhistle Architects LLP", "Studio 2, 3 Foundry Yard", "Oakhurst", "OK7 2LP"]})
    docs.append((d, harrowgate_pdf))
    rng = random.Random(1102)
    customer = Party("Mossgate Community Trust", ["The Old School House", "12 Chapel Row", "Mossgate", "MG4 1AB"])
    d = Doc("", "invoice", HARROWGATE, customer, "HOS-24-0402", dt.date(2024, 4, 2), dt.date(2024, 5, 2),
            "GBP", pick_items(rng, HARROWGATE_CATALOG, 6, [1, 2, 3, 5, 10]), D(20),
            "30 days from date of invoice",
            {"account": "MOS014", "po": "by phone (R. Okafor)", "deliver_to": ["Mossgate Community Trust", "Reception", "12 Chapel Row", "Mossgate", "MG4 1AB"]})
    docs.append((d, harrowgate_pdf))

    # -- Brightwater: two monthly cloud invoices
    for seed, number, date, period, cust, cid in [
        (1201, "BW-10482", dt.date(2024, 3, 1), "02/01/2024 - 02/29/2024",
         Party("Tidewater Analytics LLC", ["901 Harbor Point Blvd, Floor 4", "Bayview Heights, CA 94999"]), "C-20418"),
        (1202, "BW-10517", dt.date(2024, 4, 1), "03/01/2024 - 03/31/2024",
         Party("Greyhollow Games, Inc.", ["55 Juniper Court", "Ridgefield Park, WA 98999"]), "C-20877"),
    ]:
        rng = random.Random(seed)
        d = Doc("", "invoice", BRIGHTWATER, cust, number, date, date + dt.timedelta(days=15), "USD",
                brightwater_items(rng, 7), D("8.875"), "Net 15", {"period": period, "customer_id": cid})
        docs.append((d, brightwater_pdf))

    # -- Kestrel: one long (multi-page, carried-forward) and one short invoice
    rng = random.Random(1301)
    cust = Party("Nordhafen Verpackungstechnik AG", ["Abt. Kreditorenbuchhaltung", "Hafenstraße 88", "21999 Nordhafen"])
    d = Doc("", "invoice", KESTREL, cust, "2024-0815", dt.date(2024, 8, 15), dt.date(2024, 9, 14), "EUR",
            pick_items(rng, KESTREL_CATALOG, 28, [1, 1, 2, 2, 4, 5, 8, 10, 12]), D(19), "30 Tage netto / 30 days net",
            {"customer_no": "D-10412", "po": "4500018841"})
    docs.append((d, kestrel_pdf))
    rng = random.Random(1302)
    cust = Party("Fräulein Becker Feinkost GmbH", ["Lindenallee 5", "73997 Kesselbrunn"])
    d = Doc("", "invoice", KESTREL, cust, "2024-0902", dt.date(2024, 9, 2), dt.date(2024, 9, 16), "EUR",
            pick_items(rng, KESTREL_CATALOG[-8:], 4, [1, 2, 3]), D(19),
            "14 Tage netto / 14 days net", {"customer_no": "D-10877", "po": "telefonisch"})
    docs.append((d, kestrel_pdf))

    # -- Pelican: Christmas-day freight invoice
    rng = random.Random(1401)
    cust = Party("Saltbush Homewares Pty Ltd", ["Warehouse 3, 17 Kookaburra Close", "Eastvale QLD 4999"])
    d = Doc("", "invoice", PELICAN, cust, "PF-18-1225", dt.date(2018, 12, 25), dt.date(2019, 1, 8), "AUD",
            pick_items(rng, PELICAN_CATALOG, 6, [1, 2, 3, 4, 6, 8, 12]), D(10), "14 days from invoice date",
            {"reference": "SBH-PO-3320"})
    docs.append((d, pelican_pdf))

    # -- Lindqvist: two consulting bills
    for seed, number, date, start, cust, project in [
        (1501, "LC-0042", dt.date(2024, 3, 14), dt.date(2024, 2, 1),
         Party("Hollowbrook Cider Co.", ["Attn: Accounts Payable", "77 Orchard Lane", "Stowe Hollow, VT 05997"]),
         "Finance process review, February 2024"),
        (1502, "LC-0047", dt.date(2024, 5, 2), dt.date(2024, 4, 1),
         Party("Birchline Outfitters", ["PO Box 418", "Maple Crossing, NH 03999"]),
         "Cash-flow forecasting, April 2024"),
    ]:
        rng = random.Random(seed)
        d = Doc("", "invoice", LINDQVIST, cust, number, date, date + dt.timedelta(days=30), "USD",
                lindqvist_items(rng, start, 7), D(0), "Net 30 days", {"project": project})
        docs.append((d, lindqvist_pdf))

    # -- Tanjung Print Works
    rng = random.Random(1601)
    cust = Party("Syarikat Bunga Raya Catering", ["No. 21, Jalan Dahlia 2", "Taman Dahlia Jaya", "47997 Bandar Kenanga, Selangor"])
    d = Doc("", "invoice", TANJUNG, cust, "TPW/2403/118", dt.date(2024, 3, 14), dt.date(2024, 4, 13), "MYR",
            pick_items(rng, TANJUNG_CATALOG, 5, [1, 2, 3, 5]), D(8), "30 Days",
            {"attn": "Encik Hafiz", "po": "BRC-0044"})
    docs.append((d, tanjung_pdf))

    # -- Copperleaf Books: a PDF till receipt
    rng = random.Random(1701)
    books = [("The Lighthouse Ledger (paperback)", "17.99"), ("A Field Guide to Moss", "24.50"),
             ("Notebook, dot grid A5", "12.00"), ("Fountain pen ink, slate blue", "9.75"),
             ("Greeting card, letterpress", "5.50"), ("Bookmark, brass fern", "6.25")]
    d = Doc("", "receipt", COPPERLEAF, None, "0418-2207", dt.date(2024, 3, 16), None, "USD",
            pick_items(rng, books, 4, [1, 1, 2]), D(6), None, {"time": "4:42 PM"})
    docs.append((d, copperleaf_pdf))

    # -- text receipts
    rng = random.Random(1801)
    menu = [("Kopi O Ais", "2.80"), ("Teh Tarik", "2.60"), ("Roti Bakar Kaya", "3.20"),
            ("Nasi Lemak Biasa", "4.50"), ("Mee Goreng Mamak", "7.50"), ("Telur Separuh Masak (2)", "2.40")]
    d = Doc("", "receipt", KOPITIAM, None, "A0018841", dt.date(2024, 3, 14), None, "MYR",
            pick_items(rng, menu, 4, [1, 1, 2]), D(6), None,
            {"time": "08:17", "table": "12", "cash": D("50.00")})
    docs.append((d, kopitiam_txt))

    rng = random.Random(1802)
    menu = [("Oat Flat White", "5.25"), ("Americano", "3.75"), ("Blueberry Scone", "4.10"),
            ("Smoked Salmon Bagel", "11.50"), ("Chai Latte", "5.00"), ("Seafood Chowder", "13.95")]
    d = Doc("", "receipt", MAPLE, None, "7731", dt.date(2024, 7, 9), None, "CAD",
            pick_items(rng, menu, 4, [1, 1, 2]), D(15), None, {"time": "12:41"})
    docs.append((d, maple_txt))

    rng = random.Random(1803)
    hw = [("WOOD SCREW #8 X 1-1/4 100PK", "7.49"), ("DRYWALL ANCHOR KIT 50PC", "6.29"),
          ("PAINTERS TAPE 1.88IN X 60YD", "5.98"), ("LATEX GLOVES L 100CT", "12.97"),
          ("SANDPAPER 120 GRIT 5PK", "4.47"), ("UTILITY KNIFE BLADES 10PK", "3.98"),
          ("PVC ELBOW 1/2IN 90DEG", "0.48"), ("PIPE THREAD TAPE 1/2IN", "1.27"),
          ("EXTENSION CORD 25FT 16/3", "15.98"), ("LED BULB A19 60W EQ 4PK", "9.97"),
          ("WD-STYLE LUBRICANT 12OZ", "6.48"), ("DUCT TAPE SILVER 60YD", "7.97"),
          ("CAULK WHITE 10.1OZ", "4.28"), ("PAINT ROLLER COVER 9IN 3PK", "8.97"),
          ("ZIP TIES 8IN 100PK", "5.47"), ("WORK GLOVES LEATHER L", "14.98"),
          ("TAPE MEASURE 25FT", "11.97"), ("SHOP TOWELS 3 ROLLS", "8.48"),
          ("HINGE 3-1/2IN SATIN NICKEL", "3.28"), ("CABINET PULL 3IN 10PK", "17.98"),
          ("WIRE NUTS ASSORTED 25PK", "3.97"), ("SMOKE ALARM BATTERY 9V", "4.97")]
    hw = [(a, p, {"sku": f"{(i * 7919) % 900000 + 100000}"}) for i, (a, p) in enumerate(hw)]
    d = Doc("", "receipt", IRONBRIDGE, None, "0417-0042-118", dt.date(2024, 3, 14), None, "USD",
            pick_items(rng, hw, 20, [1, 1, 1, 2, 3, 4]), D(6), None, {"time": "10:05 AM"})
    docs.append((d, lambda doc: ironbridge_txt(doc, 12)))

    rng = random.Random(1804)
    bau = [("Zement CEM II 25 kg", "6.90", {"unit": "Sack"}),
           ("Kalksandstein 2DF", "0.89", {"unit": "Stk"}),
           ("Bauschaum 750 ml", "8.40", {"unit": "Dose"}),
           ("Dachlatte 30x50 mm, 4 m", "3.15", {"unit": "Stk"}),
           ("Schalbrett 24x200 mm, lfm", "2.35", {"unit": "m"}),
           ("Bewehrungsstahl 10 mm, 6 m", "7.80", {"unit": "Stk"})]
    d = Doc("", "receipt", WEBER, Party("Brandt Bau GmbH", []), "004711", dt.date(2024, 9, 3), None, "EUR",
            pick_items(rng, bau, 4, [2, 5, 10, 24, 40]), D(19), None,
            {"time": "07:32", "customer_no": "20418"})
    docs.append((d, weber_txt))

    # -- Markdown invoice
    cust = Party("Fernhill Analytics Ltd", ["Unit 5, Granary Wharf", "Galway Bay Road", "Galway, H91 F0H1", "Ireland"])
    items = [Item("Brand identity workshop (half day)", D(1), D("1250.00")),
             Item("Logo design, three concepts and two revision rounds", D(1), D("2400.00")),
             Item("Slide template design (master + 12 layouts)", D(1), D("950.00")),
             Item("Illustration, per spot illustration", D(6), D("185.00")),
             Item("Project management (hours)", D("4.5"), D("70.00"))]
    d = Doc("", "invoice", NIGHTJAR, cust, "NJ-2024-007", dt.date(2024, 5, 2), dt.date(2024, 6, 1), "EUR",
            items, D(23), "30 days", {"project": "Fernhill rebrand, phase 1"})
    docs.append((d, nightjar_md))

    # file names
    writers = {harrowgate_pdf, brightwater_pdf, kestrel_pdf, pelican_pdf, lindqvist_pdf, tanjung_pdf}
    slugs = {HARROWGATE.name: "harrowgate-office-supplies", BRIGHTWATER.name: "brightwater-cloud",
             KESTREL.name: "kestrel-maschinenbau", PELICAN.name: "pelican-freight",
             LINDQVIST.name: "lindqvist-consulting", TANJUNG.name: "tanjung-print-works",
             COPPERLEAF.name: "copperleaf-books", KOPITIAM.name: "kopitiam-sri-melor",
             MAPLE.name: "maple-and-tide-coffee", IRONBRIDGE.name: "ironbridge-hardware",
             WEBER.name: "weber-baustoffe", NIGHTJAR.name: "nightjar-studio"}
    receipt_counter: dict[str, int] = {}
    for d, w in docs:
        slug = slugs[d.vendor.name]
        if d.doc_type == "invoice":
            ext = "md" if w is nightjar_md else "pdf"
            num_slug = d.number.lower().replace("/", "-")
            d.file = f"invoice-{slug}-{num_slug}.{ext}"
        else:
            receipt_counter[slug] = receipt_counter.get(slug, 0) + 1
            ext = "pdf" if w is copperleaf_pdf else "txt"
            d.file = f"receipt-{slug}-{receipt_counter[slug]}.{ext}"
        assert w in writers or d.file.endswith((".txt", ".md")) or w is copperleaf_pdf
    return docs


# --------------------------------------------------------------------------
# Edge cases
# --------------------------------------------------------------------------

def short_invoice_page(c: Canvas, phrase: str, number: str) -> None:
    W, H = A4
    c.setFont("Helvetica-Bold", 16)
    c.drawString(25 * mm, H - 30 * mm, "Harrowgate Office Supplies Ltd")
    c.setFont("Helvetica", 10)
    y = lines_at(c, 25 * mm, H - 40 * mm, [
        "Invoice No. " + number,
        "Invoice Date 14 March 2024",
        "Bill to: Pennywhistle Architects LLP",
        "",
        phrase,
        "",
        "A4 copier paper 80gsm, box of 5 reams    2 x GBP 21.95    GBP 43.90",
        "Subtotal GBP 43.90",
        "VAT @ 20% GBP 8.78",
        "Total Due GBP 52.68",
    ], size=10, leading=14)
    c.showPage()


def encrypted_pdf(path: Path, user: str, phrase: str, number: str) -> None:
    enc = StandardEncryption(user, "owner-secret", canPrint=1, canModify=0, canCopy=1, canAnnotate=0,
                             strength=128)
    c = new_canvas(str(path), A4, f"Invoice {number}", HARROWGATE.name, encrypt=enc)
    short_invoice_page(c, phrase, number)
    c.save()


def scan_image_png(path_png: Path) -> None:
    """A grey-scale raster of a receipt fragment, as a scanner would deliver it."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    w, h = 900, 420
    img = Image.new("L", (w, h), 246)
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.load_default(size=30)
    except TypeError:               # old pillow without FreeType default font
        font = ImageFont.load_default()
    lines = ["DELIVERY NOTE  DN-20418", "Pelican Freight & Logistics", "3 pallets received in good order",
             "Signed: K. Marsh   25/12/2018"]
    for i, s in enumerate(lines):
        draw.text((40, 40 + i * 85), s, fill=28, font=font)
    rng = random.Random(2718)
    for _ in range(900):            # sparse speckle, as from a dusty platen
        x, y = rng.randrange(w), rng.randrange(h)
        draw.point((x, y), fill=rng.choice([120, 160, 200]))
    img = img.rotate(0.8, resample=Image.BICUBIC, fillcolor=246).filter(ImageFilter.GaussianBlur(0.6))
    img = img.quantize(16).convert("L")  # few grey levels keep the Flate stream small
    img.save(path_png, optimize=False)


def scanned_pdf(path: Path, tmpdir: Path) -> None:
    W, H = A4
    c = new_canvas(str(path), A4, "Scanned delivery note", "Quarry fixtures")
    c.setFont("Helvetica-Bold", 14)
    c.drawString(25 * mm, H - 30 * mm, "Delivery documents")
    c.setFont("Helvetica", 10)
    lines_at(c, 25 * mm, H - 40 * mm, [
        "This page has a text layer. The next page is a scanned image without any text.",
        "Reference: DN-20418, Pelican Freight & Logistics Pty Ltd.",
    ], size=10, leading=14)
    c.showPage()
    png = tmpdir / "scan.png"
    scan_image_png(png)
    # page 2: image only, no text operators.  reportlab starts every page with
    # an empty "BT /F1 12 Tf 14.4 TL ET" that selects a default font; drop it
    # so the page's content stream has no text object at all.
    preamble = c._preamble
    c._preamble = re.sub(r"\s*BT .*? ET", "", preamble)
    c.drawImage(str(png), 20 * mm, H - 20 * mm - 80 * mm, width=170 * mm, height=170 * mm * 420 / 900)
    c.showPage()
    c._preamble = preamble
    c.save()


def rotated_pdf(path: Path) -> None:
    W, H = A4
    # reportlab swaps the MediaBox of a page with /Rotate 90, so ask for a
    # landscape canvas to get a portrait MediaBox [0 0 595 842]: the content is
    # laid out portrait and a viewer shows it turned 90 degrees clockwise.
    c = new_canvas(str(path), (H, W), "Rotated page", "Quarry fixtures")
    c.setPageRotation(90)
    c.setFont("Helvetica-Bold", 16)
    c.drawString(25 * mm, H - 30 * mm, "Rotated page text")
    c.setFont("Helvetica", 10)
    c.drawString(25 * mm, H - 40 * mm, "This page carries /Rotate 90 in its page dictionary.")
    c.showPage()
    c.save()


PAYMENT_PARAS = [
    "<b>Payment terms.</b> Invoices are payable within thirty days of the invoice date unless "
    "another period is agreed in writing. Payment is made by bank transfer to the account shown on "
    "the invoice, quoting the invoice number as the reference.",
    "Where payment is late, interest accrues on the overdue amount at four per cent above the base "
    "rate from the due date until payment is received in full. Partial payments are applied to the "
    "oldest open invoice first.",
    "Disputed items must be raised within fourteen days of receipt of the invoice; undisputed parts "
    "of an invoice remain payable on the due date. Early settlement within ten days earns a discount "
    "of two per cent of the net amount.",
]
DELIVERY_PARAS = [
    "<b>Delivery terms.</b> Goods are delivered to the address named in the order between 08:00 and "
    "16:00 on working days. Risk passes to the customer on delivery; title passes on payment in full.",
    "The customer inspects each delivery on arrival and notes visible damage or shortages on the "
    "delivery note before signing it. Concealed damage is reported within three working days.",
    "Delivery dates are estimates. Where a delivery is delayed by more than ten working days the "
    "customer may cancel the affected lines of the order without charge; other lines remain binding.",
]


def two_column_pdf(path: Path) -> None:
    W, H = A4
    c = new_canvas(str(path), A4, "Terms and conditions", "Quarry fixtures")
    c.setFont("Helvetica-Bold", 15)
    c.drawString(20 * mm, H - 22 * mm, "Standard terms of sale (extract)")
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13.5,
                           alignment=TA_JUSTIFY, spaceAfter=8)
    gutter = 10 * mm
    col_w = (W - 40 * mm - gutter) / 2
    top, height = H - 30 * mm, 110 * mm
    for x, paras in [(20 * mm, PAYMENT_PARAS), (20 * mm + col_w + gutter, DELIVERY_PARAS)]:
        f = Frame(x, top - height, col_w, height, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, showBoundary=0)
        f.addFromList([Paragraph(p, style) for p in paras], c)
    c.setFont("Helvetica", 8)
    c.drawCentredString(W / 2, 15 * mm, "Page 1 of 1")
    c.showPage()
    c.save()


LATIN1_NOTE = """Zahlungshinweis / Payment note
==============================

Empfänger: Société Générale de Fournitures (fictional)
Kontakt:   Jürgen Müller, Buchhaltung
Betrag:    £ 12,50 (Porto) + 48,20 Mehrwert für Überweisungsgebühren
Notiz:     Rückerstattung für Café-Bestellung, Größe L, «à la carte»
Datum:     14.03.2024

Dieses Dokument ist in ISO-8859-1 (Latin-1) kodiert und daher kein gültiges UTF-8.
"""

UNICODE_NOTE = (
    "# Receipt notes 🧾\n"
    "\n"
    "請求書 (seikyūsho) means *invoice*; 領収書 means *receipt*.\n"
    "\n"
    "- Cafe\u0301 with a combining acute (e + U+0301), not the precomposed é.\n"
    "- Emoji outside the BMP: 🧾 💶 📦 — each is one code point, two UTF-16 units.\n"
    "- Mathematical bold: 𝐓𝐨𝐭𝐚𝐥 𝟒𝟐,𝟎𝟎 €\n"
    "- Flag sequence: 🇲🇾 (two regional indicators)\n"
    "\n"
    "| Item | Amount |\n"
    "|---|---:|\n"
    "| 請求書の印刷 📄 | ¥1,200 |\n"
    "| Nai\u0308ve cre\u0300me bru\u0302le\u0301e | €7.50 |\n"
    "\n"
    "End of note: the word after this emoji 🧾 is **Total**.\n"
)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "Fixtures"))
    args = ap.parse_args()
    out = Path(args.out)
    docs_dir, gold_dir, edge_dir = out / "documents", out / "gold", out / "edge-cases"
    for d in (docs_dir, gold_dir, edge_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)

    for doc, writer in build_documents():
        path = docs_dir / doc.file
        # sanity: the arithmetic the gold promises
        assert doc.subtotal == sum(i.amount for i in doc.items)
        assert doc.total == doc.subtotal + doc.tax
        if doc.file.endswith(".pdf"):
            writer(doc, path)
        else:
            text = writer(doc)
            path.write_bytes(text.encode("utf-8"))
        gold = json.dumps(doc.gold(), indent=2, ensure_ascii=False) + "\n"
        (gold_dir / (path.stem + ".json")).write_text(gold, encoding="utf-8")

    tmp = out / ".tmp"
    tmp.mkdir(exist_ok=True)
    try:
        encrypted_pdf(edge_dir / "encrypted-empty-user-password.pdf", "",
                      "Encrypted but openable: this invoice has an empty user password.", "HOS-24-9001")
        encrypted_pdf(edge_dir / "encrypted-user-password.pdf", "quarry-test",
                      "Opened with the password: this invoice needs the user password.", "HOS-24-9002")
        scanned_pdf(edge_dir / "scanned-page.pdf", tmp)
    finally:
        shutil.rmtree(tmp)
    rotated_pdf(edge_dir / "rotated-page.pdf")
    two_column_pdf(edge_dir / "two-column.pdf")
    (edge_dir / "latin1-note.txt").write_bytes(LATIN1_NOTE.encode("iso-8859-1"))
    (edge_dir / "unicode-note.md").write_bytes(UNICODE_NOTE.encode("utf-8"))
    print(f"wrote fixtures to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
