"""Linker passes over what the first passes leave: the part of a condensed child clause its parent clause does not
cover (a row condensing two parent tasks takes both), an unlinked child and an uncovered parent whose titles say
the same thing in words (a task rewritten in the child's own words, classified under another action), the two when
their titles name the same kind of general work in other words (督查问效 / 加强督导检查), and a child condensing a
whole parent subsection under a title like the subsection's heading."""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from .. import rules
from ..model import Clause
from .index import ParentIndex, bigrams, csr, mask, title
from .passes import Context, register


def own_text(c: Clause) -> str:
    """A clause's text without the role notes the table reader appends to an annex row (（牵头单位：…；完成时限：…）,
    built from the row's cells): the units and dates say who and when, not what the task is."""
    t = c.text
    if c.kind != "table_row" or not c.cells or not t.endswith("）"):
        return t
    k = t.rfind("（")
    while k > 0:
        if any(t.startswith(f"{name}：", k + 1) for name in c.cells):
            return t[:k]
        k = t.rfind("（", 0, k)
    return t


_TITLE_END = re.compile(r"[。：:；;]")  # where a title sentence ends, as index.title() reads it


@register("condensed")
def condensed(ctx: Context) -> None:
    """A linked child clause whose parent clauses leave at least `condensed_remainder` of its own words uncovered
    (a row condensing two parent tasks: 煤气区域报警仪 of one, 标准化达标创建 of another) takes the parent clause that
    covers most of that remainder, when it covers `condensed_cover` of it sharing at least `condensed_min_shared`
    of IDF weight."""
    cfg, parent, result = ctx.config, ctx.parent, ctx.result
    parents_of: dict[int, set[int]] = {}
    for s in result.pairs:
        parents_of.setdefault(s.child, set()).add(s.parent)
    if not parents_of or not parent.clauses:
        return
    todo: list[int] = []
    remainders: list[set[str]] = []
    for ci, pis in sorted(parents_of.items()):
        own = bigrams(mask(own_text(ctx.children[ci])))
        rest = own.difference(*(parent.grams[pi] for pi in pis))
        whole = parent.weight(own)
        if whole and parent.weight(rest) >= cfg.condensed_remainder * whole:
            todo.append(ci)
            remainders.append(rest)
    if not todo:
        return
    shared = _overlap(parent, remainders)
    for row, ci in enumerate(todo):
        weights = shared[row].copy()
        weights[list(parents_of[ci])] = 0.0
        pi = int(np.argmax(weights))
        rest_weight = parent.weight(remainders[row])
        if weights[pi] >= cfg.condensed_min_shared and weights[pi] >= cfg.condensed_cover * rest_weight:
            result.pairs.append(ctx.scored(ci, pi))


@register("titled_orphans")
def titled_orphans(ctx: Context) -> None:
    """A child clause still unlinked and a parent clause still uncovered whose title sentences agree in words
    (加大安全投入 / 强化安全投入), each the other's nearest by title word cosine, from `orphan_title_threshold`: the
    child's rewrite of that parent task. Unlike titled_parents the actions may differ: the classifier reads a
    rewritten task on its own and may file it elsewhere, and neither side has a better partner."""
    result, children, parent = ctx.result, ctx.children, ctx.parent
    linked = {s.child for s in result.pairs}
    covered = {s.parent for s in result.pairs}
    kids = [ci for ci, c in enumerate(children) if ci not in linked and title(c.text)]
    rest = [pi for pi, p in enumerate(parent.clauses) if pi not in covered and title(p.text)]
    if not kids or not rest:
        return
    parent_titles = ctx.words.titles()
    cos = np.array([[_cosine(ctx.title_vector(ci), parent_titles[pi]) for pi in rest] for ci in kids])
    for r, ci in enumerate(kids):
        k = int(np.argmax(cos[r]))
        best = float(cos[r, k])
        if best >= ctx.config.orphan_title_threshold and int(np.argmax(cos[:, k])) == r:
            result.pairs.append(ctx.scored(ci, rest[k], best))


@lru_cache(maxsize=1)
def work_kinds() -> dict[str, tuple[str, ...]]:
    """Kinds of general work and the words that name them (extract/rules/work_kinds.yaml)."""
    return {k: tuple(ws) for k, ws in rules.load("work_kinds.yaml")["kinds"].items()}


def kind_of(title_text: str) -> str | None:
    """The one kind of general work a title names, None for none or several."""
    found = {k for k, ws in work_kinds().items() if any(w in title_text for w in ws)}
    return found.pop() if len(found) == 1 else None


def clause_kind(c: Clause) -> str | None:
    """The kind of general work a clause's title names; for a clause without a title sentence whose opening words
    name none, the kind its heading names: plans write 组织领导 or 宣传教育 as a heading over untitled paragraphs
    (二、组织领导 / 各单位要把……摆上重要议事日程……), and the heading is that paragraph's title."""
    kind = kind_of(_raw_title(c.text))
    if kind is None and c.heading and not title(c.text):
        kind = kind_of(c.heading.rsplit(" / ", 1)[-1])
    return kind


