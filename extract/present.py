"""Presentation helpers for the app: task-table frames, coloured spans in escaped HTML, 督办 status by date."""
from __future__ import annotations

import html
from datetime import date, timedelta

from . import families
from .components import COMPONENTS, deadline_value, departments_by_role, frequency_value
from .model import FIELD_TYPES, Clause, Document, Role

COLOURS = {comp.name: comp.colour for comp in COMPONENTS}
LABELS = {comp.name: comp.label for comp in COMPONENTS}
STATUS = {"overdue": "逾期", "due_soon": "临期", "on_track": "未到期", "ongoing": "长期", "none": "无时限"}
STATUS_COLOURS = {"逾期": "#f8d0d0", "临期": "#fff0b3", "未到期": "#d9f2d9", "长期": "#e0e8ff", "无时限": "#ffffff"}


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


def status(c: Clause, today: date, soon_days: int = 30) -> str:
    """How a 督办 office grades a dated task on a given day."""
    if any(s.ongoing for s in c.deadlines):
        return STATUS["ongoing"]
    ends = [s.end for s in c.deadlines if s.end]
    if not ends:
        return STATUS["none"]
    due = min(date.fromisoformat(e) for e in ends if date.fromisoformat(e) >= today) if any(
        date.fromisoformat(e) >= today for e in ends) else None
    if due is None:
        return STATUS["overdue"]
    if due - today <= timedelta(days=soon_days):
        return STATUS["due_soon"]
    return STATUS["on_track"]


def deadline_years(c: Clause) -> set[int]:
    years = set()
    for s in c.deadlines:
        for day in (s.start, s.end):
            if day:
                years.add(int(day[:4]))
    return years


def table_records(docs: list[Document], today: date) -> list[dict]:
    """One record per clause, with the columns the task table shows and the fields the filters use."""
    out = []
    for d in docs:
        for c in d.clauses:
            roles = departments_by_role(c)
            out.append({
                "文件": d.title, "编号": c.id, "章节": "/".join(c.path), "任务内容": c.text,
                "完成时限": "；".join(s.text for s in c.deadlines),
                "时限（规范）": "；".join(deadline_value(s) for s in c.deadlines),
                "频次": "；".join(frequency_value(s) for s in c.frequencies),
                "牵头单位": "、".join(roles[Role.LEAD]), "责任单位": "、".join(roles[Role.RESPONSIBLE]),
                "配合单位": "、".join(roles[Role.SUPPORT]), "量化指标": "；".join(s.text for s in c.targets),
                "行动类别": families.action_label(d.family, c.action), "是否任务": "是" if c.is_task else "否",
                "督办状态": status(c, today) if c.is_task else "",
                "_years": sorted(deadline_years(c)), "_depts": sorted({s.name for s in c.departments}),
                "_action": c.action or "", "_task": c.is_task, "_html": highlight(c),
            })
    return out


def filter_records(records: list[dict], *, actions=None, departments=None, years=None, task_only=None) -> list[dict]:
    out = []
    for r in records:
        if actions and r["_action"] not in actions:
            continue
        if departments and not set(departments) & set(r["_depts"]):
            continue
        if years and not set(years) & set(r["_years"]):
            continue
        if task_only is True and not r["_task"]:
            continue
        if task_only is False and r["_task"]:
            continue
        out.append(r)
    return out
