"""Ruled tables of PDF pages: found by pdfplumber on drawn rules, put in reading order among the paragraphs, and
joined across page breaks (a broken row joined only when the next page's first row has no 序号 of its own)."""
from __future__ import annotations

import re

from ...model import Block, Table
from ...rules.markers import MARKER_RE
from .thresholds import THRESHOLDS as T

_CELL_BREAK = re.compile(r"[ \t]*\n[ \t]*")
_SEQ_HEADER = re.compile(r"^\s*(?:序\s*号|编\s*号)\s*$")
# a cell that ends a sentence (or a bracketed remark) ends its row
_ROW_END = "。；！？）)"
# pdfplumber's table finder on the page's drawn rules only: text alignment finds "tables" in every indented list
_RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def find_tables(page, pno: int) -> list[tuple[tuple, Table]]:
    """The ruled tables of a page: (bbox, table) each, empty rows dropped. `page` is a pdfplumber page, or anything
    with its chars, edges and bbox (PDFium's page): pdfplumber's table finder needs nothing else."""
    from pdfplumber.table import TableFinder, TableSettings  # deferred: a PDF is open, so this costs nothing

    found = []
    for ft in TableFinder(page, TableSettings.resolve(_RULED)).tables:
        rows = [[clean_cell(c) for c in row] for row in ft.extract()]
        rows = [r for r in rows if any(r)]
        if len(rows) >= T.table_min_rows and max(len(r) for r in rows) >= T.table_min_cols:
            found.append((ft.bbox, Table(rows=rows, header=rows[0], page=pno)))
    return found


def clean_cell(c) -> str:
    """A cell's text with its line breaks kept (segmentation joins wrapped text and splits unit lists on them)."""
    if c is None:
        return ""
    return _CELL_BREAK.sub("\n", str(c)).strip()


def seq_column(header: list[str]) -> int | None:
    """The table's own 序号 column, if it has one."""
    return next((k for k, h in enumerate(header) if _SEQ_HEADER.match(h or "")), None)


def row_continues(last: list[str], first: list[str], seq: int | None = None) -> bool:
    """A table row broken by a page break. With a 序号 column: exactly when the next page's first row has no 序号 of
    its own (a numbered row is a new row, however the one before it ends). Without: the last row's longest cell stops
    mid-sentence and the next page's first row starts no new numbered item."""
    if seq is not None and seq < len(first):
        return not (first[seq] or "").strip() and any((c or "").strip() for c in first)
    longest = max(last, key=len, default="")
    if not longest or longest[-1] in _ROW_END:
        return False
    head = next((c for c in first if c), "")
    return bool(head) and MARKER_RE.match(head) is None


def merge_tables(blocks: list[Block], tables: list[tuple[int, float, Table]]) -> list[Block]:
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
            seq = seq_column(prev.table.header or prev.table.rows[0])
            if rows and row_continues(prev.table.rows[-1], rows[0], seq):
                last = prev.table.rows[-1]
                prev.table.rows[-1] = [x + y for x, y in zip(last, rows[0])]
                rows = rows[1:]
            prev.table.rows.extend(rows)
            continue
        out.append(b)
    return out
