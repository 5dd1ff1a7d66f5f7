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


def specific(masked_phrase: str) -> set[str]:
    """The bigrams of a masked phrase once the campaign's common terms are taken out (no bigram spans a term)."""
    return set().union(*map(bigrams, phrase_rules().terms.split(masked_phrase)))


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


def _gram_matrix(parent: ParentIndex, gram_sets: list[set[str]], weighted: bool = True):
    """Rows over the parent's bigram columns, IDF weights or ones (bigrams no parent clause has are left out): a
    product of a row of ones with a weighted row is the weight the two share."""
    rows, cols, vals = [], [], []
    for r, grams in enumerate(gram_sets):
        for g in grams:
            j = parent.gram_cols.get(g)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(parent.idf.get(g, parent.default_idf) if weighted else 1.0)
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
    """Each phrase of a child clause not yet covered by the parent clauses it links to is matched against the
    parent's phrases: two phrases match when their shared bigram weight covers `key_phrase_cover` of the shorter
    one, sharing at least `key_phrase_min_shared`. A child phrase that matches phrases of exactly one parent clause,
    sharing at least `key_phrase_specific` of weight outside the campaign's common terms, links the child to that
    clause (a second or third parent for a condensed row, the first one for a row restating one part of a long
    task)."""
    cfg, parent, result = ctx.config, ctx.parent, ctx.result
    if not parent.clauses or not ctx.children:
        return
    index = phrase_index(parent, cfg.key_phrase_shortest)
    if not index.text:
        return
    parents_of: dict[int, set[int]] = {}
    for s in result.pairs:
        parents_of.setdefault(s.child, set()).add(s.parent)
    owner_rows: list[int] = []
    texts: list[str] = []
    grams: list[set[str]] = []
    for ci, c in enumerate(ctx.children):
        held = set().union(*(parent.grams[pi] for pi in parents_of.get(ci, ())))
        for m in phrases(own_text(c), cfg.key_phrase_shortest):
            g = bigrams(m)
            # a phrase the clause's own parent clauses already hold is what links it there, not a further task
            if held and parent.weight(g & held) >= cfg.key_phrase_held * parent.weight(g):
                continue
            owner_rows.append(ci)
            texts.append(m)
            grams.append(g)
    if not texts:
        return
    shared = (_gram_matrix(parent, grams, weighted=False) @ index.matrix_t).toarray()
    weights = np.array([parent.weight(g) for g in grams])
    smaller = np.minimum.outer(weights, index.weight)
    match = (shared >= cfg.key_phrase_min_shared) & (shared >= cfg.key_phrase_cover * np.maximum(smaller, 1e-9))
    added: set[tuple[int, int]] = set()
    for row in np.flatnonzero(match.any(axis=1)):
        cols = np.flatnonzero(match[row])
        owners = set(index.owners[cols].tolist())
        if len(owners) != 1:
            continue  # a phrase several parent clauses share points at none of them
        pi = owners.pop()
        ci = owner_rows[row]
        if pi in parents_of.get(ci, ()) or (ci, pi) in added:
            continue
        mine = specific(texts[row])
        best = max(parent.weight(mine & specific(index.text[k])) for k in cols)
        if best < cfg.key_phrase_specific:
            continue
        added.add((ci, pi))
        result.pairs.append(ctx.scored(ci, pi))
