"""Gold task-table files (ANNOTATION.md §3): loading, width folding for comparison, and validation."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from . import families
from .readers import read_file
from .text import fold  # the comparison form of ANNOTATION.md

ACTIONS = set(families.default().codes)

PERIODS = {"day", "week", "month", "quarter", "half_year", "year"}
ROLES = {"lead", "support", "responsible"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def resolve_source(gold: dict, gold_path: Path) -> Path | None:
    """Find a gold file's source: relative to the repository root, the gold folder's parents, or cwd."""
    src = Path(gold["source"])
    candidates = [src]
    for parent in [gold_path.parent, *gold_path.parent.parents]:
        candidates += [parent / src, parent / src.name, parent / "corpus" / src.name]
    for cand in candidates:
        if cand.is_file():
            return cand
    return None


def validate(gold: dict, source_text: str) -> list[str]:
    """Return the problems of one gold file; an empty list means it is well formed."""
    problems: list[str] = []
    for key in ("doc", "source", "title", "clauses"):
        if key not in gold:
            problems.append(f"missing top-level key {key!r}")
    if problems:
        return problems
    folded = fold(source_text)
    positions: list[int] = []
    anchors: list[str] = []
    for i, cl in enumerate(gold["clauses"]):
        where = f"clause {i}"
        anchor = cl.get("anchor", "")
        if len(anchor) < 12:
            problems.append(f"{where}: anchor shorter than 12 characters: {anchor!r}")
        fa = fold(anchor)
        pos = folded.find(fa, positions[-1] if positions else 0)
        if pos < 0:
            if folded.find(fa) >= 0:
                problems.append(f"{where}: anchor out of document order: {anchor!r}")
            else:
                problems.append(f"{where}: anchor not found verbatim in source: {anchor!r}")
        else:
            positions.append(pos)
        anchors.append(fa)
        if not isinstance(cl.get("path"), list):
            problems.append(f"{where}: path must be a list")
        if not isinstance(cl.get("is_task"), bool):
            problems.append(f"{where}: is_task must be true/false")
        action = cl.get("action")
        if cl.get("is_task"):
            if not action or not isinstance(action, list) or not set(action) <= ACTIONS or len(action) > 2:
                problems.append(f"{where}: task clause needs action as a list of 1-2 codes of {sorted(ACTIONS)}")
        for d in cl.get("deadlines", []):
            if not d.get("text") or fold(d["text"]) not in folded:
                problems.append(f"{where}: deadline text not in source: {d.get('text')!r}")
            for k in ("start", "end"):
                if d.get(k) is not None and not _DATE.match(str(d[k])):
                    problems.append(f"{where}: deadline {k} is not YYYY-MM-DD: {d[k]!r}")
            if not (d.get("start") or d.get("end") or d.get("ongoing") or d.get("optional")):
                problems.append(f"{where}: deadline has no start, end, ongoing or optional: {d.get('text')!r}")
        for f in cl.get("frequencies", []):
            if not f.get("text") or fold(f["text"]) not in folded:
                problems.append(f"{where}: frequency text not in source: {f.get('text')!r}")
            if f.get("period") not in PERIODS:
                problems.append(f"{where}: frequency period must be one of {sorted(PERIODS)}")
            if not isinstance(f.get("count"), int) or f["count"] < 1:
                problems.append(f"{where}: frequency count must be a positive integer")
            if not isinstance(f.get("at_least"), bool):
                problems.append(f"{where}: frequency at_least must be true/false")
        for d in cl.get("departments", []):
            if not d.get("text") or fold(d["text"]) not in folded:
                problems.append(f"{where}: department text not in source: {d.get('text')!r}")
            if d.get("role") not in ROLES:
                problems.append(f"{where}: department role must be one of {sorted(ROLES)}")
    if positions:
        lo, hi = positions[0], positions[-1] + 1
        segment = folded[lo:hi + 200]
        for i, fa in enumerate(anchors):
            if fa and segment.count(fa) > 1:
                problems.append(f"clause {i}: anchor occurs more than once in the document: {fa!r}")
    return problems


def source_text(src: Path) -> str:
    """The text anchors are looked up in: a plain-text source as it is; any other (docx, pdf) as its reader reads
    it, paragraphs and every table cell."""
    if src.suffix.lower() in (".txt", ".md", ""):
        return src.read_text(encoding="utf-8-sig", errors="replace")

    parts = []
    for b in read_file(src).blocks:
        parts.append(b.text)
        if b.table is not None:
            parts += ["\n".join(cell for cell in row) for row in b.table.rows]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Validate gold files given on the command line; print problems; exit 1 if any."""
    argv = sys.argv[1:] if argv is None else argv
    bad = 0
    for name in argv:
        path = Path(name)
        gold = load(path)
        src = resolve_source(gold, path)
        if src is None:
            print(f"{name}: source {gold.get('source')!r} not found")
            bad += 1
            continue
        text = source_text(src)
        problems = validate(gold, text)
        for p in problems:
            print(f"{name}: {p}")
        n = len(gold.get("clauses", []))
        print(f"{name}: {n} clauses, {len(problems)} problems")
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
