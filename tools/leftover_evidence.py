"""What evidence is left for the child clauses every linker pass leaves unlinked: on each split, for each measure of
a leftover child against its nearest parent clause, the best threshold rule "link the child to its nearest parent
clause from this value" and what it would gain (gold links found) and cost (local additions linked, or children
linked to the wrong parent clause). A rule that gains more than it costs on train is a candidate pass; when none does,
the leftovers are not told apart by these measures. Run: python tools/leftover_evidence.py [--show]
[--reviewed DIR]: DIR holds reviews an office marked complete, exported as linkage gold, which join train.

Measures (each of the child against each parent clause, the nearest parent by that measure):
  words     word cosine of the whole clauses (the word passes' measure)
  ratio     the nearest parent's word cosine over the second nearest's
  title     word cosine of the child's title sentence with the parent's
  heading   word cosine of the child's title (its text without one) with the parent clause's heading
  part      word cosine with the parent's nearest part (sentences and 一是…二是… parts): a long parent diluted
  chars     IDF-weighted bigram containment (the character passes' measure)
and, on train, all six at once: a logistic regression (scikit-learn, balanced classes) trained leaving one file out
and applied to that file, linking a child to its nearest parent in words when the model gives 0.5 or more.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.gold import fold  # noqa: E402
from extract.link import align as aligner  # noqa: E402
from extract.link import passes  # noqa: E402
from extract.link.evaluate import find_anchor, gold_files, gold_pairs  # noqa: E402
from extract.link.index import ParentIndex, _rows, csr, transposed  # noqa: E402
from extract.link.leftover import _cosine  # noqa: E402
from extract.link.report import task_clauses  # noqa: E402

LINKS = ROOT / "corpus" / "links"
_PARTS = re.compile(r"[。；;]|(?=[一二三四五六七八九十]是)")
MEASURES = ("words", "ratio", "title", "heading", "part", "chars")
_SEEN: dict = {}  # the last alignment's context, kept by the probe pass that ends the passes


def leftovers(files: list[Path]) -> list[dict]:
    """One row per child clause no pass links: its gold parents and, per measure, its nearest parent and value.
    The probe pass that reads the linker's context is registered only while it runs."""
    passes.REGISTRY["_leftover_probe"] = lambda ctx: _SEEN.__setitem__("ctx", ctx)
    try:
        return _leftovers(files)
    finally:
        passes.REGISTRY.pop("_leftover_probe", None)


def _leftovers(files: list[Path]) -> list[dict]:
    config = replace(aligner.DEFAULT, passes=aligner.DEFAULT.passes + ("_leftover_probe",))
    rows = []
    for f, gold, child, parent in gold_pairs(files):
        kids, pars = task_clauses(child, len(child) > 1), task_clauses(parent, len(parent) > 1)
        index = ParentIndex(pars)
        aligner.align(kids, index, config)
        ctx = _SEEN["ctx"]
        linked = {s.child for s in ctx.result.pairs}
        left = [ci for ci in range(len(kids)) if ci not in linked]
        if not left:
            continue
        child_texts = [(i, fold(c.text)) for i, c in enumerate(kids)]
        parent_texts = [(i, fold(c.text)) for i, c in enumerate(pars)]
        gold_links = {(a, b) for g in gold.get("links", []) for a in find_anchor(g["child_anchor"], child_texts)
                      for b in find_anchor(g["parent_anchor"], parent_texts)}
        words = ctx.words
        titles = words.titles()
        headings = [words.of(p.heading.rsplit(" / ", 1)[-1]) if p.heading else {} for p in pars]
        parts, owner = [], []
        for pi, p in enumerate(pars):
            for piece in _PARTS.split(p.text):
                if len(piece) >= 8:
                    parts.append(words.of(piece))
                    owner.append(pi)
        whole = words.cosines([ctx.word_vector(ci) for ci in left])
        part_cos = np.zeros((len(left), len(pars)))  # each parent's nearest part
        if parts:
            r, i, v = _rows(parts, words.cols)
            parts_t = transposed(csr(r, i, v, (len(parts), len(words.cols))))
            r, i, v = _rows([ctx.word_vector(ci) for ci in left], words.cols)
            by_part = (csr(r, i, v, (len(left), len(words.cols))) @ parts_t).toarray()
            for k, pi in enumerate(owner):
                part_cos[:, pi] = np.maximum(part_cos[:, pi], by_part[:, k])
        for row, ci in enumerate(left):
            tv = ctx.title_vector(ci)
            values = {
                "words": whole[row],
                "title": np.array([_cosine(tv, t) if tv else 0.0 for t in titles]),
                "heading": np.array([_cosine(tv or ctx.word_vector(ci), h) if h else 0.0 for h in headings]),
                "part": part_cos[row],
                "chars": np.array([float(ctx.shared[ci, pi]) / (min(ctx.child_weight[ci], index.grams_weight[pi])
                                                                 or 1.0) for pi in range(len(pars))]),
            }
            nearest = {}
            for name, vals in values.items():
                order = np.argsort(-vals)
                nearest[name] = (int(order[0]), float(vals[order[0]]))
                if name == "words":
                    second = float(vals[order[1]]) if len(order) > 1 else 0.0
                    nearest["ratio"] = (int(order[0]), float(vals[order[0]]) / second if second else float("inf"))
            rows.append({"file": f.stem, "text": kids[ci].text[:30], "gold": {b for a, b in gold_links if a == ci},
                         "nearest": nearest})
    return rows


