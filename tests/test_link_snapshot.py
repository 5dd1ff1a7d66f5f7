"""The linker's links on every linkage gold pair (and on each pair's children against another pair's parent) are
those recorded in tests/data/link_snapshot.json.gz before the linker was split into passes and sped up: same pairs,
kinds, changes and scores. The inputs are stored with the links, so changes to extraction do not move this test;
tools/link_snapshot.py re-records it when a link changes on purpose."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache

import pytest
from conftest import ROOT

from extract.link.align import ParentIndex, align
from extract.link.config import DEFAULT, RESTATEMENTS
from extract.model import Clause

SNAPSHOT = ROOT / "tests" / "data" / "link_snapshot.json.gz"
# the configurations recorded by tools/link_snapshot.py (char_only: the word passes that link rewrites off)
SETTINGS = {"default": DEFAULT, "char_only": RESTATEMENTS}


@lru_cache(maxsize=1)
def snapshot() -> dict:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def _clauses(entry: dict, key: str) -> list[Clause]:
    return [Clause.from_json(c) for c in entry[key]]


def _inputs(name: str) -> tuple[list[Clause], list[Clause]]:
    entry = snapshot()[name]
    if "children_of" in entry:
        return _clauses(snapshot()[entry["children_of"]], "children"), _clauses(snapshot()[entry["parents_of"]],
                                                                                  "parents")
    return _clauses(entry, "children"), _clauses(entry, "parents")


NAMES = sorted(snapshot())


def test_snapshot_covers_every_gold_pair():
    """Every pair but the held-out ones (test split, scored with evaluate only; see test_link_golden)."""
    links = ROOT / "corpus" / "links"
    held_out = set(json.loads((links / "split.json").read_text(encoding="utf-8")).get("test", []))
    pairs = {p.stem for p in links.glob("*.json") if p.name != "split.json"} - held_out
    assert pairs <= set(NAMES)
    # the word passes are exercised somewhere: a pass switched off changes some links
    assert any(snapshot()[n]["links"]["default"] != snapshot()[n]["links"]["char_only"] for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_links_unchanged(name):
    children, parents = _inputs(name)
    index = ParentIndex(parents)
    for setting, kw in SETTINGS.items():
        got = [lk.to_json() | {"score": lk.score} for lk in align(children, index, kw).links]
        want = snapshot()[name]["links"][setting]
        # compared as sets: equal scores leave the order of a merge's parents to the hash order of bigram sets
        assert sorted(got, key=json.dumps) == sorted(want, key=json.dumps), setting
