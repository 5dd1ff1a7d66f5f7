"""Clause segmentation of the corpus: metadata, paths, headings, tables and the compilation split."""
from __future__ import annotations

import re

import pytest

from conftest import CORPUS
from extract.readers import read_file, read_bytes
from extract.segment import segment
from extract.text import fold


def _docs(name):
    path = next(CORPUS.glob(name + "*"))
    return segment(read_file(path).blocks, str(path))


def test_township_plan_with_notice():
    (doc,) = _docs("001_")
    assert doc.title == "铁峰乡安全生产治本攻坚三年行动工作方案（2024-2026）"
    assert doc.issuer == "重庆市万州区铁峰乡人民政府"
    assert doc.doc_number == "铁峰府发〔2024〕56号"
    assert doc.date == "2024-06-14"
    assert doc.note == "（此件公开发布）"
    assert doc.recipients.startswith("各相关办、站、所")
    assert any("安全生产治本攻坚三年行动实施方案" in c.title for c in doc.citations)
    numbered = [c for c in doc.clauses if c.path[:1] == ["二"] and len(c.path) == 3]
    assert [c.path[2] for c in numbered] == [str(i) for i in range(1, 21)]
    assert numbered[0].path == ["二", "（一）", "1"]
    assert numbered[-1].path == ["二", "（十）", "20"]
    assert numbered[0].text.startswith("加强安全生产风险监测预警管控能力。")
    # the distribution notice is a clause of its own (a non-task, ANNOTATION.md §2)
    assert doc.clauses[0].text.startswith("现将《铁峰乡")
    # the heading "一、总体要求" has children and is no clause; "（一）指导思想" has none and is one
    assert not any(c.text.startswith("总体要求") for c in doc.clauses)
    assert any(c.path == ["一", "（一）"] and "指导思想" in c.text for c in doc.clauses)


def test_annex_task_table_rows_are_clauses():
    (doc,) = _docs("000_")
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert len(rows) == 37  # 21 numbered tasks and their sub-rows, the 备注 line excluded
    first = rows[0]
    assert first.path == ["附件", "一", "1"]
    assert first.text.startswith("强化重大安全风险源头管控。严格按照行业发展规划")
    assert "长期坚持" in first.text and "政策法规科" in first.text
    # merged cells are inherited: the second sub-row of task 2 keeps 行动名称 二 and 重点任务 2
    assert rows[2].path == ["附件", "二", "2"] and rows[2].text.startswith("严格落实班组日排查")
    # a row whose 责任科室 cell fell on the next chunk is rebuilt whole
    t19 = next(c for c in rows if c.text.startswith("开展电力行业专项整治行动"))
    assert "应急管理科、供电企业" in t19.text
    assert not any(c.text.startswith("备注") for c in doc.clauses)
    # bookmarks of the WPS export are gone
    assert not any("bookmark" in c.text for c in doc.clauses)


def test_county_plan_leaf_item_absorbs_its_paragraph():
    (doc,) = _docs("002_")
    assert doc.title == "全县经济信息系统重大事故隐患专项排查整治2023行动方案"
    assert doc.doc_number == "巫山经信发〔2023〕5号" and doc.date == "2023-05-19"
    leaf = next(c for c in doc.clauses if c.path == ["二", "（四）"])
    assert leaf.text.startswith("安全监管盲区薄弱消除行动。") and "三个必须" in leaf.text
    # an item with numbered children is a heading: its own paragraph becomes a clause under it
    intro = next(c for c in doc.clauses if c.path == ["二", "（一）"])
    assert intro.text.startswith("严格落实“党政同责、一岗双责”")
    stages = [c for c in doc.clauses if c.path[:1] == ["三"] and len(c.path) == 2]
    assert [c.text[:4] for c in stages] == ["动员部署", "集中排查", "重点整治", "建章立制"]
    assert not any(c.text.startswith("附件") for c in doc.clauses)


def test_district_plan_split_title_and_notice():
    (doc,) = _docs("003_")
    assert doc.title == "全区工业和信息化系统安全生产治本攻坚三年行动方案（2024—2026年）"
    assert doc.issuer == "周村区工业和信息化局" and doc.date == "2024-04-01"
    tasks = [c for c in doc.clauses if len(c.path) == 3]
    assert [c.path[2] for c in tasks] == [str(i) for i in range(1, 18)]


