"""Linkage accuracy forms of issue 16: changes compared activity by activity; condensed rows, rewritten tasks,
general parents and local additions (case tables)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from extract.extractors import deadlines, frequencies
from extract.link.align import ParentIndex, align
from extract.link.config import DEFAULT
from extract.link.diff import activity_share, changes, context
from extract import rules
from extract.link.leftover import clause_kind, kind_of, own_text
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


# --- condensed rows, rewritten tasks, local additions (issue 16) -------------------------------------------------



def row(cid: str, text: str, cells: dict[str, str]) -> Clause:
    """An annex row as the table reader builds it: its task text, then its role cells in a note."""
    c = task(cid, text + "（" + "；".join(f"{k}：{v}" for k, v in cells.items()) + "）")
    c.kind, c.cells = "table_row", {"序号": cid, **cells}
    return c


COUNTY_BODY = [
    task("b1", "学习宣贯重大事故隐患判定标准。组织全县工贸企业主要负责人、安全管理人员学习《工贸企业重大事故隐患判定标准》，"
               "2024年5月底前完成全覆盖宣贯培训。"),
    task("b2", "开展粉尘涉爆企业专项治理。对全县粉尘涉爆企业逐家开展除尘系统、防爆电气排查，督促企业每半年开展1次粉尘清扫和"
               "防爆检测，2024年底前完成隐患整改。"),
    task("b3", "强化有限空间作业管理。督促涉及有限空间作业的企业建立有限空间管理台账，落实“先通风、再检测、后作业”要求，"
               "配备必要的检测和救援装备。"),
    task("b4", "推进冶金企业煤气安全治理。对冶金企业煤气柜、煤气管道开展专项检查，2025年6月底前完成煤气区域固定式报警仪加装。"),
    task("b5", "提升企业安全管理水平。一是推动规模以上工贸企业开展安全生产标准化建设；二是推动企业建立安全风险分级管控和隐患"
               "排查治理双重预防机制；三是督促企业配齐专职安全管理人员。"),
    task("b6", "加强执法检查。每季度组织开展1次工贸行业专项执法检查，对发现的重大事故隐患依法责令停产停业整顿。"),
    task("b7", "开展安全宣传教育。结合“安全生产月”活动，组织开展工贸企业安全知识竞赛、事故警示教育等活动，营造良好安全氛围。"),
    task("b8", "落实安全生产责任考核。把工贸企业安全生产工作纳入乡镇年度目标责任考核，对考核排名靠后的乡镇进行约谈。"),
    task("b9", "加强组织领导。县应急管理局成立工贸行业治本攻坚工作专班，由主要负责人任组长，统筹推进本方案实施。"),
    task("b10", "强化资金保障。县财政每年安排专项资金用于工贸行业安全监管执法装备和宣传培训。"),
    task("b11", "严格督导问责。对工作推进不力、隐患整改不到位的单位予以通报批评，造成严重后果的依规依纪追究责任。"),
]
CELLS = {"责任单位": "县应急管理局", "配合单位": "县工业和信息化局", "完成时间": "长期坚持"}


def links_of(children, parents, config=DEFAULT) -> set[tuple[str, str]]:
    return {(lk.child, lk.parent) for lk in align(children, ParentIndex(parents), config).links}


@pytest.mark.parametrize("text,parents,second_by_condensed", [
    # 煤气区域报警仪 of b4 and 标准化达标创建 of b5 (一是) in one row: the second only by what b4 leaves uncovered
    ("煤气区域监测与标准化创建。对冶金企业煤气区域加装固定式一氧化碳报警仪，同步推动冶金企业开展安全生产标准化达标创建。",
     {"b4", "b5"}, True),
    # 粉尘清扫 of b2 and 有限空间台账 of b3 in one row: the containment merge already takes both
    ("粉尘和有限空间治理。督促粉尘涉爆企业逐家排查除尘系统并定期清扫，同步要求涉及有限空间作业的企业建立作业台账、配备"
     "检测和救援装备。", {"b2", "b3"}, False),
])
def test_a_condensed_row_takes_both_parent_clauses(text, parents, second_by_condensed):
    kid = row("1", text, CELLS)
    assert {p for _, p in links_of([kid], COUNTY_BODY)} == parents
    # the pass can be switched off by name; then the row keeps only the parent the other passes found
    without = links_of([kid], COUNTY_BODY, DEFAULT.without("condensed"))
    assert len(without) == (1 if second_by_condensed else 2)


def test_a_row_restating_one_body_task_takes_no_second_parent():
    kid = row("2", "粉尘涉爆治理。逐家排查粉尘涉爆企业除尘系统和防爆电气，督促企业每季度开展1次粉尘清扫，发现的隐患于2024年底前"
                   "整改完毕。", CELLS)
    assert links_of([kid], COUNTY_BODY) == {("2", "b2")}


HOUSING = [
    ("强化城镇燃气安全管理。全面加强城镇燃气安全管理，大起底排查、全链条整治城镇燃气安全风险隐患，推进瓶装液化石油气配送管理，"
     "取消用户自提，推行实名制购气。", "A7"),
    ("加强城乡房屋建筑安全管理。深入开展自建房安全专项整治，建立城乡房屋建筑安全管理体系，2025年底前完成全区自建房安全"
     "专项整治。", "A7"),
    ("统筹城市运行安全。推进城市生命线安全工程建设，大力推进排水防涝设施建设，持续开展城市户外广告和招牌设施排查整治。", "A7"),
    ("强化安全投入。各级住建和城管部门要探索利用政府预算内投资、财政专项经费、政府债务资金、政策性贷款等多种渠道，加大安全"
     "生产领域投入力度，确保重大事故风险隐患治理资金。", "A6"),
    ("加大督导检查。各级住建和城管部门要运用多通报、多督促、多暗访等手段，分级建立健全考核巡查、督导督办、责任倒查等机制。",
     "A1"),
]


@pytest.mark.parametrize("child,parent", [
    # 加大安全投入 <- 强化安全投入: the texts share little, the titles say the same, the actions differ
    (("加大安全投入。争取地方政府专项债券和上级补助资金，优先用于危房改造和燃气管网更新。", "A4"), "p4"),
])
def test_a_rewritten_task_links_by_its_title_across_actions(child, parent):
    parents = [task(f"p{k}", text, action) for k, (text, action) in enumerate(HOUSING, start=1)]
    kid = task("c1", child[0], action=child[1])
    assert links_of([kid], parents) == {("c1", parent)}
    # the pass alone finds it; titled_parents, which compares titles within one action, does not
    assert links_of([kid], parents, replace(DEFAULT, passes=("titled_orphans",))) == {("c1", parent)}
    assert links_of([kid], parents, replace(DEFAULT, passes=("titled_parents",))) == set()


@pytest.mark.parametrize("text", [
    # a local risk the body never names, beside body tasks that look alike
    "铝加工深井铸造检查。对全县铝加工（深井铸造）企业的冷却水系统、紧急排放装置开展专项检查。",
    "小微企业帮扶。组织专家对辖区小微工贸企业开展免费“安全体检”，帮助企业制定整改方案。",
    "外包作业管理。督促企业将外包施工单位纳入本单位统一安全管理，严禁以包代管、以罚代管。",
])
def test_a_local_addition_stays_novel(text):
    kid = row("9", text, CELLS)
    assert links_of([kid], COUNTY_BODY) == set()


def test_an_annex_rows_own_text_leaves_out_the_role_notes_the_reader_appended():
    kid = row("3", "执法检查。按季度组织工贸行业执法专项行动（含夜查）。", CELLS)
    assert own_text(kid) == "执法检查。按季度组织工贸行业执法专项行动（含夜查）。"
    body = task("b", "执法检查。按季度组织执法专项行动（责任单位：县应急管理局）。")
    assert own_text(body) == body.text  # a body clause's own notes are its text


def test_work_kind_examples_and_traps_of_the_rule_file():
    data = rules.load("work_kinds.yaml")
    for child_title, parent_title in data["examples"]:
        assert kind_of(child_title) is not None and kind_of(child_title) == kind_of(parent_title)
    for child_title, parent_title in data["traps"]:
        assert kind_of(child_title) is None


MINZHENG = [
    ("强化民政服务机构安全教育培训。将安全教育纳入年度常态化培训内容，分级分类组织全员安全培训，每年至少组织一次负责人培训。",
     "A4"),
    ("加强督导检查。各级民政部门要综合运用“四不两直”、明查暗访、异地交叉互检等方式，分阶段开展检查督导，及时通报发现问题。",
     "O"),
    ("推进长效监管。各级民政部门要严格执行各专项管理要求，建立健全安全管理长效机制，督促指导服务机构排查安全隐患。", "O"),
]


@pytest.mark.parametrize("text,parent", [
    # 督查 / 督导检查: one kind of general work, other words; the texts share almost nothing
    ("督查问效。局机关每季度采取不打招呼、直奔现场的方式抽查民政服务机构，检查结果在全县民政系统通报并纳入年度评比。", "p2"),
])
def test_a_general_parent_is_carried_out_by_a_child_naming_the_same_kind_of_work(text, parent):
    parents = [task(f"p{k}", t, action) for k, (t, action) in enumerate(MINZHENG, start=1)]
    kid = task("c1", text, action="O")
    assert links_of([kid], parents) == {("c1", parent)}
    assert links_of([kid], parents, replace(DEFAULT, passes=("same_kind",))) == {("c1", parent)}
    # a child linked elsewhere, or a title naming no kind, is left alone
    assert links_of([task("c2", "推进长效机制建设。建立健全长效机制。")], parents, replace(DEFAULT, passes=("same_kind",))) \
        == set()


GUARANTEES = [
    ("加强组织领导。各级部门要把治本攻坚三年行动摆上重要议事日程，主要负责同志亲自研究部署，层层压实工作责任。", "O"),
    ("加强舆论引导。充分利用报刊、广播、电视和新媒体，宣传治本攻坚的经验做法，曝光一批典型案例。", "O"),
    ("加强督促指导。定期调度工作进展，对工作推进不力的单位及时提醒，推动各项任务落地见效。", "O"),
]


@pytest.mark.parametrize("text,parent", [
    # 专班 / 组织领导: the county sets up its own working group for the parent's general leadership clause
    ("成立工作专班。局长任组长，班子成员分片包干，每月召开一次专班会议研究部署治本攻坚工作，压实责任。", "p1"),
    # 讲好…故事 / 舆论引导
    ("讲好安全生产故事。依托融媒体中心开设专栏，每季度宣传一名身边安全员的经验做法。", "p2"),
    # 通报 / 督促指导
    ("按月通报进展。每月调度各股室工作进展并在局务会上通报，对滞后事项限期补齐。", "p3"),
])
def test_a_guarantee_clause_is_carried_out_under_another_name_of_the_same_kind(text, parent):
    parents = [task(f"p{k}", t, action) for k, (t, action) in enumerate(GUARANTEES, start=1)]
    kid = task("c1", text, action="O")
    assert links_of([kid], parents, replace(DEFAULT, passes=("same_kind",))) == {("c1", parent)}


def test_a_second_child_of_the_same_kind_takes_its_share_of_a_general_parent_already_covered():
    parents = [task(f"p{k}", t, action) for k, (t, action) in enumerate(GUARANTEES, start=1)]
    kids = [task("c1", "讲好安全生产故事。依托融媒体中心开设专栏，每季度宣传一名身边安全员的经验做法。", action="O"),
            task("c2", "以案说法。每半年选取一起典型事故案例，在报刊和广播上解读曝光。", action="O"),
            # a kind no parent clause names stays novel
            task("c3", "开展岗位练兵。每年组织一次业务比武。", action="O")]
    only = replace(DEFAULT, passes=("same_kind",))
    assert links_of(kids, parents, only) == {("c1", "p2"), ("c2", "p2")}


def under(heading: str, c: Clause) -> Clause:
    """A clause placed under a heading (主要任务 / 组织领导)."""
    return replace(c, heading=heading)


# a parent whose general work is written as headings over untitled paragraphs
UNTITLED = [
    under("组织保障 / 组织领导", task("p1", "在局党组统一领导下成立治本攻坚领导小组，由主要负责同志任组长，统筹推进各项工作，"
                                       "研究解决工作中的重大问题。", "O")),
    under("组织保障 / 宣传引导", task("p2", "各单位要利用门户网站、微信公众号开设专栏，及时刊播工作动态和典型经验，"
                                       "营造齐抓共管的良好氛围。", "O")),
    under("组织保障 / 工作要求", task("p3", "各单位要按照本方案要求，结合实际细化措施，确保各项任务按期完成。", "O")),
]


@pytest.mark.parametrize("heading,text,parent", [
    # a titled child clause carrying out the untitled paragraph under 组织领导
    ("主要任务", "组建治本攻坚专班。由站长牵头，每月调度一次工作进展，逐项销号。", "p1"),
    # an untitled child paragraph under a heading of the same kind, in other words
    ("保障措施 / 加强宣传", "依托村广播和微信群，每季度刊播一次安全提示和典型经验，组织志愿者入户讲解。", "p2"),
    # a child naming no kind, under a heading naming none: nothing to pair on
    ("保障措施 / 抓好落实", "对照任务清单逐月调度，滞后事项限期补齐。", None),
])
def test_an_untitled_paragraph_takes_its_kind_of_work_from_its_heading(heading, text, parent):
    kid = under(heading, task("c1", text, action="O"))
    only = replace(DEFAULT, passes=("same_kind",))
    assert links_of([kid], UNTITLED, only) == ({("c1", parent)} if parent else set())


@pytest.mark.parametrize("heading,text,kind", [
    ("组织保障 / 组织领导", "为确保各项工作落到实处，成立工作领导小组。", "组织"),
    # a title sentence of its own wins over the heading
    ("组织保障 / 组织领导", "强化资金保障。各单位要把所需经费列入年度预算。", "投入"),
    ("组织保障 / 组织领导", "推进长效监管。建立健全长效机制。", None),
    # opening words naming a kind win over the heading too
    ("组织保障 / 宣传引导", "督促各单位按月报送工作进展情况和存在的问题，逐项跟踪督办。", "督导"),
    ("工作要求", "各单位要结合实际细化措施，确保按期完成。", None),
])
def test_the_kind_of_a_clause(heading, text, kind):
    assert clause_kind(under(heading, task("c", text))) == kind


# a county 农业农村 plan rewriting its parent in its own words: few shared words, but with one parent clause only
AGRI = [
    task("p1", "强化农机作业安全。加强拖拉机、联合收割机等农业机械登记、检验和驾驶操作人员考试管理，开展农机安全生产检查，"
               "严厉查处无牌无证、违法载人等行为。"),
    task("p2", "强化重大动物疫病防控。做好口蹄疫、高致病性禽流感等重大动物疫病强制免疫和监测预警，规范病死畜禽无害化处理。"),
    task("p3", "强化防抗灾工作。加强农牧业防抗灾技术措施指导，切实抓好农牧业生产防灾减灾，最大限度减轻灾害损失。"),
    task("p4", "深入开展安全教育培训行动。组织开展安全生产月、安全宣传咨询日活动，推动安全宣传进农村、进企业、进社区。"),
    task("p5", "深入开展隐患排查和督导检查。各级农业农村部门主要负责人每季度带队开展一次安全检查，对重大事故隐患挂牌督办。"),
]


@pytest.mark.parametrize("text,parent", [
    # the rewrite shares only 农机 / 拖拉机 / 收割机 with p1, and nothing of note with any other clause
    ("农忙前逐台检修农机。春播前和秋收前，各乡镇农牧综合服务中心对辖区拖拉机和收割机逐台上门检修，发现制动、转向隐患当场整改。",
     "p1"),
    # local additions: nearest to no clause in particular, or too far from every clause
    ("加强日光温室大棚用火用电管理。冬季对蔬菜温室大棚开展巡查，严禁私拉乱接电线和使用明火取暖。", None),
    ("排查青稞加工作坊安全隐患。对村级青稞磨坊、糌粑和菜籽油加工作坊的电气线路、传动部位防护罩开展一次排查。", None),
])
def test_a_rewrite_nearest_to_one_parent_clause_alone_takes_it(text, parent):
    kid = task("c1", text)
    assert links_of([kid], AGRI) == ({("c1", parent)} if parent else set())
    # the distinct_nearest pass is what finds it: the other passes leave the rewrite unlinked
    assert links_of([kid], AGRI, DEFAULT.with_(distinct_ratio=None)) == set()


def _under(heading: str, cid: str, text: str) -> Clause:
    c = task(cid, text)
    c.heading = heading
    return c


# a parent subsection of three clauses on one object, and a county task condensing the whole of it in its own words
STADIUMS = "工作任务 / 加强体育场馆安全隐患整治"
SECTION = [
    _under(STADIUMS, "p1", "严格落实场馆运营单位主体责任。督促运营单位健全安全管理制度，配齐专兼职安全管理人员。"),
    _under(STADIUMS, "p2", "强化看台、顶棚等设施设备检测。定期委托专业机构对看台、顶棚、灯光设施开展结构安全检测。"),
    _under(STADIUMS, "p3", "规范赛事活动期间人流管控。指导承办单位制定人流疏导方案，严防拥挤踩踏。"),
    _under("工作任务 / 深化高危体育项目监管", "p4", "加强攀岩、潜水等高危险性体育项目经营许可管理，严查无证经营。"),
]


@pytest.mark.parametrize("text,linked", [
    # named like the subsection's heading: it takes every clause under it
    ("管好县体育场馆安全。督促场馆运营单位配齐安全管理人员，每年请检测机构检测看台和灯光设施，赛事期间做好人流疏导。",
     {"p1", "p2", "p3"}),
    # a local addition that shares the campaign's words but names no subsection
    ("排查乡镇农牧民健身广场器材。每年对乡镇健身路径器材开展一次安全检查，损坏的及时报修。", set()),
    # it echoes the heading but restates one clause under it: that clause alone
    ("整治体育场馆看台安全隐患。委托专业机构对看台、顶棚开展一次结构安全检测。", {"p2"}),
])
def test_a_child_condensing_a_whole_parent_subsection_takes_each_clause_of_it(text, linked):
    kid = task("c1", text)
    only = replace(DEFAULT, passes=("condensed_section",))
    assert {p for _c, p in links_of([kid], SECTION, only)} == linked
