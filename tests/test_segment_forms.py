"""Segmentation forms of ANNOTATION.md §1 and issue 16, one row per form: a short plan in, (path, text) of its clauses
out. Plans are written for the form, in the shapes county plans use."""
from __future__ import annotations

import pytest

from extract.readers import read_bytes
from extract.segment import segment

HEAD = "某县安全生产治本攻坚三年行动方案\n为做好安全生产工作，结合我县实际，制定本方案。\n"

# (body after the title and preamble, [(path, clause text), ...] of the body's clauses)
CASES = [
    # an arabic marker directly before a year is a marker (1.2024年…), a decimal is not (1.5万元)
    ("一、主要任务\n1.2024年6月底前完成重大事故隐患排查。\n2.2025年底前建成监测预警系统。\n",
     [(["一", "1"], "2024年6月底前完成重大事故隐患排查。"), (["一", "2"], "2025年底前建成监测预警系统。")]),
    ("一、主要任务\n1.2024—2026年，持续开展打非治违。\n2．投入1.5万元更新设备。\n",
     [(["一", "1"], "2024—2026年，持续开展打非治违。"), (["一", "2"], "投入1.5万元更新设备。")]),
    # an arabic marker directly before a month with 月 is a marker (4.8月底前…: 4. then 8月底前), not the decimal 4.8
    ("一、主要任务\n3.开展专项整治。\n4.9月底前完成逐户排查。\n5.12月31日前报送总结。\n",
     [(["一", "3"], "开展专项整治。"), (["一", "4"], "9月底前完成逐户排查。"), (["一", "5"], "12月31日前报送总结。")]),
    # the next items of a list written on the same line, after sentence punctuation
    ("一、主要任务\n1.开展隐患排查。2.建立整改台账。3.2024年底前完成整改。\n",
     [(["一", "1"], "开展隐患排查。"), (["一", "2"], "建立整改台账。"), (["一", "3"], "2024年底前完成整改。")]),
    ("二、工作要求\n（一）加强组织领导。各单位要高度重视。（二）强化督导检查。县安委办每季度开展1次督导。\n",
     [(["二", "（一）"], "加强组织领导。各单位要高度重视。"), (["二", "（二）"], "强化督导检查。县安委办每季度开展1次督导。")]),
    # a paragraph holding several 要求 under sub-markers: the item is a heading, each 要求 a clause
    ("二、工作要求\n（一）严格考核。1.将工作纳入年度考核；2.对工作不力的单位予以通报。\n",
     [(["二", "（一）", "1"], "将工作纳入年度考核；"), (["二", "（一）", "2"], "对工作不力的单位予以通报。")]),
    ("二、工作要求\n（一）工作要求：1.各单位要明确专人负责；2.各单位要按时报送信息。\n",
     [(["二", "（一）", "1"], "各单位要明确专人负责；"), (["二", "（一）", "2"], "各单位要按时报送信息。")]),
    # a tail written once for all sub-items keeps them in one item (the per-clause inline split reads it)
    ("二、工作要求\n（一）严格考核。1.将工作纳入年度考核；2.对工作不力的单位予以通报。（责任单位：县安委办）\n",
     [(["二", "（一）"], "严格考核。1.将工作纳入年度考核；2.对工作不力的单位予以通报。（责任单位：县安委办）")]),
    # inline circled sub-items ①…②… split as （1）…（2）… do; a list of one form is not continued by the other
    ("二、重点任务\n（一）深化整治\n1．粉尘涉爆企业：①每季度至少开展1次除尘系统检查；②2025年6月底前完成湿式除尘改造。\n",
     [(["二", "（一）", "1", "①"], "每季度至少开展1次除尘系统检查；"), (["二", "（一）", "1", "②"], "2025年6月底前完成湿式除尘改造。")]),
    ("二、重点任务\n（一）深化整治\n1．开展检查：（1）检查除尘系统；②检查防爆电气；（2）建立台账。\n",
     [(["二", "（一）", "1", "（1）"], "检查除尘系统；②检查防爆电气；"), (["二", "（一）", "1", "（2）"], "建立台账。")]),
    # 1）… with a closing bracket only is the （1） level
    ("一、主要任务\n（一）加强排查\n1）建立隐患台账，每月更新一次。\n2）开展专项检查。\n",
     [(["一", "（一）", "（1）"], "建立隐患台账，每月更新一次。"), (["一", "（一）", "（2）"], "开展专项检查。")]),
    # a number after a full stop that is not the next item stays text
    ("一、主要任务\n1.开展隐患排查。3.5万家企业完成自查。\n",
     [(["一", "1"], "开展隐患排查。3.5万家企业完成自查。")]),
    # a title-only item followed by several paragraphs: each paragraph is a clause (as under 一、工作目标)
    ("一、总体要求\n（一）工作目标\n通过三年治本攻坚，重大事故隐患动态清零。\n2024年以隐患攻坚为主。2025年以强基固本为主。\n",
     [(["一", "（一）"], "工作目标\n通过三年治本攻坚，重大事故隐患动态清零。"),
      (["一", "（一）"], "2024年以隐患攻坚为主。2025年以强基固本为主。")]),
    # an item with a title sentence keeps its further paragraphs (ANNOTATION.md §1: all of its sentences)
    ("一、主要任务\n（一）开展隐患排查。组织全面排查。\n排查结果纳入台账管理。\n（二）加强宣传。\n",
     [(["一", "（一）"], "开展隐患排查。组织全面排查。\n排查结果纳入台账管理。"), (["一", "（二）"], "加强宣传。")]),
    # a reporting request written once at the end of the plan is a clause of its own, not part of the last item
    (("三、保障措施\n（一）加强组织领导。各单位要高度重视。\n（二）严格考核问责。将工作纳入考核内容，严格问责问效。\n"
      "各单位于每年6月20日、11月20日前将贯彻落实情况报送至县安委办。\n"),
     [(["三", "（一）"], "加强组织领导。各单位要高度重视。"), (["三", "（二）"], "严格考核问责。将工作纳入考核内容，严格问责问效。"),
      (["三"], "各单位于每年6月20日、11月20日前将贯彻落实情况报送至县安委办。")]),
    ("三、保障措施\n（一）加强组织领导。各单位要高度重视。\n请各单位于2024年6月30日前将实施方案报县应急管理局。\n",
     [(["三", "（一）"], "加强组织领导。各单位要高度重视。"), (["三"], "请各单位于2024年6月30日前将实施方案报县应急管理局。")]),
    # ... but under a title-only last item, the paragraph is that item's text
    ("三、保障措施\n（一）工作要求\n各单位于每年6月20日前将工作进展报送县安委办。\n",
     [(["三", "（一）"], "工作要求\n各单位于每年6月20日前将工作进展报送县安委办。")]),
    # a paragraph after the last item that is no request stays with the item
    ("三、保障措施\n（一）加强组织领导。各单位要高度重视。\n对工作不力的单位严肃问责。\n",
     [(["三", "（一）"], "加强组织领导。各单位要高度重视。\n对工作不力的单位严肃问责。")]),
]


