"""Responsible departments: label blocks, 牵头/配合, 由…负责, subjects of 要/应 sentences, and the traps."""
from __future__ import annotations

import gzip
import json
import random
import re

import pytest
import yaml

from conftest import ROOT
from extract.extractors.departments import extract, normalize_name
from extract.extractors.departments.labels import PHRASES, prefilter as label_prefilter
from extract.extractors.departments.names import label_matches, name_hints, patterns, rules

CASES = [
    ("（责任单位：区应急管理厅、区自然资源厅）", [("区应急管理厅", "responsible"), ("区自然资源厅", "responsible")]),
    ("责任单位:防火处、各地(市)林草局。", [("防火处", "responsible"), ("各地(市)林草局", "responsible")]),
    ("（牵头单位:质量健康安全环保部,配合单位:市场营销部及各二级公司）",
     [("质量健康安全环保部", "lead"), ("市场营销部", "support"), ("各二级公司", "support")]),
    ("由委政工人事处牵头，机关党委配合。", [("委政工人事处", "lead"), ("机关党委", "support")]),
    ("乡政府负责制定全乡安全生产治本攻坚三年行动工作方案。", [("乡政府", "responsible")]),
    ("企业主要负责人要认真组织研究本行业领域事故隐患判定标准。", [("企业主要负责人", "responsible")]),
    ("县应急管理局要加强督导。", [("县应急管理局", "responsible")]),
    ("各级卫生健康委定期组织开展检查。", [("各级卫生健康委", "responsible")]),
    ("2024年6月底前，生产经营单位要全面开展重大事故隐患大排查。", [("生产经营单位", "responsible")]),
    ("各地(市)教育行政部门、各学校要坚决贯彻落实。", [("各地(市)教育行政部门", "responsible"), ("各学校", "responsible")]),
    ("（责任单位：区住房和城乡建设厅、区人力资源和社会保障厅）",
     [("区住房和城乡建设厅", "responsible"), ("区人力资源和社会保障厅", "responsible")]),
    ("各地(市)、县(区)要结合本地区实际。", [("各地(市)、县(区)", "responsible")]),
    ("完成时间：长期坚持；责任科室（企业）：政策法规科", [("政策法规科", "responsible")]),
    ("消防等相关部门配合。", [("消防", "support")]),
    # traps: objects of 督促 / 配合 / 会同, and supervised subjects without 要
    ("督促民爆企业落实主体责任。", []),
    ("配合县应急局建成数字应急底座。", []),
    ("会同有关部门开展联合执法。", []),
    ("督促工贸企业开展自查，主要负责人每季度至少带队检查1次。", []),
    ("定期组织分析研判安全生产风险。", []),
    ("在粉尘涉爆企业全面推广应用安全风险监测预警系统。", []),
]

