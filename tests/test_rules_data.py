"""The rule data (extract/rules/*.yaml) is consistent: every example and counter-example runs through the compiled rules."""
from __future__ import annotations

import re

import pytest

from extract.extractors import deadlines, frequencies, targets
from extract.model import Period
from extract.rules import compiled, expand, load, pieces_of
from extract.text import half_width, to_arabic

DL = load("deadlines.yaml")
FQ = load("frequencies.yaml")
TG = load("targets.yaml")


def _rows(data: dict, key: str) -> list[tuple[str, object]]:
    return [(r["name"], item) for r in data["rules"] for item in r.get(key, [])]


def _ids(rows):
    return [f"{name}:{item if isinstance(item, str) else (item[0] if isinstance(item, list) else item['text'])}"[:40]
            for name, item in rows]


# --- the files as a whole ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [DL, FQ, TG], ids=["deadlines", "frequencies", "targets"])
def test_every_rule_is_named_once_compiles_and_has_examples(data):
    names = [r["name"] for r in data["rules"]]
    assert len(names) == len(set(names))
    assert all(r.get("examples") for r in data["rules"]), [r["name"] for r in data["rules"] if not r.get("examples")]
    file = {id(DL): "deadlines.yaml", id(FQ): "frequencies.yaml", id(TG): "targets.yaml"}[id(data)]
    assert set(compiled(file)) == set(names)


@pytest.mark.parametrize("rule", DL["rules"], ids=[r["name"] for r in DL["rules"]])
def test_every_deadline_kind_is_normalized(rule):
    text = rule["examples"][0][0]
    assert deadlines.normalize(rule["kind"], to_arabic(text)) is not None  # an unknown kind raises ValueError


def test_frequency_periods_are_the_models_periods():
    assert set(FQ["periods"].values()) <= {p.value for p in Period}
    words = set(expand("{PERIOD}", FQ["pieces"]).strip("(?:)").split("|"))
    assert words <= set(FQ["periods"]), words - set(FQ["periods"])


def test_every_target_comparison_word_has_a_comparison():
    words = set(expand("{CMP}", TG["pieces"]).strip("(?:)").split("|"))
    tails = set(expand("{TAIL}", TG["pieces"]).strip("(?:)").split("|"))
    assert words | tails <= set(TG["comparators"])
    assert set(TG["comparators"].values()) <= {">=", "<=", "=", ">", "<"}
    assert set(expand("{CHANGE}", TG["pieces"]).strip("(?:)").split("|")) == set(TG["changes"])


# --- deadlines -------------------------------------------------------------------------------------------

DL_EXAMPLES = _rows(DL, "examples")


@pytest.mark.parametrize("name,example", DL_EXAMPLES, ids=_ids(DL_EXAMPLES))
def test_deadline_example(name, example):
    text, start, end = example
    assert compiled("deadlines.yaml")[name].search(half_width(text)), f"rule {name} does not match {text}"
    (span,) = deadlines.extract(text)
    assert text.endswith(span.text) and len(span.text) >= len(text) - 5
    assert (span.start, span.end) == (start, end)


DL_CONTEXTS = _rows(DL, "contexts")


@pytest.mark.parametrize("name,text", DL_CONTEXTS, ids=_ids(DL_CONTEXTS))
def test_deadline_context(name, text):
    assert compiled("deadlines.yaml")[name].search(half_width(text))
    assert deadlines.extract(text)


DL_COUNTER = _rows(DL, "counter_examples")


@pytest.mark.parametrize("name,text", DL_COUNTER, ids=_ids(DL_COUNTER))
def test_deadline_counter_example(name, text):
    assert deadlines.extract(text) == []


DL_FILTERS = [(name, f, ex) for name, f in DL["filters"].items() for ex in f["examples"]]


