"""Changes between a child clause and its parent clause (link/diff.py): the kind of recurring work a frequency counts
(rules/recurring_work.yaml), groups named in brackets, and the phrase of each of several deadlines (case tables)."""
from __future__ import annotations

import pytest

from extract import rules
from extract.extractors import deadlines, frequencies
from extract.link.diff import changes, context, limits, work_kind, work_kinds
from extract.model import Clause

WORK = rules.load("recurring_work.yaml")


def task(cid: str, text: str) -> Clause:
    """A task clause with the deadlines and frequencies the extractors find in its text."""
    return Clause(id=cid, path=[cid], marker=cid, text=text, start=0, end=len(text), is_task=True, action="A3",
                  deadlines=deadlines.extract(text), frequencies=frequencies.extract(text))


@pytest.mark.parametrize("sentence,value,kind", [tuple(e) for e in WORK["examples"]])
def test_recurring_work_examples_of_the_rule_file(sentence, value, kind):
    start = sentence.index(value)
    assert work_kind(sentence, start, start + len(value)) == kind


@pytest.mark.parametrize("sentence,value", [tuple(e) for e in WORK["traps"]])
def test_recurring_work_traps_of_the_rule_file(sentence, value):
    c = task("c", sentence)
    spans = [(f.span.start, f.span.end) for f in c.frequencies]
    start = sentence.index(value)
    assert (start, start + len(value)) in spans
    assert work_kinds(c)[spans.index((start, start + len(value)))] is None


def test_each_work_word_names_one_kind():
    words = [w for ws in WORK["kinds"].values() for w in ws]
    assert len(words) == len(set(words))


@pytest.mark.parametrize("text,expected", [
    # each of a run of frequencies takes the work written after the run
    ("落实班组日排查、部门周排查制度。", ["检查", "检查"]),
    ("强化“日周月”隐患排查整治。", ["检查", "检查", "检查"]),
    # a bracketed group reads its work back from the main value
    ("每年至少组织开展1次应急演练（人员密集场所每季度至少1次）。", ["演练", "演练"]),
    # the work after a comma, within the window
    ("每年6月和11月，以发放明白纸等形式普及防火常识。", ["宣传"]),
    # two values, two works: each its own
    ("主要负责人每月至少带队检查1次、每半年至少组织1次应急演练。", ["检查", "演练"]),
])
def test_the_work_each_frequency_counts(text, expected):
    assert work_kinds(task("c", text)) == expected


DRILL = "提升企业应急处置能力。推动重点企业每半年至少组织一次疏散逃生演练，强化“日周月”隐患排查整治。"
CHECKS = "压实企业主体责任。督促企业主要负责人每月至少带队检查1次、每半年至少组织1次应急救援演练。"
MONITORING = ("推进安全监管数字化转型。在涉爆粉尘企业推广风险监测预警系统，2025年底前实现规模以上企业接入风险监测预警系统，"
              "2026年底前风险智能化管控能力显著增强。")


@pytest.mark.parametrize("child_text,parent_text,expected", [
    # a publicity twice a year is no higher frequency of the parent's yearly drill: two kinds of work
    ("营造安全氛围。每年6月和11月，以张贴挂图、开展知识问答等形式向住户普及用电常识。",
     "开展演练和宣传。督促指导机构完善应急预案，每年至少组织1次疏散逃生演练。", []),
    # the drill kept every half year for the group the child names in brackets: not lowered
    ("企业每年至少组织开展1次疏散逃生演练（高危行业领域每半年至少1次），形成常态化机制。", DRILL, []),
    # the group raised to every quarter: higher
    ("企业每年至少组织开展1次疏散逃生演练（高危行业领域每季度至少1次），形成常态化机制。", DRILL, ["frequency_higher"]),
    # a yearly drill against the parent's half-yearly drill, not against its 日周月 checks
    ("推动企业每年至少组织一次疏散逃生演练。", DRILL, ["frequency_lower"]),
    # drill against drill and check against check, in a parent counting both
    ("应急演练。推动企业每季度至少组织一次应急救援演练。", CHECKS, ["frequency_higher"]),
    ("隐患排查。企业主要负责人每季度至少带队检查一次。", CHECKS, ["frequency_lower"]),
    # no kind named on either side: compared as one activity
    ("完善隐患台账。录入电子台账，每半年滚动更新一次。", "完善隐患台账。录入电子台账，每季度滚动更新台账。", ["frequency_lower"]),
    # the parent's 2026 value dates the phrase after its comma, not the monitoring platform the child keeps for 2025
    ("推动园区2025年底前建成园区风险监测预警平台。", MONITORING, []),
    ("推动园区2024年底前建成园区风险监测预警平台。", MONITORING, ["deadline_earlier"]),
], ids=["publicity-vs-drill", "group-kept", "group-raised", "drill-not-checks", "drill-vs-drill", "check-vs-check",
        "no-kind", "phrase-kept", "phrase-earlier"])
def test_changes_by_kind_of_work_group_and_phrase(child_text, parent_text, expected):
    assert changes(task("c", child_text), task("p", parent_text)) == expected


def test_a_comma_between_two_values_divides_their_phrases():
    text = MONITORING
    spans = [(d.span.start, d.span.end) for d in deadlines.extract(text)]
    assert len(spans) == 2
    lo, hi = limits(text, spans, 1)
    assert text[lo:].startswith("2026年底前")  # the later value's phrase opens at the comma before it
    assert limits(text, spans, 0)[1] == lo - 1  # and the earlier one's ends there
    later = context(text, *spans[1], lo, hi)
    assert "监测" not in later and "智能" in later
    assert limits("2025年底前完成A。", [(0, 7)], 0) == (0, None)  # a single value reaches as far as before