@pytest.mark.parametrize("body,expected", CASES, ids=[c[0].split("\n")[1][:14] for c in CASES])
def test_segmentation_form(body, expected):
    (doc,) = segment(read_bytes((HEAD + body).encode(), "plan.txt").blocks)
    got = [(c.path, c.text) for c in doc.clauses if c.path]
    assert got == expected
    for c in doc.clauses:
        assert doc.text[c.start:c.end].replace("\n", "") == c.text.replace("\n", "") or c.kind == "table_row"


# A role line on a line of its own after the last of several sub-items: (body, [(path, text, inherited), ...]) of the
# sub-items. Written once for all of them (ANNOTATION.md §4), bracketed or bare, it is no sub-item's own text.
ROLE_LINES = [
    # bracketed role phrase: every sub-item inherits it, the last keeps only its own sentence
    ("一、重点任务\n（一）强化执法\n1.开展联合检查\n（1）每月开展1次夜查。\n（2）依法查处超限运输。\n（市交通运输局牵头，市公安局配合）\n",
     [(["一", "（一）", "1", "（1）"], "每月开展1次夜查。", "（市交通运输局牵头，市公安局配合）"),
      (["一", "（一）", "1", "（2）"], "依法查处超限运输。", "（市交通运输局牵头，市公安局配合）")]),
    # bracketed label block
    ("一、重点任务\n（一）强化执法\n1.开展联合检查\n（1）每月开展1次夜查。\n（2）依法查处超限运输。\n"
     "（牵头单位：区住建局；配合单位：区城管局、区消防救援大队）\n",
     [(["一", "（一）", "1", "（1）"], "每月开展1次夜查。", "（牵头单位：区住建局；配合单位：区城管局、区消防救援大队）"),
      (["一", "（一）", "1", "（2）"], "依法查处超限运输。", "（牵头单位：区住建局；配合单位：区城管局、区消防救援大队）")]),
    # arabic sub-items of a （一） item
    ("一、重点任务\n（一）强化执法\n1.每月开展1次夜查。\n2.依法查处超限运输。\n（镇综治办牵头，镇派出所配合）\n（二）加强宣传。\n",
     [(["一", "（一）", "1"], "每月开展1次夜查。", "（镇综治办牵头，镇派出所配合）"),
      (["一", "（一）", "2"], "依法查处超限运输。", "（镇综治办牵头，镇派出所配合）")]),
    # trap: a bracket at the end of the last sub-item's own sentence is that sub-item's role
    ("一、重点任务\n（一）强化执法\n1.开展联合检查\n（1）每月开展1次夜查。\n（2）依法查处超限运输。（市公安局牵头）\n",
     [(["一", "（一）", "1", "（1）"], "每月开展1次夜查。", ""),
      (["一", "（一）", "1", "（2）"], "依法查处超限运输。（市公安局牵头）", "")]),
    # trap: sub-items that name their own roles keep theirs; the last line is the last sub-item's
    ("一、重点任务\n（一）强化执法\n1.开展联合检查\n（1）每月开展1次夜查。（市交通运输局牵头）\n（2）依法查处超限运输。\n"
     "（市公安局牵头）\n",
     [(["一", "（一）", "1", "（1）"], "每月开展1次夜查。（市交通运输局牵头）", ""),
      (["一", "（一）", "1", "（2）"], "依法查处超限运输。\n（市公安局牵头）", "")]),
]


