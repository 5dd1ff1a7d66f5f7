"""Frequency forms of ANNOTATION.md §2 and §4, compared by period, count and at_least; the traps included."""
from __future__ import annotations

import pytest

from extract.extractors.frequencies import extract
from extract.model import PER_YEAR

# (clause text, [(period, count, at_least), ...])
CASES = [
    ("每月至少1次", [("month", 1, True)]),
    ("每月至少一次", [("month", 1, True)]),
    ("每周1次", [("week", 1, False)]),
    ("每周１次", [("week", 1, False)]),
    ("每日开展一次巡查", [("day", 1, False)]),
    ("每半年至少组织一次疏散逃生演练", [("half_year", 1, True)]),
    ("每季度报送一次", [("quarter", 1, False)]),
    ("每年至少开展2次", [("year", 2, True)]),
    ("每年开展不少于两次专项检查", [("year", 2, True)]),
    ("每年至少开展2次以上体育培训场所检查", [("year", 2, True)]),
    ("至少每季度开展1次", [("quarter", 1, True)]),
    ("每年6月20日、12月20日前报送", [("year", 2, False)]),
    ("每年度3月、6月、9月、12月28日前报送", [("year", 4, False)]),
    ("每季度第一个月的8日前报送", [("quarter", 1, False)]),
    ("每月27日前报送进展", [("month", 1, False)]),
    ("班组日排查、部门周排查、厂长月排查", [("day", 1, False), ("week", 1, False), ("month", 1, False)]),
    ("严格落实“日周月”隐患排查制度", [("day", 1, False), ("week", 1, False), ("month", 1, False)]),
    ("健全“日管控、周排查、月调度”工作机制", [("day", 1, False), ("week", 1, False), ("month", 1, False)]),
    ("每季度……至少开展1次检查（高危行业领域每月至少1次）", [("quarter", 1, True), ("month", 1, True)]),
    ("生产经营单位每年至少组织开展1次疏散逃生演练（高危行业领域每半年至少1次）",
     [("year", 1, True), ("half_year", 1, True)]),
    ("每年(高危领域每半年)至少组织开展一次", [("year", 1, True), ("half_year", 1, True)]),
    ("每半月调度一次", [("month", 2, False)]),
    ("一年两次", [("year", 2, False)]),
    ("局领导带队检查不少于1次/季度，局属各单位检查不少于1次/月",
     [("quarter", 1, True), ("month", 1, True)]),
    ("全年厅安委办牵头的安全生产督导不少于4次", [("year", 4, True)]),
    ("以季度为周期滚动更新台账", [("quarter", 1, False)]),
    ("逐年进行边坡稳定性分析", [("year", 1, False)]),
    ("建立月通报制度", [("month", 1, False)]),
    ("每年确定1-2个重点县(区)", [("year", 1, False)]),  # objects, not times
    ("每周放学前5分钟", [("week", 1, False)]),  # minutes are not a count
    ("实行工作情况季度报送机制，各单位于每季度5日前报送上季度工作情况；每年12月10日前报送全年工作总结",
     [("quarter", 1, False), ("year", 1, False)]),  # one reporting cycle written twice counts once
    ("各单位于每季度5日前报送工作进展，形成季度报送机制", [("quarter", 1, False)]),  # the same, named after
    # 月排查 and a later 每月 of another activity (带队检查) are two frequencies; “日周月” is then not a fourth set
    ("严格落实班组日排查、部门周排查、厂长月排查的“日周月”隐患排查制度，主要负责人每月带队对本单位重大事故隐患排查整治情况检查至少1次",
     [("day", 1, False), ("week", 1, False), ("month", 1, False), ("month", 1, True)]),
    # one “日周月” mechanism named three times is one set of three
    ("建立健全“日周月”隐患排查机制，科学制定“日周月”隐患排查清单，严格开展“日周月”隐患排查",
     [("day", 1, False), ("week", 1, False), ("month", 1, False)]),
    ("每季度5日前报送，年底开展季度检查", [("quarter", 1, False), ("quarter", 1, False)]),  # two activities
    ("每月听取特种设备安全情况汇报，健全“日管控、周排查、月调度”机制",
     [("month", 1, False), ("day", 1, False), ("week", 1, False), ("month", 1, False)]),
    # issue 16: a frequency phrase split from its verb by a clause boundary
    ("每季度，由县安委办牵头至少组织2次联合检查", [("quarter", 2, True)]),
    ("每月，镇安全生产办公室组织1次消防安全检查", [("month", 1, False)]),
    ("按季度，对各乡镇工作推进情况进行通报", [("quarter", 1, False)]),
    ("按月向县安委办报送工作进展", [("month", 1, False)]),
    ("按月定期调度工作进展，按季度定期召开联席会议", [("month", 1, False), ("quarter", 1, False)]),
    ("每年每个乡镇至少开展2次演练", [("year", 2, True)]),  # 每个乡镇: a 每 of a thing
    # a meeting or a check named by its period
    ("通过季度HSE委员会分析安全生产形势", [("quarter", 1, False)]),
    ("将工作开展情况纳入月度HSE考核内容", [("month", 1, False)]),
    ("科学开展铁路专用设备许可企业年度检查", [("year", 1, False)]),
    ("每月召开调度会，形成月度调度会纪要", [("month", 1, False)]),  # the same cycle said twice
    # recurring events listed after 每年: one a year each (like 每年6月20日、12月20日前)
    ("每年春耕前、夏收前组织农机驾驶人培训", [("year", 2, False)]),
    ("每年春节、国庆期间开展联合检查", [("year", 2, False)]),
    ("每年主汛期前、供暖季前、旅游旺季前开展隐患排查", [("year", 3, False)]),
    ("每年元旦、中秋前各开展1次检查", [("year", 2, False)]),
    ("每年防火期前开展一次巡查", [("year", 1, False)]),  # one event: once a year
    # 旬: ten days, three a month (like 每半月 = month×2)
    ("每旬开展一次消防巡查", [("month", 3, False)]),
    ("站所每旬汇总一次台账", [("month", 3, False)]),
    ("社区每旬报送隐患台账", [("month", 3, False)]),
]

