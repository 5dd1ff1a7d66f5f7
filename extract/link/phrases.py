"""Linker pass over key phrases: a child clause that restates one phrase of a long parent clause (an annex row
taking one 一是…二是… part of a body task, or one part of each of two tasks) takes that parent clause, when the
phrase points at it alone and the two share more than the campaign's common terms (rules/key_phrases.yaml)."""
from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .. import rules
from .index import ParentIndex, bigrams, csr, mask
from .leftover import own_text
from .passes import Context, register


@dataclass(frozen=True)
class PhraseRules:
    split: re.Pattern
    notes: re.Pattern
    enumerator: re.Pattern
    terms: re.Pattern


@lru_cache(maxsize=1)
def phrase_rules() -> PhraseRules:
    """The phrase marks, enumerators and campaign terms of rules/key_phrases.yaml, compiled once."""
    data = rules.load("key_phrases.yaml")
    terms = sorted({mask(t) for t in data["terms"]}, key=len, reverse=True)  # longer terms first
    return PhraseRules(re.compile(data["split"]), re.compile(data["notes"]), re.compile(data["enumerator"]),
                       re.compile("|".join(map(re.escape, terms))))


def phrases(text: str, shortest: int) -> list[str]:
    """The masked phrases of a text (between the split marks, enumerators and role notes left out), those of
    `shortest` masked characters or more."""
    r = phrase_rules()
    out = []
    for piece in r.split.split(r.notes.sub("", text)):
        m = mask(r.enumerator.sub("", piece.strip()))
        if len(m) >= shortest:
            out.append(m)
    return out


@lru_cache(maxsize=1 << 14)
def clause_phrases(text: str, shortest: int) -> tuple[str, ...]:
    """phrases() of a clause text, kept: a batch links the same clause texts again and again."""
    return tuple(phrases(text, shortest))


@lru_cache(maxsize=1 << 14)
def specific(masked_phrase: str) -> frozenset[str]:
    """The bigrams of a masked phrase once the campaign's common terms are taken out (no bigram spans a term)."""
    return frozenset().union(*map(bigrams, phrase_rules().terms.split(masked_phrase)))


class PhraseIndex:
    """A parent's clauses cut into phrases, as one sparse matrix of IDF-weighted bigrams (phrases × bigrams)."""

    def __init__(self, parent: ParentIndex, shortest: int):
        self.owner: list[int] = []  # the parent clause of each phrase
        self.text: list[str] = []
        for pi, c in enumerate(parent.clauses):
            for m in phrases(c.text, shortest):
                self.owner.append(pi)
                self.text.append(m)
        self.grams = [bigrams(m) for m in self.text]
        self.weight = np.array([parent.weight(g) for g in self.grams])
        self.matrix_t = _gram_matrix(parent, self.grams).T.tocsr()
        self.owners = np.array(self.owner, dtype=np.int64)
        self.parent = parent
        self._rows: dict[str, tuple[float, np.ndarray]] = {}

    def rows(self, texts: list[str]):
        """ParentIndex.gram_rows of masked child phrases, each phrase's columns kept: the clauses of a batch's
        children repeat the same phrases (a localized copy, a shared template), so most are looked up once."""
        cache = self._rows
        missing = list(dict.fromkeys(t for t in texts if t not in cache))
        if missing:
            if len(cache) + len(missing) > _ROWS_KEPT:
                cache.clear()
            weight, m = self.parent.gram_rows(missing)
            for k, t in enumerate(missing):
                cache[t] = (float(weight[k]), m.indices[m.indptr[k]:m.indptr[k + 1]].copy())
        entries = [cache[t] for t in texts]
        cols = [c for _, c in entries]
        lengths = np.fromiter(map(len, cols), dtype=np.int64, count=len(cols))
        indices = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)  # in order, columns sorted: no sort needed
        m = csr(rows, indices, np.ones(len(indices)), (len(texts), len(self.parent.gram_cols)))
        return np.array([w for w, _ in entries]), m


#: how many child phrases a phrase index keeps the columns of (then it starts again)
_ROWS_KEPT = 1 << 16


