"""Quantitative targets of a clause (达到100%, 不大于3人): value, unit and comparison; forms in rules/targets.yaml."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Span
from ..text import half_width

_RULES = Path(__file__).resolve().parent.parent / "rules" / "targets.yaml"


@lru_cache(maxsize=1)
def rules() -> dict:
    data = yaml.safe_load(_RULES.read_text(encoding="utf-8"))
    data["_re"] = re.compile(data["pattern"])
    return data


def extract(text: str) -> list[Span]:
    r = rules()
    out = []
    original, text = text, half_width(text)
    for m in r["_re"].finditer(text):
        word, value, unit, tail = m.group(1), m.group(2), m.group(3), m.group(4)
        unit = "%" if unit == "％" else unit
        if not word and not tail and unit != "%":
            continue  # a bare count (3人) is not a target without a comparison
        if unit == "%" or word or tail:
            cmp = r["comparators"].get(tail or word or "", "=")
            s = m.start() if word else m.start(2)
            out.append(Span("target", original[s:m.end()], s, m.end(), {"value": float(value), "unit": unit, "comparison": cmp}))
    return out
