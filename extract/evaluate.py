"""planlink evaluate: precision, recall and F1 of the pipeline against gold files, with ANNOTATION.md's matching rules."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .api import pick_document, process_file
from .components import SCORED
from .gold import fold, load, resolve_source
from .metrics import PRF, match_items, target_note
from .model import Document


@dataclass
class Scores:
    is_task: PRF = field(default_factory=PRF)
    deadlines: PRF = field(default_factory=PRF)
    frequencies: PRF = field(default_factory=PRF)
    departments: PRF = field(default_factory=PRF)
    clauses: PRF = field(default_factory=PRF)
    action_ok: int = 0
    action_n: int = 0

    def add(self, o: "Scores") -> None:
        for k in ("is_task", "deadlines", "frequencies", "departments", "clauses"):
            getattr(self, k).add(getattr(o, k))
        self.action_ok += o.action_ok
        self.action_n += o.action_n

    @property
    def action_acc(self) -> float:
        return self.action_ok / self.action_n if self.action_n else 1.0

    def as_dict(self) -> dict:
        out = {}
        for k in ("clauses", "is_task", "deadlines", "frequencies", "departments"):
            s = getattr(self, k)
            out[k] = {"precision": round(s.p, 4), "recall": round(s.r, 4), "f1": round(s.f1, 4),
                      "tp": s.tp, "fp": s.fp, "fn": s.fn}
        out["action"] = {"accuracy": round(self.action_acc, 4), "n": self.action_n}
        return out


# --- one document --------------------------------------------------------------------------------------


def score_document(gold: dict, doc: Document | None) -> Scores:
    s = Scores()
    pred = doc.clauses if doc else []
    folded = [fold(c.text) for c in pred]
    matched_pred: set[int] = set()
    for g in gold["clauses"]:
        anchor = fold(g["anchor"])
        k = next((i for i, t in enumerate(folded) if anchor in t and i not in matched_pred), None)
        if k is None:
            k = next((i for i, t in enumerate(folded) if anchor in t), None)
        if k is None:
            s.clauses.fn += 1
            s.clauses.misses.append(("clause", g["anchor"]))
            if g["is_task"]:
                s.is_task.fn += 1
                s.action_n += 1
            for comp in SCORED:
                getattr(s, comp.name).fn += sum(1 for x in g.get(comp.name, []) if not x.get("optional"))
            continue
        s.clauses.tp += 1
        matched_pred.add(k)
        c = pred[k]
        if g["is_task"] and c.is_task:
            s.is_task.tp += 1
        elif g["is_task"]:
            s.is_task.fn += 1
            s.is_task.misses.append(("miss", g["anchor"]))
        elif c.is_task:
            s.is_task.fp += 1
            s.is_task.misses.append(("false", g["anchor"]))
        if g["is_task"]:
            s.action_n += 1
            if c.action in (g.get("action") or []):
                s.action_ok += 1
        pred_json = c.to_json()
        for comp in SCORED:
            getattr(s, comp.name).add(match_items(g.get(comp.name, []), pred_json[comp.name], comp.same))
    for i, c in enumerate(pred):
        if i in matched_pred:
            continue
        s.clauses.fp += 1
        if c.is_task:
            s.is_task.fp += 1
        for comp in SCORED:
            getattr(s, comp.name).fp += len(getattr(c, comp.name))
    return s


# --- command ----------------------------------------------------------------------------------------------


def gold_files(gold_dir: Path, split: str) -> list[Path]:
    files = sorted(gold_dir.glob("*.json"))
    files = [f for f in files if f.name != "split.json"]
    if split == "all":
        return files
    split_file = next((p for p in (gold_dir / "split.json", gold_dir.parent / "split.json") if p.is_file()), None)
    if split_file is None:
        return files
    names = set(json.loads(split_file.read_text(encoding="utf-8")).get(split, []))
    return [f for f in files if f.stem in names]


def evaluate(gold_dir: str | Path, split: str = "all") -> tuple[Scores, dict[str, Scores]]:
    gold_dir = Path(gold_dir)
    cache: dict[str, list[Document]] = {}
    total = Scores()
    per: dict[str, Scores] = {}
    for path in gold_files(gold_dir, split):
        gold = load(path)
        src = resolve_source(gold, path)
        if src is None:
            print(f"planlink: warning: {path.name}: source {gold['source']} not found; skipped", file=sys.stderr)
            continue
        key = str(src.resolve())
        if key not in cache:
            cache[key] = process_file(src)
        doc = pick_document(cache[key], gold.get("title", ""))
        s = score_document(gold, doc)
        per[gold["doc"]] = s
        total.add(s)
    return total, per


# The accuracy targets printed beside the figures (F1; accuracy for action; departments also need precision
# PRECISION_TARGETS): those of issue 16, the latest to raise them (the extraction issue #3 set 0.93 / 0.95 / 0.95 /
# 0.90 / 0.80).
TARGETS = {"is_task": 0.97, "deadlines": 0.97, "frequencies": 0.97, "departments": 0.94, "action": 0.90}
PRECISION_TARGETS = {"departments": 0.95}


def main(args) -> int:
    gold_dir = Path(args.gold_dir)
    if not gold_dir.is_dir():
        print(f"planlink: error: {gold_dir}: not a folder of gold files", file=sys.stderr)
        return 2
    total, per = evaluate(gold_dir, args.split)
    if not per:
        print(f"planlink: error: {gold_dir}: no gold files found (split {args.split})", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"total": total.as_dict(), "documents": {k: v.as_dict() for k, v in per.items()}},
                         ensure_ascii=False, indent=1))
        return 0
    print(f"gold files: {len(per)} ({args.split})")
    print(f"{'field':<13}{'precision':>10}{'recall':>10}{'F1':>8}{'tp':>7}{'fp':>6}{'fn':>6}  target")
    for k in ("clauses", "is_task", "deadlines", "frequencies", "departments"):
        s = getattr(total, k)
        note = target_note(s.f1, TARGETS.get(k))
        if k in PRECISION_TARGETS:
            note += f", precision {target_note(s.p, PRECISION_TARGETS[k])}"
        print(f"{k:<13}{s.p:>10.3f}{s.r:>10.3f}{s.f1:>8.3f}{s.tp:>7}{s.fp:>6}{s.fn:>6}  {note}")
    print(f"{'action':<13}{'accuracy':>10}{total.action_acc:>10.3f}{'':>8}{total.action_ok:>7}/{total.action_n}"
          f"  {target_note(total.action_acc, TARGETS['action'])}")
    if args.verbose:
        for name, s in per.items():
            for k in ("clauses", "is_task", "deadlines", "frequencies", "departments"):
                for kind, text in getattr(s, k).misses:
                    print(f"  {name} {k} {kind}: {text}")
    return 0
