"""The linker's output on every pair of the linkage gold (corpus/links) is what tests/golden/links holds: speed work on
the linker must not change one link. Regenerate only with PLANLINK_REGEN_GOLDEN=1 after reviewing the diff (a change
to the rules or the models changes the links on purpose)."""
from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from conftest import CORPUS, ROOT
from extract.api import link_documents, pick_document, process_file

GOLDEN = ROOT / "tests" / "golden" / "links"
REGEN = os.environ.get("PLANLINK_REGEN_GOLDEN") == "1"
# Held-out (test split) pairs are left out: a golden snapshot would put the linker's output on a plan nobody has scored yet
# into the repository; they are scored once with `planlink evaluate --links corpus/links --split test`.
_HELD_OUT = set(json.loads((CORPUS / "links" / "split.json").read_text(encoding="utf-8")).get("test", []))
PAIRS = sorted(p for p in (CORPUS / "links").glob("*.json") if p.name != "split.json" and p.stem not in _HELD_OUT)
_DOCS: dict = {}


def _docs(name: str, title: str | None, scope: str | None):
    path = ROOT / name if (ROOT / name).is_file() else CORPUS / "links" / name
    key = str(path.resolve())
    if key not in _DOCS:
        _DOCS[key] = process_file(path, ocr=False)
    docs = _DOCS[key]
    if title:
        docs = [pick_document(docs, title)]
    if scope:
        docs = [replace(d, clauses=[c for c in d.clauses if c.kind == scope]) for d in docs]
    return docs


def summary(report: dict) -> dict:
    """The links and coverage of a report in an order that does not depend on the order links were found in."""
    cov = report["coverage"]
    return {
        "links": sorted([lk["child"], lk["parent"], lk["kind"], sorted(lk["changes"]), lk["score"]]
                        for lk in report["links"]),
        "dropped": sorted(d["id"] for d in cov["dropped"]),
        "novel": sorted(n["id"] for n in cov["novel_child_clauses"]),
        "weakened": sorted(cov["weakened"]),
        "tightened": sorted(cov["tightened"]),
    }


@pytest.mark.parametrize("pair", PAIRS, ids=[p.stem for p in PAIRS])
def test_links_match_golden(pair):
    gold = json.loads(pair.read_text(encoding="utf-8"))
    child = _docs(gold["child"], gold.get("child_title"), gold.get("child_scope"))
    parent = _docs(gold["parent"], gold.get("parent_title"), gold.get("parent_scope"))
    got = summary(link_documents(child, parent))
    target = GOLDEN / pair.name
    if REGEN:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(got, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    assert target.is_file(), f"no golden file {target}; run with PLANLINK_REGEN_GOLDEN=1 once and review it"
    assert got == json.loads(target.read_text(encoding="utf-8"))
