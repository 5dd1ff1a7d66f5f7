"""Deadline forms of ANNOTATION.md §2 and §4, one row per form, the traps included."""
from __future__ import annotations

import pytest

from extract.extractors.deadlines import extract

# (clause text, [(span text, start, end, ongoing), ...])
CASES = [
    ("2024年6月底前完成排查", [("2024年6月底前", None, "2024-06-30", False)]),
    ("2024年6月底，全面完成", [("2024年6月底", None, "2024-06-30", False)]),
    ("2024年底前建成", [("2024年底前", None, "2024-12-31", False)]),
    ("2025年内完成改造", [("2025年", "2025-01-01", "2025-12-31", False)]),  # kept beside the year-and-event trap
    ("2024年年底前建成", [("2024年年底前", None, "2024-12-31", False)]),
    ("2023年5月20日前完成部署", [("2023年5月20日前", None, "2023-05-20", False)]),
    ("2025年前基本建成", [("2025年前", None, "2025-12-31", False)]),
    ("2025年之前完成", [("2025年之前", None, "2025-12-31", False)]),
    ("在2025年年前制订判定标准", [("2025年年前", None, "2025-12-31", False)]),
    ("2024年，健全并落实全员安全生产责任制", [("2024年", "2024-01-01", "2024-12-31", False)]),
    ("2025年基本建成监测预警系统", [("2025年", "2025-01-01", "2025-12-31", False)]),
    # 占比 is a share, not a comparison (比2023年): the year after it is the time of the target
    ("企业演练占比2024年达到40%、2025年达到50%", [("2024年", "2024-01-01", "2024-12-31", False),
                                         ("2025年", "2025-01-01", "2025-12-31", False)]),
    ("2024年提升、2025年强化", [("2024年", "2024-01-01", "2024-12-31", False),
                             ("2025年", "2025-01-01", "2025-12-31", False)]),
    ("2024年起，排查出的重大事故隐患纳入清单", [("2024年起", "2024-01-01", None, False)]),
    ("从2024年起，每年组织培训", [("从2024年起", "2024-01-01", None, False)]),
    ("自2024年4月1日起，实行季度报送机制", [("2024年4月1日起", "2024-04-01", None, False)]),
    ("动员部署阶段（2024年3月至6月）", [("2024年3月至6月", "2024-03-01", "2024-06-30", False)]),
    ("动员部署阶段（2024年4月至12月）", [("2024年4月至12月", "2024-04-01", "2024-12-31", False)]),
    ("从2024年2月至2026年12月，分四个阶段进行", [("2024年2月至2026年12月", "2024-02-01", "2026-12-31", False)]),
    ("攻坚阶段(2024年5月-2025年12月)", [("2024年5月-2025年12月", "2024-05-01", "2025-12-31", False)]),
    ("2025—2026年，持续巩固深化", [("2025—2026年", "2025-01-01", "2026-12-31", False)]),
    ("2025–2026年持续巩固", [("2025–2026年", "2025-01-01", "2026-12-31", False)]),
    ("2025～2026年持续巩固", [("2025～2026年", "2025-01-01", "2026-12-31", False)]),
    ("2025年至2026年，持续推进", [("2025年至2026年", "2025-01-01", "2026-12-31", False)]),
    ("2025到2026年持续推进", [("2025到2026年", "2025-01-01", "2026-12-31", False)]),
    ("总结提升阶段(2026年全年)", [("2026年全年", "2026-01-01", "2026-12-31", False)]),
    ("完成时限：长期坚持", [("长期坚持", None, None, True)]),
    ("完成时限：长期", [("长期", None, None, True)]),
    ("完成时限：每年任务并长期坚持", [("长期坚持", None, None, True)]),
    ("（完成时间：2026；责任科室：信息产业科）", [("2026", "2026-01-01", "2026-12-31", False)]),
    ("二〇二四年六月底前完成", [("二〇二四年六月底前", None, "2024-06-30", False)]),
    ("二〇二五年十二月三十一日前完成", [("二〇二五年十二月三十一日前", None, "2025-12-31", False)]),
    ("２０２４年６月底前完成", [("２０２４年６月底前", None, "2024-06-30", False)]),
    ("2026 年底前,摩托车骑乘人员头盔佩戴率达到95%", [("2026 年底前", None, "2026-12-31", False)]),
    ("建章立制（2023年12月）", [("2023年12月", "2023-12-01", "2023-12-31", False)]),
    ("2024年6月中旬前报送", [("2024年6月中旬前", None, "2024-06-20", False)]),
    ("动员部署(2024年一季度)", [("2024年一季度", "2024-01-01", "2024-03-31", False)]),
    ("2024年第二季度末前完成", [("2024年第二季度末前", None, "2024-06-30", False)]),
    ("2024年上半年完成", [("2024年上半年", "2024-01-01", "2024-06-30", False)]),
    ("力争到2026年，现有小型矿山总数减少10%", [("到2026年", None, "2026-12-31", False)]),
    ("到2026年底前，应用率分别达到95%、85%", [("到2026年底前", None, "2026-12-31", False)]),
    ("2024年3月1日至6月30日开展专项检查", [("2024年3月1日至6月30日", "2024-03-01", "2024-06-30", False)]),
    ("2024年4月底前制定教育培训计划,2026年底前实现教育培训全覆盖,并长期坚持",
     [("2024年4月底前", None, "2024-04-30", False), ("2026年底前", None, "2026-12-31", False),
      ("长期坚持", None, None, True)]),
    ("2024年底前基本消除2023年及以前排查发现的重大事故隐患存量",
     [("2024年底前", None, "2024-12-31", False)]),
    ("专项行动进展情况分别于2024年4月20日、2025年12月20日报送",
     [("2024年4月20日", None, "2024-04-20", False), ("2025年12月20日", None, "2025-12-20", False)]),
]

