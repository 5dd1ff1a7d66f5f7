"""The characters of a PDF page and whether they can be trusted: PDFium (pypdfium2) where no table can be, pdfplumber
(pdfminer) on pages with drawn rules or doubled glyphs; each fallback logged once."""
from __future__ import annotations

import ctypes
import os
import re
from dataclasses import dataclass

from ...log import fallback
from ..quality import noise_reason
from .thresholds import THRESHOLDS as T

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CID = re.compile(r"\(cid:\d+\)")
_SPACE = re.compile(r"\s+")
# Characters PDFium reports that are no glyph: NUL and the line breaks it generates between text objects.
_NOT_GLYPHS = (0, 10, 13)


@dataclass(slots=True)
class PageReport:
    """What the reader found on each page: whether its text layer is usable."""

    number: int
    chars: int
    garbage: bool
    reason: str = ""


def page_is_garbage(text: str) -> tuple[bool, str]:
    """A text layer that cannot be trusted: empty, (cid:N) glyphs, U+FFFD, or no CJK at all."""
    stripped = _SPACE.sub("", text)
    if not stripped:
        return True, "no text layer"
    cid = len(_CID.findall(text))
    if cid and cid * T.cid_chars > len(stripped) * T.cid_share:
        return True, "glyphs without a Unicode map ((cid:N))"
    if stripped.count("\ufffd") > T.fffd_share * len(stripped):
        return True, "unmapped glyphs (U+FFFD)"
    if len(stripped) > T.no_cjk_min_chars and not _CJK.search(stripped):
        return True, "no Chinese characters in the text layer"
    noise = noise_reason(stripped)
    if noise:
        return True, f"the text layer decodes to noise ({noise})"
    return False, ""


def report(pno: int, chars: list[dict]) -> PageReport:
    """The page's report from its characters."""
    text = "".join(c["text"] for c in chars)
    garbage, reason = page_is_garbage(text)
    return PageReport(pno, len(text), garbage, reason)


def has_doubled_chars(chars: list[dict]) -> bool:
    """Fake bold draws each glyph twice, slightly offset; a cheap check before pdfplumber's costly dedupe."""
    seen: set[tuple] = set()
    doubled = 0
    for c in chars:
        key = (c["text"], round(c["x0"]), round(c["top"]))
        if key in seen:
            doubled += 1
            if doubled > T.doubled_glyphs:
                return True
        seen.add(key)
    return False


def plumber_chars(page):
    """pdfplumber's characters of a page (pdfminer's interpreter), fake bold removed: (page, chars); the page
    returned is the deduplicated one, which table finding must use too."""
    chars = page.chars
    if has_doubled_chars(chars):
        page = page.dedupe_chars(tolerance=T.dedupe_tolerance_pt)
        chars = page.chars
    return page, chars


def may_hold_table(page) -> bool:
    """Whether pdfplumber sees enough drawn lines and rectangles on the page for a ruled table."""
    return len(page.lines) + len(page.rects) >= T.table_min_edges


class PdfiumChars:
    """The characters of a page from PDFium (pypdfium2, installed with pdfplumber): the same text, boxes and sizes as
    pdfplumber's page.chars, some thirty times faster, because pdfminer's interpreter is skipped. Pages with drawn
    rules (possible tables) or doubled glyphs still go through pdfplumber (None is returned for them).
    PLANLINK_PDF_CHARS=pdfplumber reads every page with pdfplumber."""

    def __init__(self, doc, raw) -> None:
        self.doc, self.raw = doc, raw

    @classmethod
    def open(cls, data: bytes):
        if os.environ.get("PLANLINK_PDF_CHARS") == "pdfplumber":
            return None
        try:
            import pypdfium2 as pdfium  # deferred: a text or Word file never needs PDFium
            import pypdfium2.raw as raw

            return cls(pdfium.PdfDocument(data), raw)
        except Exception as exc:  # noqa: BLE001 - any trouble: pdfplumber reads every page as before
            fallback(f"pdfium-open-{type(exc).__name__}", "PDF characters from pdfplumber for the whole file "
                     "(PDFium could not open it: %s)", type(exc).__name__)
            return None

    def close(self) -> None:
        self.doc.close()

    def __len__(self) -> int:
        return len(self.doc)

    def page_chars(self, index: int) -> list[dict] | None:
        """The page's characters in pdfplumber's shape, or None when pdfplumber must read the page."""
        raw = self.raw
        try:
            page = self.doc[index]
        except Exception as exc:  # noqa: BLE001
            fallback(f"pdfium-load-{type(exc).__name__}", "PDF characters from pdfplumber for a page PDFium could "
                     "not load (%s)", type(exc).__name__)
            return None
        try:
            paths = sum(1 for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=T.table_path_depth))
            if paths >= T.table_min_paths:
                return None  # drawn rules: a possible table, which only pdfplumber finds
            chars = self._chars(page)
            return None if has_doubled_chars(chars) else chars
        except Exception as exc:  # noqa: BLE001 - an odd page: pdfplumber reads it
            fallback(f"pdfium-page-{type(exc).__name__}", "PDF characters from pdfplumber for a page PDFium "
                     "could not read (%s)", type(exc).__name__)
            return None
        finally:
            page.close()

    def _chars(self, page) -> list[dict]:
        raw = self.raw
        height = page.get_height()
        tp = page.get_textpage()
        try:
            chars: list[dict] = []
            rect = raw.FS_RECTF()
            ox, oy = ctypes.c_double(), ctypes.c_double()
            for i in range(tp.count_chars()):
                code = raw.FPDFText_GetUnicode(tp.raw, i)
                if code in _NOT_GLYPHS or raw.FPDFText_IsGenerated(tp.raw, i) == 1:
                    continue
                if not raw.FPDFText_GetLooseCharBox(tp.raw, i, rect):
                    continue
                size = raw.FPDFText_GetFontSize(tp.raw, i)
                # the vertical extent from the baseline and the font size, as pdfminer's font box gives it
                raw.FPDFText_GetCharOrigin(tp.raw, i, ox, oy)
                top = height - oy.value - T.ascent * size
                chars.append({"text": chr(code), "x0": rect.left, "x1": rect.right,
                              "top": top, "bottom": top + size, "size": size,
                              "upright": abs(raw.FPDFText_GetCharAngle(tp.raw, i)) < T.upright_angle})
            return chars
        finally:
            tp.close()