# Forms of a responsible actor beyond 要/应 sentences and label blocks.
FORMS = [
    # people's posts (主任, 局长 …) as names; a name with an appositive list in brackets; 相关地市 as a level
    ("现场项目部成立工作专班，由项目部主任负责牵头组建。", [("现场项目部", "responsible"), ("项目部主任", "lead")]),
    ("做好资质审核,涉爆人员(爆破员、保管员、安全员、押运员)要经培训后持证上岗;",
     [("涉爆人员(爆破员、保管员、安全员、押运员)", "responsible")]),
    ("严格控制安全距离。相关地市要在开展建设工作的过程中严格执行相关规定。", [("相关地市", "responsible")]),
    # a remark in brackets after a name is not part of it; a bracketed alias or level is
    ("责任单位:县应急管理局、各乡镇政府(以下均需各地〈县〉政府落实,不再列出)。",
     [("县应急管理局", "responsible"), ("各乡镇政府", "responsible")]),
    ("（牵头单位：区动物疫控中心(区畜牧总站)）", [("区动物疫控中心(区畜牧总站)", "lead")]),
    # a 各… name opening a sentence, followed by a verb no list knows
    ("转变工作作风。各电信企业抓安全要抓到实处。", [("各电信企业", "responsible")]),
    ("2024年底前各级粮食和物资储备部门依托现有渠道完善相关制度。", [("各级粮食和物资储备部门", "responsible")]),
    ("树牢底线意识。镇党委理论学习中心组专题学习安全生产重要论述。", [("镇党委理论学习中心组", "responsible")]),
    ("严格考核奖惩。镇属各办公室按职责履行安全监管责任。", [("镇属各办公室", "responsible")]),
    ("综合统筹。村委会负责制定全村工作方案。村“两委”成员按分工负责协调推进本村工作。",
     [("村委会", "responsible"), ("村“两委”成员", "responsible")]),
    # people's posts as subjects of a verb without a modal, and the post's own unit beside it
    ("分管负责同志每周带队检查一次。", [("分管负责同志", "responsible")]),
    ("局领导每季度听取一次工作汇报。", [("局领导", "responsible")]),
    ("局主要负责同志或分管同志定期听取汇报。", [("局主要负责同志", "responsible"), ("分管同志", "responsible")]),
    ("主要负责同志亲自部署、分管负责同志具体落实，及时研究解决问题。",
     [("主要负责同志", "responsible"), ("分管负责同志", "responsible")]),
    ("生产经营单位要建立台账，生产经营单位主要负责人每季度带队检查。",
     [("生产经营单位", "responsible"), ("生产经营单位主要负责人", "responsible")]),
    ("重点企业要开展培训。（责任单位：各企业）", [("重点企业", "responsible"), ("各企业", "responsible")]),
    # lists whose items share one head word stay one name (§4); bare head words share the modifier before them
    ("（责任单位：电力、燃气、通信企业、食品生产企业）",
     [("电力、燃气、通信企业", "responsible"), ("食品生产企业", "responsible")]),
    ("特种设备生产、使用单位要配备安全总监。", [("特种设备生产、使用单位", "responsible")]),
    ("乡属办、站、所、中心根据职责分工抓好落实。", [("乡属办、站、所、中心", "responsible")]),
    # sectors before a department head each name a department (消防等相关部门 → 消防): 安全、纪检部门 is two
    ("四是安全、纪检部门要加强检查。", [("安全", "responsible"), ("纪检部门", "responsible")]),
    # names with a bracket after the head word, and numbered units
    ("各村（社区）要落实网格化管理。", [("各村（社区）", "responsible")]),
    ("615油库完成系统改造。", [("615油库", "responsible")]),
    # 配合/参与 as the subject's verb: support
    ("各村（社区）配合乡政府开展排查。", [("各村（社区）", "support")]),
    ("各科室积极参与、主动作为。", [("各科室", "support")]),
    ("各级商务部门积极配合有关部门开展排查。", [("各级商务部门", "support")]),
    # 由…负责 / 牵头 variants
    ("对发现的隐患建立台账，由主要负责人跟踪督办。", [("主要负责人", "responsible")]),
    ("区安委办牵头每年下达工作要点。", [("区安委办", "lead")]),
    ("建立由主要负责同志牵头的工作机制。", [("主要负责同志", "lead")]),
    ("牵头部门要定期汇报进展。", [("牵头部门", "responsible"), ("牵头部门", "lead")]),
    # prepositions and times between the subject and its verb
    ("各级应急管理部门对发现的隐患，要成立调查组。", [("各级应急管理部门", "responsible")]),
    ("县级以上人民政府根据实际编制规划。", [("县级以上人民政府", "responsible")]),
    ("全区各级环保部门以高风险企业为重点开展排查。", [("全区各级环保部门", "responsible")]),
    ("2025年特种设备使用单位按要求配备安全员。", [("特种设备使用单位", "responsible")]),
    ("其中中小储存企业全部完成系统配备。", [("中小储存企业", "responsible")]),
    ("经济运行科负责统计分析。", [("经济运行科", "responsible")]),
    # a supervised party that carries 要 counts (§4), also when the 要 comes later in the sentence
    ("务必督促企业主要负责人要逐条排查。", [("企业主要负责人", "responsible")]),
    ("推动各级生态环境部门在执法中发现隐患时，要及时移交线索。", [("各级生态环境部门", "responsible")]),
    # 推动 with no actor as its object supervises no one
    ("推动重大隐患动态清零，民爆企业主要负责人每月带队检查。", [("民爆企业主要负责人", "responsible")]),
    # 按职责分工: the manner of the work ends neither a list of subjects nor a name in a block
    ("县应急局、县发展改革局、县经济信息委按职责分工负责。",
     [("县应急局", "responsible"), ("县发展改革局", "responsible"), ("县经济信息委", "responsible")]),
    ("（责任部门：城建科、城管科按照职责分工负责）", [("城建科", "responsible"), ("城管科", "responsible")]),
    ("由县安委办牵头，县安委会各成员单位按职责分工落实。", [("县安委办", "lead"), ("县安委会各成员单位", "responsible")]),
    # a role written after a name inside a 责任单位 list
    ("责任单位：县应急局（牵头），县消防救援大队、县市场监管局",
     [("县应急局", "lead"), ("县消防救援大队", "responsible"), ("县市场监管局", "responsible")]),
    ("责任单位：市交通局、市公安局（配合）", [("市交通局", "responsible"), ("市公安局", "support")]),
    # a name opened by its own level (县级/市级/县直) shares no head with the levels before it
    ("各乡镇（街道）、县级有关部门要于2024年6月底前完成自查。", [("各乡镇（街道）", "responsible"), ("县级有关部门", "responsible")]),
    ("各区（市）县、市级各部门要迅速行动。", [("各区（市）县", "responsible"), ("市级各部门", "responsible")]),
    ("责任单位：县住建委、县市场监管局等县安委会成员单位", [("县住建委", "responsible"), ("县市场监管局", "responsible")]),
    ("牵头部门：县城市管理局；协同部门：县消防救援支队", [("县城市管理局", "lead"), ("县消防救援支队", "support")]),
    ("县卫生健康委、县教委分别牵头，开展安全检查。", [("县卫生健康委", "lead"), ("县教委", "lead")]),
    ("化工园区管委会要落实园区安全监管责任。", [("化工园区管委会", "responsible")]),
    ("各生产经营单位主要负责人是本单位安全生产第一责任人。", [("各生产经营单位主要负责人", "responsible")]),
    ("县应急局为牵头单位，县公安局、县交通局为配合单位。",
     [("县应急局", "lead"), ("县公安局", "support"), ("县交通局", "support")]),
    ("【责任单位】县应急局、县公安局", [("县应急局", "responsible"), ("县公安局", "responsible")]),
    ("各区县（开发区）要结合实际制定具体实施方案。", [("各区县（开发区）", "responsible")]),
    ("县人社局牵头负责从业人员技能培训，县总工会协助。", [("县人社局", "lead"), ("县总工会", "support")]),
    ("（区应急管理厅、区公安厅按职责分工负责）", [("区应急管理厅", "responsible"), ("区公安厅", "responsible")]),
    ("各学校校长是校园安全第一责任人，要切实履行职责。", [("各学校校长", "responsible")]),
    ("生产运行处：牵头组织生产安全检查。", [("生产运行处", "lead")]),
    ("质量安全部：负责组织检查，设备部配合。", [("质量安全部", "responsible"), ("设备部", "support")]),
    ("安全总监负责监督检查安全生产责任制落实情况。", [("安全总监", "responsible")]),
    # a parenthesis that assigns the work is read, its second part too
    ("开展培训考核。（省应急厅牵头，各设区市应急管理局按职责分工负责）",
     [("省应急厅", "lead"), ("各设区市应急管理局", "responsible")]),
    ("推行两单两卡。（省应急厅牵头，省消防救援总队等按职责分工负责；长期坚持）",
     [("省应急厅", "lead"), ("省消防救援总队", "responsible")]),
    ("由镇应急办负责、镇派出所配合，开展拉网式排查。", [("镇应急办", "responsible"), ("镇派出所", "support")]),
    ("建设单位要依法履行首要责任，不得随意压缩合理工期。", [("建设单位", "responsible")]),
    ("行动领导小组每季度通过HSE委员会，听取工作汇报。", [("行动领导小组", "responsible")]),
    ("各部门、各分委会定期召开工作推进会。", [("各部门", "responsible"), ("各分委会", "responsible")]),
    ("企业法定代表人和实际控制人是安全生产第一责任人。", [("企业法定代表人", "responsible"), ("实际控制人", "responsible")]),
    ("县住建委、县城管局依职责做好燃气安全监管工作。", [("县住建委", "responsible"), ("县城管局", "responsible")]),
    ("以上任务由县应急局统筹，各成员单位具体落实。", [("县应急局", "responsible"), ("各成员单位", "responsible")]),
    # a role word written right after a name inside a 责任单位 block, without brackets
    ("开展供暖季专项检查（责任单位：特种设备安全监察科牵头，各市场监管所配合；完成时限：每年11月至次年3月）",
     [("特种设备安全监察科", "lead"), ("各市场监管所", "support")]),
    ("责任单位：县应急局牵头、县公安局参与", [("县应急局", "lead"), ("县公安局", "support")]),
    # 各有关部门 opens a name of its own: it shares no head with the level before it
    ("各县（区）、各有关部门于每年6月20日前将工作进展报送市安委办。", [("各县（区）", "responsible"), ("各有关部门", "responsible")]),
    # a verb, a preposition or a time before the post is clause grammar, not part of a name
    ("依托县融媒体中心和局微信公众号，宣传各乡镇在农机安全和隐患整治中的好做法。", []),
    ("主汛期安排养护人员对山区公路水毁易发路段开展日常巡查。", []),
    ("局班子成员按分管领域包乡镇负责。", []),
    ("县委宣传部要加强舆论引导。", [("县委宣传部", "responsible")]),
    # 各 before a bare head opens a name of its own: the towns and the departments, not the towns' departments
    ("各镇、各部门要成立工作专班，明确分管负责同志。", [("各镇", "responsible"), ("各部门", "responsible")]),
    ("各县（区）、各单位要落实属地责任。", [("各县（区）", "responsible"), ("各单位", "responsible")]),
    ("各乡镇（街道）、县有关部门按职责分工负责。", [("各乡镇（街道）", "responsible"), ("县有关部门", "responsible")]),
    ("市城市管理局、市住房城乡建设局集中开展城镇燃气安全隐患排查整治。",
     [("市城市管理局", "responsible"), ("市住房城乡建设局", "responsible")]),
]

