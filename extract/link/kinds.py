"""The kind of each link the passes found (verbatim, localized, paraphrased, split, merged) and its changes."""
from __future__ import annotations

from collections import Counter
from difflib import SequenceMatcher

from ..model import Link
from ..text import fold
from .diff import changes
from .passes import Context


def ratio_at_least(a: str, b: str, bound: float) -> bool:
    """SequenceMatcher ratio >= bound, with its two upper bounds tried first (most pairs fail them): real_quick_ratio
    from the lengths, quick_ratio from the characters the texts share counted with Counter (in C) rather than by
    SequenceMatcher's Python loops."""
    length = len(a) + len(b)
    if not length:
        return 1.0 >= bound  # SequenceMatcher rates two empty texts 1.0
    if 2.0 * min(len(a), len(b)) / length < bound:
        return False
    if 2.0 * sum((Counter(a) & Counter(b)).values()) / length < bound:
        return False
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= bound


def label(ctx: Context) -> None:
    """Turn the pairs of ctx.result into links: a child with several parents is a merge, a parent with several
    children a split, else verbatim, localized or paraphrased by how close the texts are."""
    children, parent, result, cfg = ctx.children, ctx.parent, ctx.result, ctx.config
    per_child: dict[int, int] = {}
    per_parent: dict[int, int] = {}
    for s in result.pairs:
        per_child[s.child] = per_child.get(s.child, 0) + 1
        per_parent[s.parent] = per_parent.get(s.parent, 0) + 1
    merged_with: dict[int, list[int]] = {}
    for s in result.pairs:
        merged_with.setdefault(s.child, []).append(s.parent)
    folded: dict[int, str] = {}
    for s in result.pairs:
        c, p = children[s.child], parent.clauses[s.parent]
        # in a merge, a child deadline that belongs to another of its parent clauses is no change of this one
        others = tuple(parent.clauses[pi] for pi in merged_with[s.child] if pi != s.parent)
        ch = changes(c, p, others)
        if per_child[s.child] > 1:
            kind = "merged"
        elif per_parent[s.parent] > 1:
            kind = "split"
        else:
            fc = folded.get(s.child)
            if fc is None:
                fc = folded[s.child] = fold(c.text)
            fp = parent.folded[s.parent]
            if fc == fp or (not ch and ratio_at_least(fc, fp, cfg.verbatim_ratio)):
                kind = "verbatim"
            elif ratio_at_least(ctx.masked[s.child], parent.masked[s.parent], cfg.localized_ratio):
                kind = "localized"
            else:
                kind = "paraphrased"
        result.links.append(Link(child=c.id, parent=p.id, score=round(s.score, 4), kind=kind,
                                 changes=tuple(ch), child_text=c.text, parent_text=p.text))
