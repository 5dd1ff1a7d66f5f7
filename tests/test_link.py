"""Linkage: each link kind, each change type, coverage (dropped / novel), reports and the graph."""
from __future__ import annotations

import json

import networkx as nx
import pytest

from extract.link.align import ParentIndex, align, mask
from extract.link.diff import changes
from extract.link.graph import ancestry, build_graph, export, title_key
from extract.link.report import build_report, highlight_pair, to_html, to_markdown, write_xlsx
from extract.model import Citation, Clause, Deadline, Document, Frequency, Span


def clause(cid, text, *, deadline=None, ongoing=False, freq=None):
    c = Clause(id=cid, path=[cid], marker=cid, text=text, start=0, end=len(text), is_task=True, action="A3")
    if deadline:
        c.deadlines.append(Deadline(deadline, Span(0, 1), end=deadline))
    if ongoing:
        c.deadlines.append(Deadline("长期坚持", Span(0, 1), ongoing=True))
    if freq:
        period, count = freq
        c.frequencies.append(Frequency("每", Span(0, 1), period=period, count=count, at_least=True))
    return c


P1 = "健全完善生产经营单位重大事故隐患自查自改常态化机制，全面开展重大事故隐患大排查，建立台账并推进整改。"
P2 = "完善举报奖励制度，建立健全各行业领域安全生产举报制度机制，保障专项预算，落实奖励资金，完善保密制度。"
P3 = "强力推进安全宣传教育，持续开展安全生产月、消防宣传月、安全宣传咨询日等宣传活动，推动安全宣传进企业进农村进社区。"
P4 = "加大老旧工艺设备设施淘汰改造力度，按照淘汰落后安全生产工艺技术设备目录加大危险化学品非煤矿山工贸行业淘汰更新力度。"
P5 = "开展安全监管执法人员能力提升培训，制定安全监管执法人员能力提升培训计划，开展分级分类培训，提高监管执法能力。"


@pytest.fixture()
def parent():
    return [clause("p1", P1, deadline="2024-06-30"), clause("p2", P2), clause("p3", P3, freq=("quarter", 1)),
            clause("p4", P4), clause("p5", P5, ongoing=True)]


def link_map(children, parent):
    res = align(children, ParentIndex(parent))
    return {(lk.child, lk.parent): lk for lk in res.links}, res


def test_verbatim_and_localized(parent):
    kids = [clause("c1", P2), clause("c2", P1.replace("生产经营单位", "全县生产经营单位"), deadline="2024-06-30")]
    links, _ = link_map(kids, parent)
    assert links[("c1", "p2")].kind == "verbatim"
    assert links[("c2", "p1")].kind in ("localized", "verbatim")
    assert ("c1", "p1") not in links


def test_paraphrased(parent):
    kid = clause("c1", "持续推进安全宣传教育工作，每年组织安全生产月和消防宣传月活动，推动安全宣传进农村和社区，营造良好氛围。")
    links, _ = link_map([kid], parent)
    assert links[("c1", "p3")].kind == "paraphrased"


def test_merged(parent):
    kid = clause("c1", P2 + P4)
    links, _ = link_map([kid], parent)
    assert links[("c1", "p2")].kind == "merged" and links[("c1", "p4")].kind == "merged"


def test_split(parent):
    a, b = P1[:26] + "。", "建立重大事故隐患台账并推进整改，全面开展重大事故隐患大排查。"
    links, _ = link_map([clause("c1", a), clause("c2", b)], parent)
    assert links[("c1", "p1")].kind == "split" and links[("c2", "p1")].kind == "split"


