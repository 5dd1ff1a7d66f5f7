"""Within-plan linking (an annex table restating the body's tasks folds to one row per task) and the linkage view
laid out for reading (kinds, punctuation-blind diff, changes in words)."""
from __future__ import annotations

import pytest
from conftest import CORPUS, FIXTURES

from extract.link.internal import fold, restatements
from extract.link.reading import change_words, diff_html, link_kind, rows
from extract.model import Clause, Deadline, Frequency, Role, Span
from extract.pipeline import process_file


@pytest.fixture(scope="module")
def restated():
    return process_file(FIXTURES / "restated_county.txt")[0]


def test_restated_annex_folds_to_one_row_per_task(restated):
    assert len(restated.tasks) == 16  # seven body tasks, seven annex rows restating them, two 保障措施
    folded = fold(restated)
    assert len(folded.doc.tasks) == 9
    assert folded.also == {"ca.1": ["c2.1.1"], "ca.2": ["c2.1.2"], "ca.3": ["c2.1.3"], "ca.4": ["c2.2.4"],
                           "ca.5": ["c2.2.5"], "ca.6": ["c2.3.6"], "ca.7": ["c2.3.7"]}
    ids = [c.id for c in folded.doc.clauses]
    # the merged rows stand where the body tasks stood, before the 保障措施
    assert ids.index("ca.7") < ids.index("c3.1")
    assert restated.clauses is not folded.doc.clauses and len(restated.tasks) == 16  # the input is untouched


def test_merged_row_takes_the_tables_deadline_and_both_sources_units(restated):
    row = {c.id: c for c in fold(restated).doc.clauses}["ca.7"]
    assert [d.text for d in row.deadlines] == ["2025年12月底前"]
    roles = {(d.name, d.role) for d in row.departments}
    # the table says 县财政局 supports; the body lists both as responsible: the table's role wins for a unit in both
    assert (Role.LEAD, Role.SUPPORT) == (dict(roles)["县交通运输局"], dict(roles)["县财政局"])


def test_body_only_fields_join_the_row_without_offsets_into_its_text():
    from extract.model import Department, Document

    text = "组织开展危险化学品企业重大事故隐患专项排查整治，建立问题隐患和整改责任清单，实行闭环管理。"
    quarterly = Frequency("每季度1次", Span(0, 5), period="quarter")
    body = _clause("c1", text + "（牵头单位：县应急局）", frequencies=[quarterly])
    body.departments = [Department("县应急局", Span(len(text) + 6, len(text) + 10), role=Role.LEAD)]
    row = _clause("ca.1", text, [Deadline("2024年9月底前", Span(-1, -1), end="2024-09-30")])
    row.kind = "table_row"
    folded = fold(Document("方案", text, clauses=[body, row]))
    (merged,) = folded.doc.tasks
    assert merged.id == "ca.1" and [d.name for d in merged.departments] == ["县应急局"]
    assert merged.departments[0].span.start == -1  # its offsets pointed into the body's text
    assert [f.text for f in merged.frequencies] == ["每季度1次"] and merged.deadlines[0].end == "2024-09-30"


def test_one_action_per_merged_task(restated):
    body = {c.id: c for c in restated.clauses}
    merged = {c.id: c for c in fold(restated).doc.clauses}["ca.3"]
    candidates = {body["ca.3"].action, body["c2.1.3"].action}
    assert merged.action in candidates


def test_an_annex_that_details_rather_than_restates_is_kept():
    """The 酉阳 annex breaks the body's tasks into finer rows (scores 0.2-0.4): only its one verbatim row folds."""
    doc = process_file(CORPUS / "000_74f15ec52f85c6cf.txt")[0]
    pairs = restatements(doc)
    assert [(b, r) for b, r, _ in pairs] == [("c2.5.16", "ca.7.18")]
    assert len(fold(doc).doc.tasks) == len(doc.tasks) - 1


def test_a_plan_without_annex_is_unchanged():
    doc = process_file(FIXTURES / "tieshan_001.txt")[0]
    assert fold(doc).doc is doc


def test_diff_ignores_punctuation_width_and_whitespace():
    a, b = diff_html("每周开展1次检查，并形成台账。", "每周开展 1 次检查,并形成台账.")
    assert "<del" not in a and "<ins" not in b
    a, b = diff_html("每周开展1次检查。", "每月开展1次检查。")
    assert ">周</del>" in a and ">月</ins>" in b


def _clause(cid, text, deadlines=(), frequencies=()):
    return Clause(cid, [], "", text, 0, len(text), is_task=True, deadlines=list(deadlines),
                  frequencies=list(frequencies))


def test_changed_deadline_and_frequency_said_in_words():
    parent = _clause("p1", "2024年4月底前完成，每周检查1次。",
                     [Deadline("2024年4月底前", Span(0, 9), end="2024-04-30")],
                     [Frequency("每周检查1次", Span(11, 17), period="week")])
    child = _clause("c1", "2024年7月底前完成，每月检查1次。", [Deadline("2024年7月底前", Span(0, 9), end="2024-07-31")],
                    [Frequency("每月检查1次", Span(11, 17), period="month")])
    link = {"child": "c1", "parent": "p1", "kind": "localized", "changes": ["deadline_later", "frequency_lower"]}
    assert change_words(link, parent, child) == ["时限 2024年4月底前 → 2024年7月底前（推后）",
                                                 "频次 每周1次 → 每月1次（降低）"]
    assert link_kind([link]) == "弱化"


def test_rows_follow_the_parent_order_with_novel_child_clauses_in_place():
    parents = [_clause(f"p{k}", f"上级任务{k}") for k in range(3)]
    children = [_clause("c0", "下级0"), _clause("c-new", "下级新增"), _clause("c2", "下级2")]
    report = {"links": [{"child": "c0", "parent": "p0", "kind": "verbatim", "changes": []},
                        {"child": "c2", "parent": "p2", "kind": "paraphrased", "changes": []}],
              "coverage": {"novel_child_clauses": [{"id": "c-new", "text": "下级新增"}]}}
    got = [(r.kind, (r.parent or r.child).id) for r in rows(report, parents, children)]
    assert got == [("落实", "p0"), ("新增", "c-new"), ("遗漏", "p1"), ("改写", "p2")]
