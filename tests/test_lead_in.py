"""Fields written once in a heading or a lead-in for the items under it (a frequency, a deadline, a labelled role):
each item takes the kinds it does not write itself, as a trailing 完成时限 written once applies to every sub-item
(ANNOTATION.md §4). One row per form: a short plan in, the fields of each body clause out."""
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
    # a lead-in paragraph ending in a colon: a clause of its own, and its frequency goes to the items after it;
    # an item with a frequency of its own keeps only its own
    ("一、重点任务\n（一）日常巡查\n各股室定期开展（每月至少1次）以下检查：\n1.检查燃气管道占压情况。\n2.抽查送气人员持证情况，每周1次。\n",
     [("各股室定期开展（每月至少1次）以下检查：", [("每月至少1次", "month", 1, True)], [], [("各股室", "responsible")]),
      ("检查燃气管道占压情况。", [("每月至少1次", "month", 1, True)], [], []),
      ("抽查送气人员持证情况，每周1次。", [("每周1次", "week", 1, False)], [], [])]),
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
