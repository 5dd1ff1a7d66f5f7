"""Text-layer PDFs: characters from PDFium (pdfplumber on pages with drawn rules), paragraphs rebuilt from lines,
page chrome dropped, ruled tables kept."""
from __future__ import annotations

import ctypes
import io
import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ..errors import Code, ReadError
from ..log import fallback
from ..model import Block, Table
from ..rules.markers import MARKER_RE
from .quality import noise_reason

# Page numbers as 公文 prints them: "— 3 —", "- 3 -", "3", "第 3 页", "3/12".
_PAGE_NO = re.compile(r"^[\s—\-－–―·]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4})?[\s—\-－–―·]*$")
_DIGITS = re.compile(r"\d+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    ocr: bool = False


@dataclass(slots=True)
class PageReport:
    """What the reader found on each page: whether its text layer is usable."""

    number: int
    chars: int
    garbage: bool
    reason: str = ""


def page_is_garbage(text: str) -> tuple[bool, str]:
    """A text layer that cannot be trusted: empty, (cid:N) glyphs, U+FFFD, or no CJK at all."""
    stripped = re.sub(r"\s+", "", text)
    if not stripped:
        return True, "no text layer"
    cid = len(re.findall(r"\(cid:\d+\)", text))
    if cid and cid * 6 > len(stripped) * 0.2:
        return True, "glyphs without a Unicode map ((cid:N))"
    if stripped.count("\ufffd") > 0.1 * len(stripped):
        return True, "unmapped glyphs (U+FFFD)"
    if len(stripped) > 40 and not _CJK.search(stripped):
        return True, "no Chinese characters in the text layer"
    noise = noise_reason(stripped)
    if noise:
        return True, f"the text layer decodes to noise ({noise})"
    return False, ""


def open_pdf(data: bytes, path: str):
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFEncryptionError
    except ImportError as exc:  # pragma: no cover
        raise ReadError(path, f"pdfplumber is not installed ({exc})", Code.INTERNAL) from None
    if not data.lstrip()[:1024].find(b"%PDF") >= 0:
        raise ReadError(path, "not a PDF file (no %PDF header; corrupt or mis-named)", Code.UNREADABLE)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # forces the page tree to be parsed
        if not pdf.pages:
            raise ReadError(path, "the PDF has no pages", Code.EMPTY)
        return pdf
    except ReadError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parse failure is a damaged file for the user
        if _caused_by(exc, PDFEncryptionError):
            raise ReadError(path, "the PDF is encrypted (password-protected); remove the password and try again",
                            Code.ENCRYPTED) from None
        raise ReadError(path, f"the PDF is damaged or truncated and cannot be parsed ({type(exc).__name__})",
                        Code.UNREADABLE) from None


def _caused_by(exc: BaseException, cls: type) -> bool:
    """pdfplumber wraps pdfminer's errors: look through the arguments and the chain for the real cause."""
    seen = 0
    stack = [exc]
    while stack and seen < 20:
        e = stack.pop()
        seen += 1
        if isinstance(e, cls):
            return True
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        stack.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return False


def read_pdf(data: bytes, path: str, *, ocr=None, progress=None) -> tuple[list[Block], list[PageReport]]:
    """Read a PDF. `ocr` (pages -> lines) is called for pages whose text layer is unusable."""
    pdf = open_pdf(data, path)
    fast = _Pdfium.open(data)
    lines: list[Line] = []
    tables: list[tuple[int, float, Table]] = []
    reports: list[PageReport] = []
    heights: list[float] = []
    try:
        for pno, page in enumerate(pdf.pages, start=1):
            if progress:
                progress(pno, len(pdf.pages))
            try:
                chars = fast.page_chars(pno - 1) if fast else None
                page_lines, page_tables, report = _read_page(page, pno, chars)
            except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
                page_lines, page_tables = [], []
                report = PageReport(pno, 0, True, f"page could not be parsed ({type(exc).__name__})")
            if report.garbage and ocr is not None:
                page_lines = ocr(page, pno)
                page_tables = []
            reports.append(report)
            heights.append(float(page.height))
            lines.extend(page_lines)
            tables.extend((pno, top, t) for top, t in page_tables)
    finally:
        pdf.close()
        if fast:
            fast.close()
    if all(r.garbage for r in reports) and not lines:
        reasons = sorted({r.reason for r in reports})
        scanned = all(r.reason == "no text layer" for r in reports)
        raise ReadError(path, "the PDF has no usable text layer (" + "; ".join(reasons)
                        + "): it looks like a scan and needs OCR",
                        Code.SCANNED_WITHOUT_OCR if scanned else Code.GARBAGE)
    lines = _drop_page_chrome(lines, heights)
    blocks = _paragraphs(lines)
    return _merge_tables(blocks, tables), reports


def _has_doubled_chars(chars: list[dict]) -> bool:
    """Fake bold draws each glyph twice, slightly offset; a cheap check before pdfplumber's costly dedupe."""
    seen: set[tuple] = set()
    doubled = 0
    for c in chars:
        key = (c["text"], round(c["x0"]), round(c["top"]))
        if key in seen:
            doubled += 1
            if doubled > 5:
                return True
        seen.add(key)
    return False


class _Pdfium:
    """The characters of a page from PDFium (pypdfium2, installed with pdfplumber): the same text, boxes and sizes as
    pdfplumber's page.chars, some thirty times faster, because pdfminer's layout analysis is skipped. Pages with
    drawn rules (possible tables) or doubled glyphs still go through pdfplumber (None is returned for them)."""

    MIN_PATHS = 4  # as many drawn paths as a ruled table needs at least

    def __init__(self, doc, raw) -> None:
        self.doc, self.raw = doc, raw

    @classmethod
    def open(cls, data: bytes):
        if os.environ.get("PLANLINK_PDF_CHARS") == "pdfplumber":
            return None
        try:
            import pypdfium2 as pdfium
            import pypdfium2.raw as raw

            return cls(pdfium.PdfDocument(data), raw)
        except Exception as exc:  # noqa: BLE001 - any trouble: pdfplumber reads every page as before
            fallback(f"pdfium-open-{type(exc).__name__}", "PDF characters from pdfplumber for the whole file "
                     "(PDFium could not open it: %s)", type(exc).__name__)
            return None

    def close(self) -> None:
        self.doc.close()

    def page_chars(self, index: int) -> list[dict] | None:
        raw = self.raw
        try:
            page = self.doc[index]
        except Exception:  # noqa: BLE001
            return None
        try:
            paths = sum(1 for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=2))
            if paths >= self.MIN_PATHS:
                return None
            height = page.get_height()
            tp = page.get_textpage()
            try:
                n = tp.count_chars()
                chars: list[dict] = []
                rect = raw.FS_RECTF()
                ox, oy = ctypes.c_double(), ctypes.c_double()
                for i in range(n):
                    code = raw.FPDFText_GetUnicode(tp.raw, i)
                    if code in (0, 10, 13) or raw.FPDFText_IsGenerated(tp.raw, i) == 1:
                        continue
                    if not raw.FPDFText_GetLooseCharBox(tp.raw, i, rect):
                        continue
                    size = raw.FPDFText_GetFontSize(tp.raw, i)
                    # vertical extent from the baseline and the font size, as pdfminer's font box gives it: a glyph's
                    # own box (a low "，", a flat "一") would put it on a line of its own
                    raw.FPDFText_GetCharOrigin(tp.raw, i, ox, oy)
                    top = height - oy.value - 0.88 * size
                    chars.append({"text": chr(code), "x0": rect.left, "x1": rect.right,
                                  "top": top, "bottom": top + size, "size": size,
                                  "upright": abs(raw.FPDFText_GetCharAngle(tp.raw, i)) < 0.01})
            finally:
                tp.close()
            return None if _has_doubled_chars(chars) else chars
        except Exception as exc:  # noqa: BLE001 - an odd page: pdfplumber reads it
            fallback(f"pdfium-page-{type(exc).__name__}", "PDF characters from pdfplumber for a page PDFium "
                     "could not read (%s)", type(exc).__name__)
            return None
        finally:
            page.close()


