"""The keyword prefilters of the rule extractors never skip a rule that would match (extract/extractors/prefilter.py):
checked on every corpus clause and rule example of the extractor snapshot, and on regexes built to trip it."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from extract.extractors import deadlines, frequencies, targets
from extract.extractors.departments import labels
from extract.extractors.departments.names import patterns, rules
from extract.extractors.prefilter import Prefilter, required
from extract.rules import compiled
from extract.text import half_width

SNAPSHOT = Path(__file__).resolve().parent / "data" / "extractor_snapshot.json.gz"
EXTRACTORS = {"deadlines": deadlines, "frequencies": frequencies, "targets": targets}


def _gated(name: str):
    """(prefilter, the regexes it gates by rule name, the text as the extractor searches it)."""
    if name == "departments":  # the label pattern and the role phrases, on the clause text as it is
        rxs = {"label": rules()["_label_re"], **{n: getattr(patterns(), n) for n, _ in labels.PHRASES}}
        return labels.prefilter(), rxs, lambda t: t
    return EXTRACTORS[name].prefilter(), compiled(f"{name}.yaml"), half_width


def _texts() -> list[str]:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as fh:
        return [row["text"] for row in json.load(fh)]


@pytest.mark.parametrize("name", [*sorted(EXTRACTORS), "departments"])
def test_never_skips_a_rule_that_matches(name):
    pre, rxs, fold = _gated(name)
    misses, runs, skipped = [], 0, 0
    for text in _texts():
        folded = fold(text)
        allowed = pre.allowed(folded)
        for rule, rx in rxs.items():
            if rule in allowed:
                runs += 1
            else:
                skipped += 1
                if rx.search(folded):
                    misses.append((rule, text))
    assert not misses, f"{len(misses)} skipped matches, first: {misses[0]}"
    assert skipped > runs  # the prefilter does its work: most rules never run on most clauses


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
def test_every_rule_needs_a_literal(name):
    """Each searched rule is gated by at least one literal (a rule that needs nothing would run on every clause)."""
    module = EXTRACTORS[name]
    assert all(module.prefilter().needs[rule] for rule in compiled(f"{name}.yaml")), module.prefilter().needs


@pytest.mark.parametrize("pattern, matching, other", [
    (r"20\d\d年底", "2024年底前", "2024年6月"),
    (r"每(?:年|季度|月)", "每季度开展", "每人一册"),
    (r"(?:至少|不少于)?\d+次/(?:年|月)", "1次/月", "1次每月"),
    (r"年?(?:底|末)前", "6月底前", "年初"),  # an optional piece needs nothing; 底前/末前 remain
    (r"(?<=时限[：:])\s*\d+", "完成时限：2026", "完成时间：2026"),
    (r"(?:a|b)?c(?=考核|检查)", "c检查", "c会议"),
    (r"x(?:[一二三]|\d)y", "x5y", "xy"),
    (r"(?i:abc)", "ABC", ""),  # case-insensitive: needs nothing it could tell
    (r"[^a]b|cd", "xb", "ac"),  # a branch that needs nothing: the alternation needs nothing
    (r"(?:ab){2,}", "ababab", "abba"),
])
def test_derived_needs_are_sound(pattern, matching, other):
    rx = re.compile(pattern)
    pre = Prefilter({"r": rx})
    assert rx.search(matching) and "r" in pre.allowed(matching)
    if other and not rx.search(other):
        # a text without the match may or may not be skipped; one that lacks every literal needed must be
        assert ("r" in pre.allowed(other)) == all(any(s in other for s in c) for c in required(rx))


def test_needs_read_off_the_rules():
    """The needs are the rules' own literals, not a hand list: 每 and a period for `every`, 分之 for `fraction`."""
    assert frequencies.prefilter().needs["every"][0] == frozenset({"每"})
    assert frozenset({"分之"}) in targets.prefilter().needs["fraction"]
    assert frozenset({"长期"}) in deadlines.prefilter().needs["ongoing"]
    assert required(re.compile(r"(?:今|当)?年(?:底|末)")) == (frozenset({"年底", "年末"}),)
    assert required(re.compile(r"a(?:b|.)c")) == (frozenset({"a"}), frozenset({"c"}))
