"""How many gold links would survive blocking the linker by action or by section (issue 18, item 3).

Blocking compares a child clause only with the parent clauses of the same block. This script finds, for every gold
link of the train and dev linkage files, the child and parent clauses its anchors name and counts the links whose
two clauses fall in the same block under each blocking key: the classified action, the top-level section (first
heading title) and either of the two. A key that loses gold links cannot be applied before scoring without losing
those links. Usage: python tools/blocking_recall.py [corpus/links]"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.gold import fold  # noqa: E402
from extract.link.evaluate import gold_pairs  # noqa: E402
from extract.evaluate import gold_files  # noqa: E402


def clause_for(anchor: str, docs) -> object | None:
    a = fold(anchor)
    return next((c for d in docs for c in d.clauses if a in fold(c.text)), None)


def section(clause) -> str:
    return clause.heading.split(" / ")[0] if clause.heading else ""


def main(gold_dir: str = "corpus/links") -> int:
    files = [f for split in ("train", "dev") for f in gold_files(Path(gold_dir), split)]
    counts: Counter = Counter()
    for _path, gold, child, parent in gold_pairs(files):
        for g in gold.get("links", []):
            c, p = clause_for(g["child_anchor"], child), clause_for(g["parent_anchor"], parent)
            if c is None or p is None:
                counts["anchor not found"] += 1
                continue
            counts["links"] += 1
            same_action = c.action is not None and c.action == p.action
            same_section = bool(section(c)) and fold(section(c)) == fold(section(p))
            counts["same action"] += same_action
            counts["same section"] += same_section
            counts["same action or section"] += same_action or same_section
    total = counts["links"]
    print(f"gold links found in both plans: {total} (anchors not found: {counts['anchor not found']})")
    for key in ("same action", "same section", "same action or section"):
        kept = counts[key]
        print(f"blocking by {key[5:]:<20} keeps {kept:4d}  loses {total - kept:4d}  ({(total - kept) / max(total, 1):.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
