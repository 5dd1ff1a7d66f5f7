"""Attribute changes between a child clause and the parent clause it implements: deadlines, frequencies, ongoing."""
from __future__ import annotations

import re

from ..model import Clause, Role
from ..text import fold

# What a deadline or frequency applies to is the text around it in its sentence (每月听取特种设备安全情况汇报 /
# 每周至少听取1次特种设备安全工作汇报): the value and CONTEXT characters either side, numbers, period and place words
# left out. Two values are of the same activity when their contexts share ACTIVITY_SHARE of the smaller context's
# bigrams. Chosen on the linkage training pairs: on the links they get right, the changes come out 99 right, 0 wrong,
# 0 missed, against 98, 2, 1 when every value of a clause is compared with every value of the other (a parent's
# 每年复核 is no measure of the child's 每半年培训); 12-24 characters and 0.25-0.45 give 98-99 right.
CONTEXT = 20
ACTIVITY_SHARE = 0.34
MIN_CONTEXT = 3
_SENTENCE_END = "。；;！？\n"
_DROP = re.compile(r"[\W_\d]+|[省市县区乡镇村州旗盟厅局委办年月日次周季度每至少前底]")


def _end_list(c: Clause) -> list[str]:
    return [s.end for s in c.deadlines if s.end]


def _rate_list(c: Clause) -> list[float]:
    """Each frequency of the clause as times per year."""
    return [s.per_year for s in c.frequencies]


def context(text: str, start: int, end: int) -> set[str]:
    """Bigrams of the activity a value at text[start:end] qualifies: the value and up to CONTEXT characters either
    side within its sentence, numbers, period and place words left out (empty when the offsets are unknown)."""
    if start < 0 or end > len(text) or start >= end:
        return set()
    lo = max(start - CONTEXT, max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1)
    stops = [k for ch in _SENTENCE_END if (k := text.find(ch, end)) >= 0]
    hi = min([end + CONTEXT, *stops])
    # a long frequency span holds its own activity (每季度对全体工作人员至少培训1次): its words count too
    words = _DROP.sub("", fold(text[lo:hi]))
    return {words[i:i + 2] for i in range(len(words) - 1)}


def activity_share(a: set[str], b: set[str]) -> float:
    """Share of the smaller context's bigrams the other context holds; 0 for contexts too small to tell (a value at
    the end of its sentence with one word beside it matches anything)."""
    if min(len(a), len(b)) < MIN_CONTEXT:
        return 0.0
    shared = len(a & b)
    return shared / min(len(a), len(b)) if shared >= 2 else 0.0


def _matched(child: Clause, parent: Clause, field: str) -> tuple[list, list] | None:
    """For `field` (deadlines / frequencies): the child's values that qualify the same activity as some parent value
    and the parent values they match; None when no pair does (then every value is compared)."""
    cs, ps = getattr(child, field), getattr(parent, field)
    cctx = [context(child.text, s.span.start, s.span.end) for s in cs]
    pctx = [context(parent.text, s.span.start, s.span.end) for s in ps]
    pairs = [(i, j) for i, a in enumerate(cctx) for j, b in enumerate(pctx) if activity_share(a, b) >= ACTIVITY_SHARE]
    if not pairs:
        return None
    return [cs[i] for i in sorted({i for i, _ in pairs})], [ps[j] for j in sorted({j for _, j in pairs})]


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
    parent's frequency beside others has not changed it. Values are compared activity by activity where the
    activities can be told apart (context()): a child's 每半年培训 is measured against the parent's 每年培训, not
    against the 每年复核 written beside it."""
    out: list[str] = []
    c_ends, p_ends = _end_list(child), _end_list(parent)
    # when every child deadline dates an activity the parent also dates, a parent deadline of another activity
    # belongs to another part of the parent (a split) and is left out; a child deadline of its own (a later stage
    # it adds) keeps the comparison whole
    if (dated := _matched(child, parent, "deadlines")) is not None and len(dated[0]) == len(child.deadlines):
        p_ends = [s.end for s in dated[1] if s.end] or p_ends
    if others:
        own = set(p_ends)
        theirs = {e for o in others for e in _end_list(o)} - own
        c_ends = [e for e in c_ends if e not in theirs] or c_ends
    ce, pe = (max(c_ends) if c_ends else None), (max(p_ends) if p_ends else None)
    if ce and pe and ce != pe:
        out.append("deadline_earlier" if ce < pe else "deadline_later")
    elif (moved := _pairwise(c_ends, p_ends)) != 0:
        out.append("deadline_later" if moved > 0 else "deadline_earlier")
    c_rates, p_rates = _rate_list(child), _rate_list(parent)
    # frequencies are compared activity by activity where both clauses count the same activity
    if (counted := _matched(child, parent, "frequencies")) is not None:
        c_rates, p_rates = [s.per_year for s in counted[0]], [s.per_year for s in counted[1]]
    cr, pr = (max(c_rates) if c_rates else None), (max(p_rates) if p_rates else None)
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

