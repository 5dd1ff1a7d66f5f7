"""The linker's candidate index: a parent plan's clauses masked, vectorized once (char n-gram TF-IDF, IDF-weighted
bigrams, title groups, word vectors), and the sparse products that score many child clauses against all of them."""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import numpy as np

from ..model import Clause
from ..text import fold
from ..words import cut, words
from .config import DEFAULT

# Place and level words differ between a plan and its localized copy (全县 / 全区, 县应急局 / 区应急管理局);
# numbers and dates differ when deadlines move. Both are masked before comparing.
_NUM = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九十百]+(?=年|月|日|次|个|项)")
_LEVEL = re.compile(r"[省市县区乡镇村州旗盟厅局委办]")
_PUNCT = re.compile(r"[\W_]+")
_WHITE = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds runs of white space
_TITLE_END = re.compile(r"[。：:；;]")
_STOPWORDS = Path(__file__).resolve().parent.parent / "rules" / "link_stopwords.txt"


@lru_cache(maxsize=1 << 15)
def mask(text: str) -> str:
    t = fold(text)
    t = _NUM.sub("#", t)
    t = _LEVEL.sub("", t)
    return _PUNCT.sub("", t)


def bigrams(t: str) -> set[str]:
    return {t[i:i + 2] for i in range(len(t) - 1)}


def title(text: str) -> str:
    """The short title sentence a clause opens with (强化宣传力度。……), masked; empty when there is none."""
    head = _TITLE_END.split(text, maxsplit=1)[0]
    return mask(head) if 3 <= len(head) <= 24 and len(head) < len(text) else ""


def dice(a: str | set[str], b: str | set[str]) -> float:
    ga = a if isinstance(a, set) else bigrams(a)
    gb = b if isinstance(b, set) else bigrams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def group_titles(clauses: list[Clause]) -> list[str]:
    """Each clause's title sentence; a table row continuing a task of the row above (same path, no title of its
    own: a merged 任务 cell) takes that row's title, as ANNOTATION.md inherits merged cells."""
    out: list[str] = []
    for i, c in enumerate(clauses):
        t = title(c.text)
        if not t and i and c.kind == "table_row" and clauses[i - 1].kind == "table_row" \
                and clauses[i - 1].path == c.path:
            t = out[-1]
        out.append(t)
    return out


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Words every plan of the campaign uses (rules/link_stopwords.txt): left out of the word vectors."""
    lines = _STOPWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


def word_counts(text: str) -> Counter:
    """The words of a masked text the word passes compare (two characters or more, stop words left out), from a
    segmentation of the masked text (jieba on a text other than the one the classifier segmented)."""
    stop = stopwords()
    return Counter(w for w in words(mask(text)) if len(w) >= 2 and w not in stop)


def clause_word_counts(text: str, limit: int | None = None) -> Counter:
    """The same filter over the clause's own segmentation (words.cut, made and cached when the classifier read the
    clause), each word masked: linking segments nothing again. `limit`: only the words within the first `limit`
    characters (a title sentence ends at punctuation, where jieba always cuts)."""
    tokens = cut(text)
    if limit is not None:
        tokens = tokens[:bisect_right(list(accumulate(map(len, tokens))), limit)]
    return Counter(filter(None, map(_kept_word, tokens)))


@lru_cache(maxsize=1 << 16)
def _kept_word(token: str) -> str:
    """A token masked, or "" when the word passes leave it out (shorter than two characters, a stop word)."""
    w = mask(token)
    return w if len(w) >= 2 and w not in stopwords() else ""


def _masked_counts(text: str, of_title: bool) -> Counter:
    if of_title:
        t = title(text)
        return word_counts(t) if t else Counter()
    return word_counts(text)


def _clause_counts(text: str, of_title: bool) -> Counter:
    if of_title:
        return clause_word_counts(text, len(_TITLE_END.split(text, maxsplit=1)[0])) if title(text) else Counter()
    return clause_word_counts(text)


#: where the word passes take words from (AlignConfig.words): a clause's words, or its title sentence's words
COUNTERS = {"masked": _masked_counts, "clause": _clause_counts}


_K = 0x110000  # Unicode code points: an n-gram of up to three characters is one int64 (c1·K² + c2·K + c3)


def _code(gram: str) -> int:
    out = 0
    for ch in gram:
        out = out * _K + ord(ch)
    return out


def _table(keys, values, dtype) -> tuple[np.ndarray, np.ndarray]:
    """A lookup table from n-grams to values: their codes sorted, and the values in that order."""
    codes = np.fromiter(map(_code, keys), dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    return codes[order], np.asarray(values, dtype=dtype)[order]


def _lookup(table: tuple[np.ndarray, np.ndarray], codes: np.ndarray, missing) -> np.ndarray:
    keys, vals = table
    if not len(keys):
        return np.full(len(codes), missing, dtype=vals.dtype)
    pos = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
    return np.where(keys[pos] == codes, vals[pos], missing)


def ngrams(texts: list[str], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(text index, n-gram code) of every run of n characters within each text, in text order: the n-grams of
    many texts in a few numpy operations instead of one Python slice each."""
    joined = "\x00".join(texts)  # NUL never occurs in a text: no n-gram spans two texts
    chars = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    m = len(chars) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(len(texts), dtype=np.int64),
                      np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)[:m]
    codes = chars[:m].copy()
    inside = chars[:m] != 0
    for k in range(1, n):
        codes = codes * _K + chars[k:m + k]
        inside &= chars[k:m + k] != 0
    return owner[inside], codes[inside]


