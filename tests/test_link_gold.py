"""Every linkage gold file of corpus/links resolves against its sources: each anchor names exactly one clause."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract.link.evaluate import anchor_problems, gold_pairs

LINKS = Path(__file__).resolve().parent.parent / "corpus" / "links"
FILES = sorted(p for p in LINKS.glob("*.json") if p.name != "split.json")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_anchors_resolve(path):
    pairs = list(gold_pairs([path]))
    assert pairs, f"{path.name}: its sources are missing"
    _, gold, child, parent = pairs[0]
    assert anchor_problems(gold, child, parent) == []


def test_a_broken_anchor_is_reported():
    _, gold, child, parent = next(gold_pairs([LINKS / "l03_county_industry_annex.json"]))
    broken = {**gold, "links": [{**gold["links"][0], "child_anchor": "这句话不在任何一个文件里出现过"}],
              "dropped": [], "novel": []}
    problems = anchor_problems(broken, child, parent)
    assert problems == ["child anchor not found: 这句话不在任何一个文件里出现过"]
    # an anchor too short to name one clause is reported too
    vague = {**gold, "links": [], "dropped": ["安全"], "novel": []}
    assert anchor_problems(vague, child, parent)[0].startswith("parent anchor in ")


def test_every_gold_file_is_in_one_split():
    import json

    split = json.loads((LINKS / "split.json").read_text(encoding="utf-8"))
    named = [n for k in ("train", "dev", "test") for n in split.get(k, [])]
    assert sorted(named) == sorted(p.stem for p in FILES)
    assert len(named) == len(set(named))