def best_rule(rows: list[dict], measure: str) -> tuple[float, int, int, int]:
    """Of the thresholds that find at least one gold link, the one whose rule gains most (found minus wrong parents
    minus local additions linked), with those three counts; (inf, 0, 0, 0) when no nearest parent is ever gold."""
    best = (float("inf"), 0, 0, 0)
    for t in sorted({r["nearest"][measure][1] for r in rows}):
        hits = [r for r in rows if r["nearest"][measure][1] >= t]
        found = sum(r["nearest"][measure][0] in r["gold"] for r in hits)
        wrong = sum(bool(r["gold"]) and r["nearest"][measure][0] not in r["gold"] for r in hits)
        novel = sum(not r["gold"] for r in hits)
        if found and (best[0] == float("inf") or found - wrong - novel > best[1] - best[2] - best[3]):
            best = (t, found, wrong, novel)
    return best


def learned(rows: list[dict]) -> tuple[int, int, int]:
    """Leave one file out: gold links found, wrong parents and local additions linked by the six measures at once."""
    from sklearn.linear_model import LogisticRegression

    def features(rs):
        return np.array([[min(r["nearest"][m][1], 10.0) for m in MEASURES] for r in rs])

    counts = [0, 0, 0]
    for name in sorted({r["file"] for r in rows}):
        fit = [r for r in rows if r["file"] != name]
        target = np.array([r["nearest"]["words"][0] in r["gold"] for r in fit])
        held = [r for r in rows if r["file"] == name]
        if target.all() or not target.any():
            continue
        model = LogisticRegression(class_weight="balanced", max_iter=1000).fit(features(fit), target)
        for r, p in zip(held, model.predict_proba(features(held))[:, 1]):
            if p >= 0.5:
                counts[0 if r["nearest"]["words"][0] in r["gold"] else 1 if r["gold"] else 2] += 1
    return counts[0], counts[1], counts[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", action="store_true", help="list every leftover child with its measures")
    ap.add_argument("--reviewed", metavar="DIR", action="append", default=[],
                    help="a folder of reviews exported as linkage gold (planlink review export --format link-gold), "
                         "counted with train")
    args = ap.parse_args()
    split = json.loads((LINKS / "split.json").read_text(encoding="utf-8"))
    reviewed = [p for d in args.reviewed for p in gold_files(d)]
    for name in ("train", "dev", "test"):
        rows = leftovers([LINKS / f"{stem}.json" for stem in split.get(name, [])] + (reviewed if name == "train"
                                                                                     else []))
        linked = sum(bool(r["gold"]) for r in rows)
        print(f"{name}: {len(rows)} children left unlinked, {linked} of them linked in the gold, "
              f"{len(rows) - linked} local additions")
        for m in MEASURES:
            t, found, wrong, novel = best_rule(rows, m)
            rule = "its nearest parent is never the gold one" if t == float("inf") else \
                f"best rule from {t:.3f}: {found} gold links found, {wrong} wrong parents, {novel} local additions " \
                f"linked (net {found - wrong - novel:+d})"
            print(f"  {m:<8} {rule}")
        if name == "train":
            found, wrong, novel = learned(rows)
            print(f"  learned  leaving one file out: {found} gold links found, {wrong} wrong parents, {novel} local "
                  f"additions linked (net {found - wrong - novel:+d})")
        if args.show:
            for r in rows:
                label = "linked" if r["gold"] else "novel"
                near = " ".join(f"{m}={r['nearest'][m][1]:.2f}{'*' if r['nearest'][m][0] in r['gold'] else ''}"
                                for m in MEASURES)
                print(f"    {label:<6} {r['file'][:14]:<14} {near}  {r['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