# Traps: objects of 要求/面向/激励/发挥/引进, the plan's author, governed clauses, states, parentheses, predicates.
TRAPS = [
    "爆炸物品一律委托专业销毁单位或有销毁经验的爆破作业单位实施销毁。",  # objects of 委托 after 一律
    "重点检查是否对参加大型群众性活动的人员进行安全检查。",
    # 各… inside a longer noun phrase, or the object of a supervising verb
    "各地区的企业安全生产标准化水平不断提升。",
    "县域经济持续发展，市场秩序不断规范。",
    "由镇长任组长，分管副镇长任副组长。",
    "开展培训。村“两委”干部要结合上级培训提升安全能力。",  # 村“两委 is not a name (the quotation is cut)
    "督促各电信企业抓好安全生产。",
    # verb phrases that end like a name (…单位, …团队, …人员, …系统): predicates, not actors
    "大力选树安全生产标准化建设标杆单位，发挥示范引领作用。",
    "组建油库服务专家团队，开展技术帮扶。",
    "推广建立特殊作业智能监控预警管理系统，实现全过程监控。",
    "按规定配齐配全安全生产管理人员。",
    "适时组织安全管理人员开展交叉检查。",
    "要求各地教育行政部门和各高校制定细化方案。",
    "面向各县民政部门组织开展培训。",
    "激励从业人员积极报告隐患。",
    "充分发挥领导班子成员带头作用。",
    "引进第三方监管部门参与检查。",
    "督促指导粮食企业出台清单，主要负责人每月带队检查。",
    "推动经营单位、公共文化单位主要负责人每季度带队检查。",
    "区商务厅结合实际制定本方案。",
    "本方案适用于全区危险化学品经营企业。",
    "确保车辆车况良好，所有驾驶人员严格遵守交通法规。",
    "安全负责人和现场管理人员在岗在位。",
    "健全风险管控机制（企业对标自评和深度评估，平台实时监测）。",
    "施工单位违规挂靠资质的，依法责令改正。",
    "执行《培训机构设置标准》。",
    "建设省级监测监管平台。",
    "加强组织领导。",
    "由李志强同志兼任办公室主任。",
    "督促企业法定代表人是否履职到位。",
]


