"""Annex task tables (重点任务清单, 任务分工表): columns by role, one clause per row, cells inherited down merged rows."""
from __future__ import annotations

import logging
import re

from ..extractors.departments import is_actor
from ..extractors.departments import rules as dept_rules
from ..model import Clause
from ..rules import compiled
from ..rules.markers import match_marker
from .lines import Para, text_cell

_log = logging.getLogger("planlink.segment")

# Header words of each column role, rules data in rules/segment.yaml (with examples and traps)
_R = compiled("segment.yaml")
_COL_DEADLINE = _R["col_deadline"]
_COL_LEAD = _R["col_lead"]
_COL_SUPPORT = _R["col_support"]
_COL_RESP = _R["col_responsible"]
_COL_ACTION = _R["col_action"]
_COL_TASK = _R["col_task"]
_COL_SKIP = _R["col_skip"]
_PEOPLE = _R["col_people"]
_SEQ_HEADER = _R["col_seq"]
_SEQ_VALUE = _R["seq_value"]
_TABLE_NOTE = _R["table_note"]
_LEVEL_START = _R["unit_level_start"]


def _table_roles(header: list[str]) -> list[str]:
    roles: list[str] = []
    for h in header:
        h2 = re.sub(r"\s+", "", h)
        if not h2 and roles:
            roles.append(roles[-1])  # an empty header cell is the right half of a merged header
        elif _COL_SKIP.fullmatch(h2):
            roles.append("skip")
        elif _COL_DEADLINE.search(h2):
            roles.append("deadline")
        elif _COL_LEAD.search(h2):
            roles.append("lead")
        elif _COL_SUPPORT.search(h2):
            roles.append("support")
        elif _COL_RESP.search(h2):
            roles.append("responsible")
        elif _COL_ACTION.search(h2) and not _COL_TASK.search(h2.replace("行动", "")):
            roles.append("action")
        elif _COL_TASK.search(h2):
            roles.append("task")
        else:
            roles.append("other")
    return roles


def _align(header: list[str], roles: list[str], width: int) -> tuple[list[str], list[str]]:
    """More cells than header names (a merged 重点任务 header over title and content): the extra cells
    belong to the task column, aligning the other columns from both ends."""
    if width <= len(header):
        return header[:width], roles[:width]
    extra = width - len(header)
    k = roles.index("task") if "task" in roles else len(roles) - 1
    return (header[:k + 1] + [header[k]] * extra + header[k + 1:],
            roles[:k + 1] + ["task"] * extra + roles[k + 1:])


def _role_label(text: str) -> bool:
    """牵头：县住建局 / 责任领导：分管副县长: a text that opens with a role label of departments.yaml and a colon."""
    m = re.match(r"^\s*([^：:，,。；;]{2,9})[：:]", text)
    return bool(m) and m.group(1) in dept_rules()["_label_role"]


def unit_cell(cell: str) -> str:
    """A 责任/牵头/配合 cell often lists one unit per line. A line break is a list separator when the line before is a
    name and the next line starts a name of its own (by its level word, or after a line shorter than the cell's
    longest, so not a wrap); otherwise the name was wrapped and the lines are joined."""
    if "\n" not in cell:
        return cell

    lines = [ln.strip() for ln in cell.split("\n") if ln.strip()]
    widest = max(len(ln) for ln in lines)
    out = lines[0]
    for prev, ln in zip(lines, lines[1:]):
        if _role_label(ln):
            out += ("；" if out[-1] not in "；;" else "") + ln  # 牵头：县住建局 / 配合：县市场监管局: a label block each
            continue
        last = re.split(r"[、，,；;]", out)[-1]
        head = re.split(r"[、，,；;（(]", ln)[0]
        separate = is_actor(last) and is_actor(head) and (len(prev) < widest or bool(_LEVEL_START.match(ln)))
        out += ("、" if separate and out[-1] not in "、，,；;" else "") + ln
    return out


