"""Word variants learned from the linkage gold's training pairs (extract/link/variants.py): the learner's rules on
small tables, the committed file is what the committed gold data teaches, and how a vector takes variants."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.link import variants, variants_train
from extract.link.config import DEFAULT
from extract.words import MODELS

LINKS = Path(__file__).resolve().parent.parent / "corpus" / "links"


def _file(name, pairs_linked, pairs_unlinked=()):
    """A gold file from word sets: each linked pair is its own child and parent clause, each unlinked pair too."""
    child = [set(c) for c, _ in pairs_linked] + [set(c) for c, _ in pairs_unlinked]
    parent = [set(p) for _, p in pairs_linked] + [set(p) for _, p in pairs_unlinked]
    return (name, child, parent, {(k, k) for k in range(len(pairs_linked))})


FILLER = [(["道路", "桥梁"], ["车辆", "驾驶"]), (["学校", "食堂"], ["校车", "宿舍"])]


@pytest.mark.parametrize(("rows", "kept"), [
    # a pair sharing a character, the residue of links in two files, never seen in unlinked pairs: kept
    ([_file("a", [(["列入", "清单"], ["纳入", "清单"])], FILLER),
      _file("b", [(["列入", "计划"], ["纳入", "计划"])], FILLER)], [["列入", "纳入"]]),
    # the same pair twice in one file only: not yet a variant
    ([_file("a", [(["列入", "清单"], ["纳入", "清单"]), (["列入", "台账"], ["纳入", "台账"])], FILLER)], []),
    # words sharing no character (专班 / 重要性) are no variants, however often they meet
    ([_file("a", [(["专班"], ["重要性"])], FILLER), _file("b", [(["专班", "x1"], ["重要性", "y1"])], FILLER)], []),
    # time and frequency words differ by deadline or frequency changes, not by wording
    ([_file("a", [(["每月"], ["每季度"])], FILLER), _file("b", [(["每月", "x1"], ["每季度", "y1"])], FILLER)], []),
])
def test_learning_rules(rows, kept):
    assert [v["words"] for v in variants.learn(rows)] == kept


def test_a_pair_as_common_in_unlinked_pairs_is_not_kept():
    linked = [(["管理", "a"], ["治理", "a"])]
    unlinked = [(["管理", f"c{k}"], ["治理", f"d{k}"]) for k in range(3)]
    rows = [_file("a", linked, unlinked), _file("b", linked, unlinked)]
    assert variants.learn(rows) == []
    assert [v["words"] for v in variants.learn(rows, variants.LearnSettings(min_lift=0.5))] == [["治理", "管理"]]


def test_the_committed_variants_are_what_the_training_links_teach():
    committed = json.loads((MODELS / variants.FILE).read_text(encoding="utf-8"))
    split = json.loads((LINKS / "split.json").read_text(encoding="utf-8"))
    assert committed["train_files"] == sorted(split["train"]), "models/word_variants.json is stale: planlink train"
    fresh = variants.learn(list(variants_train.gold_examples(LINKS, "train")))
    assert fresh == committed["variants"], "models/word_variants.json is stale: run `planlink train`"
    # nothing is learned from the dev or test pairs
    assert not set(committed["train_files"]) & set(split["dev"] + split["test"])


def test_expand_adds_variants_a_vector_lacks_at_the_given_weight():
    table = {"列入": ("纳入",), "纳入": ("列入",), "排查": ("查找",), "查找": ("排查",)}
    v = {"列入": 0.8, "清单": 0.6}
    assert variants.expand(v, 0.5, table) == {"列入": 0.8, "清单": 0.6, "纳入": 0.4}
    # a variant the vector already holds keeps its own value
    assert variants.expand({"列入": 0.8, "纳入": 0.1}, 0.5, table) == {"列入": 0.8, "纳入": 0.1}
    assert variants.expand(v, 0.0, table) is v
    assert DEFAULT.variants >= 0.0