TRAPS = [
    # a year and a recurring event before 前: a day of that year the text does not give, not the whole year
    "2025年春耕前完成农机安全检查",
    "2024年主汛期前完成河道清障",
    "2026年供暖季来临前完成燃气管网改造",
    "基本消除2023年及以前排查发现的重大事故隐患存量",  # scoping date
    "对2023年5月以来发现的隐患开展复核",  # scoping, with a month
    "截至2023年底的存量隐患全部整改",  # scoping: 的 after the date
    "总结重大事故隐患专项排查整治2023行动经验做法",  # a campaign's name
    "重大事故隐患专项排查整治2023年行动经验做法",  # a campaign's name with 年
    "落实《安全应急装备重点领域发展行动计划（2023—2025年）》",  # a title's period inside 《》
    "安全生产治本攻坚三年行动方案（2024—2026年）",  # the plan's own period
    "按照《重庆市经济信息系统安全生产治本攻坚三年行动方案》（2024－2026年）要求",  # the period after 》
    "《2023年西藏自治区民爆生产企业安全检查表》",  # a year inside a title
    "每月27日前报送进展情况",  # recurring: a frequency
    "每年6月20日、12月20日前报送",  # recurring: a frequency
    "每年度3月、6月、9月、12月28日前报送",  # recurring: a frequency
    "每年年底前报送工作总结",  # recurring: a frequency
    "每年10月至次年4月为森林防火期",  # a recurring season
    "三年内完成",  # too vague
    "对2021年以来危险化学品建设项目开展复核",  # scoping
    "在2023年工作基础上持续开展",  # scoping
    "纳入2024年“铁拳”行动重点打击",  # naming a campaign
    "中石油拉萨铁路接卸库2024年度部级专家指导服务",  # naming
    "长期存在的重大事故隐患",  # not a 完成时限
    "建立长期有效的工作机制",  # not a 完成时限
    "西藏自治区安全生产委员会办公室 2024年4月8日印发",  # the document's own date
    "事故死亡人数相比2023年末下降8%",  # a baseline of a target
    "执行《危险化学品企业特殊作业安全规范》(GB30871-2022)",  # a standard's year
    "（铁峰府发〔2024〕56号）",  # a document number
    "制定2024年突发环境事件风险隐患排查整治工作方案",  # the year names the document being made
    "编制2024—2026年安全生产专项规划",  # the same, a period
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:16] for c in CASES])
def test_deadline_forms(text, expected):
    got = [(s.text, s.start, s.end, s.ongoing) for s in extract(text)]
    assert got == expected


@pytest.mark.parametrize("text", TRAPS)
def test_traps_are_not_deadlines(text):
    assert extract(text) == []


@pytest.mark.parametrize("text,span", [("完成时限:12月31日", "12月31日"), ("3月25日前报送", "3月25日前"),
                                       ("6月底前完成", "6月底前"), ("年底前形成常态化机制", "年底前"),
                                       ("十二月三十一日前", "十二月三十一日前")])
