"""Record the linker's inputs and outputs on every linkage gold pair (corpus/links, both splits) into
tests/data/link_snapshot.json.gz, so tests/test_link_snapshot.py can check that restructuring or speeding up the
linker leaves every link as it was, whatever later changes to extraction do to the inputs.

Run from the repository root: python tools/link_snapshot.py [OUT]  (only when a link changes on purpose, after
review; OUT defaults to the snapshot the test reads)."""
from __future__ import annotations

import gzip
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.api import pick_document, process_file
from extract.link.align import ParentIndex, align
from extract.link.config import DEFAULT, RESTATEMENTS
from extract.link.report import task_clauses
from extract.model import Clause

TARGET = ROOT / "tests" / "data" / "link_snapshot.json.gz"
# the configurations recorded: the default linker, and the one internal.py runs (the word passes that link
# rewrites off)
SETTINGS = {"default": DEFAULT, "char_only": RESTATEMENTS}


def _docs(cache: dict, name: str, title: str | None, scope: str | None):
    path = ROOT / name if (ROOT / name).is_file() else ROOT / "corpus" / "links" / name
    key = str(path.resolve())
    if key not in cache:
        cache[key] = process_file(path, ocr=False)
    docs = cache[key]
    if title:
        docs = [pick_document(docs, title)]
    if scope:
        docs = [replace(d, clauses=[c for c in d.clauses if c.kind == scope]) for d in docs]
    return docs


def links_of(result) -> list[dict]:
    return [lk.to_json() | {"score": lk.score} for lk in result.links]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0]) if argv else TARGET
    cache: dict = {}
    links = ROOT / "corpus" / "links"
    # the held-out pairs (test split) are scored once with evaluate only, never recorded here
    held_out = set(json.loads((links / "split.json").read_text(encoding="utf-8")).get("test", []))
    pairs = sorted(p for p in links.glob("*.json") if p.name != "split.json" and p.stem not in held_out)
    out = {}
    for pair in pairs:
        gold = json.loads(pair.read_text(encoding="utf-8"))
        child = _docs(cache, gold["child"], gold.get("child_title"), gold.get("child_scope"))
        parent = _docs(cache, gold["parent"], gold.get("parent_title"), gold.get("parent_scope"))
        children = task_clauses(child, len(child) > 1)
        parents = task_clauses(parent, len(parent) > 1)
        index = ParentIndex(parents)
        out[pair.stem] = {
            "children": [c.to_json() for c in children],
            "parents": [c.to_json() for c in parents],
            "links": {name: links_of(align(children, index, kw)) for name, kw in SETTINGS.items()},
        }
        print(pair.stem, len(children), len(parents), {k: len(v) for k, v in out[pair.stem]["links"].items()})
    # each pair's children against the next pair's parent as well: mostly unrelated plans, where the low-score and
    # word passes do most of the linking (the gold pairs themselves are linked mainly by the character passes)
    stems = list(out)
    for k, stem in enumerate(stems):
        other = stems[(k + 1) % len(stems)]
        children = [Clause.from_json(c) for c in out[stem]["children"]]
        index = ParentIndex([Clause.from_json(c) for c in out[other]["parents"]])
        out[f"cross:{stem}:{other}"] = {
            "children_of": stem, "parents_of": other,
            "links": {name: links_of(align(children, index, kw)) for name, kw in SETTINGS.items()},
        }
    target.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(target, "wt", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"{target}: {len(out)} pairs, {target.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