@pytest.mark.parametrize("text,expected", CASES + FORMS)
def test_department_cases(text, expected):
    got = [(s.text, s.role) for s in extract(text)]
    assert got == expected


@pytest.mark.parametrize("text", TRAPS)
def test_department_traps(text):
    assert [s.text for s in extract(text)] == []


@pytest.mark.parametrize("text", [t for t, _ in CASES + FORMS] + TRAPS)
def test_offsets_of_every_case(text):
    for s in extract(text):
        assert text[s.span.start:s.span.end] == s.text


def test_offsets_point_into_text():
    text = "由委政工人事处牵头，机关党委配合。"
    for s in extract(text):
        assert text[s.span.start:s.span.end] == s.text


@pytest.mark.parametrize("name,norm", [("各级卫生健康委", "卫生健康委"), ("有关科室", "科室"), ("相关企业", "企业"),
                                       ("区应急管理厅", "区应急管理厅")])
def test_normalized_name(name, norm):
    assert normalize_name(name) == norm


# --- the patterns of departments.yaml: every example is found, no trap is ------------------------------------

_PATTERNS = yaml.safe_load((ROOT / "extract" / "rules" / "departments.yaml").read_text(encoding="utf-8"))["patterns"]


def test_every_pattern_is_named_once_and_has_examples():
    names = [p["name"] for p in _PATTERNS]
    assert len(names) == len(set(names))
    assert all(p.get("examples") for p in _PATTERNS), [p["name"] for p in _PATTERNS if not p.get("examples")]
    assert set(vars(patterns())) == set(names)


@pytest.mark.parametrize("name,example", [(p["name"], e) for p in _PATTERNS for e in p["examples"]])
def test_pattern_finds_its_example(name, example):
    m = getattr(patterns(), name).search(example)
    assert m and m.group(), (name, example)


@pytest.mark.parametrize("name,example", [(p["name"], e) for p in _PATTERNS if p["name"] in dict(PHRASES)
                                          for e in p["examples"]])
def test_the_prefilter_lets_every_role_phrase_example_through(name, example):
    """The role phrases run only where the literals read off their regexes are: never skipped on their examples."""
    assert name in label_prefilter().allowed(example), (name, example, label_prefilter().needs[name])


@pytest.mark.parametrize("name,trap", [(p["name"], t) for p in _PATTERNS for t in p.get("traps", [])])
def test_pattern_misses_its_trap(name, trap):
    m = getattr(patterns(), name).search(trap)
    assert not (m and m.group()), (name, trap, m and m.group())


def test_rules_data_examples():
    data = yaml.safe_load((ROOT / "extract" / "rules" / "departments.yaml").read_text(encoding="utf-8"))
    for ex in data["examples"]:
        assert [[s.text, s.role] for s in extract(ex["text"])] == ex["expect"], ex["text"]
    for ex in data["counter_examples"]:
        assert extract(ex["text"]) == [], ex["text"]


