"""Fields written once for several items: in a heading or a lead-in above them (a frequency, a deadline, a labelled
role; each item takes the kinds it does not write itself) or in role lines closing their section, as a trailing
完成时限 written once applies to every sub-item (ANNOTATION.md §4). One row per form: a short plan in, the fields of
each body clause out."""
from __future__ import annotations

import pytest

from extract.components import extract_clause
from extract.readers import read_bytes
from extract.segment import segment

HEAD = "某县燃气安全专项整治实施方案\n为做好燃气安全工作，结合我县实际，制定本方案。\n"


def _fields(body: str) -> list[tuple[str, list, list, list]]:
    (doc,) = segment(read_bytes((HEAD + body).encode(), "plan.txt").blocks)
    out = []
    for c in doc.clauses[1:]:  # the preamble first
        extract_clause(c)
        out.append((c.text,
                    [(f.text, f.period, f.count, f.at_least) for f in c.frequencies],
                    [(d.text, d.start, d.end, d.ongoing) for d in c.deadlines],
                    [(d.text, d.role.value) for d in c.departments]))
    return out


# (body, [(clause text, frequencies, deadlines, departments), ...] of the clauses after the preamble)
CASES = [
    # a frequency written only in a numbered heading goes to each item under it
    ("一、重点任务\n（一）每季度开展一次联合检查\n1.检查液化石油气充装站的充装记录。\n2.检查餐饮场所燃气报警装置。\n",
     [("检查液化石油气充装站的充装记录。", [("每季度开展一次", "quarter", 1, False)], [], []),
      ("检查餐饮场所燃气报警装置。", [("每季度开展一次", "quarter", 1, False)], [], [])]),
    # a lead-in paragraph ending in a colon: a clause of its own, and its frequency and subject go to the items
    # after it; an item with a frequency of its own keeps only its own
    ("一、重点任务\n（一）日常巡查\n各股室定期开展（每月至少1次）以下检查：\n1.检查燃气管道占压情况。\n2.抽查送气人员持证情况，每周1次。\n",
     [("各股室定期开展（每月至少1次）以下检查：", [("每月至少1次", "month", 1, True)], [], [("各股室", "responsible")]),
      ("检查燃气管道占压情况。", [("每月至少1次", "month", 1, True)], [], [("各股室", "responsible")]),
      ("抽查送气人员持证情况，每周1次。", [("每周1次", "week", 1, False)], [], [("各股室", "responsible")])]),
    # a stage heading's span is the deadline of each item that writes none of its own
    ("一、工作安排\n（一）集中整治阶段（2024年5月至12月）\n1.完成老旧燃气管网改造。\n2.2025年底前完成用户端安全装置加装。\n",
     [("完成老旧燃气管网改造。", [], [("2024年5月至12月", "2024-05-01", "2024-12-31", False)], []),
      ("2025年底前完成用户端安全装置加装。", [], [("2025年底前", None, "2025-12-31", False)], [])]),
    # labelled roles of a heading go down in the roles an item does not name itself; a heading's sentence subject
    # does not
    ("一、重点任务\n（一）开展专项执法（牵头单位：县住建局；配合单位：县市场监管局）\n1.严厉查处无证经营燃气行为。\n"
     "2.县消防救援大队负责查处违规使用燃气行为。\n（二）各乡镇要每月开展燃气安全检查\n1.检查农村自建房燃气使用。\n",
     [("严厉查处无证经营燃气行为。", [], [], [("县住建局", "lead"), ("县市场监管局", "support")]),
      ("县消防救援大队负责查处违规使用燃气行为。", [], [],
       [("县消防救援大队", "responsible"), ("县住建局", "lead"), ("县市场监管局", "support")]),
      ("检查农村自建房燃气使用。", [("每月", "month", 1, False)], [], [])]),
    # the words before inline sub-items are their lead-in; the nearest lead-in wins over an outer heading's
    ("一、重点任务\n（一）每年开展以下工作\n1.每半年开展以下工作：（1）组织应急演练；（2）开展燃气安全宣传，每月1次。\n",
     [("组织应急演练；", [("每半年", "half_year", 1, False)], [], []),
      ("开展燃气安全宣传，每月1次。", [("每月1次", "month", 1, False)], [], [])]),
    # a lead-in sentence ending in a colon has the items as its object: its subject does them
    ("一、重点任务\n（一）深化隐患排查整治\n1.每年11月至次年3月，市城市管理局、市住房城乡建设局集中开展燃气安全排查整治：\n"
     "①对餐饮场所全面排查；\n②对老旧管网逐段排查。\n",
     [("对餐饮场所全面排查；", [("每年11月至次年3月", "year", 1, False)], [],
       [("市城市管理局", "responsible"), ("市住房城乡建设局", "responsible")]),
      ("对老旧管网逐段排查。", [("每年11月至次年3月", "year", 1, False)], [],
       [("市城市管理局", "responsible"), ("市住房城乡建设局", "responsible")])]),
    # role lines after the last item of a nested section (after 2., whose first sibling has sub-items) assign every
    # item of the section; the role lines after a titled item's paragraph stay with that item
    ("一、重点任务\n（一）开展培训\n1.分级培训\n（1）市应急管理局要制定培训大纲。\n（2）各县（区）完成轮训。\n2.严格考核\n"
     "对主要负责人开展考核。\n牵头单位：市应急管理局\n配合单位：市教育局\n（二）加强宣传\n开展安全宣传。\n",
     [("市应急管理局要制定培训大纲。", [], [],
       [("市应急管理局", "responsible"), ("市应急管理局", "lead"), ("市教育局", "support")]),
      ("各县（区）完成轮训。", [], [], [("各县（区）", "responsible"), ("市应急管理局", "lead"), ("市教育局", "support")]),
      ("严格考核\n对主要负责人开展考核。\n牵头单位：市应急管理局\n配合单位：市教育局", [], [],
       [("市应急管理局", "lead"), ("市教育局", "support")]),
      ("加强宣传\n开展安全宣传。", [], [], [])]),
    # ... but not where another item of the section names a duty of its own
    ("一、重点任务\n（一）开展培训\n1.分级培训\n（1）市应急管理局负责制定培训大纲。\n（2）各县（区）完成轮训。\n2.严格考核\n"
     "对主要负责人开展考核。\n牵头单位：市教育局\n",
     [("市应急管理局负责制定培训大纲。", [], [], [("市应急管理局", "responsible")]),
      ("各县（区）完成轮训。", [], [], [("各县（区）", "responsible")]),
      ("严格考核\n对主要负责人开展考核。\n牵头单位：市教育局", [], [], [("市教育局", "lead")])]),
    # a closing block may hold 完成时间：… beside its role lines: both go to the items; a time line after a titled
    # item's paragraph stays with the item
    ("一、重点任务\n（一）深化隐患排查整治\n1.组织客运企业开展隐患自查。\n2.组织危货运输企业开展车辆检查。\n责任人：运管所所长\n"
     "完成时间：2025年6月底前\n（二）强化执法检查\n县交通执法大队开展联合执法。\n时间节点：每年5月底前完成执法评估。\n",
     [("组织客运企业开展隐患自查。", [], [("2025年6月底前", None, "2025-06-30", False)], [("运管所所长", "responsible")]),
      ("组织危货运输企业开展车辆检查。\n责任人：运管所所长\n完成时间：2025年6月底前", [],
       [("2025年6月底前", None, "2025-06-30", False)], [("运管所所长", "responsible")]),
      ("强化执法检查\n县交通执法大队开展联合执法。\n时间节点：每年5月底前完成执法评估。", [("每年5月底前", "year", 1, False)], [],
       [("县交通执法大队", "responsible")])]),
    # a heading without any field passes nothing down; 定期 is no frequency
    ("一、重点任务\n（一）强化日常监管\n1.定期开展以下检查：（1）检查气瓶充装站；（2）检查燃气具销售门店。\n",
     [("检查气瓶充装站；", [], [], []), ("检查燃气具销售门店。", [], [], [])]),
]