@pytest.mark.parametrize("kid_kwargs,parent_kwargs,expected", [
    ({"deadline": "2024-03-31"}, {"deadline": "2024-06-30"}, ["deadline_earlier"]),
    ({"deadline": "2024-12-31"}, {"deadline": "2024-06-30"}, ["deadline_later"]),
    ({"freq": ("month", 1)}, {"freq": ("quarter", 1)}, ["frequency_higher"]),
    ({"freq": ("year", 1)}, {"freq": ("quarter", 1)}, ["frequency_lower"]),
    ({"freq": ("half_year", 2)}, {"freq": ("quarter", 1)}, []),  # same yearly rate
    ({"ongoing": True}, {}, ["ongoing_added"]),
    ({}, {"ongoing": True}, ["ongoing_removed"]),
    ({}, {}, []),
])
def test_change_types(kid_kwargs, parent_kwargs, expected):
    assert changes(clause("c", P1, **kid_kwargs), clause("p", P1, **parent_kwargs)) == expected


def test_coverage_dropped_and_novel(parent):
    kids = [clause("c1", P2), clause("c2", P3, freq=("year", 1)),
            clause("c3", "建立乡村道路巡查队伍，对辖区内临水临崖路段设置警示标志，汛期每日巡查一次并做好记录。")]
    links, res = link_map(kids, parent)
    report = build_report(kids, parent, res.links)
    cov = report["coverage"]
    assert cov["parent_clauses"] == 5 and cov["covered"] == 2
    assert {d["id"] for d in cov["dropped"]} == {"p1", "p4", "p5"}
    assert [n["id"] for n in cov["novel_child_clauses"]] == ["c3"]
    assert cov["weakened"] == ["p3"]
    link = next(lk for lk in report["links"] if lk["child"] == "c2")
    assert link["changes"] == ["frequency_lower"]
    assert set(link) >= {"child", "child_text", "parent", "parent_text", "score", "kind", "changes"}


def test_masking_ignores_places_and_numbers():
    assert mask("全县2024年底前") == mask("全区2025年底前")


def test_reports_render(tmp_path, parent):
    kids = [clause("c1", P2 + "<script>alert(1)</script>")]
    _, res = link_map(kids, parent)
    report = build_report(kids, parent, res.links)
    page = to_html(report, "子方案", "上级方案")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "遗漏" in page
    assert "| 上级 |" in to_markdown(report, "子方案", "上级方案")
    write_xlsx(report, tmp_path / "r.xlsx", "子方案", "上级方案")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames == ["衔接关系", "遗漏与新增", "八大行动"]


def test_highlight_marks_the_differing_characters():
    a, b = highlight_pair("全区开展排查", "全县开展排查")
    assert "<del>区</del>" in a and "<ins>县</ins>" in b


def test_title_key_is_fuzzy_on_punctuation_and_years():
    assert title_key("《安全生产治本攻坚三年行动方案（2024—2026年）》") == title_key("安全生产治本攻坚三年行动方案(2024-2026)")


def test_graph_chain_and_exports(tmp_path):
    nat = Document(title="安全生产治本攻坚三年行动方案（2024—2026年）", text="", sha256="a" * 64, issuer="国务院安全生产委员会")
    prov = Document(title="西藏自治区安全生产治本攻坚三年行动实施方案", text="", sha256="b" * 64, issuer="西藏自治区安委会",
                    citations=[Citation("安全生产治本攻坚三年行动方案(2024-2026年)")])
    county = Document(title="某县安全生产治本攻坚三年行动实施方案", text="", sha256="c" * 64, issuer="某县人民政府",
                      citations=[Citation("西藏自治区安全生产治本攻坚三年行动实施方案")])
    for d, text in ((nat, P1), (prov, P1), (county, P1)):
        d.clauses = [clause("c1", text)]
    rep = {"links": [{"child": "c1", "parent": "c1", "kind": "verbatim", "score": 1.0, "changes": []}]}
    g = build_graph([nat, prov, county], [(county, prov, rep), (prov, nat, rep)])
    kinds = {d["kind"] for _, _, d in g.edges(data=True)}
    assert kinds == {"contains", "implements_action", "cites", "derived_from"}
    chain = ancestry(g, f"doc:{'c' * 12}:0/c1")
    assert chain == [f"doc:{'b' * 12}:0/c1", f"doc:{'a' * 12}:0/c1"]
    export(g, tmp_path / "g.graphml", tmp_path / "g.json")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_nodes() == g.number_of_nodes()
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == g.number_of_nodes()