def _read_page(page, pno: int,
               fast_chars: list[dict] | None = None) -> tuple[list[Line], list[tuple[float, Table]], PageReport]:
    if fast_chars is not None:
        raw = "".join(c["text"] for c in fast_chars)
        garbage, reason = page_is_garbage(raw)
        if not garbage:
            return _lines(fast_chars, [], pno), [], PageReport(pno, len(raw), False, "")
    chars = page.chars
    if _has_doubled_chars(chars):
        page = page.dedupe_chars(tolerance=1)
        chars = page.chars
    raw = "".join(c["text"] for c in chars)
    garbage, reason = page_is_garbage(raw)
    report = PageReport(pno, len(raw), garbage, reason)
    if garbage:
        return [], [], report
    boxes = []
    page_tables = []
    if len(page.lines) + len(page.rects) >= 4:  # ruled tables need drawn edges
        for ft in page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
            rows = [[_clean_cell(c) for c in row] for row in ft.extract()]
            rows = [r for r in rows if any(r)]
            if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
                boxes.append(ft.bbox)
                page_tables.append((ft.bbox[1], Table(rows=rows, header=rows[0], page=pno)))
    return _lines(chars, boxes, pno), page_tables, report


def _lines(chars: list[dict], boxes: list, pno: int) -> list[Line]:
    """Printed lines of a page, outside the boxes of its tables."""
    out: list[Line] = []
    for group in _char_lines(chars):
        x0, x1 = group[0]["x0"], max(c["x1"] for c in group)
        top, bottom = min(c["top"] for c in group), max(c["bottom"] for c in group)
        mid_y, mid_x = (top + bottom) / 2, (x0 + x1) / 2
        if any(b[0] - 2 <= mid_x <= b[2] + 2 and b[1] - 2 <= mid_y <= b[3] + 2 for b in boxes):
            continue
        text = _line_text(group).strip()
        if text:
            out.append(Line(text, x0, x1, top, bottom, statistics.median(c.get("size", 0) for c in group), pno))
    return out