def test_dates_without_a_year_are_optional_and_not_inferred(text, span):
    (s,) = extract(text)
    assert s.text == span
    assert s.optional is True and s.start is None and s.end is None


def test_offsets_point_into_the_original_text():
    text = "各单位要在２０２４年６月底前完成，2026年底前实现全覆盖。"
    spans = extract(text)
    assert [text[s.span.start:s.span.end] for s in spans] == [s.text for s in spans] == ["２０２４年６月底前", "2026年底前"]


def test_impossible_dates_are_dropped():
    assert extract("2024年13月底前") == []


# Issue 16: the forms county plans use. Each row: clause text, its deadlines (text, start, end) and its frequencies
# (period, count) — a recurring date or window is a frequency and never a deadline (ANNOTATION.md §2, §4).
RECURRING = [
    ("每年年底前报送年度工作总结。", [], [("year", 1)]),
    ("每年11月至次年3月开展供暖季燃气安全检查。", [], [("year", 1)]),
    ("每年6月15日、11月15日前将工作开展情况报送县安委办。", [], [("year", 2)]),
    ("于每年6月20日、12月20日前报送工作进展情况。", [], [("year", 2)]),
    ("每年3月底前报送上年度工作总结。", [], [("year", 1)]),
    ("每季度末前报送工作进展。", [], [("quarter", 1)]),
    ("每年的11月1日至次年3月31日为供暖期，加强燃气安全巡查。", [], [("year", 1)]),
    ("请于每年的6月20日、12月20日前报送工作进展。", [], [("year", 2)]),
    # ranges written as a start and an end are one range
    ("自2024年5月起，至2025年10月，开展城镇燃气安全专项整治。", [("自2024年5月起，至2025年10月", "2024-05-01", "2025-10-31")], []),
    ("从2024年起至2026年底，持续开展打非治违。", [("从2024年起至2026年底", "2024-01-01", "2026-12-31")], []),
    ("2024年3月15日起，至6月30日止，集中开展排查。", [("2024年3月15日起，至6月30日", "2024-03-15", "2024-06-30")], []),
    # a year that dates an object scopes it: no deadline (2025年前 before a verb of the task still is one)
    ("对2018年前建成的老旧燃气管网进行改造，2025年前全部完成。", [("2025年前", None, "2025-12-31")], []),
    ("2020年以前建设的老旧小区要加装消防设施。", [], []),
    # planning by period without a count is no frequency; a period with 定期 before the verb is one
    ("分批次推进改造，分阶段组织实施，分年度制定计划。", [], []),
    ("按月定期调度工作进展，按季度定期召开联席会议。", [], [("month", 1), ("quarter", 1)]),
]


@pytest.mark.parametrize("text,dls,freqs", RECURRING, ids=[c[0][:16] for c in RECURRING])
def test_recurring_windowed_and_range_forms(text, dls, freqs):
    from extract.extractors.frequencies import extract as frequencies

    assert [(s.text, s.start, s.end) for s in extract(text)] == dls
    assert [(s.period, s.count) for s in frequencies(text)] == freqs


PLAN_FROM_NOW = """某县安全生产专项整治实施方案

一、重点任务
1．开展燃气管道隐患排查。即日起至2024年12月，对全县燃气管道逐段开展排查。
2．完善应急预案。2025年6月底前完成修订。

某县应急管理局
2024年4月18日
"""


def test_a_range_from_now_starts_on_the_plans_date(tmp_path):
    from extract.api import process_file

    f = tmp_path / "plan.txt"
    f.write_text(PLAN_FROM_NOW, encoding="utf-8")
    doc = process_file(f)[0]
    assert doc.date == "2024-04-18"
    found = {(d.text, d.start, d.end) for c in doc.clauses for d in c.deadlines}
    assert ("即日起至2024年12月", "2024-04-18", "2024-12-31") in found
    assert ("2025年6月底前", None, "2025-06-30") in found  # a plain deadline keeps no start
    # the clause alone, without its plan, knows only the end
    assert [(d.start, d.end) for d in extract("即日起至2024年12月，开展评估。")] == [(None, "2024-12-31")]


def test_a_range_from_now_never_starts_after_its_end():
    from extract.extractors.deadlines import from_now

    found = extract("即日起至2024年3月，完成排查。")
    assert [(d.start, d.end) for d in from_now(found, "2024-04-18")] == [(None, "2024-03-31")]
    assert [(d.start, d.end) for d in from_now(found, "2024-02-01")] == [("2024-02-01", "2024-03-31")]