@pytest.mark.parametrize("name,filt,text", DL_FILTERS, ids=[f"{n}:{t}" for n, _, t in DL_FILTERS])
def test_deadline_filter_example(name, filt, text):
    rx = re.compile(expand(filt["pattern"], pieces_of("deadlines.yaml")))
    assert rx.search(text)
    assert filt["where"] in ("before", "after")


# --- frequencies -----------------------------------------------------------------------------------------

FQ_EXAMPLES = _rows(FQ, "examples")


@pytest.mark.parametrize("name,example", FQ_EXAMPLES, ids=_ids(FQ_EXAMPLES))
def test_frequency_example(name, example):
    assert compiled("frequencies.yaml")[name].search(half_width(example["text"]))
    got = [[s.period, s.count, s.at_least] for s in frequencies.extract(example["text"])]
    assert got == example["expect"]


FQ_COUNTER = _rows(FQ, "counter_examples") + [("*", t) for t in FQ["counter_examples"]]


@pytest.mark.parametrize("name,text", FQ_COUNTER, ids=_ids(FQ_COUNTER))
def test_frequency_counter_example(name, text):
    assert frequencies.extract(text) == []


# --- targets ---------------------------------------------------------------------------------------------

TG_EXAMPLES = _rows(TG, "examples")


@pytest.mark.parametrize("name,example", TG_EXAMPLES, ids=_ids(TG_EXAMPLES))
def test_target_example(name, example):
    assert compiled("targets.yaml")[name].search(half_width(example["text"]))
    got = [[s.value, s.unit, s.comparison] for s in targets.extract(example["text"])]
    assert got == example["expect"]


TG_COUNTER = _rows(TG, "counter_examples") + [("*", t) for t in TG["counter_examples"]]


@pytest.mark.parametrize("name,text", TG_COUNTER, ids=_ids(TG_COUNTER))
def test_target_counter_example(name, text):
    assert targets.extract(text) == []


# --- segmentation: line classes, label words, table column words (segment.yaml) and markers (markers.yaml) -------

SG = load("segment.yaml")
MK = load("markers.yaml")


def test_every_segment_rule_is_named_once_has_a_use_and_examples():
    names = [r["name"] for r in SG["rules"]]
    assert len(names) == len(set(names))
    assert all(r["use"] in ("match", "search", "fullmatch") for r in SG["rules"])
    assert all(r.get("examples") for r in SG["rules"]), [r["name"] for r in SG["rules"] if not r.get("examples")]
    assert set(compiled("segment.yaml")) == set(names)


SG_EXAMPLES = [(r["name"], r["use"], t) for r in SG["rules"] for t in r["examples"]]
SG_TRAPS = [(r["name"], r["use"], t) for r in SG["rules"] for t in r.get("traps") or []]


@pytest.mark.parametrize("name,use,text", SG_EXAMPLES, ids=[f"{n}:{t}"[:40] for n, _, t in SG_EXAMPLES])
def test_segment_rule_example(name, use, text):
    assert getattr(compiled("segment.yaml")[name], use)(text), f"{name} does not {use} {text}"


@pytest.mark.parametrize("name,use,text", SG_TRAPS, ids=[f"{n}:{t}"[:40] for n, _, t in SG_TRAPS])
def test_segment_rule_trap(name, use, text):
    assert not getattr(compiled("segment.yaml")[name], use)(text), f"{name} should not {use} {text}"


def test_marker_forms_are_ranked_once_and_have_examples():
    ranks = [f["rank"] for f in MK["forms"]]
    assert ranks == sorted(set(ranks))
    assert all(f["examples"] for f in MK["forms"])


@pytest.mark.parametrize("text", MK["inline"]["examples"])
def test_inline_marker_example(text):
    from extract.rules.markers import INLINE_RE

    assert INLINE_RE.search(text)


@pytest.mark.parametrize("text", MK["inline"]["traps"])
def test_inline_marker_trap(text):
    from extract.rules.markers import INLINE_RE

    assert not INLINE_RE.search(text)
