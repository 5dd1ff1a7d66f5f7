"""Task-table exports: the rows policy staff read, as xlsx (openpyxl), csv and a terminal table (rich)."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import IO

from . import families
from .components import COMPONENTS
from .fileio import atomic_path
from .model import Clause, Document


def _columns() -> list[str]:
    return ["序号", "文件", "章节", "任务内容", *(col for comp in COMPONENTS for col in comp.columns), "行动类别", "是否任务",
            "条款编号"]


COLUMNS = _columns()
WIDTHS = [6, 24, 14, 70, 18, 22, 16, 18, 22, 18, 16, 22, 8, 12]


def row(doc: Document, c: Clause, n: int) -> list:
    section = "/".join(c.path) + (f" {c.heading}" if c.heading else "")
    return [n, doc.title, section.strip(), c.text, *(v for comp in COMPONENTS for v in comp.cells(c)),
            families.action_label(doc.family, c.action), "是" if c.is_task else "否", c.id]


def rows(docs: list[Document], tasks_only: bool = False) -> list[list]:
    out = []
    for d in docs:
        for c in d.clauses:
            if tasks_only and not c.is_task:
                continue
            out.append(row(d, c, len(out) + 1))
    return out


# OWASP CSV injection: a cell that starts with one of these is read as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A value as it may go into a CSV cell: text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_rows(data):
    return ([csv_safe(v) for v in r] for r in data)


def fill_sheet(ws, header: list[str], data: list[list], widths: list[int] | None = None) -> None:
    """A readable sheet: bold frozen header, wrapped text, column widths, an autofilter."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append(header)
    for r in data:
        ws.append(r)
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text that starts with "=": stored as text, never as a live formula
                cell.data_type = "s"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = wrap
    for k, w in enumerate(widths or [16] * len(header), start=1):
        ws.column_dimensions[get_column_letter(k)].width = w
    ws.freeze_panes = "A2"
    if data:
        ws.auto_filter.ref = ws.dimensions


def write_xlsx(docs: list[Document], target: str | Path) -> Path:
    """Write the task table (all clauses, tasks marked) and a metadata sheet; atomically."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单"
    fill_sheet(ws, COLUMNS, rows(docs), WIDTHS)
    meta = wb.create_sheet("文件信息")
    fill_sheet(meta, ["文件", "发文机关", "发文字号", "成文日期", "引用的上级文件", "来源", "提示"],
               [[d.title, d.issuer, d.doc_number, d.date or "", "；".join(f"《{c.title}》{c.doc_number}" for c in d.citations),
                 d.source, "；".join(d.warnings)] for d in docs], [40, 24, 20, 12, 50, 30, 40])
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return Path(target)


def write_csv(docs: list[Document], target: str | Path | IO) -> None:
    if hasattr(target, "write"):
        w = csv.writer(target)
        w.writerow(COLUMNS)
        w.writerows(csv_rows(rows(docs)))
        return
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)  # the BOM makes Excel open it as UTF-8
        w.writerow(COLUMNS)
        w.writerows(csv_rows(rows(docs)))


def print_table(docs: list[Document]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for d in docs:
        t = Table(title=f"{d.title}  {d.doc_number}".strip(), show_lines=False, expand=True)
        for col in ("编号", "任务", "内容", "时限", "频次", "责任单位", "类别"):
            t.add_column(col, overflow="fold")
        for c in d.clauses:
            r = row(d, c, 0)
            depts = "；".join(x for x in (r[7] and "牵头:" + r[7], r[8], r[9] and "配合:" + r[9]) if x)
            t.add_row(c.id, r[12], c.text[:80], r[5], r[6], depts, c.action or "")
        console.print(t)
