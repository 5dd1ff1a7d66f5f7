"""Golden clause trees of every corpus file; regenerate only with PLANLINK_REGEN_GOLDEN=1 after reviewing the diff."""
from __future__ import annotations

import json
import os

import pytest

from conftest import CORPUS, ROOT
from extract.readers import read_file
from extract.segment import segment

GOLDEN = ROOT / "tests" / "golden"
REGEN = os.environ.get("PLANLINK_REGEN_GOLDEN") == "1"
FILES = sorted(p for p in CORPUS.glob("*.txt"))


def tree(path):
    docs = segment(read_file(path).blocks, path.name)
    return [{"title": d.title, "issuer": d.issuer, "doc_number": d.doc_number, "date": d.date,
             "clauses": [{"id": c.id, "path": c.path, "kind": c.kind, "text": c.text} for c in d.clauses]}
            for d in docs]


@pytest.mark.parametrize("path", FILES, ids=[p.stem[:3] for p in FILES])
def test_clause_tree_matches_golden(path):
    target = GOLDEN / path.stem / "clauses.json"
    got = tree(path)
    if REGEN:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert target.is_file(), f"no golden file {target}; run with PLANLINK_REGEN_GOLDEN=1 once and review it"
    want = json.loads(target.read_text(encoding="utf-8"))
    assert got == want


def test_ids_are_unique_and_stable():
    for path in FILES:
        for d in segment(read_file(path).blocks):
            ids = [c.id for c in d.clauses]
            assert len(ids) == len(set(ids)), d.title
