"""Text-layer PDFs: opens the file, reads each page (characters, or OCR for a page without a usable text layer) and
assembles paragraphs and tables in reading order. Character source: chars.py; layout rules: layout.py (thresholds in
thresholds.py); tables: tables.py."""
from __future__ import annotations

import io

from ...errors import Code, ReadError
from ...model import Block, Table
from .chars import PageReport, PdfiumChars, PdfiumPage, may_hold_table, page_is_garbage, plumber_chars, report
from .layout import Line, drop_page_chrome, lines, paragraphs
from .tables import find_tables, merge_tables
from .thresholds import THRESHOLDS as T

__all__ = ["Line", "PageReport", "open_pdf", "page_is_garbage", "read_pdf"]

# Acrobat accepts a %PDF header anywhere in the first 1,024 bytes (some generators put junk before it)
_HEADER_WINDOW = 1024
# how far to follow the arguments and chain of an exception for its real cause
_CAUSE_DEPTH = 20


def open_pdf(data: bytes, path: str):
    """The pdfplumber document, or one ReadError naming the reason (not a PDF, no pages, encrypted, damaged)."""
    try:
        import pdfplumber  # deferred: pdfminer costs 0.1-0.2 s to import, which a text file never needs
        from pdfminer.pdfdocument import PDFEncryptionError
    except ImportError as exc:  # pragma: no cover
        raise ReadError(path, f"pdfplumber is not installed ({exc})", Code.INTERNAL) from None
    if not data.lstrip()[:_HEADER_WINDOW].find(b"%PDF") >= 0:
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
    while stack and seen < _CAUSE_DEPTH:
        e = stack.pop()
        seen += 1
        if isinstance(e, cls):
            return True
        stack.extend(a for a in getattr(e, "args", ()) if isinstance(a, BaseException))
        stack.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return False


def read_pdf(data: bytes, path: str, *, ocr=None, progress=None) -> tuple[list[Block], list[PageReport]]:
    """Read a PDF. `ocr` (PDF bytes, page numbers, progress -> lines per page) is called once with every page whose
    text layer is unusable, so that it can spread them over the cores."""
    pdf = open_pdf(data, path)
    fast = PdfiumChars.open(data)
    page_lines: list[list[Line]] = []
    tables: list[tuple[int, float, Table]] = []
    reports: list[PageReport] = []
    heights: list[float] = []
    try:
        for pno, page in enumerate(pdf.pages, start=1):
            if progress:
                progress(pno, len(pdf.pages))
            try:
                found, page_tables, rep = _read_page(page, pno, fast.page(pno - 1) if fast else None)
            except Exception as exc:  # noqa: BLE001 - one bad page must not lose the others
                found, page_tables = [], []
                rep = PageReport(pno, 0, True, f"page could not be parsed ({type(exc).__name__})")
            reports.append(rep)
            heights.append(float(page.height))
            page_lines.append(found)
            tables.extend((pno, top, t) for top, t in page_tables)
    finally:
        pdf.close()
        if fast:
            fast.close()
    scans = [r.number for r in reports if r.garbage]
    if scans and ocr is not None:
        for pno, found in ocr(data, scans, progress).items():
            page_lines[pno - 1] = found
    all_lines = [ln for found in page_lines for ln in found]
    if all(r.garbage for r in reports) and not all_lines:
        reasons = sorted({r.reason for r in reports})
        scanned = all(r.reason == "no text layer" for r in reports)
        raise ReadError(path, "the PDF has no usable text layer (" + "; ".join(reasons)
                        + "): it looks like a scan and needs OCR",
                        Code.SCANNED_WITHOUT_OCR if scanned else Code.GARBAGE)
    blocks = paragraphs(drop_page_chrome(all_lines, heights))
    return merge_tables(blocks, tables), reports


def _read_page(page, pno: int, fast: PdfiumPage | None = None) -> tuple[list[Line], list[tuple[float, Table]],
                                                                        PageReport]:
    """One page's lines outside tables, its tables (top, table) and its report. PDFium's characters and edges are
    used when given and usable; otherwise pdfplumber reads the page. Tables are looked for where paths are drawn."""
    if fast is not None:
        rep = report(pno, fast.chars)
        if not rep.garbage:
            found = find_tables(fast, pno) if fast.paths >= T.table_min_paths else []
            return _page_result(fast.chars, found, pno, rep)
    page, chars = plumber_chars(page)
    rep = report(pno, chars)
    if rep.garbage:
        return [], [], rep
    return _page_result(chars, find_tables(page, pno) if may_hold_table(page) else [], pno, rep)


def _page_result(chars: list[dict], found: list, pno: int, rep: PageReport):
    return lines(chars, [bbox for bbox, _ in found], pno), [(bbox[1], t) for bbox, t in found], rep