@pytest.mark.parametrize("heading,expected", [
    ("组织机构 / 西藏石油安全生产治本攻坚行动领导小组 / 领导小组职责:", ["领导小组"]),
    ("组织机构 / 各部门职责：", ["各部门"]),
    ("三、职责分工 / 县应急管理局主要职责", ["县应急管理局"]),
    ("二、主要任务 / （一）压实责任", []),  # not a list of someone's duties
    ("四、明确职责", []),  # no one named
    ("", []),
])
def test_a_heading_of_duties_names_the_actor_of_the_items_under_it(heading, expected):
    from extract.extractors.departments import from_heading

    spans = from_heading(heading)
    assert [s.text for s in spans] == expected
    assert all(s.role == "responsible" and s.origin == "heading" and s.span.start == s.span.end == -1 for s in spans)


def test_items_under_a_heading_of_duties_get_its_actor_in_the_pipeline():
    from extract.model import Clause
    from extract.pipeline import extract_clause

    c = Clause(id="c1", path=["四", "1", "（1）"], marker="（1）", text="统筹协调各部门推进重点工作任务落实。", start=0, end=10,
               heading="组织机构 / 领导小组职责:")
    extract_clause(c)
    assert [(s.text, s.role) for s in c.departments] == [("领导小组", "responsible")]


def test_member_line_of_a_leading_group_names_no_department():
    """ANNOTATION.md §4: the member list of a 领导小组 is a non-task clause without fields."""
    from extract.model import Clause
    from extract.pipeline import extract_clause

    member = Clause(id="c1", path=[], marker="", text="成员：镇应急办、镇党政办、镇派出所主要负责人", start=0, end=0)
    extract_clause(member)
    assert member.departments == []
    task = Clause(id="c2", path=[], marker="", text="镇应急办要会同镇派出所开展排查。", start=0, end=0)
    extract_clause(task)
    assert [d.text for d in task.departments] == ["镇应急办"]


# --- issue 16: labelled role lines and the organization shape of a unit name ---------------------------------

_DATA = yaml.safe_load((ROOT / "extract" / "rules" / "departments.yaml").read_text(encoding="utf-8"))

# Role lines of county and department plans: the label word (牵头股室 …) is never a unit; the units after it take the
# label's role, also when the line stands beside a sentence, in 【】, or after a semicolon.
ROLE_LINES = [(ex["text"], [tuple(x) for x in ex["expect"]]) for ex in _DATA["label_examples"]] + [
    ("牵头股室：办公室、综合股", [("办公室", "lead"), ("综合股", "lead")]),
    ("配合股室：执法大队", [("执法大队", "support")]),
    ("责任股室：安全生产股", [("安全生产股", "responsible")]),
    ("分管领导：局党组成员、副局长", [("局党组成员", "responsible"), ("副局长", "responsible")]),
    ("责任领导：分管副县长；牵头单位：县应急管理局；配合单位：县公安局、县交通运输局",
     [("分管副县长", "responsible"), ("县应急管理局", "lead"), ("县公安局", "support"), ("县交通运输局", "support")]),
    ("开展燃气安全检查。（牵头股室：城建股；配合股室：各乡（镇）人民政府）",
     [("城建股", "lead"), ("各乡（镇）人民政府", "support")]),
    ("牵头站所：县农机安全监理站", [("县农机安全监理站", "lead")]),
    # a dash left between two units joins a list; a dash left by a cut is dropped
    ("（责任单位：县消防救援大队—县住建局）", [("县消防救援大队", "responsible"), ("县住建局", "responsible")]),
    ("（责任单位：县消防救援大队—）", [("县消防救援大队", "responsible")]),
    # units separated by spaces, as role lines are often typed
    ("牵头股室：办公室 综合股", [("办公室", "lead"), ("综合股", "lead")]),
    ("牵头科室：安全生产科 配合科室：办公室　财务科", [("安全生产科", "lead"), ("办公室", "support"), ("财务科", "support")]),
]
ROLE_LINE_TRAPS = _DATA["label_traps"] + ["牵头股室：、", "配合股室：（略）"]


@pytest.mark.parametrize("text,expected", ROLE_LINES)
def test_role_line(text, expected):
    got = [(s.text, s.role) for s in extract(text)]
    assert got == expected
    labels = set(_DATA["labels"]["lead"] + _DATA["labels"]["support"] + _DATA["labels"]["responsible"])
    assert not labels & {name for name, _ in got}


@pytest.mark.parametrize("text", ROLE_LINE_TRAPS)
def test_role_line_without_units(text):
    assert extract(text) == []


@pytest.mark.parametrize("name", _DATA["unit_shapes"])
def test_unit_shape(name):
    from extract.extractors.departments import is_actor, is_fragment

    assert not is_fragment(name) and is_actor(name)


@pytest.mark.parametrize("name", _DATA["fragments"])
def test_fragment_is_no_unit(name):
    from extract.extractors.departments import is_actor

    assert not is_actor(name)


# Clause fragments that end in a unit word and were taken for units: a prohibition, a place phrase, a clause cut at
# an open 责任单位 bracket. Only the units of the label block remain.
FRAGMENT_CLAUSES = [
    ("电动自行车一律不允许在单位、充电场所以外充电（责任单位：县消防救援大队—县住建局）",
     [("县消防救援大队", "responsible"), ("县住建局", "responsible")]),
    ("严禁在单位楼道、充电场所以外区域停放电动自行车。", []),
    ("开展电动自行车专项检查（责任单位", []),
    ("不得在人员密集场所违规使用明火。", []),
    # a place is no organization: 充电场所 is where the work is done, not who does it
    ("严禁电动自行车进楼入户，充电场所要配备灭火器材。", []),
]