def _gram_matrix(parent: ParentIndex, gram_sets: list[set[str]]):
    """Rows of IDF weights over the parent's bigram columns (every bigram of a parent phrase has its column): the
    product with ParentIndex.gram_rows (ones) is the weight a child text shares with each phrase."""
    rows, cols, vals = [], [], []
    for r, grams in enumerate(gram_sets):
        for g in grams:
            j = parent.gram_cols.get(g)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(parent.idf.get(g, parent.default_idf))
    return csr(rows, cols, vals, (len(gram_sets), len(parent.gram_cols)))


#: each parent index's phrase indexes (by shortest phrase), kept as long as the parent index lives: a batch links
#: many children to one parent, which is cut into phrases once
_INDEXES: weakref.WeakKeyDictionary[ParentIndex, dict[int, PhraseIndex]] = weakref.WeakKeyDictionary()


def phrase_index(parent: ParentIndex, shortest: int) -> PhraseIndex:
    """The parent's phrase index, made on first use and kept with the parent index (many children share it)."""
    cache = _INDEXES.setdefault(parent, {})
    if shortest not in cache:
        cache[shortest] = PhraseIndex(parent, shortest)
    return cache[shortest]


@register("key_phrases")
def key_phrases(ctx: Context) -> None:
    """Each phrase of a child clause not yet held by the parent clauses it links to is matched against the parent's
    phrases: two phrases match when their shared bigram weight covers `key_phrase_cover` of the smaller one, sharing
    at least `key_phrase_min_shared`. A child phrase that matches phrases of exactly one parent clause, sharing at
    least `key_phrase_specific` of weight outside the campaign's common terms, links the child to that clause (a
    second or third parent for a condensed row, the first one for a row restating one part of a long task)."""
    cfg, parent, result = ctx.config, ctx.parent, ctx.result
    if not parent.clauses or not ctx.children:
        return
    index = phrase_index(parent, cfg.key_phrase_shortest)
    if not index.text:
        return
    parents_of: dict[int, list[int]] = {}
    for s in result.pairs:
        parents_of.setdefault(s.child, []).append(s.parent)
    owner_rows: list[int] = []
    texts: list[str] = []
    for ci, c in enumerate(ctx.children):
        mine = parents_of.get(ci)
        if mine and ctx.child_weight[ci] and max(float(ctx.shared[ci, pi]) for pi in mine) \
                >= cfg.key_phrase_covered * ctx.child_weight[ci]:
            continue  # one parent clause already holds nearly all of it: no phrase is left for another
        for m in clause_phrases(own_text(c), cfg.key_phrase_shortest):
            owner_rows.append(ci)
            texts.append(m)
    if not texts:
        return
    weights, rows = index.rows(texts)
    # a phrase the clause's own parent clauses already hold is what links it there, not a further task: the weight
    # it shares with its one parent clause, or with the union of its several (sets: few clauses have several)
    in_clauses = (rows @ parent.gram_matrix_t).toarray()
    held = np.zeros(len(texts))
    unions: dict[int, set[str]] = {}
    for r, ci in enumerate(owner_rows):
        mine = parents_of.get(ci)
        if not mine:
            continue
        if len(mine) == 1:
            held[r] = in_clauses[r, mine[0]]
        else:
            union = unions.get(ci)
            if union is None:
                union = unions[ci] = set().union(*(parent.grams[pi] for pi in mine))
            held[r] = parent.weight(bigrams(texts[r]) & union)
    keep = (held < cfg.key_phrase_held * weights) & (weights >= cfg.key_phrase_min_shared)
    if not keep.any():
        return
    shared = (rows[keep] @ index.matrix_t).toarray()
    kept = np.flatnonzero(keep)
    smaller = np.minimum.outer(weights[kept], index.weight)
    match = (shared >= cfg.key_phrase_min_shared) & (shared >= cfg.key_phrase_cover * np.maximum(smaller, 1e-9))
    added: set[tuple[int, int]] = set()
    for k in np.flatnonzero(match.any(axis=1)):
        cols = np.flatnonzero(match[k])
        owners = set(index.owners[cols].tolist())
        if len(owners) != 1:
            continue  # a phrase several parent clauses share points at none of them
        pi = owners.pop()
        r = int(kept[k])
        ci = owner_rows[r]
        if pi in parents_of.get(ci, ()) or (ci, pi) in added:
            continue
        mine = specific(texts[r])
        if max(parent.weight(mine & specific(index.text[j])) for j in cols) < cfg.key_phrase_specific:
            continue
        added.add((ci, pi))
        result.pairs.append(ctx.scored(ci, pi))