@pytest.mark.parametrize("body,expected", ROLE_LINES, ids=[f"role-line-{k}" for k in range(len(ROLE_LINES))])
def test_closing_role_line_after_sub_items(body, expected):
    (doc,) = segment(read_bytes((HEAD + body).encode(), "plan.txt").blocks)
    got = {tuple(c.path): (c.text, c.inherited) for c in doc.clauses}
    assert [(p, *got[tuple(p)]) for p, _, _ in expected] == expected
    for c in doc.clauses:
        assert doc.text[c.start:c.end].replace("\n", "") == c.text.replace("\n", "")


def _blocks(lines_before, rows, lines_after=()):
    from extract.model import Block, Table

    return ([Block(text=t) for t in HEAD.splitlines() + list(lines_before)] + [Block(kind="table", table=Table(rows=rows))]
            + [Block(text=t) for t in lines_after])


_ROWS = [["序号", "工作任务", "责任单位", "完成时限"],
         ["1", "开展液化石油气充装站安全检查", "区市场监管局", "2024年10月底前"],
         ["2", "开展冷库氨制冷系统排查整治", "区商务局牵头，区应急管理局配合", "长期坚持"]]

# A body table right under a numbered title: its rows are that item's children, as numbered items would be, so the
# title is a heading (no clause of its own) and each row a clause under it with its own fields.
# (lines before the table, [(path, kind, departments of the clause)])
TABLE_HEADINGS = [
    (["一、重点任务", "（一）压实主体责任。各单位要落实主体责任。", "（二）开展冷链和燃气专项整治"],
     [(["一", "（一）"], "body", [("各单位", "responsible")]),
      (["一", "（二）", "1"], "table_row", [("区市场监管局", "responsible")]),
      (["一", "（二）", "2"], "table_row", [("区商务局", "lead"), ("区应急管理局", "support")])]),
    (["一、重点任务", "（一）专项整治任务如下："],
     [(["一", "（一）", "1"], "table_row", [("区市场监管局", "responsible")]),
      (["一", "（一）", "2"], "table_row", [("区商务局", "lead"), ("区应急管理局", "support")])]),
    (["一、重点任务", "1.开展冷链和燃气专项整治"],
     [(["一", "1", "1"], "table_row", [("区市场监管局", "responsible")]),
      (["一", "1", "2"], "table_row", [("区商务局", "lead"), ("区应急管理局", "support")])]),
]


@pytest.mark.parametrize("before,expected", TABLE_HEADINGS, ids=[f"table-heading-{k}" for k in range(len(TABLE_HEADINGS))])
def test_title_over_a_body_table_is_a_heading(before, expected):
    from extract.components import extract_clause

    (doc,) = segment(_blocks(before, _ROWS))
    got = []
    for c in doc.clauses:
        if c.path:
            extract_clause(c)
            got.append((c.path, c.kind, [(d.text, d.role.value) for d in c.departments]))
    assert got == expected
