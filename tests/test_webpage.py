"""Pages saved or copied from 政府信息公开 sites (issue 16): metadata table, 印发通知 wrapper, chrome, citations."""
from __future__ import annotations

from pathlib import Path

import pytest

from extract import webpage
from extract.readers import read_file
from extract.rules import load
from extract.segment import segment

WEB = Path(__file__).parent / "fixtures" / "web"
DATA = load("webpage.yaml")

# What a reader of each page would write down: the page's one plan, its metadata, its parents with their 文号, and
# the demands of the notice that wraps it. Pages written in the styles of six provinces' sites.
PAGES = {
    "zj_county_emergency": dict(
        title="安平县应急管理系统安全生产治本攻坚三年行动实施方案（2024—2026年）", issuer="安平县应急管理局",
        doc_number="安应急〔2024〕21号", date="2024-05-10",
        recipients="各乡（镇）人民政府、街道办事处，县级有关单位，局机关各股室",
        citations=[("浙江省安全生产治本攻坚三年行动方案（2024—2026年）", "浙安委〔2024〕3号", "省安委会"),
                   ("市安全生产治本攻坚三年行动实施方案", "市安委〔2024〕7号", "市安委会")],
        notes=["各单位于2024年6月20日前将本单位实施方案报送县应急管理局，每季度末前报送工作进展情况。"],
        paths=[["二", "（一）"], ["二", "（二）"], ["二", "（三）"], ["三", "（一）"], ["三", "（二）"]]),
    "sc_county_housing": dict(
        title="青溪县住房和城乡建设系统安全生产治本攻坚三年行动实施方案", issuer="青溪县住房和城乡建设局",
        doc_number="青住建发〔2024〕15号", date="2024-04-28", recipients="",
        citations=[("四川省住房和城乡建设厅安全生产治本攻坚三年行动实施方案", "", ""),
                   ("市住房和城乡建设局安全生产治本攻坚三年行动方案", "市住建发〔2024〕9号", "")],
        notes=[],
        paths=[["一", "（一）", "1"], ["一", "（一）", "2"], ["一", "（二）", "1"], ["一", "（二）", "2"]]),
    "gd_county_transport": dict(
        title="南岭县交通运输安全生产治本攻坚三年行动方案", issuer="南岭县交通运输局", doc_number="南交〔2024〕33号",
        date="2024-06-03", recipients="各乡镇交管站，局属各单位，局机关各股室",
        citations=[("市交通运输安全生产治本攻坚三年行动方案", "市交〔2024〕18号", "市交通运输局")],
        notes=["实施过程中遇到的问题，请及时向县交通运输局安全股反馈。"],
        paths=[["一", "（一）"], ["一", "（二）"], ["一", "（三）"]]),
    "js_city_industry": dict(
        title="吴江区工业和信息化系统安全生产治本攻坚三年行动方案", issuer="苏州市吴江区工业和信息化局",
        doc_number="吴工信〔2024〕12号", date="2024-05-10", recipients="各镇（区、街道）经发局，各有关企业",
        citations=[("苏州市工业和信息化系统安全生产治本攻坚三年行动方案", "苏工信〔2024〕30号", "苏州市工业和信息化局")],
        notes=["执行中遇到的问题请及时报区工业和信息化局安全生产科。"],
        paths=[["一", "（一）"], ["一", "（二）"], ["一", "（三）"]]),
    # Shandong style: a metadata table holding 标题, the notice title printed three times (table, headline, body), a
    # notice that sets a reporting schedule, 按照《…》（文号）《…》（文号） citations, items 1.2024年… under titles
    "sd_county_market": dict(
        title="东平县市场监管系统安全生产治本攻坚三年行动实施方案", issuer="东平县市场监督管理局",
        doc_number="东市监发〔2024〕8号", date="2024-05-20", recipients="各市场监管所，局机关各科室，县特种设备检验所",
        citations=[("东平县安全生产治本攻坚三年行动实施方案", "东安发〔2024〕3号", "县安全生产委员会"),
                   ("山东省市场监管系统安全生产治本攻坚三年行动方案", "鲁市监特设字〔2024〕40号", ""),
                   ("泰安市市场监管系统安全生产治本攻坚三年行动方案", "泰市监发〔2024〕12号", "")],
        notes=["请各单位于每年6月25日、12月25日前将工作进展情况报送县局特种设备安全监察科。"],
        paths=[["一", "（一）", "1"], ["一", "（一）", "2"], ["一", "（二）", "1"], ["一", "（二）", "2"], ["二", "（一）"],
               ["二", "（二）"]]),
    # Henan style: metadata lines without 发布机构 or 成文日期 (the signature and its date line give them, not the
    # 公开日期), the notice title printed three times, a parent cited as 根据XX委员会《…》（文号）
    "ha_township_fire": dict(
        title="李庄镇消防安全治本攻坚三年行动方案", issuer="李庄镇人民政府", doc_number="李政〔2024〕19号",
        date="2024-06-28", recipients="各村（社区），镇直各单位",
        citations=[("县消防安全治本攻坚三年行动实施方案", "县安〔2024〕6号", "县安全生产委员会")],
        notes=[], paths=[["一", "1"], ["一", "2"], ["一", "3"], ["一", "4"]]),
    # Guangdong county-office style: a four-column metadata table with 信息索引号 and a 标　　题 label spaced out to align
    # the column, the 文号 in its last row; a notice signed by the office with a yearly reporting date
    "gd_county_office": dict(
        title="龙华县安全生产治本攻坚三年行动实施方案（2024—2026年）", issuer="龙华县人民政府办公室",
        doc_number="龙府办〔2024〕9号", date="2024-04-12", recipients="各镇人民政府，县政府各部门、各直属机构",
        citations=[("广东省安全生产治本攻坚三年行动实施方案（2024—2026年）", "粤府办〔2024〕3号", "")],
        notes=["各镇、各部门每年11月30日前将年度工作总结报送县安委办。"],
        paths=[["二", "（一）"], ["二", "（二）"], ["二", "（三）"], ["二", "（四）"], ["三", "（一）"], ["三", "（二）"]]),
}
CHROME_WORDS = ("索引号", "发布机构", "当前位置", "位置：", "主办", "ICP", "打印", "政策解读", "扫一扫", "浏览次数", "无障碍")
CASES = [(name, ext) for name in PAGES for ext in ("html", "txt")]


