"""Deadlines of a clause, normalized to start / end / ongoing intervals; forms are data in rules/deadlines.yaml."""
from __future__ import annotations

import calendar
import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Span
from ..text import half_width, to_arabic

_RULES = Path(__file__).resolve().parent.parent / "rules" / "deadlines.yaml"
_NUM = re.compile(r"\d+")


@lru_cache(maxsize=1)
def rules() -> dict:
    data = yaml.safe_load(_RULES.read_text(encoding="utf-8"))
    pieces = data["pieces"]
    forms = []
    for f in data["forms"]:
        pattern = f["pattern"]
        for name, piece in pieces.items():
            pattern = pattern.replace("{" + name + "}", piece)
        forms.append((f["kind"], re.compile(pattern)))
    data["_forms"] = forms
    for key in ("recurring_before", "scoping_after", "scoping_before", "title_before"):
        data["_" + key] = re.compile(data[key])
    return data


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _iso(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _inside_title(text: str, pos: int) -> bool:
    """Inside 《…》: the date names a document."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def normalize(kind: str, span: str) -> dict | None:
    """start / end / ongoing of one matched span (numerals already Arabic)."""
    if kind == "ongoing":
        return {"start": None, "end": None, "ongoing": True}
    nums = [int(x) for x in _NUM.findall(span)]
    if kind == "month_range_years" and len(nums) >= 4:
        y1, m1, y2, m2 = nums[:4]
        return {"start": _iso(y1, m1, 1), "end": _iso(y2, m2, _last_day(y2, m2)), "ongoing": False}
    if kind == "month_range" and len(nums) >= 3:
        y, m1, m2 = nums[:3]
        return {"start": _iso(y, m1, 1), "end": _iso(y, m2, _last_day(y, m2)), "ongoing": False}
    if kind == "date_range" and len(nums) >= 5:
        y, m1, d1 = nums[:3]
        rest = nums[3:]
        y2, m2, d2 = (rest if len(rest) == 3 else [y] + rest)[:3]
        return {"start": _iso(y, m1, d1), "end": _iso(y2, m2, d2), "ongoing": False}
    if kind == "year_range" and len(nums) >= 2:
        return {"start": _iso(nums[0], 1, 1), "end": _iso(nums[1], 12, 31), "ongoing": False}
    if kind == "quarter" and len(nums) >= 2:
        y, q = nums[:2]
        return {"start": None, "end": _iso(y, 3 * q, _last_day(y, 3 * q)), "ongoing": False}
    if kind == "half" and nums:
        y = nums[0]
        return {"start": None, "end": _iso(y, 6, 30) if "上" in span else _iso(y, 12, 31), "ongoing": False}
    if kind == "date" and len(nums) >= 3:
        y, m, d = nums[:3]
        if span.endswith(("起", "开始")):
            return {"start": _iso(y, m, d), "end": None, "ongoing": False}
        return {"start": None, "end": _iso(y, m, d), "ongoing": False}
    if kind == "month" and len(nums) >= 2:
        y, m = nums[:2]
        if not 1 <= m <= 12:
            return None
        if span.endswith(("起", "开始")):
            return {"start": _iso(y, m, 1), "end": None, "ongoing": False}
        if re.search(r"底|末|前|之前|以前", span):
            return {"start": None, "end": _iso(y, m, _last_day(y, m)), "ongoing": False}
        return {"start": _iso(y, m, 1), "end": _iso(y, m, _last_day(y, m)), "ongoing": False}
    if kind in ("year_end", "by_year") and nums:
        return {"start": None, "end": _iso(nums[0], 12, 31), "ongoing": False}
    if kind == "year" and nums:
        y = nums[0]
        if span.endswith(("起", "开始")):
            return {"start": _iso(y, 1, 1), "end": None, "ongoing": False}
        if re.search(r"前|之前|以前$", span):
            return {"start": None, "end": _iso(y, 12, 31), "ongoing": False}
        return {"start": _iso(y, 1, 1), "end": _iso(y, 12, 31), "ongoing": False}
    if kind == "no_year":
        return {"start": None, "end": None, "ongoing": False, "optional": True}
    return None


def extract(text: str) -> list[Span]:
    r = rules()
    taken: list[tuple[int, int]] = []
    out: list[Span] = []
    original, text = text, half_width(text)
    for kind, rx in r["_forms"]:
        for m in rx.finditer(text):
            s, e = m.start(), m.end()
            if any(a < e and s < b for a, b in taken):
                continue
            before, after = text[max(0, s - 12):s], text[e:e + 8]
            if kind != "ongoing" and r["_recurring_before"].search(before):
                taken.append((s, e))
                continue  # 每年6月20日前: a frequency
            if kind != "ongoing" and (_inside_title(text, s) or r["_title_before"].search(before)):
                taken.append((s, e))  # the period of a plan's title blocks the years inside it too
                continue
            if kind == "year" and not m.group(0).endswith(("前", "起", "开始")):
                if r["_scoping_after"].match(after) or r["_scoping_before"].search(before):
                    continue
                if after[:1] and after[:1] in "-—–－~～":
                    continue
            if kind == "no_year" and re.search(r"每(年|季|月|半年)[^，,。；;]{0,14}$", text[max(0, s - 16):s]):
                taken.append((s, e))
                continue  # 每年6月20日、12月20日前: the second date of a recurring list
            value = normalize(kind, to_arabic(m.group(0)))
            if value is None:
                continue
            taken.append((s, e))
            out.append(Span("deadline", original[s:e], s, e, value))
    out.sort(key=lambda sp: sp.start)
    return out