def _with(cid, text, ends=(), freqs=()):
    c = clause(cid, text)
    for e in ends:
        c.deadlines.append(Deadline(e, Span(0, 1), end=e))
    for period, count in freqs:
        c.frequencies.append(Frequency("每", Span(0, 1), period=period, count=count, at_least=True))
    return c


@pytest.mark.parametrize("kid,par,expected", [
    # one of three deadlines moved earlier, the latest unchanged
    ({"ends": ["2025-12-31", "2026-06-30", "2026-12-31"]}, {"ends": ["2025-12-31", "2026-12-31", "2026-12-31"]},
     ["deadline_earlier"]),
    ({"ends": ["2024-12-31", "2026-12-31"]}, {"ends": ["2024-06-30", "2026-12-31"]}, ["deadline_later"]),
    # 每季度…（高危每月） -> 每月…（高危每周): the highest rate differs, and so does the other one
    ({"freqs": [("month", 1), ("week", 1)]}, {"freqs": [("quarter", 1), ("month", 1)]}, ["frequency_higher"]),
    # "日周月" kept, the principal's check moved from monthly to quarterly: the maximum is the same
    ({"freqs": [("day", 1), ("week", 1), ("month", 1), ("quarter", 1)]},
     {"freqs": [("day", 1), ("week", 1), ("month", 1), ("month", 1)]}, ["frequency_lower"]),
    # the latest deadline decides first
    ({"ends": ["2024-03-31", "2026-12-31"]}, {"ends": ["2024-06-30", "2025-12-31"]}, ["deadline_later"]),
    # latest kept, one earlier and one later among the rest: no single direction, nothing reported
    ({"ends": ["2024-03-31", "2024-12-31", "2025-12-31"]}, {"ends": ["2024-06-30", "2024-09-30", "2025-12-31"]}, []),
])
def test_changes_among_several_values(kid, par, expected):
    assert changes(_with("c", P1, **kid), _with("p", P1, **par)) == expected


def test_mutual_best_links_a_pair_below_the_threshold(parent):
    kids = [clause("c1", "持续推进安全宣传教育工作，每年组织安全生产月和消防宣传月活动，推动安全宣传进农村和社区，营造良好氛围。"),
            clause("c2", "建立乡村道路巡查队伍，对辖区内临水临崖路段设置警示标志，汛期每日巡查一次并做好记录。")]
    off = dict(threshold=0.99, parent_threshold=0.99, free_threshold=0.99, word_threshold=None, distinct_ratio=None,
               word_parent_threshold=None, same_kind_threshold=None, key_phrase_specific=None)
    strict = align(kids, ParentIndex(parent), mutual_threshold=0.99, **off)
    assert strict.links == []
    relaxed = align(kids, ParentIndex(parent), mutual_threshold=0.2, **off)
    assert [(lk.child, lk.parent) for lk in relaxed.links] == [("c1", "p3")]


def test_a_child_takes_its_best_parent_clause_below_the_threshold_when_nothing_covers_it(parent):
    loose = clause("c2", "推进隐患排查工作，持续开展安全宣传咨询日等活动，推动安全宣传进企业。")
    off = dict(threshold=0.99, mutual_threshold=0.99, parent_threshold=0.99, second_threshold=1.01,
               word_threshold=None, distinct_ratio=None, word_parent_threshold=None, key_phrase_specific=None)
    assert align([loose], ParentIndex(parent), free_threshold=0.99, **off).links == []
    alone = align([loose], ParentIndex(parent), free_threshold=0.05, **off)
    assert [(lk.child, lk.parent) for lk in alone.links] == [("c2", "p3")]
    # with a verbatim copy of p3 beside it, p3 is covered: the free rule does not give it to c2 as well
    both = align([clause("c1", P3), loose], ParentIndex(parent), free_threshold=0.05, **off)
    assert ("c2", "p3") not in {(lk.child, lk.parent) for lk in both.links}