@pytest.mark.parametrize("text,expected", FRAGMENT_CLAUSES)
def test_clause_fragments_are_no_units(text, expected):
    assert [(s.text, s.role) for s in extract(text)] == expected


# --- issue 16, dev errors fixed by form: each row is a form met in plans, written anew ------------------------

# Sectors before a department head each name a department; official names holding 和 and modifiers before 企业/单位
# stay one name (departments.yaml sector_examples / sector_traps).
SECTORS = [(ex["text"], [tuple(x) for x in ex["expect"]]) for ex in _DATA["sector_examples"]] + [
    ("各级应急、消防部门要加强值守。", [("各级应急", "responsible"), ("消防部门", "responsible")]),
    ("县级交通、公安、应急管理部门要联合检查。",
     [("县级交通", "responsible"), ("公安", "responsible"), ("应急管理部门", "responsible")]),
]


@pytest.mark.parametrize("text,expected", SECTORS)
def test_sectors_before_a_department_head(text, expected):
    assert [(s.text, s.role) for s in extract(text)] == expected


@pytest.mark.parametrize("text", _DATA["sector_traps"])
def test_one_name_where_the_items_are_no_sectors(text):
    assert len(extract(text)) == 1


NEW_FORMS = [
    # 职责部门 is a label like 责任部门
    ("（职责部门：县住建局、县城管局按职责分工负责）", [("县住建局", "responsible"), ("县城管局", "responsible")]),
    # a unit that leads a task does not support it as well
    ("（牵头单位：县应急局；配合单位：县应急局、县公安局）", [("县应急局", "lead"), ("县公安局", "support")]),
    # a post after the second unit of a 或/和 pair belongs to both: one name
    ("生产经营单位或管理单位主要负责人每月带队检查。", [("生产经营单位或管理单位主要负责人", "responsible")]),
    # but two posts, or two units, are two names
    ("企业法定代表人和实际控制人是安全生产第一责任人。", [("企业法定代表人", "responsible"), ("实际控制人", "responsible")]),
    # a bare head word after a 各… name shares its 各
    ("各单位、部门要充分利用门户网站开展宣传。", [("各单位、部门", "responsible")]),
    # a unit and a unit inside it are two actors of one clause
    ("领导小组办公室负责日常工作，领导小组每季度听取汇报。",
     [("领导小组办公室", "responsible"), ("领导小组", "responsible")]),
    # a supervising verb inside a sentence supervises a parallel list of frequencies only, not the next actor
    ("开展联合检查，督促企业落实主体责任，县应急局每月调度一次进展。", [("县应急局", "responsible")]),
    # a frequency or a date right after the subject: 不少于/至少/于+date/按月
    ("县属各单位检查不少于1次/季度，施工班组、监理单位不少于1次/月。",
     [("县属各单位", "responsible"), ("施工班组", "responsible"), ("监理单位", "responsible")]),
    ("各镇（街道）于2025年3月底前将自查报告报送区住建局。", [("各镇（街道）", "responsible")]),
    ("区交通运输局按月通报整改进度。", [("区交通运输局", "responsible")]),
    ("各类物业服务组织至少开展1次消防演练。", [("各类物业服务组织", "responsible")]),
    # parties of a contract and posts that end in 员
    ("出租方要核查场地的消防安全条件。", [("出租方", "responsible")]),
    ("安全员每周开展一次巡查。", [("安全员", "responsible")]),
    # 每年度 before the subject is a time, not part of the name
    ("每年度各级市场监管部门对重点企业抽查率达到30%。", [("各级市场监管部门", "responsible")]),
    # the name after its modifier: 以……为代表的X要……
    ("其中以大型国企为代表的中央储存企业要达到二级以上标准化。", [("中央储存企业", "responsible")]),
]

NEW_TRAPS = [
    "严格系统将检查结果通报属地街道。",  # an adverb before a suffix-like word
    "利用“两微一端”等平台加强宣传。",  # the object of 利用
    "以县安委会名义组建事故深度调查专家组，聘请专家参与调查。",  # a preposition phrase
    "积极推动有关部门严格追责问责，倒逼各部门依法尽职。",  # the object of 倒逼
    "高效推进危化品运输跨部门联合执法。",  # 跨部门 is an adjective
    "规范物业服务企业管理人员履行安全职责。",  # a verb opens the phrase
    "通过公共服务平台将责任企业纳入重点监管对象，限制企业参与招投标活动。",  # the object of 限制
    "每年每个街道至少建成1个微型消防站。",  # a distributive quantifier
    "采取“企业常态自查、主管部门监督抽查、相关部门联合排查”等方式，开展隐患排查。",  # inside a quotation
    # parties listed after a supervising verb inside the sentence, each with its frequency, are supervised
    "聚焦疏散逃生能力提升，推动经营单位每年至少组织1次演练，人员密集场所经营单位至少每半年组织1次演练。",
    "对工作推进不力的地区和单位要及时约谈、通报。",  # the object of 对, although 要 follows
]


