"""Deadlines of a clause (ANNOTATION.md §2), normalized to start / end / ongoing; the forms are data in rules/deadlines.yaml."""
from __future__ import annotations

import calendar
import re
from dataclasses import replace
from functools import lru_cache

from ..model import Deadline, Span
from ..rules import compiled, expand, load, pieces_of
from ..text import half_width, to_arabic
from .prefilter import Prefilter

_FILE = "deadlines.yaml"
_NUM = re.compile(r"\d+")
_CLOSING = re.compile(r"前|底|末|旬")
_WINDOW_BEFORE = 16
_WINDOW_AFTER = 12
# day of month that ends 上旬 / 中旬 / 下旬 (下旬: the month's last day)
_DEKAD_END = {"上旬": 10, "中旬": 20}


@lru_cache(maxsize=1)
def rules() -> tuple[list[tuple[str, str, re.Pattern]], list[tuple[str, set[str], re.Pattern]]]:
    """(name, kind, regex) of every form in order, and (where, kinds, regex) of every filter; compiled once."""
    data = load(_FILE)
    regexes = compiled(_FILE)
    forms = [(r["name"], r["kind"], regexes[r["name"]]) for r in data["rules"]]
    pieces = pieces_of(_FILE)
    filters = [(f["where"], set(f["applies"]), re.compile(expand(f["pattern"], pieces)))
               for f in data["filters"].values()]
    return forms, filters


@lru_cache(maxsize=1)
def prefilter() -> Prefilter:
    """The literals each form needs (a year's 年 and 20…, 季度, 长期 …): most clauses name no date, and skip every form."""
    return Prefilter(compiled(_FILE))


