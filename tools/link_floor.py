"""Calibrates the floor under which a child and a parent plan count as unrelated (extract/link/report.RELATED_FLOOR):
for every linkage gold pair and for pairs of a child with another pair's parent, the share of the child's tasks linked
at RELATED_SCORE or more. Run: python tools/link_floor.py"""
from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.api import pick_document, process_file  # noqa: E402
from extract.link import report  # noqa: E402

LINKS = ROOT / "corpus" / "links"


def resolve(name: str, gold: Path) -> Path:
    for base in (ROOT, gold.parent):
        if (base / name).is_file():
            return base / name
    raise FileNotFoundError(name)


def main() -> int:
    cache: dict[str, list] = {}

    def docs(name: str, title: str | None, scope: str | None, gold: Path) -> list:
        path = resolve(name, gold)
        if str(path) not in cache:
            cache[str(path)] = process_file(path, ocr=False)
        out = cache[str(path)]
        if title:
            out = [d for d in [pick_document(out, title)] if d]
        if scope:
            out = [replace(d, clauses=[c for c in d.clauses if c.kind == scope]) for d in out]
        return out

    pairs = []
    for f in sorted(LINKS.glob("*.json")):
        if f.name == "split.json":
            continue
        g = json.loads(f.read_text(encoding="utf-8"))
        pairs.append((f.stem, docs(g["child"], g.get("child_title"), g.get("child_scope"), f),
                      docs(g["parent"], g.get("parent_title"), g.get("parent_scope"), f)))

    def share(child, parent) -> float:
        return report.link_documents(child, parent)["coverage"]["relatedness"]

    related = [(name, share(c, p)) for name, c, p in pairs]
    cross = [(f"{a} -> {b}", share(c, p)) for i, (a, c, _) in enumerate(pairs) for j, (b, _, p) in enumerate(pairs)
             if (j - i) % len(pairs) in (7, 13)]
    for title, rows in (("gold pairs", related), ("cross pairs", cross)):
        values = sorted(v for _, v in rows)
        print(f"{title}: {len(values)}, share min {values[0]:.2f}, max {values[-1]:.2f}, "
              f"below the floor {sum(v < report.RELATED_FLOOR for v in values)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