@pytest.mark.parametrize("text,expected", NEW_FORMS)
def test_new_forms(text, expected):
    assert [(s.text, s.role) for s in extract(text)] == expected


@pytest.mark.parametrize("text", NEW_TRAPS)
def test_new_traps(text):
    assert [s.text for s in extract(text)] == []


@pytest.mark.parametrize("text", [t for t, _ in NEW_FORMS + SECTORS] + NEW_TRAPS)
def test_offsets_of_new_forms(text):
    for s in extract(text):
        assert text[s.span.start:s.span.end] == s.text


def test_name_hints_are_where_an_alternation_of_the_words_finds_them():
    """name_hints scans with an Aho–Corasick automaton; it must give the starts that an alternation of the actor
    suffixes, longest first, and the level pattern find (leftmost, non-overlapping), on every corpus clause and on
    windows of it."""
    r = rules()
    words = re.compile("|".join(re.escape(s) for s in sorted(r["actor_suffixes"], key=len, reverse=True)))
    levels = r["_hint_levels_re"]

    def expected(text, start, end):
        found = [m.start() for m in words.finditer(text, start, end)]
        more = [m.start() for m in levels.finditer(text, start, end)]
        return sorted(found + more)

    with gzip.open(ROOT / "tests" / "data" / "extractor_snapshot.json.gz", "rt", encoding="utf-8") as fh:
        texts = [row["text"] for row in json.load(fh)]
    texts += ["委员会办公室", "安委会办公室主任", "人民政府办公室", "县（区）人民政府"]
    rnd = random.Random(18)
    checked = 0
    for text in texts:
        assert name_hints(text) == expected(text, 0, len(text)), text
        for _ in range(3):
            a = rnd.randrange(len(text) + 1)
            b = rnd.randrange(a, len(text) + 1)
            assert name_hints(text, a, b) == expected(text, a, b), (text, a, b)
        checked += bool(name_hints(text))
    assert checked > 1000  # most clauses hold an organization word


def test_label_matches_are_what_the_label_pattern_finds():
    """label_matches tries the label pattern only where a label word or a bracket starts: the same matches as its
    finditer, on every corpus clause and on label lines built to overlap."""
    label_re = rules()["_label_re"]
    with gzip.open(ROOT / "tests" / "data" / "extractor_snapshot.json.gz", "rt", encoding="utf-8") as fh:
        texts = [row["text"] for row in json.load(fh)]
    texts += ["【牵头单位】：县应急局【配合单位】县公安局", "责任单位：责任单位：县林草局", "[责任部门]县住建局；牵头：县交通局",
              "牵头牵头单位：县应急局", "配合单位:县消防救援大队、县市场监管局"]
    found = 0
    for text in texts:
        got = [(m.span(), m.groups()) for m in label_matches(text)]
        assert got == [(m.span(), m.groups()) for m in label_re.finditer(text)], text
        found += bool(got)
    assert found > 100


# A span that opens with a verb bringing in or sending others (聘请/聘用/招聘/选派/抽调 …) is the clause's grammar, not a
# unit, whatever it ends with (pattern not_actor_start): its object does the work for the subject left unwritten.
VERB_OPENERS = [
    "聘请注册安全工程师对小微企业开展诊断，每季度至少1次。",
    "加强技术服务。聘请第三方机构对化工园区企业开展安全评估。",
    "聘用专职安全员对各村（社区）开展巡查。",
    "选派业务骨干对乡镇应急办开展业务指导。",
    "抽调执法人员对重点单位开展交叉检查。",
    "招聘安全技术人员对中小企业开展帮扶。",
]
# ... but a subject before such a verb is still read, and names that open with the same characters are names
VERB_OPENER_FORMS = [
    ("区应急管理局要聘请安全专家对园区企业开展指导。", [("区应急管理局", "responsible")]),
    ("各镇要聘请专业机构开展燃气安全检查。", [("各镇", "responsible")]),
    # 组织 inside a unit's name (组织部, 组织人事科) is no verb: the name is kept whole
    ("市委组织部要把安全生产纳入干部培训。", [("市委组织部", "responsible")]),
    ("组织人事股负责安全培训计划。", [("组织人事股", "responsible")]),
    ("区应急管理局组织各街道开展演练。", [("区应急管理局", "responsible")]),
]


@pytest.mark.parametrize("text", VERB_OPENERS)
def test_verb_opener_is_no_actor(text):
    assert [s.text for s in extract(text)] == []


@pytest.mark.parametrize("text,expected", VERB_OPENER_FORMS)
def test_subject_before_a_verb_opener(text, expected):
    assert [(s.text, s.role) for s in extract(text)] == expected


