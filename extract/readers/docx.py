"""Word .docx files: body paragraphs and tables in reading order, merged cells resolved."""
from __future__ import annotations

import io
import zipfile

from ..errors import Code, ReadError
from ..limits import Limits, check_table, check_zip
from ..model import Block, Table


def read_docx(data: bytes, path: str) -> list[Block]:
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - python-docx is a hard dependency
        raise ReadError(path, f"python-docx is not installed ({exc})", Code.INTERNAL) from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(path, "not a valid Word .docx file (it is not a ZIP package; corrupt or mis-named)",
                        Code.UNREADABLE)
    check_zip(data, path)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any parse failure is a corrupt file for the user
        raise ReadError(path, f"not a valid Word .docx file ({type(exc).__name__}: {exc})",
                        Code.UNREADABLE) from None

    blocks: list[Block] = []
    body = document.element.body
    _limit_spans(body, path)
    numbering = _Numbering(document)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                text = numbering.label(child, Paragraph(child, document).style) + text
                for line in text.split("\n"):
                    if line.strip():
                        blocks.append(Block(text=line.strip()))
        elif tag == "tbl":
            table = _read_table(DocxTable(child, document))
            if table.rows:
                blocks.append(Block(kind="table", table=table))
    if not blocks:
        raise ReadError(path, "the Word document has no text", Code.NO_TEXT)
    return blocks


def _limit_spans(body, path: str) -> None:
    """python-docx expands a cell once per grid column it spans: clamp gridSpan and bound the cells of each table
    before it does (a 1 kB cell with gridSpan=100000000 would otherwise take gigabytes)."""
    limits = Limits.from_env()
    for tbl in body.iter(_W + "tbl"):
        cells = 0
        for tc in tbl.iter(_W + "tc"):
            span = 1
            pr = tc.find(_W + "tcPr")
            gs = pr.find(_W + "gridSpan") if pr is not None else None
            if gs is not None:
                try:
                    span = int(gs.get(_W + "val", "1"))
                except ValueError:
                    span = 1
                if not 1 <= span <= limits.max_span:
                    span = min(max(span, 1), limits.max_span)
                    gs.set(_W + "val", str(span))
            cells += span
        check_table(path, cells, limits)


def _read_table(table) -> Table:
    """Rows of cell texts; a horizontally merged cell is kept once, a vertically merged one is left empty
    below its origin (segmentation fills merged cells down, as ANNOTATION.md asks)."""
    rows: list[list[str]] = []
    seen_above: dict[int, object] = {}
    for row in table.rows:
        cells: list[str] = []
        last_tc = None
        for col, cell in enumerate(row.cells):
            tc = cell._tc
            if tc is last_tc:
                continue  # horizontal merge: python-docx repeats the same cell
            last_tc = tc
            text = "\n".join(p.text for p in cell.paragraphs).strip()
            if seen_above.get(col) is tc:
                text = ""  # vertical merge continuation
            seen_above[col] = tc
            cells.append(text)
        if any(cells):
            rows.append(cells)
    return Table(rows=rows, header=rows[0] if rows else [])


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (the chineseCounting format of Word lists)."""
    if not 0 <= n < 10000:
        return str(n)
    import cn2an  # only for Word's Chinese list numbers: its import costs 0.15 s of a cold start

    return cn2an.an2cn(n)


def _circled(n: int) -> str:
    return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)


_FORMATS = {
    "decimal": str, "chineseCounting": _cn_number, "chineseCountingThousand": _cn_number,
    "ideographTraditional": _cn_number, "japaneseCounting": _cn_number, "taiwaneseCounting": _cn_number,
    "decimalEnclosedCircle": _circled, "decimalEnclosedCircleChinese": _circled,
    "decimalFullWidth": lambda n: "".join(chr(ord(c) + 0xFEE0) for c in str(n)),
}


class _Numbering:
    """Word's automatic list numbers (numPr): their text is not in the paragraph, so it is rebuilt from
    numbering.xml (一、 （一） 1. as the document shows them) and put before the paragraph text."""

    def __init__(self, document) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, AttributeError, KeyError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.iter(_W + "abstractNum"):
            aid = an.get(_W + "abstractNumId")
            levels = {}
            for lvl in an.iter(_W + "lvl"):
                ilvl = int(lvl.get(_W + "ilvl", "0"))
                fmt = lvl.find(_W + "numFmt")
                text = lvl.find(_W + "lvlText")
                start = lvl.find(_W + "start")
                levels[ilvl] = (fmt.get(_W + "val") if fmt is not None else "decimal",
                                text.get(_W + "val") if text is not None else "",
                                int(start.get(_W + "val")) if start is not None else 1)
            abstract[aid] = levels
        for num in root.iter(_W + "num"):
            nid = num.get(_W + "numId")
            ref = num.find(_W + "abstractNumId")
            if ref is not None:
                for ilvl, spec in abstract.get(ref.get(_W + "val"), {}).items():
                    self.levels[(nid, ilvl)] = spec

    def label(self, p, style=None) -> str:
        if not self.levels:
            return ""
        ppr = p.find(_W + "pPr")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        while numpr is None and style is not None:  # numbering set by the paragraph's style ("List Number")
            sppr = style.element.find(_W + "pPr")
            numpr = sppr.find(_W + "numPr") if sppr is not None else None
            style = style.base_style
        if numpr is None:
            return ""
        nid_el, ilvl_el = numpr.find(_W + "numId"), numpr.find(_W + "ilvl")
        nid = nid_el.get(_W + "val") if nid_el is not None else None
        ilvl = int(ilvl_el.get(_W + "val")) if ilvl_el is not None else 0
        spec = self.levels.get((nid, ilvl))
        if spec is None or spec[0] in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(nid, [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        text = spec[1]
        for lvl in range(9):
            key = f"%{lvl + 1}"
            if key in text:
                fmt, _, start = self.levels.get((nid, lvl), ("decimal", "", 1))
                n = counters[lvl] + start - 1 if counters[lvl] else start
                text = text.replace(key, _FORMATS.get(fmt, str)(max(n, 1)))
        return text