def _doc(name: str, ext: str):
    docs = segment(read_file(WEB / f"{name}.{ext}").blocks, f"{name}.{ext}")
    assert len(docs) == 1, [d.title for d in docs]  # the 印发通知 is the wrapper, never a plan of its own
    return docs[0]


@pytest.mark.parametrize("name,ext", CASES)
def test_page_metadata_and_wrapper(name, ext):
    want = PAGES[name]
    doc = _doc(name, ext)
    assert (doc.title, doc.issuer, doc.doc_number, doc.date) == (
        want["title"], want["issuer"], want["doc_number"], want["date"])
    assert doc.recipients == want["recipients"]
    cites = [(c.title, c.doc_number, c.issuer) for c in doc.citations]
    for c in want["citations"]:
        assert c in cites
    for note in want["notes"]:
        assert note in doc.notes
    assert not any(x in n for n in doc.notes for x in ("印发给你们",))


@pytest.mark.parametrize("name,ext", CASES)
def test_page_chrome_and_metadata_are_no_clauses(name, ext):
    doc = _doc(name, ext)
    assert [c.path for c in doc.clauses if c.marker] == PAGES[name]["paths"]
    for c in doc.clauses:
        assert not any(w in c.text for w in CHROME_WORDS), c.text
        assert c.text != doc.issuer  # the signature is metadata


@pytest.mark.parametrize("name", PAGES)
def test_saved_html_and_copied_text_give_the_same_plan(name):
    a, b = _doc(name, "html"), _doc(name, "txt")
    assert [c.text for c in a.clauses] == [c.text for c in b.clauses]
    assert a.notes == b.notes


@pytest.mark.parametrize("example", DATA["metadata_examples"], ids=lambda e: e["text"][:12])
def test_metadata_line(example):
    assert webpage.line_metadata(example["text"]) == example["expect"]


@pytest.mark.parametrize("text", DATA["metadata_traps"])
def test_body_sentence_is_no_metadata(text):
    assert webpage.line_metadata(text) is None


@pytest.mark.parametrize("text", DATA["chrome_examples"])
def test_chrome_line(text):
    assert webpage.is_chrome(text)


@pytest.mark.parametrize("text", DATA["chrome_traps"])
def test_document_line_is_no_chrome(text):
    assert not webpage.is_chrome(text)


