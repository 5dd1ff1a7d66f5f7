"""Training of the linker's word variants (link/variants.py) from the linkage gold: kept apart from the variants the
linker reads, so the linker imports nothing of the evaluation it is scored by. `planlink train` runs it after the
classifiers (the clauses and their words depend on the dictionary and the is_task model it has just written)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from ..evaluate import gold_files
from ..gold import fold
from ..words import MODELS
from .evaluate import find_anchor, gold_pairs
from .index import clause_word_counts
from .leftover import own_text
from .report import task_clauses
from .variants import FILE, LearnSettings, learn, load


def gold_examples(gold_dir: Path, split: str = "train"):
    """(name, child word sets, parent word sets, linked pairs) of each linkage gold file of a split, with the words
    the word passes read (index.clause_word_counts of each clause without its role notes)."""
    for f, gold, child_docs, parent_docs in gold_pairs(gold_files(gold_dir, split)):
        cs = task_clauses(child_docs, len(child_docs) > 1)
        ps = task_clauses(parent_docs, len(parent_docs) > 1)
        ct = [(i, fold(c.text)) for i, c in enumerate(cs)]
        pt = [(i, fold(c.text)) for i, c in enumerate(ps)]
        linked = {(ci, pi) for g in gold.get("links", []) for ci in find_anchor(g["child_anchor"], ct)
                  for pi in find_anchor(g["parent_anchor"], pt)}
        yield (f.stem, [set(clause_word_counts(own_text(c))) for c in cs],
               [set(clause_word_counts(own_text(c))) for c in ps], linked)


def train(gold_dir: Path, out_dir: Path = MODELS, settings: LearnSettings = LearnSettings()) -> dict:
    """Learn the variants from the training split of `gold_dir` and write them to out_dir/word_variants.json."""
    data = list(gold_examples(gold_dir, "train"))
    pairs = learn(data, settings)
    doc = {"trained": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "train_files": sorted(name for name, *_ in data),
           "settings": {"min_files": settings.min_files, "min_lift": settings.min_lift},
           "linked_pairs": sum(len(linked) for *_, linked in data),
           "variants": pairs}
    (out_dir / FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    load.cache_clear()
    return {"word_variants": len(pairs), "from_files": len(data)}
