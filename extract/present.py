"""Presentation helpers for the app: task-table records, coloured spans in escaped HTML, 督办 status by milestone,
role-aware filters, the 督办 board by unit and filtered exports."""
from __future__ import annotations

import csv
import html
import io
from datetime import date, timedelta

from openpyxl import Workbook

from . import families
from .components import COMPONENTS, deadline_value, departments_by_role, frequency_value
from .export import fill_sheet
from .model import FIELD_TYPES, Clause, Document, Role

COLOURS = {comp.name: comp.colour for comp in COMPONENTS}
LABELS = {comp.name: comp.label for comp in COMPONENTS}
STATUS = {"overdue": "已到期", "due_soon": "临期", "on_track": "未到期", "ongoing": "长期", "none": "无时限"}
STATUS_COLOURS = {"已到期": "#f8d0d0", "临期": "#fff0b3", "未到期": "#d9f2d9", "长期": "#e0e8ff", "无时限": "#ffffff"}
#: the 督办 board's three lights: a milestone passed (红), due within the warning window (黄), not yet due (绿)
LIGHTS = {"已到期": "红", "临期": "黄", "未到期": "绿"}
#: role filter choices: who a 督办 office holds to account is the lead or responsible unit, not a supporting one
ROLE_CHOICES = {"牵头或责任": {Role.LEAD, Role.RESPONSIBLE}, "仅牵头": {Role.LEAD}, "仅责任": {Role.RESPONSIBLE},
                "仅配合": {Role.SUPPORT}, "任意角色": set(Role)}


def esc(value) -> str:
    """Any value shown through unsafe_allow_html, escaped (None and "" become "")."""
    return "" if value is None else html.escape(str(value), quote=True)


def meta_cell(label: str, value) -> str:
    """One metadata cell of the app: a bold label over the escaped value (— when empty)."""
    return f"**{esc(label)}**<br>{esc(value) or '—'}"


def highlight(c: Clause) -> str:
    """The clause text as HTML, escaped, with deadlines, frequencies, departments and targets in colour."""
    spans = sorted(
        [(s.span.start, s.span.end, name) for name in FIELD_TYPES for s in getattr(c, name)
         if s.span.start is not None and s.span.end is not None and 0 <= s.span.start < s.span.end <= len(c.text)],
        key=lambda x: (x[0], -x[1]))
    out, pos = [], 0
    for start, end, kind in spans:
        if start < pos:
            continue  # overlapping spans: the first one wins
        out.append(html.escape(c.text[pos:start]))
        out.append(f'<span style="background:{COLOURS[kind]};border-radius:3px" title="{LABELS[kind]}">'
                   f"{html.escape(c.text[start:end])}</span>")
        pos = end
    out.append(html.escape(c.text[pos:]))
    return "".join(out)


def milestones(c: Clause) -> list[date]:
    """The dated milestones of a clause (each deadline's end date), in order; 长期坚持 is not a milestone."""
    out = set()
    for s in c.deadlines:
        if s.end:
            try:
                out.add(date.fromisoformat(s.end))
            except ValueError:
                continue
    return sorted(out)


def is_ongoing(c: Clause) -> bool:
    return any(s.ongoing for s in c.deadlines)


def milestone_status(due: date, today: date, soon_days: int = 30) -> str:
    if due < today:
        return STATUS["overdue"]
    if due - today <= timedelta(days=soon_days):
        return STATUS["due_soon"]
    return STATUS["on_track"]


def status(c: Clause, today: date, soon_days: int = 30) -> str:
    """How a 督办 office grades a task on a given day. `X前并长期坚持` is a dated milestone plus an ongoing duty: the
    milestone is graded (已到期 / 临期 / 未到期) and the duty does not hide it; only a task with no dated milestone
    is 长期. A task with several milestones is graded by the next one still ahead, 已到期 once all have passed."""
    dues = milestones(c)
    if not dues:
        return STATUS["ongoing"] if is_ongoing(c) else STATUS["none"]
    ahead = [d for d in dues if d >= today]
    return milestone_status(ahead[0], today, soon_days) if ahead else STATUS["overdue"]


def milestone_text(c: Clause, today: date, soon_days: int = 30) -> str:
    """Each milestone with its own status, and the ongoing duty: 2024年9月30日 临期；长期坚持."""
    parts = [f"{zh_date(d)} {milestone_status(d, today, soon_days)}" for d in milestones(c)]
    if is_ongoing(c):
        parts.append("长期坚持")
    return "；".join(parts)


def zh_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def deadline_years(c: Clause) -> set[int]:
    years = set()
    for s in c.deadlines:
        for day in (s.start, s.end):
            if day:
                years.add(int(day[:4]))
    return years