def _group_row(row: list[str]) -> tuple[str, str] | None:
    """(marker, title) of a row that heads a group of rows (一、重大事故隐患动态清零行动 written once across the row, or
    in its first cell alone), else None."""
    filled = [c for c in row if c]
    if not filled or len(set(filled)) != 1 or (len(filled) == 1 and not row[0]):
        return None
    m = match_marker(filled[0])
    if m is None or m[0] not in ("cn", "paren_cn"):
        return None
    return m[1], filled[0][m[2]:].strip()


def table_clauses(p: Para, off: int, base: list[str] | None = None) -> list[Clause]:
    """One clause per row of a task table, under `base` (["附件"] for an annex, the section's path for a table in
    the body)."""
    table = p.table
    if not table.rows or len(table.rows) < 2:
        return []
    header = [text_cell(h) for h in table.rows[0]]
    if any(_PEOPLE.search(h) for h in header):
        return []  # a list of people (领导小组成员名单) is metadata
    roles = _table_roles(header)
    if "task" not in roles:
        return []
    width = max(len(r) for r in table.rows[1:])
    names, roles = _align(header, roles, width)
    out: list[Clause] = []
    carry: dict[int, str] = {}
    action_marker, task_no, group_title = "", "", ""
    seq_cols = [k for k, h in enumerate(names) if _SEQ_HEADER.fullmatch(re.sub(r"\s+", "", h))]
    for r, row in enumerate(table.rows[1:], start=1):
        row = list(row) + [""] * (width - len(row))
        row = [unit_cell(c) if roles[k] in ("lead", "support", "responsible") else text_cell(c)
               for k, c in enumerate(row)]
        if sum(1 for c in row if c) == 1 and _TABLE_NOTE.match(next(c for c in row if c)):
            continue
        if group := _group_row(row):
            # 一、…行动 across the whole row (a Word row merged across repeats it in every cell): the rows under it
            # belong to that group; it is no task, and no cell is filled down across it
            action_marker, group_title = group
            carry.clear()
            continue
        task_cols = [k for k, ro in enumerate(roles) if ro == "task"]
        filled = []
        for k, cell in enumerate(row):
            if roles[k] == "task" and k == task_cols[-1]:
                filled.append(cell)
                continue
            if cell:
                carry[k] = cell
                filled.append(cell)
            else:
                filled.append(carry.get(k, "") if roles[k] != "task" or row[k] == "" else cell)
        # The task title cell (1.强化…) is inherited only as the path; the content is the row's own text.
        titles = [row[k] for k in task_cols[:-1] if row[k]]
        content = row[task_cols[-1]] if task_cols else ""
        if not content and not titles:
            continue
        for k in task_cols[:-1]:
            mm = match_marker(filled[k]) if filled[k] else None
            if mm:
                task_no = mm[1]
        for k, ro in enumerate(roles):
            if ro == "action" and filled[k]:
                mm = match_marker(filled[k])
                action_marker = mm[1] if mm else filled[k][:12]
        titles = [t[mm[2]:] if (mm := match_marker(t)) else t for t in titles]
        # a title cell without end punctuation (主要负责人安全培训) is a sentence of its own before the content
        head = "".join(t if not t or t[-1] in "。；;：:，,！？" else t + "。" for t in titles)
        body = head + content if not content.startswith("".join(titles)) else content
        # a unit cell that writes its own role labels (牵头：…；配合：…) is read by them, not by its column's name
        extras = [filled[k] if ro != "deadline" and _role_label(filled[k]) else f"{names[k]}：{filled[k]}"
                  for k, ro in enumerate(roles) if ro in ("deadline", "lead", "support", "responsible") and filled[k]]
        text = body + ("（" + "；".join(extras) + "）" if extras else "")
        # the table's own 序号 gives the row its place (ca.12), else the marker of its title cell
        seq = next((filled[k].strip() for k in seq_cols if _SEQ_VALUE.fullmatch(filled[k].strip())), "")
        path = list(base or ["附件"]) + [x for x in (action_marker, seq or task_no) if x]
        cells = {names[k]: filled[k] for k in range(width) if filled[k]}
        heading = " / ".join(filled[k] for k, ro in enumerate(roles) if ro == "action" and filled[k]) or group_title
        out.append(Clause(id="", path=path, marker="", text=text, start=p.start - off, end=p.end - off, page=p.page,
                          kind="table_row", cells=cells, heading=heading))
    return out
