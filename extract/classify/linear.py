"""A trained scikit-learn text classifier (TF-IDF union + logistic regression) exported to plain numpy, so the
command line loads it in milliseconds without importing scikit-learn; predictions equal the original's."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

_WHITE = re.compile(r"\s\s+")


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
    _idf: list[float] | None = field(default=None, repr=False)  # idf as Python floats: numpy scalar reads are slow

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

    def vector(self, doc: str) -> dict[int, float]:
        counts: dict[int, int] = {}
        vocab = self.vocab
        for g in self.grams(doc):
            j = vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if self._idf is None:
            self._idf = self.idf.tolist()
        idf = self._idf
        vec = {j: ((1.0 + math.log(c)) if self.sublinear_tf else float(c)) * idf[j] for j, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {self.offset + j: v / norm for j, v in vec.items()} if norm else {}


@dataclass
class LinearTextModel:
    parts: list[VectorizerPart]
    coef: np.ndarray  # (n_classes or 1, n_features)
    intercept: np.ndarray
    classes_: list

    def decision(self, doc: str) -> np.ndarray:
        feats: dict[int, float] = {}
        for p in self.parts:
            feats.update(p.vector(doc))
        if not feats:
            return self.intercept.copy()
        idx = np.fromiter(feats.keys(), dtype=np.int64)
        val = np.fromiter(feats.values(), dtype=np.float64)
        return self.coef[:, idx] @ val + self.intercept

    def predict_proba(self, docs: list[str]) -> np.ndarray:
        rows = []
        for doc in docs:
            z = self.decision(doc)
            if len(self.classes_) == 2 and z.shape[0] == 1:
                p1 = 1.0 / (1.0 + math.exp(-float(z[0])))
                rows.append([1.0 - p1, p1])
            else:
                e = np.exp(z - z.max())
                rows.append(list(e / e.sum()))
        return np.array(rows)


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
                           intercept=np.asarray(clf.intercept_, dtype=np.float64), classes_=list(clf.classes_))
