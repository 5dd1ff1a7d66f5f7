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

    def grams(self, docs: list[str], known: dict | None = None) -> dict:
        """The n-grams of every document for each part config ({config: [grams of doc 0, …]}); configs already in
        `known` are taken from there, so that models over the same features cut each text once."""
        out = dict(known or {})
        for p in self.parts:
            if p.config() not in out:
                out[p.config()] = [p.grams(d) for d in docs]
        return out

    def decisions(self, docs: list[str], grams: dict | None = None) -> np.ndarray:
        """Decision values of many documents (n_docs × rows of coef); `grams` as returned by grams(docs)."""
        n = len(docs)
        z = np.tile(self.intercept, (n, 1))
        grams = self.grams(docs, grams)
        for p in self.parts:
            per_doc = grams[p.config()]
            # one C-level pass over every n-gram of every document: its column, or -1 when not in the vocabulary
            flat = list(chain.from_iterable(per_doc))
            cols = np.fromiter(map(p.vocab.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
            doc_ids = np.repeat(np.arange(n, dtype=np.int64), [len(g) for g in per_doc])
            known = cols >= 0
            doc_ids, cols = doc_ids[known], cols[known]
            d, c, v = p.weights(doc_ids, cols, n)
            for k in range(z.shape[1]):
                z[:, k] += np.bincount(d, weights=self.coef[k, p.offset + c] * v, minlength=n)
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