def test_an_uncovered_parent_clause_joins_its_best_child_as_a_merge(parent):
    kid = clause("c1", P2 + P4)
    # the second-parent rules switched off (condensed would find p4 in what p2 leaves): only the parent-side pass can
    words_off = dict(word_threshold=None, distinct_ratio=None, word_parent_threshold=None, condensed_cover=None, key_phrase_specific=None)
    res = align([kid], ParentIndex(parent), second_threshold=1.01, parent_threshold=0.3, **words_off)
    assert {(lk.parent, lk.kind) for lk in res.links} == {("p2", "merged"), ("p4", "merged")}
    res = align([kid], ParentIndex(parent), second_threshold=1.01, parent_threshold=1.01, **words_off)
    assert len(res.links) == 1 and res.links[0].kind != "merged"


# every character pass switched off: what is left is the word-level comparison of rewritten clauses
CHAR_OFF = dict(threshold=1.01, second_threshold=1.01, mutual_threshold=1.01, parent_threshold=1.01,
                free_threshold=1.01, key_phrase_specific=None)


def test_a_rewritten_child_clause_links_by_its_words(parent):
    rewritten = clause("c1", "对列入目录的老旧装备加快更新换代，危险化学品、非煤矿山和工贸企业分批淘汰落后工艺。")
    local = clause("c2", "建立乡村道路巡查队伍，对辖区内临水临崖路段设置警示标志，汛期每日巡查一次并做好记录。")
    res = align([rewritten, local], ParentIndex(parent), word_parent_threshold=None, **CHAR_OFF)
    assert [(lk.child, lk.parent) for lk in res.links] == [("c1", "p4")]  # the local addition stays novel
    assert align([rewritten], ParentIndex(parent), word_threshold=None, distinct_ratio=None, word_parent_threshold=None,
                 **CHAR_OFF).links == []


def test_an_uncovered_parent_rewritten_inside_a_linked_child_joins_it(parent):
    kid = clause("c1", P2 + "对列入目录的老旧装备加快更新换代，危险化学品、非煤矿山和工贸企业分批淘汰落后工艺设备。")
    res = align([kid], ParentIndex(parent), second_threshold=1.01, parent_threshold=1.01, word_threshold=None, distinct_ratio=None,
                word_parent_threshold=0.35, condensed_cover=None, key_phrase_specific=None)
    assert {(lk.parent, lk.kind) for lk in res.links} == {("p2", "merged"), ("p4", "merged")}
    res = align([kid], ParentIndex(parent), second_threshold=1.01, parent_threshold=1.01, word_threshold=None, distinct_ratio=None,
                word_parent_threshold=None, condensed_cover=None, key_phrase_specific=None)
    assert {lk.parent for lk in res.links} == {"p2"}


def test_rows_under_one_merged_task_cell_link_by_their_shared_title():
    from dataclasses import replace as dc_replace

    from extract.link.align import group_titles

    body = clause("p1", "推进数字应急综合应用建设。构建数字应急监测分析、监管执法、指挥救援、政务管理四大体系，"
                        "建成应用专题生态体系，提升城市安全风险感知能力。")
    rows = [dc_replace(clause(f"r{i}", text), kind="table_row", path=["附件", "六", "15"]) for i, text in enumerate([
        "推进数字应急综合应用建设。配合县应急局建成数字应急底座。（完成时间：2024年）",
        "配合县应急局实现应急感知监测体系全面覆盖，基础感知设备设施全面铺设。（完成时间：2025年）",
        "配合县应急局进一步完善系统功能，补齐城市安全体征，完善智能算法。（完成时间：2026年）"])]
    titles = group_titles(rows)
    assert titles[0] and titles[1] == titles[0] == titles[2]
    res = align([body], ParentIndex(rows))
    assert {lk.parent for lk in res.links} == {"r0", "r1", "r2"}
    assert {lk.kind for lk in res.links} == {"merged"}


