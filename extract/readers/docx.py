"""Word .docx files: body paragraphs and tables in reading order, merged cells resolved."""
from __future__ import annotations

import io
import zipfile

from ..errors import ReadError
from ..model import Block, Table


def read_docx(data: bytes, path: str) -> list[Block]:
    try:
        import docx
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - python-docx is a hard dependency
        raise ReadError(path, f"python-docx is not installed ({exc})") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(path, "not a valid Word .docx file (it is not a ZIP package; corrupt or mis-named)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any parse failure is a corrupt file for the user
        raise ReadError(path, f"not a valid Word .docx file ({type(exc).__name__}: {exc})") from None

    blocks: list[Block] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, document).text.strip()
            if text:
                for line in text.split("\n"):
                    if line.strip():
                        blocks.append(Block(text=line.strip()))
        elif tag == "tbl":
            table = _read_table(DocxTable(child, document))
            if table.rows:
                blocks.append(Block(kind="table", table=table))
    if not blocks:
        raise ReadError(path, "the Word document has no text")
    return blocks


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
