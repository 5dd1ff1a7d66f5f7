"""Layout rules: characters -> printed lines -> paragraphs, page chrome dropped (thresholds in thresholds.py)."""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ...model import Block
from ...rules.markers import MARKER_RE
from ...segment.lines import DATE_LINE, is_signature_name
from ...text import balance_quotes
from .thresholds import THRESHOLDS as T

# Page numbers as 公文 prints them: "— 3 —", "- 3 -", "3", "第 3 页", "3/12".
_PAGE_NO = re.compile(r"^[\s—\-－–―·]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4})?[\s—\-－–―·]*$")
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = "。！？；：!?;:"
# kinsoku: characters a line may not start with, and characters it may not end with
_NO_START = "。，、；：？！）》」』”’〕】,.;:?!)"
_NO_END = "（《「『“‘〔【("


@dataclass(slots=True)
class Line:
    """One printed line of a page (from the text layer, or from OCR with `ocr` set)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    ocr: bool = False


def lines(chars: list[dict], boxes: list, pno: int) -> list[Line]:
    """Printed lines of a page, outside the boxes of its tables."""
    out: list[Line] = []
    pad = T.table_box_margin_pt
    for group in char_lines(chars):
        x0, x1 = group[0]["x0"], max(c["x1"] for c in group)
        top, bottom = min(c["top"] for c in group), max(c["bottom"] for c in group)
        mid_y, mid_x = (top + bottom) / 2, (x0 + x1) / 2
        if any(b[0] - pad <= mid_x <= b[2] + pad and b[1] - pad <= mid_y <= b[3] + pad for b in boxes):
            continue
        text = line_text(group).strip()
        if text:
            out.append(Line(text, x0, x1, top, bottom, statistics.median(c.get("size", 0) for c in group), pno))
    return out


def _size(c: dict) -> float:
    return c.get("size") or (c["bottom"] - c["top"]) or T.default_size_pt


def char_lines(chars: list[dict]) -> list[list[dict]]:
    """Chars grouped into printed lines (same baseline within half a character), each sorted left to right.
    Built from the chars directly: pdfplumber's own text layout would compute the same lines more slowly."""
    rows: list[list[dict]] = []
    for c in sorted((c for c in chars if c.get("upright", True)),
                    key=lambda c: (round(c["top"], T.top_decimals), c["x0"])):
        if rows and abs(c["top"] - rows[-1][0]["top"]) <= T.same_line * _size(c):
            rows[-1].append(c)
        else:
            rows.append([c])
    for row in rows:
        row.sort(key=lambda c: c["x0"])
    return rows


def line_text(row: list[dict]) -> str:
    """Glyphs joined; a space only where the PDF leaves a visible gap between Latin letters or digits."""
    parts = [row[0]["text"]]
    for prev, c in zip(row, row[1:]):
        gap = c["x0"] - prev["x1"]
        size = c.get("size") or T.default_size_pt
        if gap > T.latin_space * size and (prev["text"].isascii() or c["text"].isascii()):
            parts.append(" ")
        elif gap > T.cjk_space * size:
            parts.append(" ")
        parts.append(c["text"])
    return "".join(parts)


def _in_margin(ln: Line, height: float) -> bool:
    return ln.top < T.margin_share * height or ln.bottom > (1 - T.margin_share) * height


def drop_page_chrome(lines: list[Line], heights: list[float]) -> list[Line]:
    """Drop page numbers and running headers/footers (same text in the margin of many pages)."""
    if not lines:
        return lines
    npages = max(ln.page for ln in lines)
    margin_keys: Counter[str] = Counter()
    for ln in lines:
        if _in_margin(ln, heights[ln.page - 1]):
            margin_keys[_DIGITS.sub("#", ln.text)] += 1
    least = max(T.chrome_min_pages, int(npages * T.chrome_page_share))
    repeated = {k for k, n in margin_keys.items() if npages >= T.chrome_min_pages and n >= least}
    return [ln for ln in lines
            if not (_in_margin(ln, heights[ln.page - 1])
                    and (_PAGE_NO.match(ln.text) or _DIGITS.sub("#", ln.text) in repeated))]


