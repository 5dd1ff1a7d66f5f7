"""Lists, per linkage gold file, the gold changes the linker missed and the ones it invented, with both clause texts
and the deadlines / frequencies read from them; for a gold link the linker did not find, what the change comparison
would give on the gold pair. Run: python tools/link_changes.py [--split train|dev] [--all]"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.evaluate import gold_files
from extract.gold import fold
from extract.link.diff import changes
from extract.link.evaluate import find_anchor, gold_pairs
from extract.link.report import link_documents, task_clauses

LINKS = ROOT / "corpus" / "links"


def values(c) -> str:
    ds = [f"{d.text}→{'ongoing' if d.ongoing else d.end}" for d in c.deadlines]
    fs = [f"{f.text}→{f.per_year:g}/y" for f in c.frequencies]
    return f"D{ds} F{fs}"


def pair(c, p, width: int) -> str:
    """The two clauses of a link, each with its id, the values read from it and the start of its text."""
    return f"   C {c.id} {values(c)} {c.text[:width]}\n   P {p.id} {values(p)} {p.text[:width]}"


def tally_changes(tally: dict, want: set, got: set) -> None:
    tally["right"] += len(want & got)
    tally["missed"] += len(want - got)
    tally["invented"] += len(got - want)


def gold_links(gold, children, parents):
    """(gold link, child clause, parent clause, the child's other gold parent clauses) for each gold link whose
    anchors are found."""
    ctexts = [(c.id, fold(c.text)) for c in children]
    ptexts = [(p.id, fold(p.text)) for p in parents]
    cby, pby = {c.id: c for c in children}, {p.id: p for p in parents}
    found = []
    for g in gold.get("links", []):
        cids, pids = find_anchor(g["child_anchor"], ctexts), find_anchor(g["parent_anchor"], ptexts)
        if cids and pids:
            found.append((g, cby[min(cids)], pby[min(pids)]))
    out = []
    for g, c, p in found:
        others = tuple(q for h, d, q in found if d.id == c.id and q.id != p.id)
        out.append((g, c, p, others))
    return out


def pairs(args) -> int:
    tally = {"right": 0, "missed": 0, "invented": 0}
    for f, gold, child, parent in gold_pairs(gold_files(LINKS, args.split)):
        lines = []
        for g, c, p, others in gold_links(gold, task_clauses(child, len(child) > 1), task_clauses(parent, len(parent) > 1)):
            want, got = set(g.get("changes", [])), set(changes(c, p, others))
            tally_changes(tally, want, got)
            if want != got or (args.all and want):
                lines.append(f" {'OK' if want == got else 'DIFF'} gold {sorted(want)} got {sorted(got)}\n"
                             + pair(c, p, 200))
        if lines:
            print(f"== {f.stem}")
            print("\n".join(lines))
    print(json.dumps(tally))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=["train", "dev"], default="train")
    ap.add_argument("--all", action="store_true", help="show every gold link with a change, right ones too")
    ap.add_argument("--pairs", action="store_true",
                    help="score the change comparison alone, on every gold pair (the linker's links left aside)")
    args = ap.parse_args()
    if args.pairs:
        return pairs(args)
    tally = {"right": 0, "missed": 0, "invented": 0, "missed_by_link": 0, "pair_would_get": 0}
    for f, gold, child, parent in gold_pairs(gold_files(LINKS, args.split)):
        report = link_documents(child, parent)
        children = task_clauses(child, len(child) > 1)
        parents = task_clauses(parent, len(parent) > 1)
        cby, pby = {c.id: c for c in children}, {p.id: p for p in parents}
        ctexts = [(c.id, fold(c.text)) for c in children]
        ptexts = [(p.id, fold(p.text)) for p in parents]
        links = report["links"]
        used: set[int] = set()
        lines: list[str] = []
        gold_parents: dict[str, list[str]] = {}
        for g in gold.get("links", []):
            gold_parents.setdefault(g["child_anchor"], []).append(g["parent_anchor"])
        for g in gold.get("links", []):
            cids, pids = find_anchor(g["child_anchor"], ctexts), find_anchor(g["parent_anchor"], ptexts)
            hit = next((k for k, lk in enumerate(links) if k not in used and lk["child"] in cids
                        and lk["parent"] in pids), None)
            want = set(g.get("changes", []))
            if hit is None:
                if not want:
                    continue
                tally["missed"] += len(want)
                tally["missed_by_link"] += len(want)
                got: set[str] = set()
                if cids and pids:
                    c, p = cby[min(cids)], pby[min(pids)]
                    others = tuple(pby[min(o)] for a in gold_parents[g["child_anchor"]] if a != g["parent_anchor"]
                                   and (o := find_anchor(a, ptexts)))
                    got = set(changes(c, p, others))
                    tally["pair_would_get"] += len(want & got)
                    lines.append(f" LINK MISSED gold {sorted(want)} pair-would-give {sorted(got)}\n" + pair(c, p, 160))
                else:
                    lines.append(f" LINK MISSED (anchor not found) gold {sorted(want)}: {g['child_anchor']}")
                continue
            used.add(hit)
            got = set(links[hit]["changes"])
            tally_changes(tally, want, got)
            if want != got or (args.all and want):
                c, p = cby[links[hit]["child"]], pby[links[hit]["parent"]]
                lines.append(f" {'OK' if want == got else 'DIFF'} gold {sorted(want)} got {sorted(got)} "
                             f"({links[hit]['kind']})\n" + pair(c, p, 160))
        for k, lk in enumerate(links):
            if k not in used and lk["changes"]:
                tally["invented"] += len(lk["changes"])
                c, p = cby[lk["child"]], pby[lk["parent"]]
                lines.append(f" FALSE LINK with {lk['changes']}\n" + pair(c, p, 160))
        if lines:
            print(f"== {f.stem}")
            print("\n".join(lines))
    print(json.dumps(tally))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
