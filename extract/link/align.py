"""Clause alignment in two stages: char n-gram TF-IDF candidates, then IDF-weighted containment of masked texts;
word-level passes (jieba words, TF-IDF over the parent) for clauses a plan rewrote in its own words."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from ..model import Clause, Link
from ..text import fold
from ..words import words
from .diff import changes

# Place and level words differ between a plan and its localized copy (全县 / 全区, 县应急局 / 区应急管理局);
# numbers and dates differ when deadlines move. Both are masked before comparing.
_NUM = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九十百]+(?=年|月|日|次|个|项)")
_LEVEL = re.compile(r"[省市县区乡镇村州旗盟厅局委办]")
_PUNCT = re.compile(r"[\W_]+")
_WHITE = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds runs of white space


@lru_cache(maxsize=1 << 15)
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
        self.folded = [fold(c.text) for c in clauses]
        # every parent bigram a column: the IDF-weighted overlap of a child with every parent clause is one sparse
        # product (an inverted index: only pairs that share a bigram are touched)
        self.gram_cols: dict[str, int] = {}
        rows, cols = [], []
        for pi, grams in enumerate(self.grams):
            for g in grams:
                rows.append(pi)
                cols.append(self.gram_cols.setdefault(g, len(self.gram_cols)))
        gram_idf = np.array([self.idf.get(g, self.default_idf) for g in self.gram_cols], dtype=np.float64)
        self.gram_matrix = _csr(rows, cols, gram_idf[cols] if cols else [], (len(clauses), len(self.gram_cols)))
        self.grams_weight = [self.weight(g) for g in self.grams]
        self.titles = group_titles(clauses)
        groups: dict[str, list[int]] = {}
        for pi, t in enumerate(self.titles):
            if len(t) >= 6:
                groups.setdefault(t, []).append(pi)
        # (bigrams of a title, the parent clauses that carry it), for the title pass of align()
        self.title_groups = [(bigrams(t), pis) for t, pis in groups.items()]
        self.title_cols: dict[str, int] = {}
        rows, cols = [], []
        for k, (grams, _) in enumerate(self.title_groups):
            for g in grams:
                rows.append(k)
                cols.append(self.title_cols.setdefault(g, len(self.title_cols)))
        self.title_matrix = _csr(rows, cols, [1] * len(cols), (len(self.title_groups), len(self.title_cols)),
                                 dtype=np.int64)
        self.title_sizes = np.array([len(g) for g, _ in self.title_groups], dtype=np.int64)
        self._word_vectors: list[dict[str, float]] | None = None
        self._word_matrix = None
        self._word_cols: dict[str, int] = {}
        self._word_idf: dict[str, float] | None = None
        self._word_default = 1.0

    def word_vectors(self) -> list[dict[str, float]]:
        """Unit TF-IDF word vectors of the parent clauses (computed on first use: most children never need them)."""
        if self._word_vectors is None:
            counts = [_words(c.text) for c in self.clauses]
            df = Counter(w for c in counts for w in c)
            n = len(counts)
            self._word_idf = {w: math.log((n + 1) / (d + 1)) + 1 for w, d in df.items()}
            self._word_default = math.log(n + 1) + 1
            self._word_vectors = [self.word_vector(c) for c in counts]
            rows, cols, vals = [], [], []
            for pi, v in enumerate(self._word_vectors):
                for w, x in v.items():
                    rows.append(pi)
                    cols.append(self._word_cols.setdefault(w, len(self._word_cols)))
                    vals.append(x)
            self._word_matrix = _csr(rows, cols, vals, (n, len(self._word_cols)))
        return self._word_vectors

    def word_cosines(self, vectors: list[dict[str, float]]) -> np.ndarray:
        """Cosines of unit word vectors (child clauses) with every parent clause: len(vectors) × parent clauses."""
        self.word_vectors()
        rows, cols, vals = [], [], []
        for i, v in enumerate(vectors):
            for w, x in v.items():
                j = self._word_cols.get(w)
                if j is not None:  # a word the parent never uses adds nothing to a cosine
                    rows.append(i)
                    cols.append(j)
                    vals.append(x)
        m = _csr(rows, cols, vals, (len(vectors), len(self._word_cols)))
        return (m @ self._word_matrix.T).toarray()

    def shared_weights(self, child_grams: list[set[str]]) -> np.ndarray:
        """weight(child bigrams & parent bigrams) for every child × parent clause, in one sparse product."""
        flat = list(chain.from_iterable(child_grams))
        cols = np.fromiter(map(self.gram_cols.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(len(child_grams), dtype=np.int64), [len(g) for g in child_grams])
        known = cols >= 0  # a bigram no parent clause has shares nothing
        m = _csr(rows[known], cols[known], np.ones(int(known.sum())), (len(child_grams), len(self.gram_cols)))
        return (m @ self.gram_matrix.T).toarray()

    def title_dice(self, titles: list[str]) -> np.ndarray:
        """Dice coefficient of each child title's bigrams with each parent title group's (0 where either is empty)."""
        rows, cols, sizes = [], [], []
        for i, t in enumerate(titles):
            grams = bigrams(t)
            sizes.append(len(grams))
            for g in grams:
                j = self.title_cols.get(g)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        m = _csr(rows, cols, [1] * len(cols), (len(titles), len(self.title_cols)), dtype=np.int64)
        inter = (m @ self.title_matrix.T).toarray()
        total = np.add.outer(np.array(sizes, dtype=np.int64), self.title_sizes)
        both = np.outer(np.array(sizes) > 0, self.title_sizes > 0)
        return np.where(both, 2 * inter / np.maximum(total, 1), 0.0)

    def word_vector(self, counts: Counter) -> dict[str, float]:
        """A unit TF-IDF vector of word counts, with the parent's IDF."""
        if self._word_idf is None:
            self.word_vectors()
        v = {w: (1 + math.log(k)) * self._word_idf.get(w, self._word_default) for w, k in counts.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    def weight(self, grams: set[str]) -> float:
        idf = self.idf
        d = self.default_idf
        return sum(idf.get(g, d) for g in grams)

    def tfidf(self, texts: list[str]):
        """vectorizer.transform(texts) (char 2-3 grams, sublinear tf, idf, l2 rows) with the n-grams looked up in one
        C-level pass: scikit-learn's transform counts them one by one in Python, which was a sixth of linking."""
        vocab = self.vectorizer.vocabulary_
        per_text = []
        for t in texts:
            t = _WHITE.sub(" ", t.lower())
            n = len(t)
            per_text.append([t[i:i + k] for k in (2, 3) if k <= n for i in range(n - k + 1)])
        flat = list(chain.from_iterable(per_text))
        cols = np.fromiter(map(vocab.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), [len(g) for g in per_text])
        known = cols >= 0
        m = _csr(rows[known], cols[known], np.ones(int(known.sum())), (len(texts), len(vocab)))
        m.sum_duplicates()  # counts per (text, n-gram), columns sorted as scikit-learn sorts them
        m.data = (np.log(m.data) + 1) * self.vectorizer.idf_[m.indices]
        from sklearn.preprocessing import normalize

        return normalize(m, norm="l2", copy=False)  # scikit-learn's own row norms: the same floats, the same ties

    def candidates(self, texts: list[str]) -> list[list[tuple[int, float]]]:
        if self.matrix is None or not texts:
            return [[] for _ in texts]
        sims = (self.tfidf(texts) @ self.matrix.T).toarray()
        out = []
        for row in sims:
            order = row.argsort()[::-1][: self.top_k]
            out.append([(int(k), float(row[k])) for k in order if row[k] > 0.08])
        return out


def _csr(rows, cols, vals, shape, dtype=np.float64):
    from scipy.sparse import csr_matrix

    return csr_matrix((np.asarray(vals, dtype=dtype), (np.asarray(rows, dtype=np.int64),
                                                       np.asarray(cols, dtype=np.int64))), shape=shape)


def align(children: list[Clause], parent: ParentIndex, *, threshold: float = 0.42,
          second_threshold: float = 0.5, min_shared: float = 12.0, mutual_threshold: float = 0.25,
          parent_threshold: float = 0.3, free_threshold: float = 0.2,
          word_threshold: float | None = 0.21, word_parent_threshold: float | None = 0.35,
          title_inside_min: int | None = 4, title_word_threshold: float | None = 0.5) -> Alignment:
    """Link each child clause to the parent clauses it implements (several for a merge)."""
    masked = [mask(c.text) for c in children]
    cands = parent.candidates(masked)
    result = Alignment()
    per_child: list[list[Scored]] = []
    child_grams = [bigrams(m) for m in masked]
    child_weight = [parent.weight(g) for g in child_grams]
    shared_all = parent.shared_weights(child_grams) if parent.clauses and children else None
    for ci, (cg, cand) in enumerate(zip(child_grams, cands)):
        wc = child_weight[ci]
        scored: list[Scored] = []
        for pi, _sim in cand:
            shared = float(shared_all[ci, pi])
            if shared < min_shared:
                continue
            wp = parent.grams_weight[pi]
            child_cover = shared / wc if wc else 0.0
            parent_cover = shared / wp if wp else 0.0
            score = shared / min(wc, wp) if min(wc, wp) else 0.0
            scored.append(Scored(ci, pi, score, child_cover, parent_cover))
        scored.sort(key=lambda s: -s.score)
        per_child.append(scored)
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
    _mutual_best(children, parent, per_child, result, low=mutual_threshold, parent_low=parent_threshold,
                 free=free_threshold)
    _same_title(children, parent, child_grams, child_weight, shared_all, result)
    if title_inside_min is not None:
        _title_inside(children, parent, child_grams, child_weight, shared_all, result, min_len=title_inside_min)
    if word_threshold is not None:
        _reworded(children, parent, result, low=word_threshold)
    if word_parent_threshold is not None:
        _reworded_parents(children, parent, cands, result, low=word_parent_threshold)
    if title_word_threshold is not None:
        _titled_parents(children, parent, result, low=title_word_threshold)
    _kinds(children, parent, masked, result)
    return result


def _title(text: str) -> str:
    """The short title sentence a clause opens with (强化宣传力度。……), masked; empty when there is none."""
    head = re.split(r"[。：:；;]", text, maxsplit=1)[0]
    return mask(head) if 3 <= len(head) <= 24 and len(head) < len(text) else ""


def _dice(a: str | set[str], b: str | set[str]) -> float:
    ga = a if isinstance(a, set) else bigrams(a)
    gb = b if isinstance(b, set) else bigrams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def group_titles(clauses: list[Clause]) -> list[str]:
    """Each clause's title sentence; a table row continuing a task of the row above (same path, no title of its
    own: a merged 任务 cell) takes that row's title, as ANNOTATION.md inherits merged cells."""
    out: list[str] = []
    for i, c in enumerate(clauses):
        t = _title(c.text)
        if not t and i and c.kind == "table_row" and clauses[i - 1].kind == "table_row" \
                and clauses[i - 1].path == c.path:
            t = out[-1]
        out.append(t)
    return out


def _same_title(children: list[Clause], parent: ParentIndex, child_grams: list[set[str]], child_weight: list[float],
                shared_all, result: Alignment) -> None:
    """A clause still unlinked whose title sentence is the title of a clause on the other side (the rows of an annex
    task list under one merged 任务 cell, the sub-items a plan rewrote under the parent's heading): link them."""
    linked_c = {s.child for s in result.pairs}
    linked_p = {s.parent for s in result.pairs}
    c_titles = group_titles(children)
    by_title = parent.title_groups
    todo = [ci for ci, tc in enumerate(c_titles) if len(tc) >= 6]
    if not todo or not by_title:
        return
    dice = parent.title_dice([c_titles[ci] for ci in todo])
    for row, ci in enumerate(todo):
        wc = child_weight[ci]
        for k in np.flatnonzero(dice[row] >= 0.8):
            for pi in by_title[k][1]:
                if ci in linked_c and pi in linked_p:
                    continue
                shared = float(shared_all[ci, pi])
                wp = parent.grams_weight[pi]
                small = min(wc, wp) or 1.0
                result.pairs.append(Scored(ci, pi, shared / small, shared / (wc or 1.0), shared / (wp or 1.0)))
                linked_c.add(ci)
                linked_p.add(pi)


def _title_inside(children: list[Clause], parent: ParentIndex, child_grams: list[set[str]], child_weight: list[float],
                  shared_all, result: Alignment, *, min_len: int = 4) -> None:
    """A clause still unlinked whose title sentence (an annex row's 任务名称: 应急演练。……) is written inside exactly one
    parent clause (……定期组织开展应急演练): the row details that part of the parent clause (a split)."""
    linked_c = {s.child for s in result.pairs}
    for ci, c in enumerate(children):
        if ci in linked_c:
            continue
        t = _title(c.text)
        if len(t) < min_len:
            continue
        hits = [pi for pi, m in enumerate(parent.masked) if t in m]
        if len(hits) != 1:
            continue
        pi = hits[0]
        shared = float(shared_all[ci, pi])
        wc, wp = child_weight[ci], parent.grams_weight[pi]
        result.pairs.append(Scored(ci, pi, shared / (min(wc, wp) or 1.0), shared / (wc or 1.0), shared / (wp or 1.0)))
        linked_c.add(ci)


def _mutual_best(children: list[Clause], parent: ParentIndex, per_child: list[list[Scored]], result: Alignment,
                 *, low: float, parent_low: float, free: float) -> None:
    """Paraphrases score below the threshold; link a child to its best parent clause when neither is linked yet and
    they are each other's best match, or their title sentences agree, or the score reaches `free` (the parent clause
    is still uncovered, so no better child claims it)."""
    linked_c = {s.child for s in result.pairs}
    linked_p = {s.parent for s in result.pairs}
    best_for_parent: dict[int, Scored] = {}
    for scored in per_child:
        for s in scored:
            if s.parent not in best_for_parent or s.score > best_for_parent[s.parent].score:
                best_for_parent[s.parent] = s
    for scored in per_child:
        if not scored:
            continue
        best = scored[0]
        if best.child in linked_c or best.parent in linked_p:
            continue
        mutual = best_for_parent.get(best.parent) is best
        tc, tp = _title(children[best.child].text), _title(parent.clauses[best.parent].text)
        titled = bool(tc and tp) and _dice(tc, tp) >= 0.5
        if (mutual and best.score >= low) or (titled and best.score >= 0.6 * low) or best.score >= free:
            result.pairs.append(best)
            linked_c.add(best.child)
            linked_p.add(best.parent)
    # A child clause left unlinked whose best parent clause is already taken: a split of that parent.
    for scored in per_child:
        if scored and scored[0].child not in linked_c and scored[0].score >= parent_low:
            result.pairs.append(scored[0])
            linked_c.add(scored[0].child)
            linked_p.add(scored[0].parent)
    # A parent clause left uncovered whose best child covers it well enough: a merge into that child, or a split.
    for pi, s in sorted(best_for_parent.items()):
        if pi not in linked_p and s.score >= parent_low:
            result.pairs.append(s)
            linked_p.add(pi)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    path = Path(__file__).resolve().parent.parent / "rules" / "link_stopwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def _words(text: str) -> Counter:
    stop = _stopwords()
    return Counter(w for w in words(mask(text)) if len(w) >= 2 and w not in stop)


def _reworded(children: list[Clause], parent: ParentIndex, result: Alignment, *, low: float) -> None:
    """A plan that rewrites its parent in its own words shares few character runs with it: a child clause still
    unlinked is linked to the parent clause nearest in words (jieba words, IDF over the parent, the words every plan
    uses left out) when their cosine reaches `low` (often a split: one parent task rewritten as several). On the
    training pairs the rewritten clauses reach 0.215-0.43 and the local additions stay below 0.20."""
    linked = {s.child for s in result.pairs}
    rest = [ci for ci in range(len(children)) if ci not in linked]
    if not rest or not parent.clauses:
        return
    vectors = [parent.word_vector(_words(children[ci].text)) for ci in rest]
    cosines = parent.word_cosines(vectors)
    for ci, cv, row in zip(rest, vectors, cosines):
        if not cv:
            continue
        best = row.max()
        pi = int(np.flatnonzero(row == best)[-1])  # the last of equals, as max() over (cosine, index) picks
        if best >= low:
            result.pairs.append(Scored(ci, pi, float(best), float(best), float(best)))


def _reworded_parents(children: list[Clause], parent: ParentIndex, candidates: list[list[tuple[int, float]]],
                      result: Alignment, *, low: float) -> None:
    """A parent clause still uncovered whose rewrite is part of a child clause linked elsewhere (a merge the
    character passes missed): linked to the child nearest in words when the cosine reaches `low`. On the training
    pairs parents linked in the gold reach 0.40-0.44 where dropped ones stay below 0.35."""
    covered = {s.parent for s in result.pairs}
    rest = [pi for pi in range(len(parent.clauses)) if pi not in covered]
    if not rest or not children:
        return
    # only the children whose character candidates hold the parent clause are compared (tokenizing every child
    # of every plan would double the time of a large batch)
    near: dict[int, list[int]] = {}
    for ci, cand in enumerate(candidates):
        for pi, _sim in cand:
            near.setdefault(pi, []).append(ci)
    needed = sorted({ci for pi in rest for ci in near.get(pi, [])})
    if not needed:
        return
    row_of = {ci: k for k, ci in enumerate(needed)}
    cosines = parent.word_cosines([parent.word_vector(_words(children[ci].text)) for ci in needed])
    for pi in rest:
        scored = [(float(cosines[row_of[ci], pi]), ci) for ci in near.get(pi, [])]
        best, ci = max(scored, default=(0.0, -1))
        if best >= low:
            result.pairs.append(Scored(ci, pi, best, best, best))


def _titled_parents(children: list[Clause], parent: ParentIndex, result: Alignment, *, low: float) -> None:
    """A parent clause still uncovered whose title sentence says in other words what the title of a child clause of
    the same action says (加强组织领导 / 加强领导、压实责任, 强化统筹推进 / 加强组织部署和统筹落实): the child covers it
    too, a merge the texts, rewritten, do not show. Title word cosine with the parent's IDF; on the training pairs
    such parents reach 0.52-0.71 and the parents the gold leaves dropped stay below 0.50 against every child."""
    covered = {s.parent for s in result.pairs}
    rest = [pi for pi in range(len(parent.clauses)) if pi not in covered and _title(parent.clauses[pi].text)]
    if not rest or not children:
        return
    # unit title vectors over the parent's words, for the child clauses that open with a title
    titles = {ci: parent.word_vector(_words(_title(c.text))) for ci, c in enumerate(children) if _title(c.text)}
    for pi in rest:
        p = parent.clauses[pi]
        pv = parent.word_vector(_words(_title(p.text)))
        if not pv:
            continue
        best, pick = 0.0, -1
        for ci, cv in titles.items():
            if children[ci].action == p.action and (cos := _cosine(cv, pv)) > best:
                best, pick = cos, ci
        if pick >= 0 and best >= low:
            result.pairs.append(Scored(pick, pi, best, best, best))


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def _ratio_at_least(a: str, b: str, bound: float) -> bool:
    """SequenceMatcher ratio >= bound, with the cheap upper bounds tried first (most pairs fail them)."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return sm.real_quick_ratio() >= bound and sm.quick_ratio() >= bound and sm.ratio() >= bound


def _kinds(children: list[Clause], parent: ParentIndex, masked: list[str], result: Alignment) -> None:
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
            if fc == fp or (not ch and _ratio_at_least(fc, fp, 0.98)):
                kind = "verbatim"
            elif _ratio_at_least(masked[s.child], parent.masked[s.parent], 0.85):
                kind = "localized"
            else:
                kind = "paraphrased"
        result.links.append(Link(child=c.id, parent=p.id, score=round(s.score, 4), kind=kind,
                                 changes=tuple(ch), child_text=c.text, parent_text=p.text))
