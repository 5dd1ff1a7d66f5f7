"""The linker's one configuration object: every pass registered under the name the configuration uses, passes
switched off by name, thresholds changed per call, unknown names refused."""
from __future__ import annotations

import dataclasses

import pytest

from extract.link.align import ParentIndex, align
from extract.link.config import DEFAULT, PASS_OF, PASSES, RESTATEMENTS, AlignConfig
from extract.link.passes import REGISTRY
from extract.model import Clause

P1 = "健全完善生产经营单位重大事故隐患自查自改常态化机制，全面开展重大事故隐患大排查，建立台账并推进整改。"
P2 = "完善举报奖励制度，建立健全各行业领域安全生产举报制度机制，保障专项预算，落实奖励资金，完善保密制度。"


def clause(cid: str, text: str) -> Clause:
    return Clause(id=cid, path=[cid], marker=cid, text=text, start=0, end=len(text), is_task=True, action="A3")


def test_every_pass_of_the_configuration_is_registered_and_every_registered_pass_configured():
    assert list(PASSES) == list(REGISTRY)
    assert DEFAULT.passes == PASSES
    assert set(PASS_OF.values()) <= set(PASSES)


def test_the_configuration_is_frozen_and_holds_every_threshold():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.threshold = 0.1  # type: ignore[misc]
    names = {f.name for f in dataclasses.fields(AlignConfig)}
    assert {"threshold", "min_shared", "top_k", "word_threshold", "verbatim_ratio", "passes"} <= names


def test_passes_switch_off_by_name():
    cfg = DEFAULT.without("reworded", "titled_parents")
    assert cfg.passes == tuple(p for p in PASSES if p not in ("reworded", "titled_parents"))
    assert DEFAULT.passes == PASSES  # the default is untouched
    assert RESTATEMENTS.passes == DEFAULT.without("reworded", "distinct_nearest", "reworded_parents", "condensed",
                                                        "titled_orphans", "same_kind", "condensed_section",
                                                        "key_phrases").passes
    with pytest.raises(ValueError, match="unknown linker passes"):
        DEFAULT.without("no_such_pass")
    # None for the threshold of one pass switches that pass off (the keyword form of align())
    assert DEFAULT.with_(word_threshold=None).passes == DEFAULT.without("reworded").passes
    assert DEFAULT.with_(threshold=0.5).threshold == 0.5


def test_the_links_follow_the_passes_switched_on():
    parent = ParentIndex([clause("p1", P1), clause("p2", P2)])
    kid = clause("c1", P2)
    assert [(lk.child, lk.parent) for lk in align([kid], parent).links] == [("c1", "p2")]
    # with every pass off nothing is linked; with containment alone the verbatim copy is
    assert align([kid], parent, DEFAULT.without(*PASSES)).links == []
    only = dataclasses.replace(DEFAULT, passes=("containment",))
    assert [(lk.child, lk.parent, lk.kind) for lk in align([kid], parent, only).links] == [("c1", "p2", "verbatim")]
    # a threshold changed for one call
    assert align([kid], parent, only, threshold=1.01).links == []


def test_an_unknown_pass_in_a_configuration_is_refused():
    bad = dataclasses.replace(DEFAULT, passes=("containment", "nope"))
    with pytest.raises(ValueError, match="nope"):
        align([clause("c1", P1)], ParentIndex([clause("p1", P1)]), bad)