def paragraphs(lines: list[Line]) -> list[Block]:
    """Join the lines of one paragraph: a Chinese line break inside a sentence is not a paragraph break."""
    if not lines:
        return []
    lefts = Counter(round(ln.x0) for ln in lines)
    # the body's left edge: the leftmost x shared by several lines (a page of centred lines shares none)
    shared = max(T.left_edge_min_lines, lefts.most_common(1)[0][1] * T.left_edge_share)
    left = min((x for x, n in lefts.items() if n >= shared), default=min(lefts))
    right = sorted(ln.x1 for ln in lines)[int(T.right_edge_quantile * (len(lines) - 1))]
    size = statistics.median(ln.size for ln in lines) or T.default_body_pt
    blocks: list[Block] = []
    cur: list[Line] = []

    def flush() -> None:
        if cur:
            text = cur[0].text
            for prev, ln in zip(cur, cur[1:]):
                sep = " " if prev.text[-1:].isascii() and prev.text[-1:].isalnum() and ln.text[:1].isascii() \
                    and ln.text[:1].isalnum() else ""
                text += sep + ln.text
            if any(c.ocr for c in cur):
                text = balance_quotes(text)  # OCR loses the direction of a quote; a paragraph closes what it opens
            blocks.append(Block(text=text, page=cur[0].page,
                                bbox=(min(c.x0 for c in cur), cur[0].top, max(c.x1 for c in cur), cur[-1].bottom)))
            cur.clear()

    closing = signature_lines(lines, right, size)
    for i, ln in enumerate(lines):
        if cur and (i in closing or i - 1 in closing or _starts_paragraph(cur[-1], ln, left, right, size)):
            flush()
        cur.append(ln)
    flush()
    return blocks


def signature_lines(lines: list[Line], right: float, size: float) -> set[int]:
    """Indices of a signature's lines, each a paragraph of its own whatever its indent: a date line (2024年3月15日)
    and the short organization names right before it, or short organization names ending the document. Flush-left
    signature lines (a PDF printed from plain text) would otherwise be joined to the paragraph before them."""
    def short(ln: Line) -> bool:
        return ln.x1 < right - T.stopped_short * size

    out: set[int] = set()
    for i, ln in enumerate(lines):
        end = i == len(lines) - 1
        if not (short(ln) and (DATE_LINE.match(ln.text) or (end and is_signature_name(ln.text)))):
            continue
        out.add(i)
        k = i - 1
        while k >= 0 and k not in out and short(lines[k]) and is_signature_name(lines[k].text):
            out.add(k)
            k -= 1
    return out


def _starts_paragraph(prev: Line, ln: Line, left: float, right: float, size: float) -> bool:
    gap = ln.top - prev.bottom if ln.page == prev.page else 0.0
    return (
        MARKER_RE.match(ln.text) is not None
        or ln.x0 > left + T.indent * size  # first-line indent or a centred line
        or (prev.x1 < right - T.stopped_short * size and not broken_run(prev.text, ln.text))  # stopped short
        or (prev.x1 < right - T.stopped_at_end * size and prev.text[-1:] in _SENTENCE_END)
        or gap > T.para_gap * size
        # OCR boxes vary in height, so a size change says nothing between OCR'd lines
        or (abs(ln.size - prev.size) > T.size_change_pt and not (ln.ocr or prev.ocr))
        or is_centred(prev, left, right, size)
    )


def broken_run(a: str, b: str) -> bool:
    """A line left short by the layout, not by a paragraph end: a number or Latin run that could not break
    ("（2024-" / "2026）"), or kinsoku pushing a character before 。，）》 to the next line."""
    if not a or not b:
        return False
    if a[-1] in _SENTENCE_END:
        return False
    if a[-1] in _NO_END or b[0] in _NO_START or (len(b) > 1 and b[1] in _NO_START):
        return True
    return b[0].isascii() and (b[0].isalnum() or b[0] in "(（") or (a[-1].isascii() and a[-1].isalnum())


def is_centred(ln: Line, left: float, right: float, size: float) -> bool:
    lgap, rgap = ln.x0 - left, right - ln.x1
    side = T.centred_side * size
    return lgap > side and rgap > side and abs(lgap - rgap) < T.centred_balance * size
