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
    """The characters and drawn edges of a page from PDFium (pypdfium2, installed with pdfplumber): the same text,
    boxes and sizes as pdfplumber's page.chars, and the same rules for its table finder, some thirty times faster,
    because pdfminer's interpreter is skipped. Pages with doubled glyphs or odd geometry still go through
    pdfplumber (None is returned for them). PLANLINK_PDF_CHARS=pdfplumber reads every page with pdfplumber."""

    def __init__(self, doc, raw) -> None:
        self.doc, self.raw = doc, raw

    @classmethod
    def open(cls, data: bytes):
        if os.environ.get("PLANLINK_PDF_CHARS") == "pdfplumber":
            return None
        try:
            import pypdfium2 as pdfium  # deferred: a text or Word file never needs PDFium
            from pypdfium2 import raw

            return cls(pdfium.PdfDocument(data), raw)
        except Exception as exc:  # noqa: BLE001 - any trouble: pdfplumber reads every page as before
            fallback(f"pdfium-open-{type(exc).__name__}", "PDF characters from pdfplumber for the whole file "
                     "(PDFium could not open it: %s)", type(exc).__name__)
            return None

    def close(self) -> None:
        self.doc.close()

    def __len__(self) -> int:
        return len(self.doc)

    def page(self, index: int) -> PdfiumPage | None:
        """The page's characters in pdfplumber's shape and the edges of its drawn paths, or None when pdfplumber must
        read the page (doubled glyphs, a rotated page or one whose media box does not start at the origin)."""
        try:
            page = self.doc[index]
        except Exception as exc:  # noqa: BLE001
            fallback(f"pdfium-load-{type(exc).__name__}", "PDF characters from pdfplumber for a page PDFium could "
                     "not load (%s)", type(exc).__name__)
            return None
        try:
            box = page.get_mediabox()
            if page.get_rotation() or box[0] or box[1]:
                fallback("pdfium-geometry", "PDF characters from pdfplumber for rotated pages or pages whose media "
                         "box is not at the origin")
                return None
            chars = self._chars(page)
            if has_doubled_chars(chars):
                fallback("pdfium-doubled", "PDF characters from pdfplumber for pages with doubled glyphs (fake bold), "
                         "which it deduplicates")
                return None
            paths, edges = self._edges(page)
            return PdfiumPage(chars, edges, paths, (0.0, 0.0, page.get_width(), page.get_height()))
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
                              "top": top, "bottom": top + size, "doctop": top, "size": size,
                              "upright": abs(raw.FPDFText_GetCharAngle(tp.raw, i)) < T.upright_angle})
            return chars
        finally:
            tp.close()

    def _edges(self, page) -> tuple[int, list[dict]]:
        """How many path objects the page draws (in form XObjects too), and the horizontal and vertical edges of
        their subpaths in pdfplumber's edge shape (top-down coordinates), for pdfplumber's table finder."""
        raw = self.raw
        height = page.get_height()
        edges: list[dict] = []
        count = 0
        stack = [(raw.FPDFPage_GetObject(page.raw, i), _IDENTITY, 0)
                 for i in range(raw.FPDFPage_CountObjects(page.raw))]
        matrix = raw.FS_MATRIX()
        x, y = ctypes.c_float(), ctypes.c_float()
        while stack:
            obj, outer, depth = stack.pop()
            kind = raw.FPDFPageObj_GetType(obj)
            if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
                continue
            own = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
            if raw.FPDFPageObj_GetMatrix(obj, matrix):
                own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            m = _compose(own, outer)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                if depth + 1 < T.table_path_depth:
                    stack.extend((raw.FPDFFormObj_GetObject(obj, i), m, depth + 1)
                                 for i in range(raw.FPDFFormObj_CountObjects(obj)))
                continue
            count += 1
            points: list[tuple[float, float]] = []  # the current subpath's on-curve points, in page space
            start = None
            bezier = 0
            for i in range(raw.FPDFPath_CountSegments(obj)):
                seg = raw.FPDFPath_GetPathSegment(obj, i)
                raw.FPDFPathSegment_GetPoint(seg, x, y)
                pt = _apply(m, x.value, y.value)
                kind_seg = raw.FPDFPathSegment_GetType(seg)
                if kind_seg == raw.FPDF_SEGMENT_MOVETO:
                    _subpath_edges(points, height, edges)
                    points, start, bezier = [pt], pt, 0
                    continue
                if kind_seg == raw.FPDF_SEGMENT_BEZIERTO:
                    bezier += 1
                    if bezier % 3:  # control points: pdfminer keeps only the end point of a curve segment
                        continue
                points.append(pt)
                if raw.FPDFPathSegment_GetClose(seg) and start is not None and pt != start:
                    points.append(start)
            _subpath_edges(points, height, edges)
        return count, edges


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix applying `inner` then `outer` (PDF's row-vector convention: [a b c d e f])."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def _subpath_edges(points: list[tuple[float, float]], height: float, out: list[dict]) -> None:
    """The horizontal and vertical segments of one subpath as edges (what pdfplumber makes of its lines, rects and
    curves); slanted segments are no table rule."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if y0 == y1:
            orientation = "h"
        elif x0 == x1:
            orientation = "v"
        else:
            continue
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        out.append({"object_type": "curve_edge", "x0": min(x0, x1), "x1": max(x0, x1), "top": top,
                    "bottom": bottom, "doctop": top, "y0": min(y0, y1), "y1": max(y0, y1),
                    "width": abs(x1 - x0), "height": abs(y1 - y0), "orientation": orientation})


@dataclass(slots=True)
class PdfiumPage:
    """What PDFium gives of a page: its characters, its drawn edges, how many paths drew them, its box."""

    chars: list[dict]
    edges: list[dict]
    paths: int
    bbox: tuple[float, float, float, float]
