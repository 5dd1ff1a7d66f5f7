"""The key_phrases linker pass (issue 16 item 5): an annex row restating one phrase of a long body task, or one
phrase of each of two, takes those tasks; phrases made of the campaign's common terms, or held by several parent
clauses, link nothing; a local addition stays novel."""
from __future__ import annotations

from dataclasses import replace

import pytest

from extract import rules
from extract.link.align import ParentIndex, align
from extract.link.config import DEFAULT
from extract.link.phrases import phrases, specific
from extract.model import Clause


def task(cid: str, text: str) -> Clause:
    return Clause(id=cid, path=[cid], marker=cid, text=text, start=0, end=len(text), is_task=True, action="A3")


def row(cid: str, text: str) -> Clause:
    """An annex row as the table reader builds it: its task text, then its role cells in a note."""
    cells = {"牵头单位": "县经济信息化委", "完成时间": "长期坚持"}
    c = task(cid, text + "（" + "；".join(f"{k}：{v}" for k, v in cells.items()) + "）")
    c.kind, c.cells = "table_row", {"序号": cid, **cells}
    return c


# a body organised by sector, each task a long clause of enumerated parts (the annex is organised by task kind)
BODY = [
    task("b1", "做好电网运行维护工作。一是利用无人机开展输电线路巡视，规范清理树（竹）障碍，确保通道畅通；二是对变电站"
               "设备开展季度检修；三是开展用电安全知识“五进”活动；四是制定大面积停电应急预案并组织演练。"),
    task("b2", "提升城镇燃气本质安全水平。加快老化燃气管道更新改造，推动燃气安全数字化建设，加强燃气安全知识“五进”，"
               "提升公众安全意识。"),
    task("b3", "开展重大事故隐患排查整治工作。坚持主要负责人每月至少带队检查1次，持续开展重大事故隐患专项排查整治，推动"
               "重大事故隐患动态清零。"),
    task("b4", "落实供电企业主体责任。一是建立健全领导干部履职制度；二是建立“日周月”隐患排查制度，实现隐患排查治理闭环"
               "管理；三是推进安全生产标准化建设。"),
    task("b5", "加强民爆企业安全管理。督促民爆销售企业落实“双人双锁”，每半年组织一次疏散逃生演练，推进安全生产标准化"
               "建设。"),
    # tasks of other sectors: a body of realistic size, so that its word weights are those of a real plan
    task("b6", "强化电动汽车充换电设施监管。督促运营企业落实安全生产属地管理责任，定期开展充电设施巡检维护。"),
    task("b7", "推进通信杆线安全治理。制定农村区域通信杆线整治方案，逐步有序推动通信杆线入地改造。"),
    task("b8", "加强食盐储备仓储安全监督管理。督促食盐定点生产企业落实仓储环节防火防潮措施，及时整改问题。"),
    task("b9", "提升监管执法效能。推广“互联网+执法”，综合运用“四不两直”、明查暗访等方式，严肃查处违法行为。"),
    task("b10", "推进工业互联网在民爆行业规模化应用。探索5G通信、大数据等新技术在销售储存环节的应用，实现远程监管。"),
    task("b11", "做好迎峰度夏度冬电力保障。科学制定负荷管理预案，开展节约用电行动，确保电力供需平衡。"),
    task("b12", "加强组织领导。各科室、各企业要制定领导干部责任清单和年度重点任务清单，明确责任分工。"),
    task("b13", "开展工作晾晒。通过召开会议、内部通报等方式晾晒工作成绩，曝光隐患问题。"),
    task("b14", "推动落实责任。定期通报工作情况，对推进不力发生事故的严肃追究有关人员责任。"),
]


def links_of(children, config=DEFAULT) -> set[tuple[str, str]]:
    return {(lk.child, lk.parent) for lk in align(children, ParentIndex(BODY), config).links}


ONLY = replace(DEFAULT, passes=("key_phrases",))


def test_a_row_restating_one_part_of_a_long_task_takes_it():
    # 树竹障碍 is one phrase of b1's first part; the row shares too little of the whole of b1 for the other passes
    kid = row("1", "开展电力行业专项整治。规范清理线路通道树（竹）障碍，建立清理台账。")
    assert links_of([kid]) == {("1", "b1")}
    assert links_of([kid], ONLY) == {("1", "b1")}


def test_a_condensed_row_takes_the_phrase_of_each_of_two_tasks():
    # gas digitalisation of b2 and the 树竹障碍 of b1 condensed into one row: without condensed (which finds b1 in
    # what b2 leaves) and key_phrases the passes find b2 alone; either one finds b1
    kid = row("2", "推动燃气安全数字化建设，接入燃气管网监测数据；规范清理线路通道树（竹）障碍。")
    assert links_of([kid], DEFAULT.without("key_phrases", "condensed")) == {("2", "b2")}
    assert links_of([kid], DEFAULT.without("condensed")) == {("2", "b1"), ("2", "b2")}


def test_a_phrase_two_tasks_hold_alike_is_no_evidence_for_either():
    # the 五进 of electricity (b1) and of gas (b2) in one phrase of the row: both match it, so it points at neither
    assert links_of([row("6", "强力推进安全宣传教育。开展用电和燃气安全知识“五进”活动。")], ONLY) == set()


def test_a_linked_row_takes_a_further_task_for_a_phrase_its_parent_lacks():
    # linked to b3 by containment; its 日周月 phrase is b4's second part, which b3 does not hold
    kid = row("3", "严格落实班组日排查、部门周排查、厂长月排查的“日周月”隐患排查制度，主要负责人每月至少带队对本单位"
                   "重大事故隐患排查整治情况开展1次检查。")
    assert ("3", "b3") in links_of([kid], DEFAULT.without("key_phrases"))
    assert links_of([kid]) == {("3", "b3"), ("3", "b4")}


@pytest.mark.parametrize("text", [
    # only the campaign's own terms in common with b3: a goal restated, no task of the body
    "有效遏制重大事故隐患增量。形成重大事故隐患动态清零的常态化机制。",
    # a local addition: insurance the body never names, beside the campaign's words
    "推进保险业与安全生产良性互动。推动保险机构参与高危行业领域企业安全培训、安全咨询等工作。",
])
def test_campaign_terms_and_local_additions_link_nothing(text):
    assert links_of([row("4", text)], ONLY) == set()


def test_a_phrase_that_several_tasks_hold_points_at_none():
    # 推进安全生产标准化建设 is a phrase of b4 and of b5 alike
    assert links_of([row("5", "推进安全生产标准化建设，实现标准化达标。")], ONLY) == set()


def test_phrases_leave_out_enumerators_role_notes_and_short_pieces():
    assert phrases("做好运维。一是规范清理树（竹）障碍；二是检修", 4) == ["做好运维", "规范清理树竹障碍"]
    # who and when are no phrase of the task: two clauses naming the same units share no key phrase
    assert phrases("按季度组织执法检查（牵头单位：县应急管理局、县公安局；完成时限：长期坚持）", 4) == ["按季度组织执法检查"]


def test_key_phrase_examples_and_traps_of_the_rule_file():
    data = rules.load("key_phrases.yaml")
    index = ParentIndex(BODY)

    def shared(a: str, b: str) -> float:
        return max(index.weight(specific(p) & specific(q)) for p in phrases(a, 4) for q in phrases(b, 4))

    for child, parent in data["examples"]:
        assert shared(child, parent) >= DEFAULT.key_phrase_specific, (child, parent)
    for child, parent in data["traps"]:
        assert shared(child, parent) < DEFAULT.key_phrase_specific, (child, parent)