@pytest.mark.parametrize("title,clean", DATA["title_examples"])
def test_title_prefix(title, clean):
    assert webpage.clean_title(title) == clean


def test_metadata_table_cells():
    rows = [["索引号：", "007000000/2024-00256", "分类：", "交通运输"], ["发布机构：", "南岭县交通运输局", "成文日期：", "2024-06-03"],
            ["文号：", "南交〔2024〕33号", "发布日期：", "2024-06-05"]]
    assert webpage.read_metadata(rows) == {"issuer": "南岭县交通运输局", "date": "2024-06-03", "doc_number": "南交〔2024〕33号"}
    assert webpage.read_metadata([["序号", "重点任务", "责任单位"], ["1", "开展排查。", "县应急局"]]) is None


def test_notice_demands_leave_out_the_distribution_sentence():
    par = "现将《某县方案》印发给你们，请结合实际认真贯彻落实。请于2024年6月30日前报送县应急局。"
    assert webpage.notice_demands(par) == ["请结合实际认真贯彻落实。", "请于2024年6月30日前报送县应急局。"]


def test_a_label_like_line_inside_the_body_stays_body_text():
    from extract.readers import read_bytes

    text = ("某县安全生产工作方案\n发布机构：某县应急管理局\n为做好工作，结合实际，制定本方案。\n一、重点任务\n"
            "（一）开展隐患分类整治。\n分类：重大事故隐患和一般事故隐患\n（二）加强宣传。\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    assert doc.issuer == "某县应急管理局"
    assert any("分类：重大事故隐患和一般事故隐患" in c.text for c in doc.clauses)


# The fields of each page's clauses (enriched as the pipeline does): (path or the first words of an unnumbered clause,
# deadline ends, (period, count) of frequencies). A reporting schedule written once (in the notice or after the last
# item) is a frequency of that one clause only and lends no dates to the others.
FIELDS = {
    "sd_county_market": [
        ("根据县安全生产委员会", [], [("year", 2)]),
        (["一", "（一）", "1"], ["2024-06-30"], []),
        (["一", "（一）", "2"], ["2025-12-31"], [("quarter", 1)]),
        (["一", "（二）", "1"], ["2024-12-31"], []),  # 2019年以前登记的 scopes the object
        (["一", "（二）", "2"], [], [("quarter", 1)]),  # 按季度，对……开展: the period before a comma
        (["二", "（一）"], [], []),
        (["二", "（二）"], [], []),  # 纳入年度考核 is no frequency
    ],
    "ha_township_fire": [
        (["一", "1"], ["2024-07-31"], []),
        (["一", "2"], [], [("month", 1)]),
        (["一", "3"], [], [("year", 1)]),  # a recurring season: a frequency, no deadline
        (["一", "4"], ["2025-12-31"], []),
        (["二"], [], [("month", 1)]),
    ],
    "gd_county_office": [
        (["二", "（一）"], ["2024-06-30"], []),
        (["二", "（二）"], [], [("month", 1)]),
        (["二", "（三）"], ["2025-12-31"], []),  # 2018年前建成的 scopes the object: no deadline
        (["二", "（四）"], [], [("quarter", 1)]),  # 按季度
        (["三", "（二）"], [], [("half_year", 1)]),
    ],
    "zj_county_emergency": [
        (["二", "（二）"], ["2025-10-31"], [("month", 1)]),  # 自2024年5月起，至2025年10月: one range
        (["三", "（二）"], [], [("year", 2)]),
    ],
}
FIELD_CASES = [(name, ext) for name in FIELDS for ext in ("html", "txt")]


@pytest.mark.parametrize("name,ext", FIELD_CASES)
def test_page_clause_fields(name, ext):
    from extract.pipeline import enrich

    doc = _doc(name, ext)
    enrich([doc])
    for key, ends, freqs in FIELDS[name]:
        c = next(c for c in doc.clauses if (c.path == key if isinstance(key, list) else c.text.startswith(key)))
        assert [d.end for d in c.deadlines] == ends, (key, c.text)
        assert [(f.period, f.count) for f in c.frequencies] == freqs, (key, c.text)
    schedule = [c for c in doc.clauses if any(f.count == 2 and f.period == "year" for f in c.frequencies)]
    assert len(schedule) <= 1