def roles_of(c: Clause) -> dict[str, set[Role]]:
    """Unit name -> the roles it holds in the clause."""
    out: dict[str, set[Role]] = {}
    for s in c.departments:
        out.setdefault(s.name, set()).add(s.role)
    return out


def table_records(docs: list[Document], today: date, also: dict[str, dict[str, list[str]]] | None = None) -> list[dict]:
    """One record per clause, with the columns the task table shows and the fields the filters use; `also` maps a
    document title to {clause id: ids of the same task stated elsewhere in the plan} (body <-> annex)."""
    out = []
    for d in docs:
        same = (also or {}).get(d.title, {})
        for c in d.clauses:
            roles = departments_by_role(c)
            out.append({
                "文件": d.title, "编号": c.id, "章节": "/".join(c.path), "任务内容": c.text,
                "完成时限": "；".join(s.text for s in c.deadlines),
                "时限（规范）": "；".join(deadline_value(s) for s in c.deadlines),
                "督办状态": status(c, today) if c.is_task else "",
                "节点": milestone_text(c, today) if c.is_task else "",
                "频次": "；".join(frequency_value(s) for s in c.frequencies),
                "牵头单位": "、".join(roles[Role.LEAD]), "责任单位": "、".join(roles[Role.RESPONSIBLE]),
                "配合单位": "、".join(roles[Role.SUPPORT]), "量化指标": "；".join(s.text for s in c.targets),
                "行动类别": families.action_label(d.family, c.action), "是否任务": "是" if c.is_task else "否",
                "另见": "、".join(("正文 " if c.kind == "table_row" else "附件 ") + x for x in same.get(c.id, [])),
                "_years": sorted(deadline_years(c)), "_roles": roles_of(c), "_depts": sorted(roles_of(c)),
                "_action": c.action or "", "_task": c.is_task, "_html": highlight(c),
                "_doc": d.title, "_id": c.id, "_due": [x.isoformat() for x in milestones(c)],
            })
    return out


def filter_records(records: list[dict], *, actions=None, departments=None, years=None, task_only=None,
                   roles=None, statuses=None) -> list[dict]:
    """The records a view shows. A unit matches only in the chosen roles (default lead or responsible), so a unit
    that only supports a task does not answer for it."""
    roles = set(roles) if roles else ROLE_CHOICES["牵头或责任"]
    out = []
    for r in records:
        if actions and r["_action"] not in actions:
            continue
        if departments and not any(r["_roles"].get(d, set()) & roles for d in departments):
            continue
        if years and not set(years) & set(r["_years"]):
            continue
        if task_only is True and not r["_task"]:
            continue
        if task_only is False and r["_task"]:
            continue
        if statuses and r["督办状态"] not in statuses:
            continue
        out.append(r)
    return out


def board(records: list[dict], roles=None) -> list[dict]:
    """The 督办 board: per unit (in the chosen roles), its tasks counted by light (红 / 黄 / 绿) and in all,
    most 红 first."""
    roles = set(roles) if roles else ROLE_CHOICES["牵头或责任"]
    counts: dict[str, dict[str, int]] = {}
    for r in records:
        if not r["_task"]:
            continue
        for name, held in r["_roles"].items():
            if not held & roles:
                continue
            row = counts.setdefault(name, {"红": 0, "黄": 0, "绿": 0, "任务": 0})
            row["任务"] += 1
            light = LIGHTS.get(r["督办状态"])
            if light:
                row[light] += 1
    return sorted(({"单位": k, **v} for k, v in counts.items()),
                  key=lambda x: (-x["红"], -x["黄"], -x["任务"], x["单位"]))


#: columns of the on-screen table and of the filtered exports, in order
VIEW_COLUMNS = ["文件", "编号", "章节", "任务内容", "完成时限", "时限（规范）", "督办状态", "节点", "频次", "牵头单位",
                "责任单位", "配合单位", "量化指标", "行动类别", "是否任务", "另见"]
VIEW_WIDTHS = [24, 10, 12, 70, 18, 22, 10, 26, 16, 18, 22, 18, 16, 22, 8, 14]


def view_rows(records: list[dict]) -> list[list]:
    return [[r[k] for k in VIEW_COLUMNS] for r in records]


def xlsx_bytes(records: list[dict], title: str = "任务清单") -> bytes:
    """The records of a view as an xlsx workbook (one row per record, the status included)."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    fill_sheet(ws, VIEW_COLUMNS, view_rows(records), VIEW_WIDTHS)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(records: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(VIEW_COLUMNS)
    w.writerows(view_rows(records))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens it as UTF-8