def _char_lines(chars: list[dict]) -> list[list[dict]]:
    """Chars grouped into printed lines (same baseline within half a character), each sorted left to right.
    Built from the chars directly: pdfplumber's own text layout would compute the same lines more slowly."""
    rows: list[list[dict]] = []
    for c in sorted((c for c in chars if c.get("upright", True)), key=lambda c: (round(c["top"], 1), c["x0"])):
        size = c.get("size") or (c["bottom"] - c["top"]) or 10.0
        if rows and abs(c["top"] - rows[-1][0]["top"]) <= 0.5 * size:
            rows[-1].append(c)
        else:
            rows.append([c])
    for row in rows:
        row.sort(key=lambda c: c["x0"])
    return rows


def _line_text(row: list[dict]) -> str:
    """Glyphs joined; a space only where the PDF leaves a visible gap between Latin letters or digits."""
    parts = [row[0]["text"]]
    for prev, c in zip(row, row[1:]):
        gap = c["x0"] - prev["x1"]
        size = c.get("size") or 10.0
        if gap > 0.25 * size and (prev["text"].isascii() or c["text"].isascii()):
            parts.append(" ")
        elif gap > 1.5 * size:
            parts.append(" ")
        parts.append(c["text"])
    return "".join(parts)


def _clean_cell(c) -> str:
    """A cell's text with its line breaks kept (segmentation joins wrapped text and splits unit lists on them)."""
    if c is None:
        return ""
    return re.sub(r"[ \t]*\n[ \t]*", "\n", str(c)).strip()