# 领导小组办公室设在县应急管理局，负责……: the body written before 设在/设于 (pattern seated_at) is the subject of the
# 负责/要 that follows, in the same segment or the next; the unit it sits in is a place, not an actor of the clause.
SEATED = [
    ("专班办公室设在区住建局，负责燃气安全整治的日常调度。", [("专班办公室", "responsible")]),
    ("安全生产专班办公室设于市交通运输局，负责日常调度和信息报送。", [("安全生产专班办公室", "responsible")]),
    ("整治办公室设在镇应急办负责日常工作。", [("整治办公室", "responsible")]),
    ("指挥部办公室挂靠在区城管局，要每月调度一次进展。", [("指挥部办公室", "responsible")]),
]
SEATED_TRAPS = [
    "专班办公室设在区住建局，办公室主任由区住建局局长兼任。",  # no modal follows: no duty is given
    "在区住建局设立专班办公室，负责日常工作。",  # 设立 creates the office: the sentence has no subject
]


@pytest.mark.parametrize("text,expected", SEATED)
def test_subject_seated_in_a_unit(text, expected):
    assert [(s.text, s.role) for s in extract(text)] == expected
    for s in extract(text):
        assert text[s.span.start:s.span.end] == s.text


@pytest.mark.parametrize("text", SEATED_TRAPS)
def test_seated_traps(text):
    assert [s.text for s in extract(text)] == []


# a role word closing a list of names inside a label block gives the role to every name of that list; an abstract
# noun of a report (结果) followed by 向 is the thing reported, not a unit
LIST_ROLES = [
    ("（责任单位：安全科牵头，规划科、县经济服务中心配合，完成时限：2025年6月）",
     [("安全科", "lead"), ("规划科", "support"), ("县经济服务中心", "support")]),
    ("责任单位：区住建局牵头，区城管局、区消防救援大队、各街道参与",
     [("区住建局", "lead"), ("区城管局", "support"), ("区消防救援大队", "support"), ("各街道", "support")]),
    ("责任单位：县应急局、县公安局", [("县应急局", "responsible"), ("县公安局", "responsible")]),
    ("排查结果向企业所在乡镇通报。", []),
    ("县派出所在节假日开展治安检查。", [("县派出所", "responsible")]),
]


@pytest.mark.parametrize("text,expected", LIST_ROLES)
def test_a_role_word_closing_a_list_in_a_label_block(text, expected):
    assert [(s.text, s.role) for s in extract(text)] == expected


# --- w16 forms: people's roles ending in 员, 责任人 lists of posts and persons, objects of 提请/报请/移交/移送, 每旬 ---------

PERSONS = [(ex["text"], [tuple(x) for x in ex["expect"]]) for ex in _DATA["person_examples"]] + [
    # a post and its person after a ；of the same 责任人 list; a title holding another (乡长 / 副乡长) is another name
    ("责任人：县长 刘某；常务副县长 陈某", [("县长 刘某", "responsible"), ("常务副县长 陈某", "responsible")]),
    ("责任领导：区长、分管副区长", [("区长", "responsible"), ("分管副区长", "responsible")]),
    # a unit and a person of it are two actors
    ("乡派出所要加强巡逻。责任人：乡派出所所长 周某", [("乡派出所", "responsible"), ("乡派出所所长 周某", "responsible")]),
    # a ； before a sentence ends the list
    ("责任人：乡长 王某；各村要加强巡查。", [("乡长 王某", "responsible"), ("各村", "responsible")]),
    # 每旬 between the subject and its verb, like 每月
    ("乡安监站每旬汇总全乡隐患台账。", [("乡安监站", "responsible")]),
]
PERSON_TRAPS = _DATA["person_traps"] + _DATA["object_verb_traps"] + [
    "由县长任组长，分管副县长任副组长。",  # members of a leading group (§4)
    "对逾期未整改的，报请区人民政府予以关闭。",
    "对拒不整改的，提请区级行业主管部门依法查处。",
    "涉嫌犯罪的，依法移送区公安分局。",
]


@pytest.mark.parametrize("text,expected", PERSONS)
def test_people_and_posts(text, expected):
    assert [(s.text, s.role) for s in extract(text)] == expected


@pytest.mark.parametrize("text", PERSON_TRAPS)
def test_people_and_objects_traps(text):
    assert [s.text for s in extract(text)] == []


def test_inherited_names_are_not_listed_twice_in_one_role():
    """ANNOTATION.md §4: a name the clause names itself and inherits from its heading's role block is listed once."""
    from extract.model import Clause
    from extract.pipeline import extract_clause

    c = Clause(id="c1", path=["三", "（二）", "1"], marker="1", text="乡综合执法队要实行挂牌督办。", start=0, end=0,
               inherited="责任人：乡长 王某；分管副乡长 赵某\n责任单位：乡应急办、乡综合执法队")
    extract_clause(c)
    assert [(s.text, s.role) for s in c.departments] == [
        ("乡综合执法队", "responsible"), ("乡长 王某", "responsible"), ("分管副乡长 赵某", "responsible"),
        ("乡应急办", "responsible")]
