"""Every example and counter-example kept beside the rules (rules/*.yaml) runs through the compiled rule."""
from __future__ import annotations

import pytest
import yaml

from conftest import ROOT
from extract.extractors import deadlines, frequencies, targets

RULES = ROOT / "extract" / "rules"


def load(name):
    return yaml.safe_load((RULES / name).read_text(encoding="utf-8"))


DEADLINE_FORMS = load("deadlines.yaml")["forms"]
DEADLINE_EXAMPLES = [(f["kind"], ex) for f in DEADLINE_FORMS for ex in f.get("examples", [])]
DEADLINE_COUNTER = [(f["kind"], ex) for f in DEADLINE_FORMS for ex in f.get("counter_examples", [])]


@pytest.mark.parametrize("kind,text", DEADLINE_EXAMPLES)
def test_deadline_examples_are_found_whole(kind, text):
    spans = deadlines.extract(text)
    assert spans, text
    assert any(s.text in text and len(s.text) >= len(text) - 6 for s in spans), [s.text for s in spans]


@pytest.mark.parametrize("kind,text", DEADLINE_COUNTER)
def test_deadline_counter_examples_are_not_deadlines(kind, text):
    assert deadlines.extract(text) == []


@pytest.mark.parametrize("example", load("frequencies.yaml")["examples"], ids=lambda e: e["text"][:12])
def test_frequency_examples(example):
    got = [[s.attrs["period"], s.attrs["count"], s.attrs["at_least"]] for s in frequencies.extract(example["text"])]
    assert got == example["expect"]


@pytest.mark.parametrize("text", load("frequencies.yaml")["counter_examples"])
def test_frequency_counter_examples(text):
    assert frequencies.extract(text) == []


@pytest.mark.parametrize("example", load("targets.yaml")["examples"], ids=lambda e: e["text"])
def test_target_examples(example):
    got = [[s.attrs["value"], s.attrs["unit"], s.attrs["comparison"]] for s in targets.extract(example["text"])]
    assert got == example["expect"]


@pytest.mark.parametrize("text", load("targets.yaml")["counter_examples"])
def test_target_counter_examples(text):
    assert targets.extract(text) == []


def test_every_deadline_form_has_an_example():
    assert all(f.get("examples") for f in DEADLINE_FORMS)