def _iso(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _last(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _interval(start: str | None, end: str | None) -> dict:
    return {"start": start, "end": end, "ongoing": False}


def _open_start(span: str) -> bool:
    return span.endswith(("起", "开始"))


def _closing(span: str) -> bool:
    """前 / 底 / 末 / 旬: the span names a deadline, so only its end counts."""
    return bool(_CLOSING.search(span))


def normalize(kind: str, span: str) -> dict | None:
    """start / end / ongoing of one matched span whose numerals are already Arabic; None when not a real date."""
    if kind == "ongoing":
        return {"start": None, "end": None, "ongoing": True}
    if kind == "no_year":
        return {"start": None, "end": None, "ongoing": False, "optional": True}
    n = [int(x) for x in _NUM.findall(span)]
    try:
        if kind == "from_to":
            return _from_to(span)
        if kind == "from_now":
            y, m, d = (int(x) if x else None for x in _PART.search(_TO.split(span, maxsplit=1)[1].lstrip()).groups())
            return _interval(None, _iso(y, m or 12, d or _last(y, m or 12)))
        if kind == "label_years":
            return _interval(_iso(n[0], 1, 1), _iso(n[-1], 12, 31))
        if kind == "month_range_years":
            y1, m1, y2, m2 = n[:4]
            return _interval(_iso(y1, m1, 1), _iso(y2, m2, _last(y2, m2)))
        if kind == "month_range":
            y, m1, m2 = n[:3]
            return _interval(_iso(y, m1, 1), _iso(y, m2, _last(y, m2)))
        if kind == "date_range":
            y, m1, d1, *rest = n
            y2, m2, d2 = rest if len(rest) == 3 else [y, *rest]
            return _interval(_iso(y, m1, d1), _iso(y2, m2, d2))
        if kind == "year_range":
            return _interval(_iso(n[0], 1, 1), _iso(n[1], 12, 31))
        if kind == "quarter":
            y, q = n[:2]
            first, last = 3 * q - 2, 3 * q
            end = _iso(y, last, _last(y, last))
            return _interval(None if _closing(span) else _iso(y, first, 1), end)
        if kind == "half":
            y = n[0]
            if "半年" not in span:
                return _interval(None, _iso(y, 6, 30))  # 年中: a point in the year, reached by its middle
            first, last = (1, 6) if "上" in span else (7, 12)
            end = _iso(y, last, _last(y, last))
            return _interval(None if _closing(span) else _iso(y, first, 1), end)
        if kind == "date":
            y, m, d = n[:3]
            day = _iso(y, m, d)
            return _interval(day, None) if _open_start(span) else _interval(None, day)
        if kind == "month":
            y, m = n[:2]
            if _open_start(span):
                return _interval(_iso(y, m, 1), None)
            dekad = next((k for k in _DEKAD_END if k in span), None)
            end = _iso(y, m, _DEKAD_END[dekad] if dekad else _last(y, m))
            return _interval(None, end) if _closing(span) else _interval(_iso(y, m, 1), end)
        if kind in ("year_end", "by_year"):
            return _interval(None, _iso(n[0], 12, 31))
        if kind == "year":
            y = n[0]
            if _open_start(span):
                return _interval(_iso(y, 1, 1), None)
            if _closing(span):
                return _interval(None, _iso(y, 12, 31))
            return _interval(_iso(y, 1, 1), _iso(y, 12, 31))
    except (IndexError, ValueError):  # a month 13 or a day 32 is not a date
        return None
    raise ValueError(f"unknown deadline kind {kind!r} in {_FILE}")


_FROM_NOW = re.compile(r"^(?:自|从)?即日起")


def from_now(found: list[Deadline], date: str) -> list[Deadline]:
    """即日起至2024年12月 starts on the day the plan is dated: the document's 成文日期 (ISO) becomes the start of each
    such deadline, which the clause alone cannot know. A plan dated after the end it gives (a date misread, or a plan
    reissued late) keeps the end alone rather than an interval that ends before it starts."""
    return [replace(d, start=date) if d.start is None and _FROM_NOW.match(d.text) and (not d.end or date <= d.end)
            else d for d in found]


_TO = re.compile(r"至|到|截至|截止到?")
_PART = re.compile(r"(?:(\d{4})\s*年)?\s*(?:(\d{1,2})\s*月份?)?\s*(?:(\d{1,2})\s*[日号])?")


def _from_to(span: str) -> dict:
    """自2024年5月起，至2025年10月: the start of the first date and the end of the second (its year the first's
    when not written)."""
    left, right = _TO.split(span, maxsplit=1)
    a = _PART.search(left[left.index(next(c for c in left if c.isdigit())):])
    b = _PART.search(right[right.index(next(c for c in right if c.isdigit())):])
    y1, m1, d1 = (int(x) if x else None for x in a.groups())
    y2, m2, d2 = (int(x) if x else None for x in b.groups())
    y2 = y2 or y1
    start = _iso(y1, m1 or 1, d1 or 1)
    end = _iso(y2, m2 or 12, d2 or _last(y2, m2 or 12))
    return _interval(start, end)


def _inside_title(text: str, pos: int) -> bool:
    """Inside 《…》 (or 〈…〉 nested in it): the date is part of a document's name."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos) or text.rfind("〈", 0, pos) > text.rfind("〉", 0, pos)


def _filtered(kind: str, text: str, s: int, e: int, filters) -> bool:
    before, after = text[max(0, s - _WINDOW_BEFORE):s], text[e:e + _WINDOW_AFTER]
    for where, kinds, rx in filters:
        if "all" not in kinds and kind not in kinds:
            continue
        if rx.search(before if where == "before" else after):
            return True
    return False


def extract(text: str) -> list[Deadline]:
    """Every deadline of one clause's text, in text order, with offsets into `text`."""
    forms, filters = rules()
    folded = half_width(text)  # same length: offsets stay valid
    allowed = prefilter().allowed(folded)
    taken: list[tuple[int, int]] = []
    out: list[Deadline] = []
    for name, kind, rx in forms:
        if name not in allowed:
            continue
        for m in rx.finditer(folded):
            s, e = m.start(), m.end()
            while e > s and folded[e - 1].isspace():
                e -= 1
            if any(a < e and s < b for a, b in taken):
                continue
            if kind != "ongoing" and (_inside_title(folded, s) or _filtered(kind, folded, s, e, filters)):
                # a blocked match still takes its text, so the years inside 2023—2025年 are not read alone
                taken.append((s, e))
                continue
            value = normalize(kind, to_arabic(folded[s:e]))
            if value is None:
                continue
            taken.append((s, e))
            out.append(Deadline(text[s:e], Span(s, e), **value))
    out.sort(key=lambda sp: sp.span.start)
    return out
