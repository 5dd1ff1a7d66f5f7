"""Frequencies of a clause: period, count per period and at_least; forms are data in rules/frequencies.yaml."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Span
from ..text import half_width, to_arabic

_RULES = Path(__file__).resolve().parent.parent / "rules" / "frequencies.yaml"
_PERIOD_OF_CHAR = {"日": "day", "周": "week", "月": "month"}


@lru_cache(maxsize=1)
def rules() -> dict:
    data = yaml.safe_load(_RULES.read_text(encoding="utf-8"))
    for key in ("every", "count", "half_month", "daily_weekly", "triple", "listed_dates", "yearly_words", "whole_year"):
        data["_" + key] = re.compile(data[key])
    return data


def _count_after(text: str, start: int) -> tuple[int, bool, int] | None:
    """The count of times that follows a 每… within the same phrase, skipping a parenthesis and another 每."""
    r = rules()
    i, depth, limit = start, 0, min(len(text), start + 40)
    while i < limit:
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "。；;，,":
            return None
        elif depth == 0 and ch == "每":
            return None
        if depth == 0:
            m = r["_count"].match(text, i)
            if m:
                n = int(to_arabic(m.group(2))) if not m.group(2).isdigit() else int(m.group(2))
                at_least = bool(m.group(1) or m.group(3)) or "至少" in text[start:i] or "不少于" in text[start:i]
                return n, at_least, m.end()
        i += 1
    return None


def extract(text: str) -> list[Span]:
    r = rules()
    original, text = text, half_width(text)
    out: list[Span] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, period: str, count: int, at_least: bool) -> None:
        if any(a < e and s < b for a, b in taken):
            return
        taken.append((s, e))
        out.append(Span("frequency", original[s:e], s, e, {"period": period, "count": max(1, count), "at_least": at_least}))

    for m in r["_listed_dates"].finditer(text):
        months = re.findall(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月", m.group(1))
        add(m.start(), m.end(), "year", len(months), False)
    for m in r["_whole_year"].finditer(text):
        n = m.group(2)
        add(m.start(), m.end(), "year", int(n) if n.isdigit() else int(to_arabic(n)), bool(m.group(1)))
    for m in r["_yearly_words"].finditer(text):
        add(m.start(), m.end(), "year", 1, False)
    for m in r["_half_month"].finditer(text):
        add(m.start(), m.end(), "month", 2, "至少" in text[m.end():m.end() + 6])
    for m in r["_every"].finditer(text):
        period = r["periods"][m.group(1)]
        found = _count_after(text, m.end())
        if found:
            n, at_least, end = found
            add(m.start(), end, period, n, at_least)
        else:
            add(m.start(), m.end(), period, 1, False)
    spelled: list[tuple[int, str]] = []
    for m in r["_daily_weekly"].finditer(text):
        add(m.start(), m.end() + 2, _PERIOD_OF_CHAR[m.group(1)], 1, False)
        spelled.append((m.start(), _PERIOD_OF_CHAR[m.group(1)]))
    for m in r["_triple"].finditer(text):
        if m.group(0).strip("“”\"") != "日周月":
            continue
        # "班组日排查、部门周排查、厂长月排查的“日周月”制度" names the same three once more
        near = {p for pos, p in spelled if m.start() - 40 <= pos < m.start()}
        if {"day", "week", "month"} <= near:
            continue
        for k, ch in enumerate("日周月"):
            s = m.start() + m.group(0).index("日") + k
            add(s, s + 1, _PERIOD_OF_CHAR[ch], 1, False)
    out.sort(key=lambda s: s.start)
    return out