def test_candidate_tfidf_equals_scikit_learn_transform():
    """The parent index vectorizes child texts itself (one C-level pass over the n-grams); the matrix is the one
    scikit-learn's transform gives, float for float, so candidates and their ties are unchanged."""
    import numpy as np

    parents = [clause(f"p{k}", t) for k, t in enumerate((P1, P2, P3))]
    index = ParentIndex(parents)
    texts = [mask(P1 + P3), mask("完善举报奖励制度"), "", "AB  cd 完善", mask(P2)[:7]]
    want = index.vectorizer.transform(texts).toarray()
    got = index.tfidf(texts).toarray()
    assert np.array_equal(got, want)


def test_a_later_stage_beside_the_parents_date_is_a_later_deadline():
    # 2024年 -> 2024年……2025年……2026年实现全覆盖: the work now ends later
    kid = _with("c", P1, ends=["2024-12-31", "2025-12-31", "2026-12-31"])
    assert changes(kid, _with("p", P1, ends=["2024-12-31"])) == ["deadline_later"]


def test_in_a_merge_a_deadline_of_the_other_parent_clause_is_no_change():
    kid = _with("c", P1 + P2, ends=["2024-09-30", "2026-12-31"])
    first, second = _with("p1", P1, ends=["2024-12-31"]), _with("p2", P2, ends=["2026-12-31"])
    # alone, the child's latest date (the second task's) would read as a later deadline of the first task
    assert changes(kid, first) == ["deadline_later"]
    assert changes(kid, first, (second,)) == ["deadline_earlier"]
    assert changes(kid, second, (first,)) == []


def test_an_annex_row_titled_with_a_phrase_of_one_body_clause_details_it():
    body = [clause("p1", "提升从业人员安全素质。督促企业落实从业人员岗前培训和日常安全教育，推动驾驶员持证上岗，定期组织开展应急演练。"),
            clause("p2", "深化精准执法。建立常态化联合执法机制，每月至少开展1次联合执法行动，严厉打击非法营运等违法行为。")]
    row = clause("c1", "应急演练。客运站、客运企业应每半年至少开展一次演练，危险货物运输企业应每季度开展1次处置演练。"
                       "（牵头单位：县交通运输局；完成时限：长期坚持）")
    off = dict(threshold=0.99, mutual_threshold=0.99, parent_threshold=0.99, free_threshold=0.99,
               word_threshold=None, distinct_ratio=None, word_parent_threshold=None, title_word_threshold=None)
    assert align([row], ParentIndex(body), title_inside_min=None, **off).links == []
    got = align([row], ParentIndex(body), **off).links
    assert [(lk.child, lk.parent) for lk in got] == [("c1", "p1")]
    # a title written inside two parent clauses says nothing about which one the row details
    body[1].text = body[1].text.replace("严厉打击", "组织开展应急演练，严厉打击")
    assert align([row], ParentIndex(body), **off).links == []


def test_an_uncovered_parent_clause_whose_title_a_same_action_child_rewords_is_merged_into_it():
    def task(cid, text, action):
        c = clause(cid, text)
        c.action = action
        return c

    parent = [task("p1", "强化统筹推进。各地体育行政部门要对照自治区方案，结合工作实际制定具体实施方案并抓好落实。", "O"),
              task("p2", "强化安全宣传。利用广播电视开展安全生产宣传，普及安全知识。", "A8")]
    kid = task("c1", "加强组织部署和统筹落实。市文化体育局召开专题会议作出部署，定期听取推进汇报。", "O")
    off = dict(threshold=0.99, mutual_threshold=0.99, parent_threshold=0.99, free_threshold=0.99,
               word_threshold=None, distinct_ratio=None, word_parent_threshold=None, title_inside_min=None, orphan_title_threshold=None)
    assert align([kid], ParentIndex(parent), title_word_threshold=None, **off).links == []
    got = align([kid], ParentIndex(parent), **off).links
    assert [(lk.child, lk.parent) for lk in got] == [("c1", "p1")]
    kid.action = "A8"  # another action: the titles alone do not link them
    assert align([kid], ParentIndex(parent), **off).links == []