TRAPS = [
    "定期组织分析研判", "经常性开展检查", "不定期抽查", "实行24小时值守", "随时报告", "常态化开展隐患排查",
    "月度调度表", "年度培训计划", "制定全年安全培训计划",
    "每两年开展一次评估",  # no whole count per period: left out on purpose
    "完善并落实每一名从业人员的安全生产岗位责任", "每个村民小组配置1名网格员", "做到每辆车检查到位",
    "发现问题当日报告县交通运输局", "对一年内发生2起一般及以上事故的企业",
    # issue 16: planning by period without a count, and 年度 naming the year's work
    "分批次推进老旧管网改造", "分阶段组织实施", "分年度制定攻坚清单", "纳入年度考核", "报送年度工作总结",
    "科学编制年度监督检查计划", "按年度目标任务开展检查",
    "春耕前、夏收前完成农机检查",  # no 每年: two dates of this year, not a recurrence
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:14] for c in CASES])
def test_frequency_forms(text, expected):
    assert [(s.period, s.count, s.at_least) for s in extract(text)] == expected


@pytest.mark.parametrize("text", TRAPS)
def test_not_frequencies(text):
    assert extract(text) == []


def test_yearly_rate_equivalence():
    (a,) = extract("每年2次")
    (b,) = extract("每半年1次")
    rate = lambda s: PER_YEAR[s.period] * s.count  # noqa: E731
    assert rate(a) == rate(b) == 2


def test_spelled_out_and_named_daily_weekly_monthly_count_once():
    text = "严格落实班组日排查、部门周排查、厂长月排查的“日周月”隐患排查制度"
    assert [s.period for s in extract(text)] == ["day", "week", "month"]


def test_span_text_and_offsets():
    text = "企业主要负责人每季度带队对本单位重大事故隐患排查整治情况至少开展1次检查。"
    (s,) = extract(text)
    assert s.text == "每季度带队对本单位重大事故隐患排查整治情况至少开展1次" == text[s.span.start:s.span.end]
