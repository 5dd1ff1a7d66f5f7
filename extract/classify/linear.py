"""A trained scikit-learn text classifier (TF-IDF union + logistic regression) exported to plain numpy arrays and
JSON, so the command line loads it in milliseconds without scikit-learn or pickle; predictions equal the original's."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path

import numpy as np

_WHITE = re.compile(r"\s\s+")
FORMAT = 1  # version of the saved layout (<name>.json + <name>.npz)
_K = 0x110000  # Unicode code points: a character n-gram of up to three characters is one int64 (c1·K² + c2·K + c3)


def _codes(texts: list[str]) -> np.ndarray:
    """The code points of the texts, one after another."""
    data = "".join(texts).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(data, dtype=np.uint32).astype(np.int64)


@dataclass
class CharGrams:
    """The character n-grams of many documents as numbers: for each length k, the document of every k-gram and
    its code. Scoring 560 clauses cut into a million n-gram strings and looked each up in a dict took most of the
    classifiers' time; as codes they are looked up in sorted arrays (np.searchsorted) in a few milliseconds."""

    n_docs: int
    by_length: dict[int, tuple[np.ndarray, np.ndarray]]  # k -> (document ids, codes)

    @classmethod
    def of(cls, texts: list[str], lo: int, hi: int) -> CharGrams:
        """The n-grams scikit-learn's char analyzer takes from each (already lowercased, white-space folded) text."""
        lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        cp = _codes(texts)
        doc = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
        end = np.repeat(np.cumsum(lens), lens)
        pos = np.arange(len(cp), dtype=np.int64)
        out = {}
        for k in range(lo, hi + 1):
            start = pos[pos + k <= end]
            code = cp[start]
            for j in range(1, k):
                code = code * _K + cp[start + j]
            out[k] = (doc[start], code)
        return cls(len(texts), out)

    def take(self, rows: list[int]) -> CharGrams:
        """The n-grams of some documents, numbered 0… in the order of `rows`."""
        new = np.full(self.n_docs, -1, dtype=np.int64)
        new[np.asarray(rows, dtype=np.int64)] = np.arange(len(rows), dtype=np.int64)
        out = {}
        for k, (doc, code) in self.by_length.items():
            keep = new[doc] >= 0
            out[k] = (new[doc[keep]], code[keep])
        return CharGrams(len(rows), out)


@dataclass
class WordTokens:
    """The tokens of many documents, from which a word part makes its n-grams as numbers (token ids) rather than as
    strings joined with spaces: each token is looked up once, not once per n-gram it is part of."""

    tokens: list[list[str]]

    def take(self, rows: list[int]) -> WordTokens:
        return WordTokens([self.tokens[i] for i in rows])


def take(grams: dict, rows: list[int]) -> dict:
    """The n-grams (as returned by LinearTextModel.grams) of some documents, in the order of `rows`."""
    return {k: v.take(rows) if isinstance(v, (CharGrams, WordTokens)) else [v[i] for i in rows]
            for k, v in grams.items()}


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: code × 2^64/φ, the top bits pick the slot


