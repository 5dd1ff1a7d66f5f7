"""Linkage accuracy forms of issue 16: changes compared activity by activity; condensed rows, rewritten tasks,
general parents and local additions (case tables)."""
from __future__ import annotations

import pytest

from extract.extractors import deadlines, frequencies
from extract.link.diff import activity_share, changes, context
from extract.model import Clause


def task(cid: str, text: str, action: str = "A3") -> Clause:
    """A task clause with the deadlines and frequencies the extractors find in its text."""
    return Clause(id=cid, path=[cid], marker=cid, text=text, start=0, end=len(text), is_task=True, action=action,
                  deadlines=deadlines.extract(text), frequencies=frequencies.extract(text))


# a parent clause counting three activities: a yearly training, a drill every half year and a yearly review
TRAINING = ("进一步提升从业人员安全教育培训能力。各地文化和旅游行政部门每年至少组织开展一次面向经营单位主要负责人的安全生产"
            "教育培训，注重消防、特种设备等安全政策文件解读。推动A级旅游景区等人员密集场所至少每半年组织1次应急救援预案演练。"
            "文化和旅游部门每年分级开展一批次A级旅游景区复核，督促和指导经营单位提高安全生产能力。")
BOILERS = ("开展锅炉安全提升行动。2025年底前，推动违法生产使用小型锅炉案件查处，持续打击“大容小标”等违法违规行为。"
           "开展电站锅炉安装质量专项整治，2026年底前完成新建锅炉现场监督检查全覆盖。")
CHECKS = ("开展重大事故隐患排查整治工作。坚持主要负责人每月至少1次，分管负责人每周1次带队对本单位重大事故隐患排查整治"
          "情况开展检查，压实安全生产责任。")


@pytest.mark.parametrize("child_text,parent_text,expected", [
    # the child's training every half year against the parent's yearly training, not against its half-yearly drill
    ("县文化和旅游局每半年至少组织开展一次面向经营单位主要负责人的安全生产教育培训，注重消防安全政策解读。", TRAINING,
     ["frequency_higher"]),
    # the yearly review kept: the parent's drill every half year is another activity, no lower frequency
    ("配合上级每年开展A级旅游景区复核，督促指导景区提高安全生产能力。", TRAINING, []),
    # a split keeping the date of its own part: the parent's later date of the other part is no measure of it
    ("严查小型锅炉违法行为。2025年底前，集中查办一批违法生产、使用小型锅炉的案件，对“大容小标”从严查处。", BOILERS, []),
    ("严查小型锅炉违法行为。2025年6月底前，集中查办一批违法生产、使用小型锅炉的案件。", BOILERS, ["deadline_earlier"]),
    # the principal's check moved from monthly to quarterly beside the 日周月 system the parent never counts
    ("严格落实班组日排查、部门周排查、厂长月排查的“日周月”隐患排查制度，生产经营单位主要负责人每季度带队对本单位重大事故隐患"
     "排查整治情况至少开展1次检查。",
     CHECKS, ["frequency_lower"]),
    # one activity written alike on both sides: every value compared as before
    ("开展重大事故隐患排查整治工作。主要负责人每周至少1次带队检查。", "开展重大事故隐患排查整治工作。主要负责人每月至少1次带队检查。",
     ["frequency_higher"]),
])
def test_changes_are_compared_activity_by_activity(child_text, parent_text, expected):
    assert changes(task("c", child_text), task("p", parent_text)) == expected


def test_a_later_stage_the_parent_never_dates_still_moves_the_end():
    parent = task("p", "推进安全生产标准化建设。2024年底前完成规模以上企业达标。")
    child = task("c", "推进安全生产标准化建设。2024年底前完成规模以上企业达标，2026年底前实现全覆盖。")
    assert changes(child, parent) == ["deadline_later"]


def test_activity_context_reads_the_words_around_a_value_within_its_sentence():
    text = "加强培训。各机构每季度对全体工作人员至少培训1次。另行组织演练。"
    start = text.index("每季度")
    ctx = context(text, start, text.index("1次") + 2)
    assert {"全体", "工作", "培训"} <= ctx
    assert not ({"演练", "加强"} & ctx)  # other sentences are other activities
    assert context(text, -1, -1) == set()  # a value typed in by a reviewer has no position
    # too little context to tell activities apart matches nothing
    assert activity_share({"达到"}, {"达到", "标准"}) == 0.0