def test_tibet_compilation_splits_into_each_plan_once(tibet_docs):
    titles = [d.title for d in tibet_docs]
    assert len(tibet_docs) == 27
    assert len({fold(t) for t in titles}) == 27
    assert titles[0].startswith("教育系统") and titles[-1].startswith("青藏铁路系统")
    for d in tibet_docs:
        assert len(d.clauses) >= 8, d.title
        for c in d.clauses:
            assert not re.search(r"\.{4,}\d+$", c.text), c.text  # no table-of-contents line
            assert "子方案" not in c.text or len(c.text) > 40, c.text  # no compilation title
            assert not re.search(r"食品伙伴网|浏览次数|扫描二维码", c.text), c.text  # no page chrome
    assert tibet_docs[0].date == "2024-06-06"


def test_tibet_toc_entries_without_body_are_reported(tibet_docs):
    warnings = " ".join(tibet_docs[0].warnings)
    for missing in ("司法系统", "卫健委系统", "自然资源系统", "水利系统", "民航西藏系统", "烟草专卖系统"):
        assert missing in warnings
    assert "教育系统" not in warnings


def test_tibet_last_plan_keeps_its_last_clause(tibet_docs):
    last = tibet_docs[-1]
    assert last.clauses[-1].path == ["三", "（四）"] and last.clauses[-1].text.startswith("强化考核巡查")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_give_the_same_clauses(encoding):
    path = next(CORPUS.glob("003_*"))
    text = path.read_text(encoding="utf-8")
    ref = segment(read_bytes(text.encode("utf-8"), "a.txt").blocks)[0]
    got = segment(read_bytes(text.encode(encoding), "a.txt").blocks)[0]
    assert [c.text for c in got.clauses] == [c.text for c in ref.clauses]


def test_html_page():
    html = ("<html><head><title>x</title><style>p{}</style></head><body><div>首页 » 政策</div>"
            "<h2>某县安全生产治本攻坚三年行动方案（2024—2026年）</h2><p>为深入贯彻落实安全生产部署，结合实际，制定本方案。</p>"
            "<p>一、主要任务</p><p>（一）开展隐患排查。各乡镇要于2024年6月底前完成排查。</p>"
            "<p>（二）加强宣传。县应急局牵头，每季度至少开展1次宣传。</p>"
            "<table><tr><td>序号</td><td>重点任务</td><td>完成时限</td><td>责任单位</td></tr>"
            "<tr><td>1</td><td>建立隐患台账并动态更新。</td><td>2024年底前</td><td>县应急局</td></tr></table>"
            "</body></html>")
    (doc,) = segment(read_bytes(html.encode("utf-8"), "page.html").blocks)
    assert doc.title == "某县安全生产治本攻坚三年行动方案（2024—2026年）"
    paths = [c.path for c in doc.clauses]
    assert ["一", "（一）"] in paths and ["一", "（二）"] in paths
    row = next(c for c in doc.clauses if c.kind == "table_row")
    assert row.text.startswith("建立隐患台账") and "县应急局" in row.text


