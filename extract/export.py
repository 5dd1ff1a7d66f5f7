"""Task-table exports: the rows policy staff read, as xlsx (openpyxl), csv and a terminal table (rich)."""
from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import OutputError
from .model import Clause, Document

ACTION_NAMES = {
    "A1": "A1 主要负责人安全教育培训", "A2": "A2 重大事故隐患判定标准体系提升", "A3": "A3 重大事故隐患动态清零",
    "A4": "A4 安全科技支撑和工程治理", "A5": "A5 从业人员安全素质能力提升", "A6": "A6 安全管理体系建设",
    "A7": "A7 精准执法和帮扶", "A8": "A8 全民安全素质提升", "O": "O 组织保障", "X": "X 其他",
}
PERIOD_NAMES = {"day": "每日", "week": "每周", "month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年"}
COLUMNS = ["序号", "文件", "章节", "任务内容", "完成时限（原文）", "完成时限（规范）", "频次", "牵头单位", "责任单位",
           "配合单位", "量化指标", "行动类别", "是否任务", "条款编号"]
WIDTHS = [6, 24, 14, 70, 18, 22, 16, 18, 22, 18, 16, 22, 8, 12]


def deadline_value(attrs: dict) -> str:
    if attrs.get("ongoing"):
        return "长期"
    start, end = attrs.get("start"), attrs.get("end")
    if start and end:
        return f"{start} 至 {end}"
    if end:
        return f"{end} 前"
    if start:
        return f"{start} 起"
    return "（未注明年份）" if attrs.get("optional") else ""


def frequency_value(attrs: dict) -> str:
    n = attrs.get("count", 1)
    return f"{PERIOD_NAMES.get(attrs.get('period'), '')}{'至少' if attrs.get('at_least') else ''}{n}次"


def target_value(s) -> str:
    return s.text


def row(doc: Document, c: Clause, n: int) -> list:
    depts = {"lead": [], "responsible": [], "support": []}
    for s in c.departments:
        depts.setdefault(s.attrs.get("role", "responsible"), []).append(s.text)
    section = "/".join(c.path) + (f" {c.heading}" if c.heading else "")
    return [
        n, doc.title, section.strip(), c.text,
        "；".join(s.text for s in c.deadlines),
        "；".join(deadline_value(s.attrs) for s in c.deadlines),
        "；".join(frequency_value(s.attrs) for s in c.frequencies),
        "、".join(depts["lead"]), "、".join(depts["responsible"]), "、".join(depts["support"]),
        "；".join(target_value(s) for s in c.targets),
        ACTION_NAMES.get(c.action or "", ""),
        "是" if c.is_task else "否",
        c.id,
    ]


def rows(docs: list[Document], tasks_only: bool = False) -> list[list]:
    out = []
    for d in docs:
        for c in d.clauses:
            if tasks_only and not c.is_task:
                continue
            out.append(row(d, c, len(out) + 1))
    return out


TEMP_PREFIX = ".planlink-"  # every temporary output file starts so (a batch removes leftovers at start)


def _atomic_target(target: str | Path):
    target = Path(target)
    if target.is_dir():
        raise OutputError(str(target), "is a folder, not a file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=str(target.parent))
    except OSError as exc:
        raise OutputError(str(target), _cause(exc)) from None
    os.close(fd)
    return target, Path(tmp)


def _cause(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"


@contextmanager
def atomic_output(target: str | Path):
    """Yield a temporary path next to `target`; on success it replaces `target`, on any failure (disk full,
    permission, a kill) it is removed and the failure becomes one OutputError naming `target`."""
    target, tmp = _atomic_target(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        if isinstance(exc, (OSError, sqlite3.Error)):
            raise OutputError(str(target), _cause(exc)) from None
        raise


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
    with atomic_output(target) as tmp:
        wb.save(tmp)
    return Path(target)


def write_csv(docs: list[Document], target: str | Path | IO) -> None:
    if hasattr(target, "write"):
        w = csv.writer(target)
        w.writerow(COLUMNS)
        w.writerows(csv_rows(rows(docs)))
        return
    with atomic_output(target) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel opens it as UTF-8
            w = csv.writer(fh)
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
