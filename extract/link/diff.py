"""Attribute changes between a child clause and the parent clause it implements: deadlines, frequencies, ongoing."""
from __future__ import annotations

from ..model import PER_YEAR, Clause


def latest_end(c: Clause) -> str | None:
    ends = [s.attrs.get("end") for s in c.deadlines if s.attrs.get("end")]
    return max(ends) if ends else None


def is_ongoing(c: Clause) -> bool:
    return any(s.attrs.get("ongoing") for s in c.deadlines)


def yearly_rate(c: Clause) -> float | None:
    rates = [PER_YEAR.get(s.attrs.get("period"), 0) * int(s.attrs.get("count") or 1) for s in c.frequencies]
    return max(rates) if rates else None


def lead_names(c: Clause) -> set[str]:
    return {s.attrs.get("name", s.text) for s in c.departments if s.attrs.get("role") == "lead"}


def _ends(c: Clause) -> set[str]:
    return {s.attrs["end"] for s in c.deadlines if s.attrs.get("end")}


def _rates(c: Clause) -> set[float]:
    return {PER_YEAR.get(s.attrs.get("period"), 0) * int(s.attrs.get("count") or 1) for s in c.frequencies}


def changes(child: Clause, parent: Clause) -> list[str]:
    """ANNOTATION/CONTRACT change codes: a later deadline or a lower frequency weakens, the reverse tightens.
    A child that keeps the parent's value (and adds others, as a merge does) has not changed it."""
    out: list[str] = []
    ce, pe = latest_end(child), latest_end(parent)
    if ce and pe and ce != pe and pe not in _ends(child):
        out.append("deadline_earlier" if ce < pe else "deadline_later")
    cr, pr = yearly_rate(child), yearly_rate(parent)
    if cr and pr and cr != pr and pr not in _rates(child):
        out.append("frequency_higher" if cr > pr else "frequency_lower")
    co, po = is_ongoing(child), is_ongoing(parent)
    if co and not po:
        out.append("ongoing_added")
    elif po and not co:
        out.append("ongoing_removed")
    return out


def department_changes(child: Clause, parent: Clause) -> dict:
    cl, pl = lead_names(child), lead_names(parent)
    if cl == pl:
        return {}
    return {"lead_added": sorted(cl - pl), "lead_removed": sorted(pl - cl)}


WEAKENING = {"deadline_later", "frequency_lower", "ongoing_removed"}
TIGHTENING = {"deadline_earlier", "frequency_higher", "ongoing_added"}