def test_child_overlap_equals_the_bigram_sets():
    """The index scores children from numpy bigram codes; the weights are those of the bigram sets, pair by pair."""
    import numpy as np

    from extract.link.index import bigrams

    parents = [clause(f"p{k}", t) for k, t in enumerate((P1, P2, P3, P4))]
    index = ParentIndex(parents)
    texts = [mask(P1 + P3), mask("完善举报奖励制度"), "", "x", "ABab完善完善", mask(P5), mask(P2)[:7]]
    weight, shared = index.child_overlap(texts)
    for i, t in enumerate(texts):
        assert weight[i] == pytest.approx(index.weight(bigrams(t)))
        for pi, grams in enumerate(index.grams):
            assert shared[i, pi] == pytest.approx(index.weight(bigrams(t) & grams))
    assert np.all(shared[texts.index("")] == 0)


@pytest.mark.parametrize("a,b", [("", ""), ("", "安全"), ("安全生产", "安全生产"), ("安全生产月", "生产安全月"),
                                 (P1, P1.replace("全面", "")), (mask(P1), mask(P2)), ("aab", "abb"), (P3, P3[::-1])])
def test_ratio_bound_agrees_with_sequence_matcher(a, b):
    from difflib import SequenceMatcher

    from extract.link.kinds import ratio_at_least

    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    for bound in (0.0, 0.5, 0.85, 0.98, 1.0, ratio, min(1.0, ratio + 1e-9)):
        assert ratio_at_least(a, b, bound) == (ratio >= bound)


# a county plan rewriting its parent wholly in its own words: one clause in five shares the parent's words
REWRITE_PARENT = [
    "严格文物保护单位消防安全管理。落实消防安全责任人和管理人，配齐消防器材，定期开展电气线路检测。",
    "加强田野文物安全巡查。完善田野文物巡查制度，落实文物保护员，重点时段加密巡查。",
    "强化文物修缮工程施工安全。督促施工单位严格执行动火审批，落实施工现场安全防护措施。",
    "开展文物安全宣传教育。结合文化和自然遗产日开展文物安全宣传，提高公众保护意识。",
]
REWRITE_CHILD = [
    "给寺庙古建筑的电线做体检。每年请电工把殿堂里的老旧电线、插座逐一查过，坏的当场换新。",
    "巡护员每周走一遍登记点位。每个田野文物点聘用一名村民守护，发现盗掘迹象当天报告。",
    "修缮工地用火先审批。古建筑维修现场凡动用明火，一律先经文物部门同意，并有专人看守。",
    "讲好文物安全故事。在遗产日组织文物安全宣传，进寺庙、进村居。",
    "游客多时限流。旅游旺季每日统计进寺人数，超过承载量时在山门外分批放行。",
]


@pytest.mark.parametrize("child_title,cites,declared", [
    # titled after its parent, a place name before it and 实施方案 for 方案
    ("岗扎县文物系统安全生产治本攻坚三年行动实施方案（2024—2026年）", [], True),
    # citing its parent by title in 《》
    ("岗扎县文物安全三年行动工作方案", ["文物系统安全生产治本攻坚三年行动方案（2024-2026年）"], True),
    # neither: another system's plan is no sub-plan of this one
    ("岗扎县公安系统安全生产治本攻坚三年行动实施方案", [], False),
])
def test_a_child_titled_after_or_citing_its_parent_keeps_its_links_however_few(child_title, cites, declared):
    from extract.link.report import declares_parent, link_documents

    def doc(title, texts, sha, citations=()):
        return Document(title=title, text="", sha256=sha * 64, citations=[Citation(title=t) for t in citations],
                        clauses=[clause(f"c{k}", t) for k, t in enumerate(texts, 1)])

    parent_doc = doc("文物系统安全生产治本攻坚三年行动方案(2024-2026年)", REWRITE_PARENT, "p")
    child_doc = doc(child_title, REWRITE_CHILD, "c", cites)
    assert declares_parent([child_doc], [parent_doc]) is declared
    report = link_documents([child_doc], [parent_doc])
    assert report["coverage"]["relatedness"] < 0.25  # below the floor by its words alone
    assert report["coverage"]["unrelated"] is not declared
    assert bool(report["links"]) is declared
