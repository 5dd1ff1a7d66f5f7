"""Calibrates the floor under which a child and a parent plan count as unrelated (extract/link/report.RELATED_FLOOR):
for every linkage gold pair and for pairs of a child with another pair's parent, the share of the child's tasks linked
at RELATED_SCORE or more. Run: python tools/link_floor.py"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.link import report  # noqa: E402
from extract.link.evaluate import gold_pairs  # noqa: E402

LINKS = ROOT / "corpus" / "links"


def main() -> int:
    files = sorted(f for f in LINKS.glob("*.json") if f.name != "split.json")
    pairs = [(f.stem, child, parent) for f, _gold, child, parent in gold_pairs(files)]

    def share(child, parent) -> float:
        return report.link_documents(child, parent)["coverage"]["relatedness"]

    related = [(name, share(c, p)) for name, c, p in pairs]
    cross = [(f"{a} -> {b}", share(c, p)) for i, (a, c, _) in enumerate(pairs) for j, (b, _, p) in enumerate(pairs)
             if (j - i) % len(pairs) in (7, 13)]
    for title, rows in (("gold pairs", related), ("cross pairs", cross)):
        values = sorted(v for _, v in rows)
        print(f"{title}: {len(values)}, share min {values[0]:.2f}, max {values[-1]:.2f}, "
              f"below the floor {sum(v < report.RELATED_FLOOR for v in values)}")
    # the title / citation test that keeps a pair below the floor related: every crossed pair, not only the sample
    declared = sum(report.declares_parent(c, p) for _, c, p in pairs)
    crossed = [(a, b) for i, (a, c, _) in enumerate(pairs) for j, (b, _, p) in enumerate(pairs)
               if i != j and report.declares_parent(c, p)]
    print(f"gold pairs whose child declares its parent: {declared} of {len(pairs)}; crossed pairs: {len(crossed)} of "
          f"{len(pairs) * (len(pairs) - 1)}")
    for a, b in crossed:
        print(f"  {a} -> parent of {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