def _drop_page_chrome(lines: list[Line], heights: list[float]) -> list[Line]:
    """Drop page numbers and running headers/footers (same text in the margin of many pages)."""
    if not lines:
        return lines
    npages = max(ln.page for ln in lines)
    margin_keys: Counter[str] = Counter()
    for ln in lines:
        h = heights[ln.page - 1]
        if ln.top < 0.1 * h or ln.bottom > 0.9 * h:
            margin_keys[_DIGITS.sub("#", ln.text)] += 1
    repeated = {k for k, n in margin_keys.items() if npages >= 3 and n >= max(3, npages // 2)}
    out = []
    for ln in lines:
        h = heights[ln.page - 1]
        in_margin = ln.top < 0.1 * h or ln.bottom > 0.9 * h
        if in_margin and (_PAGE_NO.match(ln.text) or _DIGITS.sub("#", ln.text) in repeated):
            continue
        out.append(ln)
    return out


def _paragraphs(lines: list[Line]) -> list[Block]:
    """Join the lines of one paragraph: a Chinese line break inside a sentence is not a paragraph break."""
    if not lines:
        return []
    lefts = Counter(round(ln.x0) for ln in lines)
    # the body's left edge: the leftmost x shared by several lines (a page of centred lines shares none)
    left = min((x for x, n in lefts.items() if n >= max(2, lefts.most_common(1)[0][1] * 0.3)), default=min(lefts))
    right = sorted(ln.x1 for ln in lines)[int(0.9 * (len(lines) - 1))]
    size = statistics.median(ln.size for ln in lines) or 12.0
    blocks: list[Block] = []
    cur: list[Line] = []

    def flush() -> None:
        if cur:
            text = cur[0].text
            for prev, ln in zip(cur, cur[1:]):
                sep = " " if prev.text[-1:].isascii() and prev.text[-1:].isalnum() and ln.text[:1].isascii() \
                    and ln.text[:1].isalnum() else ""
                text += sep + ln.text
            blocks.append(Block(text=text, page=cur[0].page,
                                bbox=(min(c.x0 for c in cur), cur[0].top, max(c.x1 for c in cur), cur[-1].bottom)))
            cur.clear()

    for ln in lines:
        if cur:
            prev = cur[-1]
            same_page = ln.page == prev.page
            gap = ln.top - prev.bottom if same_page else 0.0
            new_para = (
                MARKER_RE.match(ln.text) is not None
                or ln.x0 > left + 1.5 * size  # first-line indent or a centred line
                or (prev.x1 < right - 3.2 * size and not _broken_run(prev.text, ln.text))  # stopped short
                or (prev.x1 < right - 0.8 * size and prev.text[-1:] in "。！？；：!?;:")
                or (same_page and gap > 1.2 * size)
                or (abs(ln.size - prev.size) > 1.0 and not (ln.ocr or prev.ocr))  # OCR boxes vary in height
                or _is_centered(prev, left, right, size)
            )
            if new_para:
                flush()
        cur.append(ln)
    flush()
    return blocks


_NO_START = "。，、；：？！）》」』”’〕】,.;:?!)"
_NO_END = "（《「『“‘〔【("


_SEQ_HEADER = re.compile(r"^\s*(?:序\s*号|编\s*号)\s*$")


def _seq_column(header: list[str]) -> int | None:
    """The table's own 序号 column, if it has one."""
    return next((k for k, h in enumerate(header) if _SEQ_HEADER.match(h or "")), None)


def _row_continues(last: list[str], first: list[str], seq: int | None = None) -> bool:
    """A table row broken by a page break. With a 序号 column: exactly when the next page's first row has no 序号 of
    its own (a numbered row is a new row, however the one before it ends). Without: the last row's longest cell stops
    mid-sentence and the next page's first row starts no new numbered item."""
    if seq is not None and seq < len(first):
        return not (first[seq] or "").strip() and any((c or "").strip() for c in first)
    longest = max(last, key=len, default="")
    if not longest or longest[-1] in "。；！？）)":
        return False
    head = next((c for c in first if c), "")
    return bool(head) and MARKER_RE.match(head) is None


def _broken_run(a: str, b: str) -> bool:
    """A line left short by the layout, not by a paragraph end: a number or Latin run that could not break
    ("（2024-" / "2026）"), or kinsoku pushing a character before 。，）》 to the next line."""
    if not a or not b:
        return False
    if a[-1] in "。！？；：!?;:":
        return False
    if a[-1] in _NO_END or b[0] in _NO_START or (len(b) > 1 and b[1] in _NO_START):
        return True
    return b[0].isascii() and (b[0].isalnum() or b[0] in "(（") or (a[-1].isascii() and a[-1].isalnum())


def _is_centered(ln: Line, left: float, right: float, size: float) -> bool:
    lgap, rgap = ln.x0 - left, right - ln.x1
    return lgap > 2.5 * size and rgap > 2.5 * size and abs(lgap - rgap) < 1.5 * size


def _merge_tables(blocks: list[Block], tables: list[tuple[int, float, Table]]) -> list[Block]:
    """Put tables in reading order among paragraphs; a table continued on the next page is joined."""
    if not tables:
        return blocks
    items: list[tuple[int, float, Block]] = []
    for b in blocks:
        items.append((b.page or 0, b.bbox[1] if b.bbox else 0.0, b))
    for pno, top, t in tables:
        items.append((pno, top, Block(kind="table", table=t, page=pno)))
    items.sort(key=lambda x: (x[0], x[1]))
    out: list[Block] = []
    for _, _, b in items:
        prev = out[-1] if out else None
        if (b.kind == "table" and prev is not None and prev.kind == "table"
                and len(prev.table.rows[-1]) == len(b.table.rows[0])):
            rows = b.table.rows[1:] if b.table.rows[0] == prev.table.header else b.table.rows
            if rows and _row_continues(prev.table.rows[-1], rows[0], _seq_column(prev.table.header or prev.table.rows[0])):
                last = prev.table.rows[-1]
                prev.table.rows[-1] = [x + y for x, y in zip(last, rows[0])]
                rows = rows[1:]
            prev.table.rows.extend(rows)
            continue
        out.append(b)
    return out
