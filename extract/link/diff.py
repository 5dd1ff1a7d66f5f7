"""Attribute changes between a child clause and the parent clause it implements: deadlines, frequencies, ongoing."""
from __future__ import annotations

import re
from functools import lru_cache

from .. import rules
from ..model import Clause, Role
from ..text import fold

# What a deadline or frequency applies to is the text around it in its sentence (每月听取特种设备安全情况汇报 /
# 每周至少听取1次特种设备安全工作汇报): the value and CONTEXT characters either side, numbers, period and place words
# left out. Two values are of the same activity when their contexts share ACTIVITY_SHARE of the smaller context's
# bigrams. Chosen on the linkage training pairs: on the links they get right, the changes come out 99 right, 0 wrong,
# 0 missed, against 98, 2, 1 when every value of a clause is compared with every value of the other (a parent's
# 每年复核 is no measure of the child's 每半年培训); 12-24 characters and 0.25-0.45 give 98-99 right. Frequencies of
# two kinds of recurring work (rules/recurring_work.yaml) never pair, and a comma between two values of one field ends
# their phrases (limits()): on every gold pair (tools/link_changes.py --pairs) train 106 right, 0 missed, 0 invented
# (was 106/0/1), dev 50/0/0.
CONTEXT = 20
ACTIVITY_SHARE = 0.34
MIN_CONTEXT = 3
_SENTENCE_END = "。；;！？\n"
_COMMAS = "，,"
_DROP = re.compile(r"[\W_\d]+|[省市县区乡镇村州旗盟厅局委办年月日次周季度每至少前底]")


def _end_list(c: Clause) -> list[str]:
    return [s.end for s in c.deadlines if s.end]


def _rate_list(c: Clause) -> list[float]:
    """Each frequency of the clause as times per year."""
    return [s.per_year for s in c.frequencies]


def context(text: str, start: int, end: int, lo_limit: int = 0, hi_limit: int | None = None) -> set[str]:
    """Bigrams of the activity a value at text[start:end] qualifies: the value and up to CONTEXT characters either
    side within its sentence and within [lo_limit, hi_limit) (where the neighbouring values' phrases begin and end,
    see limits()), numbers, period and place words left out (empty when the offsets are unknown)."""
    if start < 0 or end > len(text) or start >= end:
        return set()
    lo = max(start - CONTEXT, max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1, min(lo_limit, start))
    stops = [k for ch in _SENTENCE_END if (k := text.find(ch, end)) >= 0]
    hi = min([end + CONTEXT, *stops, *([max(hi_limit, end)] if hi_limit is not None else [])])
    # a long frequency span holds its own activity (每季度对全体工作人员至少培训1次): its words count too
    words = _DROP.sub("", fold(text[lo:hi]))
    return {words[i:i + 2] for i in range(len(words) - 1)}


def limits(text: str, spans: list[tuple[int, int]], k: int) -> tuple[int, int | None]:
    """Where the phrase of the k-th of several values of one field written in `text` can reach: a comma between two
    values divides their phrases (2025年底前实现A接入监测预警系统，2026年底前安全风险智能化管控能力显著增强: the
    2026 value's activity starts after the comma), the last comma before the later value, where its phrase opens."""
    start, end = spans[k]
    lo, hi = 0, None
    for j, (s, e) in enumerate(spans):
        if j == k or s < 0:
            continue
        if e <= start and (cut := max(text.rfind(ch, e, start) for ch in _COMMAS)) >= 0:
            lo = max(lo, cut + 1)
        elif s >= end and (cut := max(text.rfind(ch, end, s) for ch in _COMMAS)) >= 0:
            hi = cut if hi is None else min(hi, cut)
    return lo, hi


def contexts(text: str, values: list) -> list[set[str]]:
    """context() of each value of one field of a clause, each kept to its own phrase (limits())."""
    spans = [(v.span.start, v.span.end) for v in values]
    return [context(text, s, e, *limits(text, spans, k)) for k, (s, e) in enumerate(spans)]


@lru_cache(maxsize=1)
def _work_words() -> tuple[int, tuple[tuple[str, str], ...]]:
    """WINDOW and the (word, kind) pairs of rules/recurring_work.yaml, longer words first."""
    data = rules.load("recurring_work.yaml")
    pairs = [(w, kind) for kind, words in data["kinds"].items() for w in words]
    return int(data["window"]), tuple(sorted(pairs, key=lambda p: -len(p[0])))