class CodeTable:
    """N-gram codes and their columns, found by a hash of the code: a slot holds the one code hashed to it (found
    with one gather) or is shared (those codes are found by binary search in the sorted codes). A million look-ups
    take a few milliseconds against some 40 for np.searchsorted alone."""

    def __init__(self, codes: np.ndarray, cols: np.ndarray) -> None:
        order = np.argsort(codes, kind="stable")
        self.keys, self.values = codes[order], cols[order]
        bits = max(4, int(np.ceil(np.log2(max(len(codes), 1) * 4))))
        self.shift = np.uint64(64 - bits)
        slot = self._slot(self.keys)
        self.slots = np.full(1 << bits, -1, dtype=np.int64)
        self.slots[slot] = np.arange(len(self.keys), dtype=np.int64)
        self.slots[np.bincount(slot, minlength=1 << bits) > 1] = -2

    def _slot(self, codes: np.ndarray) -> np.ndarray:
        return ((codes.astype(np.uint64) * _GOLDEN) >> self.shift).astype(np.int64)

    def find(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which codes are in the table, the columns of those)."""
        at = self.slots[self._slot(codes)]
        shared = np.flatnonzero(at == -2)
        if len(shared) and len(self.keys):
            pos = np.minimum(np.searchsorted(self.keys, codes[shared]), len(self.keys) - 1)
            at[shared] = np.where(self.keys[pos] == codes[shared], pos, -1)
        hit = at >= 0
        hit[hit] = self.keys[at[hit]] == codes[hit]
        return hit, self.values[at[hit]]


def _lookup(tables: dict, by_length: dict) -> tuple[np.ndarray, np.ndarray]:
    """(document, column) of every n-gram code found in the table of its length."""
    docs, cols = [], []
    for k, (doc, code) in by_length.items():
        if k not in tables or not len(code):
            continue
        hit, found = tables[k].find(code)
        docs.append(doc[hit])
        cols.append(found)
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(docs), np.concatenate(cols)


@dataclass
class VectorizerPart:
    analyzer: str  # "word" | "char"
    ngram: tuple[int, int]
    vocab: dict[str, int]
    idf: np.ndarray
    offset: int
    token_pattern: str = r"\S+"
    lowercase: bool = True
    sublinear_tf: bool = True
    _rx: re.Pattern | None = field(default=None, repr=False)
    _tables: dict | None = field(default=None, repr=False)

    def config(self) -> tuple:
        """What decides the n-grams of a text: parts with the same config share them."""
        return self.analyzer, tuple(self.ngram), self.token_pattern, self.lowercase

    def grams(self, doc: str) -> list[str]:
        """The same n-grams scikit-learn's analyzers produce."""
        if self.lowercase:
            doc = doc.lower()
        lo, hi = self.ngram
        if self.analyzer == "char":
            text = _WHITE.sub(" ", doc)
            n = len(text)
            return [text[i:i + k] for k in range(lo, min(hi, n) + 1) for i in range(n - k + 1)]
        if self._rx is None:
            self._rx = re.compile(self.token_pattern)
        toks = self._rx.findall(doc)
        out = []
        for k in range(lo, hi + 1):
            out += [" ".join(toks[i:i + k]) for i in range(len(toks) - k + 1)]
        return out

    def char_grams(self, docs: list[str]) -> CharGrams:
        """grams() of many documents at once, as numbers (char analyzer only)."""
        texts = [_WHITE.sub(" ", d.lower() if self.lowercase else d) for d in docs]
        return CharGrams.of(texts, *self.ngram)

    def columns(self, grams: CharGrams) -> tuple[np.ndarray, np.ndarray]:
        """(document, column) of every n-gram in the vocabulary."""
        if self._tables is None:
            self._tables = {}
            by_len: dict[int, list[str]] = {}
            for g in self.vocab:
                by_len.setdefault(len(g), []).append(g)
            for k, keys in by_len.items():
                code = _codes(keys).reshape(-1, k) @ (_K ** np.arange(k - 1, -1, -1, dtype=np.int64))
                cols = np.fromiter(map(self.vocab.__getitem__, keys), dtype=np.int64, count=len(keys))
                self._tables[k] = CodeTable(code, cols)
        return _lookup(self._tables, grams.by_length)

    def by_tokens(self) -> bool:
        """Whether the word n-grams can be made from token ids: tokens hold no space (the n-gram strings split back
        into their tokens) and an n-gram of up to three ids fits an int64."""
        return self.analyzer == "word" and self.token_pattern == r"\S+" and self.ngram[1] <= 3

    def word_tokens(self, docs: list[str]) -> WordTokens:
        if self._rx is None:
            self._rx = re.compile(self.token_pattern)
        return WordTokens([self._rx.findall(d.lower() if self.lowercase else d) for d in docs])

    def word_columns(self, tokens: WordTokens) -> tuple[np.ndarray, np.ndarray]:
        """(document, column) of every word n-gram in the vocabulary, the n-grams being codes of token ids: a token
        that is no part of any vocabulary n-gram has none, and no n-gram holding it is looked up."""
        if self._tables is None:
            ids: dict[str, int] = {}
            keys: dict[int, list[list[int]]] = {}
            cols: dict[int, list[int]] = {}
            for g, j in self.vocab.items():
                parts = [ids.setdefault(t, len(ids)) for t in g.split(" ")]
                keys.setdefault(len(parts), []).append(parts)
                cols.setdefault(len(parts), []).append(j)
            width = max(len(ids), 1)
            self._tables = {"ids": ids, "width": width}
            for k, rows in keys.items():
                code = np.asarray(rows, dtype=np.int64) @ (width ** np.arange(k - 1, -1, -1, dtype=np.int64))
                self._tables[k] = CodeTable(code, np.asarray(cols[k], dtype=np.int64))
        ids, width = self._tables["ids"], self._tables["width"]
        lens = np.fromiter(map(len, tokens.tokens), dtype=np.int64, count=len(tokens.tokens))
        flat = chain.from_iterable(tokens.tokens)
        tok = np.fromiter(map(ids.get, flat, repeat(-1)), dtype=np.int64, count=int(lens.sum()))
        doc = np.repeat(np.arange(len(lens), dtype=np.int64), lens)
        end = np.repeat(np.cumsum(lens), lens)
        pos = np.arange(len(tok), dtype=np.int64)
        lo, hi = self.ngram
        by_length = {}
        for k in range(lo, hi + 1):
            start = pos[pos + k <= end]
            code, known = tok[start], tok[start] >= 0
            for j in range(1, k):
                nxt = tok[start + j]
                known &= nxt >= 0
                code = code * width + nxt
            by_length[k] = (doc[start[known]], code[known])
        return _lookup({k: v for k, v in self._tables.items() if isinstance(k, int)}, by_length)

    def weights(self, doc_ids: np.ndarray, cols: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unit TF-IDF rows of many documents at once from (document, column) pairs of every n-gram occurrence:
        (document, column, weight) of the non-zero entries."""
        if not len(cols):
            return doc_ids, cols, np.zeros(0)
        width = len(self.vocab)
        keys, counts = np.unique(doc_ids.astype(np.int64) * width + cols, return_counts=True)
        docs, cols = keys // width, keys % width
        tf = 1.0 + np.log(counts) if self.sublinear_tf else counts.astype(np.float64)
        val = tf * self.idf[cols]
        norm = np.sqrt(np.bincount(docs, weights=val * val, minlength=n_docs))
        return docs, cols, val / norm[docs]


@dataclass
class LinearTextModel:
    parts: list[VectorizerPart]
    coef: np.ndarray  # (n_classes or 1, n_features)
    intercept: np.ndarray
    classes_: list
    _coef_t: np.ndarray | None = field(default=None, repr=False)

    @property
    def coef_t(self) -> np.ndarray:
        """coef transposed into rows per feature (n_features × classes), made once."""
        if self._coef_t is None:
            self._coef_t = np.ascontiguousarray(self.coef.T)
        return self._coef_t

    def grams(self, docs: list[str], known: dict | None = None) -> dict:
        """The n-grams of every document for each part config ({config: [grams of doc 0, …]}); configs already in
        `known` are taken from there, so that models over the same features cut each text once."""
        out = dict(known or {})
        for p in self.parts:
            if p.config() not in out:
                if p.analyzer == "char":
                    out[p.config()] = p.char_grams(docs)
                elif p.by_tokens():
                    out[p.config()] = p.word_tokens(docs)
                else:
                    out[p.config()] = [p.grams(d) for d in docs]
        return out

    def decisions(self, docs: list[str], grams: dict | None = None) -> np.ndarray:
        """Decision values of many documents (n_docs × rows of coef); `grams` as returned by grams(docs)."""
        n = len(docs)
        z = np.tile(self.intercept, (n, 1))
        grams = self.grams(docs, grams)
        for p in self.parts:
            per_doc = grams[p.config()]
            if isinstance(per_doc, CharGrams):
                doc_ids, cols = p.columns(per_doc)
            elif isinstance(per_doc, WordTokens):
                doc_ids, cols = p.word_columns(per_doc)
            else:
                # one C-level pass over every n-gram of every document: its column, or -1 when not in the vocabulary
                flat = list(chain.from_iterable(per_doc))
                cols = np.fromiter(map(p.vocab.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
                doc_ids = np.repeat(np.arange(n, dtype=np.int64), [len(g) for g in per_doc])
                known = cols >= 0
                doc_ids, cols = doc_ids[known], cols[known]
            d, c, v = p.weights(doc_ids, cols, n)
            if not len(d):
                continue
            # the rows of the document-sorted entries summed per document, every class at once: coef_t holds each
            # feature's weights of all classes side by side, so one gather takes them (the sums run in entry order)
            rows = self.coef_t[p.offset + c] * v[:, None]
            starts = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
            z[d[starts]] += np.add.reduceat(rows, starts, axis=0)
        return z

    def predict_proba(self, docs: list[str], grams: dict | None = None) -> np.ndarray:
        if not docs:
            return np.zeros((0, len(self.classes_)))
        z = self.decisions(docs, grams)
        if len(self.classes_) == 2 and z.shape[1] == 1:
            p1 = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p1, p1])
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def save(self, directory: Path, name: str) -> None:
        """<name>.json (classes, vectorizer settings and vocabularies in column order) and <name>.npz (weights)."""
        meta = {"format": FORMAT, "classes": list(self.classes_), "parts": []}
        arrays = {"coef": self.coef, "intercept": self.intercept}
        for k, p in enumerate(self.parts):
            vocab = [""] * len(p.vocab)
            for g, j in p.vocab.items():
                vocab[j] = g
            meta["parts"].append({"analyzer": p.analyzer, "ngram": list(p.ngram), "offset": p.offset,
                                  "token_pattern": p.token_pattern, "lowercase": p.lowercase,
                                  "sublinear_tf": p.sublinear_tf, "vocab": vocab})
            arrays[f"idf_{k}"] = p.idf
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + "\n",
                                                encoding="utf-8")
        with open(directory / f"{name}.npz", "wb") as fh:
            np.savez(fh, **arrays)


def load(directory: Path, name: str) -> LinearTextModel:
    """A model written by LinearTextModel.save; FileNotFoundError when either file is missing."""
    meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{directory / name}.json: model format {meta.get('format')!r}, expected {FORMAT}")
    with np.load(directory / f"{name}.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    parts = [VectorizerPart(analyzer=p["analyzer"], ngram=tuple(p["ngram"]),
                            vocab={g: j for j, g in enumerate(p["vocab"])}, idf=arrays[f"idf_{k}"],
                            offset=p["offset"], token_pattern=p["token_pattern"], lowercase=p["lowercase"],
                            sublinear_tf=p["sublinear_tf"]) for k, p in enumerate(meta["parts"])]
    return LinearTextModel(parts=parts, coef=arrays["coef"], intercept=arrays["intercept"], classes_=meta["classes"])


def export(pipeline) -> LinearTextModel:
    """Take a fitted make_pipeline(FeatureUnion([TfidfVectorizer, …]), LogisticRegression) apart."""
    union, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
    parts, offset = [], 0
    for _, vec in union.transformer_list:
        if vec.norm != "l2" or not vec.use_idf:
            raise ValueError("only l2-normalized TF-IDF vectorizers are exported")
        parts.append(VectorizerPart(analyzer=vec.analyzer, ngram=tuple(vec.ngram_range),
                                    vocab={k: int(v) for k, v in vec.vocabulary_.items()},
                                    idf=np.asarray(vec.idf_, dtype=np.float64), offset=offset,
                                    token_pattern=vec.token_pattern or r"\S+", lowercase=vec.lowercase,
                                    sublinear_tf=vec.sublinear_tf))
        offset += len(vec.vocabulary_)
    return LinearTextModel(parts=parts, coef=np.asarray(clf.coef_, dtype=np.float64),
                           intercept=np.asarray(clf.intercept_, dtype=np.float64),
                           classes_=[c.item() if hasattr(c, "item") else c for c in clf.classes_])
