"""tools/leftover_evidence.py: the threshold rules it reports for the children no linker pass links count what they
would find and cost correctly (the closing notes of issue 16 quote its figures)."""
from __future__ import annotations

import importlib.util

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("leftover_evidence", ROOT / "tools" / "leftover_evidence.py")
evidence = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(evidence)


def row(gold: set[int], nearest: int, value: float) -> dict:
    return {"file": "f", "text": "", "gold": gold, "nearest": {m: (nearest, value) for m in evidence.MEASURES}}


def test_the_best_rule_weighs_found_links_against_wrong_parents_and_local_additions():
    rows = [row({1}, 1, 0.9),     # found from any threshold up to 0.9
            row(set(), 2, 0.8),   # a local addition: linked from 0.8 down
            row({3}, 4, 0.7),     # a gold link to another parent clause: a wrong parent
            row({5}, 5, 0.6)]     # found from 0.6 down
    assert evidence.best_rule(rows, "words") == (0.9, 1, 0, 0)
    # when the costs outweigh every find, the least bad threshold is reported, with a negative net
    rows = [row(set(), 2, 0.95), row({1}, 1, 0.9)]
    assert evidence.best_rule(rows, "words") == (0.9, 1, 0, 1)
    # no nearest parent is ever gold: no rule
    assert evidence.best_rule([row(set(), 2, 0.5), row({3}, 4, 0.4)], "words") == (float("inf"), 0, 0, 0)