def csr(rows, cols, vals, shape, dtype=np.float64):
    """A CSR matrix in canonical form (columns sorted within each row, duplicates summed) from coordinates, built
    from its index arrays directly: scipy's COO route checks and converts, which costs more than the product itself
    on the few dozen clauses of one plan."""
    # scipy is imported on first use, not with the module: the command line imports the linker for every command
    # and most commands never link (a cold start budget, issue 18)
    from scipy.sparse import csr_matrix

    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    vals = np.asarray(vals, dtype=dtype)
    key = rows * shape[1] + cols
    if len(key) and not np.all(key[1:] > key[:-1]):  # unsorted or repeated: sort, and sum what repeats
        order = np.argsort(key, kind="stable")
        key, vals = key[order], vals[order]
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        key, vals = key[starts], np.add.reduceat(vals, starts).astype(dtype)
        rows, cols = key // shape[1], key % shape[1]
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return csr_matrix((vals, cols, indptr), shape=shape)


def transposed(m):
    """m.T as CSR, made once: a product with m.T (CSC) converts it to CSR on every call."""
    return m.T.tocsr()


class ParentIndex:
    """The parent plan's clauses, vectorized once, so many children can be aligned against it."""

    def __init__(self, clauses: list[Clause], *, title_min: int = DEFAULT.same_title_min):
        """`title_min`: the shortest title sentence (masked characters) grouped for the same_title pass; an index
        for a configuration with another same_title_min is built with that value."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.clauses = clauses
        self.masked = [mask(c.text) for c in clauses]
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1)
        if clauses:
            self.matrix = self.vectorizer.fit_transform(self.masked)
            self.matrix_t = transposed(self.matrix)
            vocab = self.vectorizer.vocabulary_
            idf = self.vectorizer.idf_
            self.idf = {g: idf[k] for g, k in vocab.items() if len(g) == 2}
            self.default_idf = float(idf.max())
        else:
            self.matrix = self.matrix_t = None
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
        self.gram_matrix = csr(rows, cols, gram_idf[cols] if cols else [], (len(clauses), len(self.gram_cols)))
        self.gram_matrix_t = transposed(self.gram_matrix)
        self.grams_weight = [self.weight(g) for g in self.grams]
        # the same vocabularies as code tables, for the numpy paths of tfidf() and child_overlap()
        vocab = self.vectorizer.vocabulary_ if clauses else {}
        self._vocab_codes = {n: _table([g for g in vocab if len(g) == n], [vocab[g] for g in vocab if len(g) == n],
                                       np.int64) for n in (2, 3)}
        self._idf_codes = _table(list(self.idf), list(self.idf.values()), np.float64)
        self._gram_codes = _table(list(self.gram_cols), list(self.gram_cols.values()), np.int64)
        self.titles = group_titles(clauses)
        groups: dict[str, list[int]] = {}
        for pi, t in enumerate(self.titles):
            if len(t) >= title_min:
                groups.setdefault(t, []).append(pi)
        # (bigrams of a title, the parent clauses that carry it), for the same_title pass
        self.title_groups = [(bigrams(t), pis) for t, pis in groups.items()]
        self.title_cols: dict[str, int] = {}
        rows, cols = [], []
        for k, (grams, _) in enumerate(self.title_groups):
            for g in grams:
                rows.append(k)
                cols.append(self.title_cols.setdefault(g, len(self.title_cols)))
        self.title_matrix = csr(rows, cols, [1] * len(cols), (len(self.title_groups), len(self.title_cols)),
                                dtype=np.int64)
        self.title_matrix_t = transposed(self.title_matrix)
        self.title_sizes = np.array([len(g) for g, _ in self.title_groups], dtype=np.int64)
        self._spaces: dict[str, WordSpace] = {}

    def word_space(self, source: str = "masked") -> WordSpace:
        """The parent's word vectors, with words from `source` (COUNTERS), made on first use: most children never
        need them."""
        space = self._spaces.get(source)
        if space is None:
            if source not in COUNTERS:
                raise ValueError(f"unknown word source {source!r}; known: {', '.join(COUNTERS)}")
            space = self._spaces[source] = WordSpace(self.clauses, COUNTERS[source])
        return space

    def child_overlap(self, masked: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """For masked child texts: the IDF weight of each one's bigrams (weight(bigrams(t))), and the weight of the
        bigrams each shares with each parent clause (shared_weights), from one pass over their bigram codes."""
        weight, m = self.gram_rows(masked)
        if not self.clauses or not masked:
            return weight, None
        return weight, (m @ self.gram_matrix_t).toarray()

    def gram_rows(self, masked: list[str]):
        """For masked texts: the IDF weight of each one's bigrams (weight(bigrams(t))), and a CSR matrix (texts ×
        the parent's bigram columns) with a one where a text holds a bigram some parent clause has: its product with
        an IDF-weighted matrix over the same columns is the weight they share."""
        rows, codes = ngrams(masked, 2)
        if len(codes):
            key = np.sort(rows * (_K * _K) + codes)
            key = key[np.concatenate(([True], key[1:] != key[:-1]))]  # each distinct bigram of a text once (a set)
            rows, codes = key // (_K * _K), key % (_K * _K)
        idf = _lookup(self._idf_codes, codes, self.default_idf)
        weight = np.bincount(rows, weights=idf, minlength=len(masked)).astype(np.float64)
        cols = _lookup(self._gram_codes, codes, -1)
        known = cols >= 0  # a bigram no parent clause has shares nothing
        m = csr(rows[known], cols[known], np.ones(int(known.sum())), (len(masked), len(self.gram_cols)))
        return weight, m

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
        m = csr(rows, cols, [1] * len(cols), (len(titles), len(self.title_cols)), dtype=np.int64)
        inter = (m @ self.title_matrix_t).toarray()
        total = np.add.outer(np.array(sizes, dtype=np.int64), self.title_sizes)
        both = np.outer(np.array(sizes) > 0, self.title_sizes > 0)
        return np.where(both, 2 * inter / np.maximum(total, 1), 0.0)

    def weight(self, grams: set[str]) -> float:
        idf = self.idf
        d = self.default_idf
        return sum(idf.get(g, d) for g in grams)

    def tfidf(self, texts: list[str]):
        """vectorizer.transform(texts) (char 2-3 grams, sublinear tf, idf, l2 rows) with the n-grams coded and looked
        up in numpy: scikit-learn's transform counts them one by one in Python, which was a sixth of linking."""
        prepared = [_WHITE.sub(" ", t.lower()) for t in texts]
        rows, cols = [], []
        for n in (2, 3):
            r, codes = ngrams(prepared, n)
            c = _lookup(self._vocab_codes[n], codes, -1)
            rows.append(r[c >= 0])
            cols.append(c[c >= 0])
        rows, cols = np.concatenate(rows), np.concatenate(cols)
        # counts per (text, n-gram), columns sorted as scikit-learn sorts them
        m = csr(rows, cols, np.ones(len(cols)), (len(texts), len(self.vectorizer.vocabulary_)))
        m.data = (np.log(m.data) + 1) * self.vectorizer.idf_[m.indices]
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        # what normalize(m, norm="l2") runs after its argument checks: the same floats, the same ties
        inplace_csr_row_normalize_l2(m)
        return m

    def candidates(self, texts: list[str], *, top_k: int = 6, floor: float = 0.08) -> list[list[tuple[int, float]]]:
        """For each (masked) text, the `top_k` parent clauses nearest by TF-IDF cosine, those above `floor`."""
        if self.matrix is None or not texts:
            return [[] for _ in texts]
        sims = (self.tfidf(texts) @ self.matrix_t).toarray()
        out = []
        for row in sims:
            order = row.argsort()[::-1][:top_k]
            out.append([(int(k), float(row[k])) for k in order if row[k] > floor])
        return out


