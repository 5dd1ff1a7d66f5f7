"""Clause alignment in two stages: char n-gram TF-IDF candidates, then IDF-weighted containment of masked texts."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..model import Clause, Link
from ..text import fold
from .diff import changes

# Place and level words differ between a plan and its localized copy (全县 / 全区, 县应急局 / 区应急管理局);
# numbers and dates differ when deadlines move. Both are masked before comparing.
_NUM = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九十百]+(?=年|月|日|次|个|项)")
_LEVEL = re.compile(r"[省市县区乡镇村州旗盟厅局委办]")
_PUNCT = re.compile(r"[\W_]+")


def mask(text: str) -> str:
    t = fold(text)
    t = _NUM.sub("#", t)
    t = _LEVEL.sub("", t)
    return _PUNCT.sub("", t)


def bigrams(t: str) -> set[str]:
    return {t[i:i + 2] for i in range(len(t) - 1)}


@dataclass
class Scored:
    child: int
    parent: int
    score: float
    child_cover: float
    parent_cover: float


@dataclass
class Alignment:
    links: list[Link] = field(default_factory=list)
    pairs: list[Scored] = field(default_factory=list)


class ParentIndex:
    """The parent plan's clauses, vectorized once, so many children can be aligned against it."""

    def __init__(self, clauses: list[Clause], *, top_k: int = 6):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.clauses = clauses
        self.masked = [mask(c.text) for c in clauses]
        self.top_k = top_k
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1)
        if clauses:
            self.matrix = self.vectorizer.fit_transform(self.masked)
            vocab = self.vectorizer.vocabulary_
            idf = self.vectorizer.idf_
            self.idf = {g: idf[k] for g, k in vocab.items() if len(g) == 2}
            self.default_idf = float(idf.max())
        else:
            self.matrix = None
            self.idf, self.default_idf = {}, 1.0
        self.grams = [bigrams(m) for m in self.masked]

    def weight(self, grams: set[str]) -> float:
        idf = self.idf
        d = self.default_idf
        return sum(idf.get(g, d) for g in grams)

    def candidates(self, texts: list[str]) -> list[list[tuple[int, float]]]:
        if self.matrix is None or not texts:
            return [[] for _ in texts]
        sims = (self.vectorizer.transform(texts) @ self.matrix.T).toarray()
        out = []
        for row in sims:
            order = row.argsort()[::-1][: self.top_k]
            out.append([(int(k), float(row[k])) for k in order if row[k] > 0.08])
        return out


def align(children: list[Clause], parent: ParentIndex, *, threshold: float = 0.42,
          second_threshold: float = 0.5, min_shared: float = 12.0) -> Alignment:
    """Link each child clause to the parent clauses it implements (several for a merge)."""
    masked = [mask(c.text) for c in children]
    cands = parent.candidates(masked)
    result = Alignment()
    for ci, (m, cand) in enumerate(zip(masked, cands)):
        cg = bigrams(m)
        wc = parent.weight(cg)
        scored: list[Scored] = []
        for pi, _sim in cand:
            pg = parent.grams[pi]
            shared = parent.weight(cg & pg)
            if shared < min_shared:
                continue
            wp = parent.weight(pg)
            child_cover = shared / wc if wc else 0.0
            parent_cover = shared / wp if wp else 0.0
            score = shared / min(wc, wp) if min(wc, wp) else 0.0
            scored.append(Scored(ci, pi, score, child_cover, parent_cover))
        scored.sort(key=lambda s: -s.score)
        if not scored or scored[0].score < threshold:
            continue
        best = scored[0]
        keep = [best]
        covered = parent.grams[best.parent] & cg
        for s in scored[1:3]:
            # a merge: a further parent clause that covers a part of the child the first one did not
            new = (parent.grams[s.parent] & cg) - covered
            if s.score >= second_threshold and parent.weight(new) >= 0.25 * wc:
                keep.append(s)
                covered |= parent.grams[s.parent] & cg
        result.pairs.extend(keep)
    _kinds(children, parent, result)
    return result


def _kinds(children: list[Clause], parent: ParentIndex, result: Alignment) -> None:
    per_child: dict[int, int] = {}
    per_parent: dict[int, int] = {}
    for s in result.pairs:
        per_child[s.child] = per_child.get(s.child, 0) + 1
        per_parent[s.parent] = per_parent.get(s.parent, 0) + 1
    for s in result.pairs:
        c, p = children[s.child], parent.clauses[s.parent]
        if per_child[s.child] > 1:
            kind = "merged"
        elif per_parent[s.parent] > 1:
            kind = "split"
        else:
            ch = changes(c, p)
            raw = SequenceMatcher(None, fold(c.text), fold(p.text), autojunk=False).ratio()
            if fold(c.text) == fold(p.text) or (raw >= 0.98 and not ch):
                kind = "verbatim"
            elif SequenceMatcher(None, mask(c.text), parent.masked[s.parent], autojunk=False).ratio() >= 0.85:
                kind = "localized"
            else:
                kind = "paraphrased"
        result.links.append(Link(child=c.id, parent=p.id, score=round(s.score, 4), kind=kind,
                                 changes=tuple(changes(c, p)), child_text=c.text, parent_text=p.text))