@register("same_kind")
def same_kind(ctx: Context) -> None:
    """A parent clause still uncovered whose title names one kind of general work (组织, 宣传, 培训, 演练, 考核,
    督导, 投入) and a child clause still unlinked whose title names the same kind in other words (for an untitled
    paragraph, its heading: clause_kind): the child carries out that general task. The nearest such child by word
    cosine is linked from `same_kind_threshold`, and a child of a kind left unlinked then takes the nearest parent
    clause of its kind even when covered (a split). Children already linked elsewhere are left out: their best
    same-kind parents are mostly dropped in the gold, and letting in those whose linked parent names the same kind (a
    merge of two general parents) lowered every training figure."""
    result, children, parent = ctx.result, ctx.children, ctx.parent
    linked = {s.child for s in result.pairs}
    covered = {s.parent for s in result.pairs}
    kids: dict[str, list[int]] = {}
    for ci, c in enumerate(children):
        kind = clause_kind(c) if ci not in linked else None
        if kind:
            kids.setdefault(kind, []).append(ci)
    if not kids:
        return
    vectors = ctx.words.vectors
    taken: set[int] = set()
    kinds = [clause_kind(p) for p in parent.clauses]
    for pi, kind in enumerate(kinds):
        if pi in covered or not kind or kind not in kids:
            continue
        best, pick = max(((_cosine(ctx.word_vector(ci), vectors[pi]), ci) for ci in kids[kind] if ci not in taken),
                         default=(0.0, -1))
        if pick >= 0 and best >= ctx.config.same_kind_threshold:
            result.pairs.append(ctx.scored(pick, pi, best))
            taken.add(pick)
    # a child of that kind still unlinked carries out part of a general parent another child already covers (the
    # parent's 宣传教育 split into 进村宣讲 and 以案说法): it takes the nearest parent clause of its kind, covered or not,
    # from the same threshold (27 training files: links 0.955 -> 0.956, novel 0.906 -> 0.911; 0.06-0.10 a plateau)
    for kind, cis in kids.items():
        same = [pi for pi, k in enumerate(kinds) if k == kind]
        for ci in cis if same else ():
            if ci in taken:
                continue
            best, pi = max((_cosine(ctx.word_vector(ci), vectors[pi]), pi) for pi in same)
            if best >= ctx.config.same_kind_threshold:
                result.pairs.append(ctx.scored(ci, pi, best))
                taken.add(ci)


@register("condensed_section")
def condensed_section(ctx: Context) -> None:
    """A county may condense a whole subsection of its parent into one task named like the subsection's heading
    (把好大型群众性活动安全关 for the four clauses under 强化大型活动安全隐患整治). A child clause still unlinked whose
    title sentence (its text when it has none) reaches `section_title_threshold` word cosine with the heading of a
    parent subsection (a heading below the top level), when at least two of its clauses are still uncovered, is
    linked to those of them near it in words (`section_member_ratio` of the nearest one's cosine)."""
    result, children, parent = ctx.result, ctx.children, ctx.parent
    linked = {s.child for s in result.pairs}
    covered = {s.parent for s in result.pairs}
    sections: dict[str, list[int]] = {}
    for pi, p in enumerate(parent.clauses):
        if pi not in covered and " / " in p.heading:
            sections.setdefault(p.heading, []).append(pi)
    sections = {h: members for h, members in sections.items() if len(members) >= 2}
    rest = [ci for ci in range(len(children)) if ci not in linked]
    if not sections or not rest:
        return
    words, threshold = ctx.words, ctx.config.section_title_threshold
    for heading, members in sections.items():
        vector = words.of(heading.rsplit(" / ", 1)[-1])
        best, pick = max(((_cosine(ctx.title_vector(ci) or ctx.word_vector(ci), vector), ci) for ci in rest),
                         default=(0.0, -1))
        if pick >= 0 and best >= threshold:
            # of the subsection's clauses, those the child's words are near: a child that restates one clause under
            # a heading it echoes (逐处设立文物安全责任牌 under 强化文物安全责任) takes that clause, not its neighbours
            near = words.cosines([ctx.word_vector(pick)])[0][members]
            top = float(near.max())
            result.pairs.extend(ctx.scored(pick, pi, best) for pi, c in zip(members, near)
                                if c >= ctx.config.section_member_ratio * top)
            rest.remove(pick)


def _raw_title(text: str) -> str:
    """The title sentence as written (title() gives it masked), or the opening words of a clause without one."""
    return _TITLE_END.split(text, maxsplit=1)[0] if title(text) else text[:15]


def _overlap(parent: ParentIndex, gram_sets: list[set[str]]) -> np.ndarray:
    """IDF weight each set of bigrams shares with each parent clause (sets × parent clauses), one sparse product."""
    rows, cols = [], []
    for r, grams in enumerate(gram_sets):
        for g in grams:
            j = parent.gram_cols.get(g)
            if j is not None:  # a bigram no parent clause has shares nothing
                rows.append(r)
                cols.append(j)
    m = csr(rows, cols, [1.0] * len(cols), (len(gram_sets), len(parent.gram_cols)))
    return (m @ parent.gram_matrix_t).toarray()


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())
