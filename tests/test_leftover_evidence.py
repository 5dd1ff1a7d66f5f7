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


def test_a_reviewed_pair_joins_the_evidence(tmp_path):
    """A review exported as linkage gold is read like corpus gold: a child clause the linker leaves novel and a
    reviewer linked (补充衔接) is a leftover whose gold parent is the reviewer's."""
    from conftest import CORPUS

    from extract.pipeline import process_file
    from extract.review.linkgold import export_link_gold
    from extract.review.report import reviewed_report
    from extract.review.workflow import ReviewStore

    store = ReviewStore(str(tmp_path / "r.db"), threshold=0.0)
    rid = store.open(process_file(CORPUS / "links/derived/d01_zc003.txt")[0],
                     process_file(CORPUS / "003_c1a48ebb466ecfa9.txt")[0])
    cov = reviewed_report(store, rid)["coverage"]
    novel, dropped = cov["novel_child_clauses"][0], cov["dropped"][0]
    store.add(novel["id"], dropped["id"], review_id=rid, reviewer="张三")
    store.confirm_links(rid, reviewer="张三")
    [path] = export_link_gold(store, tmp_path / "gold")
    store.close()
    rows = evidence.leftovers([path])
    mine = [r for r in rows if r["text"][:20] == novel["text"][:20]]
    assert len(mine) == 1 and len(mine[0]["gold"]) == 1
    assert all(not r["gold"] for r in rows if r is not mine[0])  # the other leftovers stay local additions


def test_the_probe_pass_is_gone_afterwards():
    from extract.link import passes
    from extract.link.config import PASSES

    evidence.leftovers([])
    assert list(passes.REGISTRY) == list(PASSES)  # the linker's registry is as the configuration names it
