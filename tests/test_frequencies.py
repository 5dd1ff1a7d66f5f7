"""Frequency forms of ANNOTATION.md §2, compared by period, count and at_least; the traps included."""
from __future__ import annotations

import pytest

from extract.extractors.frequencies import extract
from extract.model import PER_YEAR

CASES = [
    ("每月至少1次", [("month", 1, True)]),
    ("每月至少一次", [("month", 1, True)]),
    ("每周1次", [("week", 1, False)]),
    ("每半年至少组织一次疏散逃生演练", [("half_year", 1, True)]),
    ("每季度报送一次", [("quarter", 1, False)]),
    ("每年至少开展2次", [("year", 2, True)]),
    ("每年开展不少于两次专项检查", [("year", 2, True)]),
    ("每年6月20日、12月20日前报送", [("year", 2, False)]),
    ("每年度3月、6月、9月、12月28日前报送", [("year", 4, False)]),
    ("每季度第一个月的8日前报送", [("quarter", 1, False)]),
    ("每月27日前报送进展", [("month", 1, False)]),
    ("班组日排查、部门周排查、厂长月排查", [("day", 1, False), ("week", 1, False), ("month", 1, False)]),
    ("严格落实“日周月”隐患排查制度", [("day", 1, False), ("week", 1, False), ("month", 1, False)]),
    ("每季度……至少开展1次检查（高危行业领域每月至少1次）", [("quarter", 1, True), ("month", 1, True)]),
    ("生产经营单位每年至少组织开展1次疏散逃生演练（高危行业领域每半年至少1次）", [("year", 1, True), ("half_year", 1, True)]),
    ("每半月调度一次", [("month", 2, False)]),
    ("每年确定1-2个重点县(区)", [("year", 1, False)]),
]

TRAPS = ["定期组织分析研判", "经常性开展检查", "不定期抽查", "实行24小时值守", "随时报告", "常态化开展隐患排查",
         "月度调度表", "年度培训计划"]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:12] for c in CASES])
def test_frequency_forms(text, expected):
    assert [(s.attrs["period"], s.attrs["count"], s.attrs["at_least"]) for s in extract(text)] == expected


@pytest.mark.parametrize("text", TRAPS)
def test_not_frequencies(text):
    assert extract(text) == []


def test_yearly_rate_equivalence():
    (a,) = extract("每年2次")
    (b,) = extract("每半年1次")
    rate = lambda s: PER_YEAR[s.attrs["period"]] * s.attrs["count"]  # noqa: E731
    assert rate(a) == rate(b)


def test_spelled_out_and_named_daily_weekly_monthly_count_once():
    text = "严格落实班组日排查、部门周排查、厂长月排查的“日周月”隐患排查制度"
    assert [s.attrs["period"] for s in extract(text)] == ["day", "week", "month"]
