"""Attribute changes between a child clause and the parent clause it implements: deadlines, frequencies, ongoing."""
from __future__ import annotations

from ..model import Clause, Role


def _end_list(c: Clause) -> list[str]:
    return [s.end for s in c.deadlines if s.end]


def _rate_list(c: Clause) -> list[float]:
    """Each frequency of the clause as times per year."""
    return [s.per_year for s in c.frequencies]


def latest_end(c: Clause) -> str | None:
    ends = _end_list(c)
    return max(ends) if ends else None


def is_ongoing(c: Clause) -> bool:
    return any(s.ongoing for s in c.deadlines)


def yearly_rate(c: Clause) -> float | None:
    rates = _rate_list(c)
    return max(rates) if rates else None


def lead_names(c: Clause) -> set[str]:
    return {s.name for s in c.departments if s.role is Role.LEAD}


def _pairwise(child: list, parent: list) -> int:
    """Values written in the same number in both clauses, compared in sorted order: +1 when some child value is
    higher and none lower, -1 for the reverse, 0 when equal, mixed, or not comparable this way."""
    if len(child) != len(parent) or len(child) < 2:
        return 0
    pairs = list(zip(sorted(child), sorted(parent)))
    up = any(c > p for c, p in pairs)
    down = any(c < p for c, p in pairs)
    return (1 if up else -1) if up != down else 0


def changes(child: Clause, parent: Clause, others: tuple[Clause, ...] = ()) -> list[str]:
    """ANNOTATION/CONTRACT change codes: a later deadline or a lower frequency weakens, the reverse tightens.
    The latest deadlines are compared, so a child that keeps the parent's date and adds a later stage (2024年 ->
    2024年……2026年实现全覆盖) has moved the end later. In a merge, `others` are the child's other parent clauses: a
    child deadline that is one of theirs and not this parent's belongs to them and is left out. When both write the
    same number of deadlines (or frequencies), one moved among them is a change too. A child that keeps the
    parent's frequency beside others has not changed it."""
    out: list[str] = []
    c_ends, p_ends = _end_list(child), _end_list(parent)
    if others:
        own = set(p_ends)
        theirs = {e for o in others for e in _end_list(o)} - own
        c_ends = [e for e in c_ends if e not in theirs] or c_ends
    ce, pe = (max(c_ends) if c_ends else None), (max(p_ends) if p_ends else None)
    if ce and pe and ce != pe:
        out.append("deadline_earlier" if ce < pe else "deadline_later")
    elif (moved := _pairwise(c_ends, p_ends)) != 0:
        out.append("deadline_later" if moved > 0 else "deadline_earlier")
    cr, pr = yearly_rate(child), yearly_rate(parent)
    c_rates, p_rates = _rate_list(child), _rate_list(parent)
    if cr and pr and cr != pr and pr not in c_rates:
        out.append("frequency_higher" if cr > pr else "frequency_lower")
    elif (moved := _pairwise(c_rates, p_rates)) != 0:
        out.append("frequency_higher" if moved > 0 else "frequency_lower")
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