def _rows(vectors: list[dict], cols: dict, key=lambda i, w: w, grow: bool = False):
    """Coordinates of sparse vectors in a column space (words a closed space lacks are left out: they add nothing
    to a dot product with it)."""
    rows, idx, vals = [], [], []
    for i, v in enumerate(vectors):
        for w, x in v.items():
            k = key(i, w)
            j = cols.setdefault(k, len(cols)) if grow else cols.get(k)
            if j is not None:
                rows.append(i)
                idx.append(j)
                vals.append(x)
    return rows, idx, vals


class WordSpace:
    """Unit TF-IDF word vectors of a parent's clauses and of their title sentences (IDF over the parent's clauses),
    and the sparse products that give the cosines of child clauses with all of them."""

    def __init__(self, clauses: list[Clause], counter):
        self.clauses = clauses
        self.counts = counter  # counts(text, of_title) -> Counter
        counts = [counter(c.text, False) for c in clauses]
        df = Counter(w for c in counts for w in c)
        n = len(counts)
        self.idf = {w: math.log((n + 1) / (d + 1)) + 1 for w, d in df.items()}
        self.default = math.log(n + 1) + 1
        self.vectors = [self.vector(c) for c in counts]
        self.cols: dict[str, int] = {}
        rows, idx, vals = _rows(self.vectors, self.cols, grow=True)
        self.matrix_t = transposed(csr(rows, idx, vals, (n, len(self.cols))))
        self._titles: list[dict[str, float]] | None = None
        self._title_cols: dict[tuple[str | None, str], int] = {}
        self._titles_t = None

    def vector(self, counts: Counter) -> dict[str, float]:
        """A unit TF-IDF vector of word counts, with the parent's IDF."""
        v = {w: (1 + math.log(k)) * self.idf.get(w, self.default) for w, k in counts.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {w: x / norm for w, x in v.items()}

    def of(self, text: str, of_title: bool = False) -> dict[str, float]:
        """The unit vector of a (child) clause's words, or of its title sentence's words."""
        return self.vector(self.counts(text, of_title))

    def cosines(self, vectors: list[dict[str, float]]) -> np.ndarray:
        """Cosines of unit word vectors (child clauses) with every parent clause: len(vectors) × parent clauses."""
        rows, idx, vals = _rows(vectors, self.cols)
        return (csr(rows, idx, vals, (len(vectors), len(self.cols))) @ self.matrix_t).toarray()

    def titles(self) -> list[dict[str, float]]:
        """Unit word vectors of the parent clauses' title sentences (empty without one), made on first use."""
        if self._titles is None:
            self._titles = [self.of(c.text, True) for c in self.clauses]
            action = [c.action for c in self.clauses]
            rows, idx, vals = _rows(self._titles, self._title_cols, key=lambda i, w: (action[i], w), grow=True)
            self._titles_t = transposed(csr(rows, idx, vals, (len(self.clauses), len(self._title_cols))))
        return self._titles

    def title_cosines(self, vectors: list[dict[str, float]], actions: list[str | None]) -> np.ndarray:
        """Cosines of child title vectors with the title vector of every parent clause of the same action
        (len(vectors) × parent clauses, 0 across actions). Blocking by action: a column is (action, word), so the
        sparse product never touches a pair of different actions."""
        self.titles()
        rows, idx, vals = _rows(vectors, self._title_cols, key=lambda i, w: (actions[i], w))
        return (csr(rows, idx, vals, (len(vectors), len(self._title_cols))) @ self._titles_t).toarray()