def work_kind(text: str, start: int, end: int, lo_limit: int = 0, hi_limit: int | None = None) -> str | None:
    """The kind of recurring work (rules/recurring_work.yaml) a frequency at text[start:end] counts: named in its own
    span, else the first named after it, else the last named before it, within WINDOW characters, its sentence and
    [lo_limit, hi_limit) (the neighbouring frequencies' spans); None when no kind word is near."""
    if start < 0 or end > len(text) or start >= end:
        return None
    window, words = _work_words()
    own = [(k, kind) for w, kind in words if (k := text.find(w, start, end)) >= 0]
    if own:
        return min(own)[1]
    stops = [k for ch in _SENTENCE_END if (k := text.find(ch, end)) >= 0]
    hi = min([end + window, *stops, *([max(hi_limit, end)] if hi_limit is not None else [])])
    after = [(k, kind) for w, kind in words if (k := text.find(w, end, hi)) >= 0]
    if after:
        return min(after)[1]
    lo = max(start - window, max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1, min(lo_limit, start))
    before = [(k + len(w), kind) for w, kind in words if (k := text.rfind(w, lo, start)) >= 0]
    return max(before)[1] if before else None


_LIST_GAP = re.compile(r"[、“”\"‘’\s]*")


def work_kinds(c: Clause) -> list[str | None]:
    """work_kind() of each frequency of the clause, each read up to its neighbours' spans; a frequency written in a
    run with the next one (“日周月”隐患排查) counts the same work as it."""
    spans = [(f.span.start, f.span.end) for f in c.frequencies]
    out: list[str | None] = [None] * len(spans)
    for k in reversed(range(len(spans))):
        s, e = spans[k]
        lo = max([b for a, b in spans[:k] if 0 <= b <= s], default=0)
        nxt = min([a for a, b in spans[k + 1:] if a >= e], default=None)
        out[k] = work_kind(c.text, s, e, lo, nxt)
        if out[k] is None and nxt is not None and s >= 0 and _LIST_GAP.fullmatch(c.text, e, nxt):
            out[k] = out[next(j for j in range(k + 1, len(spans)) if spans[j][0] == nxt)]
    return out


def activity_share(a: set[str], b: set[str]) -> float:
    """Share of the smaller context's bigrams the other context holds; 0 for contexts too small to tell (a value at
    the end of its sentence with one word beside it matches anything)."""
    if min(len(a), len(b)) < MIN_CONTEXT:
        return 0.0
    shared = len(a & b)
    return shared / min(len(a), len(b)) if shared >= 2 else 0.0


def _matched(child: Clause, parent: Clause, field: str) -> tuple[list, list] | None:
    """For `field` (deadlines / frequencies): the child's values that qualify the same activity as some parent value
    and the parent values they match; None when no pair does (then every value is compared). Frequencies of two
    different kinds of recurring work (work_kind()) never pair: when no pair of the same or an unknown kind is left,
    there is nothing to compare and both lists are empty."""
    cs, ps = getattr(child, field), getattr(parent, field)
    if not cs or not ps:
        return None
    cctx, pctx = contexts(child.text, cs), contexts(parent.text, ps)
    if field == "frequencies":
        ck, pk = work_kinds(child), work_kinds(parent)
        alike = [(i, j) for i in range(len(cs)) for j in range(len(ps)) if not ck[i] or not pk[j] or ck[i] == pk[j]]
    else:
        alike = [(i, j) for i in range(len(cs)) for j in range(len(ps))]
    pairs = [(i, j) for i, j in alike if activity_share(cctx[i], pctx[j]) >= ACTIVITY_SHARE]
    if not pairs:
        if len(alike) == len(cs) * len(ps):
            return None
        pairs = alike
    mine = {i for i, _ in pairs}
    if field == "frequencies":
        # a child that keeps the parent's frequency for a group it names in brackets has not changed it
        mine |= _groups(child.text, cs, mine)
    return [cs[i] for i in sorted(mine)], [ps[j] for j in sorted({j for _, j in pairs})]


_GROUP = re.compile(r"[（(][^（()）]*$")


def _groups(text: str, values: list, matched: set[int]) -> set[int]:
    """Values written in brackets right after a matched value, for a group of the same work (每年至少组织1次演练
    （高危行业领域每半年至少1次）): they count the matched value's activity for that group."""
    out = set()
    for k in range(1, len(values)):
        prev, cur = values[k - 1].span, values[k].span
        if k - 1 in matched and 0 <= prev.end <= cur.start and _GROUP.search(text, prev.end, cur.start):
            out.add(k)
    return out


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
    against the 每年复核 written beside it; frequencies of different kinds of work (work_kind()) are never compared,
    and a child value in brackets for a group (（高危行业领域每半年至少1次）) counts its matched value's work."""
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