def test_inline_sub_items_become_clauses_and_share_the_trailing_block():
    text = ("某县安全生产工作方案\n为做好工作，制定本方案。\n一、重点任务\n"
            "1.强化排查整治。（1）建立隐患台账；（2）开展专项检查；（3）督促整改销号。（责任单位：县应急局；完成时限：2024年底前）\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    subs = [c for c in doc.clauses if len(c.path) == 3]
    assert [c.path[-1] for c in subs] == ["（1）", "（2）", "（3）"]
    assert subs[0].text.startswith("建立隐患台账")
    assert "县应急局" in subs[0].inherited and subs[2].inherited == ""


def test_duty_lines_after_the_last_item_of_a_group_apply_to_every_item():
    text = ("某市安全生产工作方案\n为做好工作，制定本方案。\n一、重点任务\n（一）健全体系\n"
            "1.深化标准化考评。全面实施考评，对不合格的项目责令整改。\n"
            "2.落实主体责任。施工企业要健全全员安全生产责任制。\n责任单位：市住房城乡建设局\n责任科室：质量安全科\n"
            "（二）强化执法\n1.推行暗查暗访。每月开展1次暗访。\n责任科室：建筑管理科\n"
            "2.强化惩戒。依法依规纳入失信名单。\n责任科室：法规科\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    items = {tuple(c.path): c for c in doc.clauses}
    assert "质量安全科" in items[("一", "（一）", "1")].inherited
    assert items[("一", "（一）", "2")].inherited == ""  # its own text holds the lines
    # items that name their own units inherit nothing from a sibling
    assert items[("一", "（二）", "1")].inherited == ""


def test_table_title_cell_without_punctuation_is_a_sentence_before_the_content():
    from extract.model import Block, Table

    rows = [["序号", "重点任务", "具体措施", "牵头单位"],
            ["1", "主要负责人安全培训", "组织全县道路运输企业主要负责人参加培训考核。", "县交通运输局"]]
    blocks = [Block(text="某县交通运输安全生产工作方案"), Block(text="为做好工作，制定本方案。"),
              Block(kind="table", table=Table(rows=rows))]
    (doc,) = segment(blocks)
    (row,) = [c for c in doc.clauses if c.kind == "table_row"]
    assert row.text.startswith("主要负责人安全培训。组织全县道路运输企业")


@pytest.mark.parametrize("cell,joined", [
    ("县应急局\n县公安局\n县交通局", "县应急局、县公安局、县交通局"),  # one unit per line
    ("县应急管\n理局", "县应急管理局"),  # a name wrapped in a narrow column
    ("县住房和城乡建设\n委员会、县应急局", "县住房和城乡建设委员会、县应急局"),
    ("县应急管理局\n（牵头）", "县应急管理局（牵头）"),
    ("各乡镇（街道）\n县级有关部门", "各乡镇（街道）、县级有关部门"),
    # lines that open with their own role label are label blocks of their own
    ("牵头：县住建局\n配合：县市场监管局、县消防救援大队", "牵头：县住建局；配合：县市场监管局、县消防救援大队"),
    ("责任领导：分管副县长\n责任股室：应急股", "责任领导：分管副县长；责任股室：应急股"),
])
def test_unit_cell_lines_are_a_list_unless_a_name_wraps(cell, joined):
    from extract.segment.tables import unit_cell as _unit_cell

    assert _unit_cell(cell) == joined


def test_paragraphs_without_a_marker_carry_the_titles_of_their_sections():
    text = ("某市安全生产工作方案\n为做好工作，制定本方案。\n一、工作目标\n到2026年底，重大事故隐患动态清零。\n"
            "二、重点任务\n各部门要高度重视。\n（一）开展隐患排查\n1.建立台账。每月更新。\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    heading = {c.text[:4]: c.heading for c in doc.clauses}
    assert heading["到202"] == "工作目标"
    assert heading["各部门要"] == "重点任务"
    assert heading["建立台账"] == "重点任务 / 开展隐患排查"
    assert heading["为做好工"] == ""


def test_next_items_of_a_list_written_on_the_same_line_are_clauses_of_their_own():
    text = ("某县安全生产工作方案\n为做好工作，制定本方案。\n三、进度安排\n"
            "(一)活动时间:2024-2026年;(二)活动安排:第一阶段(2024年1月至4月)。第二阶段(2024年5月至2025年12月)。\n"
            "第三阶段(2026年)。县应急局负责总结评估。\n"
            "(三)信息报送。每季度报送一次；报送（二）类信息时注明来源。\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    items = {c.path[-1]: c.text for c in doc.clauses if len(c.path) == 2}
    assert items["（一）"].startswith("活动时间") and "活动安排" not in items["（一）"]
    assert items["（二）"].startswith("活动安排") and "第三阶段" in items["（二）"]
    # a (二) that does not continue the list's sequence stays inside its clause
    assert "报送（二）类信息" in items["（三）"]
    for c in doc.clauses:
        assert fold(doc.text[c.start:c.end]).startswith(fold(c.text)[:10])


def test_regulation_style_chapters_and_articles():
    text = ("某市安全生产管理办法\n第一章 总则\n第一条 为加强安全生产工作，制定本办法。\n"
            "第二条 各区县政府负责本行政区域内的安全生产工作。\n第二章 监督管理\n第三条 市应急局每季度开展一次检查。\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    assert [c.path for c in doc.clauses] == [["第一章", "第一条"], ["第一章", "第二条"], ["第二章", "第三条"]]


def test_clause_offsets_point_into_document_text():
    (doc,) = _docs("001_")
    for c in doc.clauses:
        if c.kind == "body" and "\n" not in c.text:
            assert doc.text[c.start:c.end] == c.text


def test_role_lines_under_a_heading_assign_every_item_of_the_section_and_are_no_clauses():
    """Issue 16: 牵头股室/配合股室 lines written once under a heading before its items."""
    from extract.pipeline import extract_clause

    text = ("某县交通运输局安全生产治本攻坚三年行动实施方案\n为做好工作，结合实际，制定本方案。\n一、重点任务\n"
            "（一）开展隐患排查整治\n牵头股室：安全股\n配合股室：各股室、各乡（镇）人民政府\n"
            "1.每月至少开展1次隐患排查。\n2.建立隐患台账，实行闭环管理。\n"
            "（二）强化教育培训\n1.组织企业主要负责人参加培训。\n牵头股室：运输股\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    assert not any(c.text.startswith(("牵头股室", "配合股室")) for c in doc.clauses)
    items = {tuple(c.path): c for c in doc.clauses}
    for key in [("一", "（一）", "1"), ("一", "（一）", "2")]:
        extract_clause(items[key])
        assert [(d.text, d.role) for d in items[key].departments] == [
            ("安全股", "lead"), ("各股室", "support"), ("各乡（镇）人民政府", "support")]
    other = items[("一", "（二）", "1")]
    extract_clause(other)
    assert [(d.text, d.role) for d in other.departments] == [("运输股", "lead")]


def test_a_unit_cell_with_its_own_role_labels_is_read_by_them():
    from extract.components import extract_clause
    from extract.model import Block, Table

    rows = [["序号", "工作任务", "责任单位", "完成时限"],
            ["1", "开展燃气安全专项整治", "牵头：县住建局\n配合：县市场监管局、县消防救援大队", "2024年底前\n长期坚持"],
            ["2", "组织应急演练", "责任领导：分管副县长\n责任股室：应急股", "每半年一次"]]
    blocks = [Block(text="某县安全生产工作方案"), Block(text="为做好工作，制定本方案。"), Block(text="一、重点任务"),
              Block(kind="table", table=Table(rows=rows))]
    (doc,) = segment(blocks)
    got = []
    for c in doc.clauses[1:]:
        extract_clause(c)
        got.append([(d.text, d.role.value) for d in c.departments])
    assert got == [[("县住建局", "lead"), ("县市场监管局", "support"), ("县消防救援大队", "support")],
                   [("分管副县长", "responsible"), ("应急股", "responsible")]]


def test_table_columns_of_assisting_and_principal_units():
    from extract.components import extract_clause
    from extract.model import Block, Table

    rows = [["序号", "重点任务", "责任领导", "牵头科室", "协办科室", "时间节点"],
            ["1", "开展燃气安全专项整治", "分管副局长", "安全股", "执法大队", "2024年10月—12月"]]
    blocks = [Block(text="某县安全生产工作方案"), Block(text="为做好工作，制定本方案。"), Block(text="附件"),
              Block(text="重点任务分工表"), Block(kind="table", table=Table(rows=rows))]
    (doc,) = segment(blocks)
    row = doc.clauses[-1]
    extract_clause(row)
    assert [(d.text, d.role.value) for d in row.departments] == [("分管副局长", "responsible"), ("安全股", "lead"),
                                                                 ("执法大队", "support")]
    assert [(d.start, d.end) for d in row.deadlines] == [("2024-10-01", "2024-12-31")]


def test_a_row_written_across_the_table_heads_the_rows_under_it():
    from extract.components import extract_clause
    from extract.model import Block, Table

    head = "一、生产经营单位主要负责人安全教育培训行动"
    rows = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
            [head] * 5,  # a Word row merged across repeats its text in every cell
            ["1", "组织主要负责人专题培训", "县应急局", "县人社局", "2024年底前"],
            ["2", "开展履职能力考核", "", "", "每年"],
            ["二、重大事故隐患动态清零行动", "", "", "", ""],  # a PDF gives it once
            ["3", "建立重大事故隐患台账", "各行业主管部门", "", "长期坚持"]]
    blocks = [Block(text="某县安全生产工作方案"), Block(text="为做好工作，制定本方案。"), Block(text="附件"),
              Block(kind="table", table=Table(rows=rows))]
    (doc,) = segment(blocks)
    got = []
    for c in doc.clauses[1:]:
        extract_clause(c)
        got.append((c.path, c.heading, [(d.text, d.role.value) for d in c.departments]))
    assert got == [
        (["附件", "一", "1"], "生产经营单位主要负责人安全教育培训行动", [("县应急局", "lead"), ("县人社局", "support")]),
        # within a group an empty cell continues the cell above (ANNOTATION.md §1, merged rows)
        (["附件", "一", "2"], "生产经营单位主要负责人安全教育培训行动", [("县应急局", "lead"), ("县人社局", "support")]),
        # ... but not across a group row
        (["附件", "二", "3"], "重大事故隐患动态清零行动", [("各行业主管部门", "lead")])]