@pytest.mark.parametrize("body,expected", CASES, ids=[c[0].split("\n")[1][:12] for c in CASES])
def test_lead_in_fields(body, expected):
    assert _fields(body) == expected


def test_lead_in_is_kept_in_json():
    (doc,) = segment(read_bytes((HEAD + CASES[0][0]).encode(), "plan.txt").blocks)
    item = doc.clauses[1]
    assert item.lead_in == "每季度开展一次联合检查"
    assert type(item).from_json(item.to_json()).lead_in == item.lead_in


def test_a_task_table_in_the_body_stands_under_its_section():
    from extract.model import Block, Table

    rows = [["序号", "工作任务", "责任单位", "完成时限"],
            ["1", "组织使用单位主要负责人参加安全培训", "特种设备安全监察科", "2024年12月31日前"],
            ["2", "开展供暖季锅炉专项检查", "特种设备安全监察科牵头，各市场监管所配合", "每年11月至次年3月"]]
    blocks = [Block(text="某区市场监管局特种设备安全治本攻坚三年行动工作方案"), Block(text="为做好工作，制定本方案。"),
              Block(text="二、重点任务"), Block(kind="table", table=Table(rows=rows)), Block(text="三、工作要求"),
              Block(text="（一）加强组织领导。局成立工作专班。"), Block(text="附件：重点任务清单"),
              Block(kind="table", table=Table(rows=rows[:2]))]
    (doc,) = segment(blocks)
    rows_out = [c for c in doc.clauses if c.kind == "table_row"]
    assert [c.path for c in rows_out] == [["二", "1"], ["二", "2"], ["附件", "1"]]
    assert [c.id for c in rows_out] == ["c2.1", "c2.2", "ca.1"]
    extract_clause(rows_out[1])
    assert [(d.text, d.role.value) for d in rows_out[1].departments] == [("特种设备安全监察科", "lead"),
                                                                          ("各市场监管所", "support")]
    assert [(f.period, f.count) for f in rows_out[1].frequencies] == [("year", 1)]
