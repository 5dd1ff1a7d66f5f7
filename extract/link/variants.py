"""Word variants the linker's word passes treat as near-equal (排查 / 查找, 列入 / 纳入, 违法行为 / 违规行为), learned
from the linkage gold of the training files (corpus/links, split train) and kept in models/word_variants.json.

A rewritten task keeps its parent's meaning but not its words. In each gold-linked pair of clauses, the words one side
has and the other lacks (the residue) are where the rewrite happened; a pair of such words (one from each side) that
share a character is a candidate variant. A candidate is kept when it recurs: seen in linked pairs of at least
`min_files` gold files, with at least two different child and two different parent clauses, and at least `min_lift`
times as often (per pair) in linked pairs as in the unlinked pairs of clauses of the same files. Sharing a character
is what keeps the learner honest on a few hundred links: without it, the words that merely happen to co-occur in two
linked pairs (专班 / 重要性) outnumber the real variants; with it, what recurs is the same word written another way.

At run time (AlignConfig.variants) a child clause's word vector also carries, for each of its words, that word's
variants at `variants` times its weight, so a rewrite scores nearer the parent clause it rewrites."""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..words import MODELS

FILE = "word_variants.json"

#: words of time and frequency (每月 / 每季度, 年底 / 月底): their differences are deadline and frequency changes, which
#: the change comparison reports, never the same word written another way
_TIME = re.compile(r"^每|[年月日]|季度|周$|天$")


@dataclass(frozen=True)
class LearnSettings:
    min_files: int = 2
    min_lift: float = 3.0


def _candidates(child: set[str], parent: set[str]) -> set[tuple[str, str]]:
    """The residue pairs of a child and a parent clause's words: (a, b) sorted, a only in one side and b only in the
    other, sharing a character, neither a time or frequency word."""
    out = set()
    only_c = [w for w in child - parent if not _TIME.search(w)]
    only_p = [w for w in parent - child if not _TIME.search(w)]
    for a in only_c:
        sa = set(a)
        for b in only_p:
            if not sa.isdisjoint(b):
                out.add((a, b) if a < b else (b, a))
    return out


def learn(files: list[tuple[str, list[set[str]], list[set[str]], set[tuple[int, int]]]],
          settings: LearnSettings = LearnSettings()) -> list[dict]:
    """Variant pairs from gold files given as (name, child clause word sets, parent clause word sets, linked
    (child, parent) index pairs), strongest first."""
    pos: Counter = Counter()
    neg: Counter = Counter()
    n_pos = n_neg = 0
    seen_files: dict[tuple[str, str], set[str]] = defaultdict(set)
    kids: dict[tuple[str, str], set] = defaultdict(set)
    pars: dict[tuple[str, str], set] = defaultdict(set)
    for name, child, parent, linked in files:
        for ci, cw in enumerate(child):
            for pi, pw in enumerate(parent):
                pairs = _candidates(cw, pw)
                if (ci, pi) in linked:
                    n_pos += 1
                    for k in pairs:
                        pos[k] += 1
                        seen_files[k].add(name)
                        kids[k].add((name, ci))
                        pars[k].add((name, pi))
                else:
                    n_neg += 1
                    neg.update(pairs)
    out = []
    for k, n in pos.items():
        if len(seen_files[k]) < settings.min_files or len(kids[k]) < 2 or len(pars[k]) < 2:
            continue
        lift = (n / n_pos) / ((neg[k] + 1) / max(n_neg, 1))  # +1: a pair never seen unlinked is not infinitely sure
        if lift >= settings.min_lift:
            out.append({"words": list(k), "linked": n, "unlinked": neg[k], "files": len(seen_files[k]),
                        "lift": round(lift, 2)})
    out.sort(key=lambda v: (-v["lift"], -v["linked"], v["words"]))
    return out


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """word -> its variants, from the committed file (empty when there is none)."""
    p = path or MODELS / FILE
    if not p.is_file():
        return {}
    table: dict[str, list[str]] = defaultdict(list)
    for v in json.loads(p.read_text(encoding="utf-8")).get("variants", []):
        a, b = v["words"]
        table[a].append(b)
        table[b].append(a)
    return {w: tuple(sorted(vs)) for w, vs in table.items()}


def expand(vector: dict[str, float], weight: float, table: dict[str, tuple[str, ...]] | None = None) \
        -> dict[str, float]:
    """A word vector that also holds each word's variants (words it lacks) at `weight` times that word's value (the
    largest, when several of its words share a variant)."""
    if weight <= 0 or not vector:
        return vector
    table = load() if table is None else table
    out = dict(vector)
    for w, x in vector.items():
        for v in table.get(w, ()):
            if v not in vector:
                out[v] = max(out.get(v, 0.0), weight * x)
    return out
