"""Scoring helpers shared by the extraction and linkage evaluators: counts with precision/recall/F1, ANNOTATION.md's
rules for when a predicted field item matches a gold one, and greedy one-to-one matching."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import PER_YEAR
from .text import fold

_PREFIX = re.compile(r"^(各级|各|有关|相关)+")


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list = field(default_factory=list)

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.misses += other.misses


def target_note(value: float, goal: float | None) -> str:
    """"0.95 met" / "0.95 below" beside a figure; empty where no target is set."""
    return "" if goal is None else f"{goal:.2f} {'met' if value >= goal else 'below'}"


# --- when two items of a field are the same (ANNOTATION.md §2), on their JSON form ---------------------------


def same_deadline(g: dict, p: dict) -> bool:
    key = lambda d: (d.get("start") or None, d.get("end") or None, bool(d.get("ongoing")))  # noqa: E731
    return key(g) == key(p)


def same_frequency(g: dict, p: dict) -> bool:
    """Equal yearly rates: year×2 is half_year×1."""
    rate = lambda f: PER_YEAR.get(f.get("period"), 0) * int(f.get("count") or 1)  # noqa: E731
    return rate(g) == rate(p)


def department_name(text: str) -> str:
    return _PREFIX.sub("", fold(text)) or fold(text)


def same_department(g: dict, p: dict) -> bool:
    """Same role, and names equal or one containing the other after dropping 各级/各/有关/相关."""
    if g.get("role") != p.get("role"):
        return False
    a, b = department_name(g["text"]), department_name(p["text"])
    return a == b or a in b or b in a


def same_target(g: dict, p: dict) -> bool:
    return (g.get("value"), g.get("unit"), g.get("comparison")) == (p.get("value"), p.get("unit"), p.get("comparison"))


def match_items(gold: list[dict], pred: list[dict], same) -> PRF:
    """Greedy one-to-one matching; optional gold items are neither required nor counted wrong. Required items are
    matched first, so an optional item (4月20日前, no year written) cannot take the hit of a required one with the
    same value (2024年4月20日)."""
    out = PRF()
    used = [False] * len(pred)
    for g in sorted(gold, key=lambda g: bool(g.get("optional"))):
        hit = next((k for k, p in enumerate(pred) if not used[k] and same(g, p)), None)
        if hit is not None:
            used[hit] = True
            if not g.get("optional"):
                out.tp += 1
        elif not g.get("optional"):
            out.fn += 1
            out.misses.append(("miss", g.get("text")))
    for k, p in enumerate(pred):
        if not used[k]:
            if any(g.get("optional") and fold(g.get("text", "")) in fold(p.get("text", "")) for g in gold):
                continue
            out.fp += 1
            out.misses.append(("false", p.get("text")))
    return out
