"""Deadline forms of ANNOTATION.md §2 and §4, one row per form, the traps included."""
from __future__ import annotations

import pytest

from extract.extractors.deadlines import extract

CASES = [
    ("2024年6月底前完成排查", [("2024年6月底前", None, "2024-06-30", False)]),
    ("2024年6月底，全面完成", [("2024年6月底", None, "2024-06-30", False)]),
    ("2024年底前建成", [("2024年底前", None, "2024-12-31", False)]),
    ("2024年年底前建成", [("2024年年底前", None, "2024-12-31", False)]),
    ("2023年5月20日前完成部署", [("2023年5月20日前", None, "2023-05-20", False)]),
    ("2025年前基本建成", [("2025年前", None, "2025-12-31", False)]),
    ("2025年之前完成", [("2025年之前", None, "2025-12-31", False)]),
    ("2024年，健全并落实全员安全生产责任制", [("2024年", "2024-01-01", "2024-12-31", False)]),
    ("2025年基本建成监测预警系统", [("2025年", "2025-01-01", "2025-12-31", False)]),
    ("2024年起，排查出的重大事故隐患纳入清单", [("2024年起", "2024-01-01", None, False)]),
    ("从2024年起，每年组织培训", [("从2024年起", "2024-01-01", None, False)]),
    ("动员部署阶段（2024年3月至6月）", [("2024年3月至6月", "2024-03-01", "2024-06-30", False)]),
    ("从2024年2月至2026年12月，分四个阶段进行", [("2024年2月至2026年12月", "2024-02-01", "2026-12-31", False)]),
    ("2025—2026年，持续巩固深化", [("2025—2026年", "2025-01-01", "2026-12-31", False)]),
    ("2025年至2026年，持续推进", [("2025年至2026年", "2025-01-01", "2026-12-31", False)]),
    ("完成时限：长期坚持", [("长期坚持", None, None, True)]),
    ("完成时限：每年任务并长期坚持", [("长期坚持", None, None, True)]),
    ("二〇二四年六月底前完成", [("二〇二四年六月底前", None, "2024-06-30", False)]),
    ("２０２４年６月底前完成", [("２０２４年６月底前", None, "2024-06-30", False)]),
    ("建章立制（2023年12月）", [("2023年12月", "2023-12-01", "2023-12-31", False)]),
    ("动员部署(2024年一季度)", [("2024年一季度", None, "2024-03-31", False)]),
    ("2024年4月底前制定教育培训计划,2026年底前实现教育培训全覆盖,并长期坚持",
     [("2024年4月底前", None, "2024-04-30", False), ("2026年底前", None, "2026-12-31", False),
      ("长期坚持", None, None, True)]),
]

TRAPS = [
    "基本消除2023年及以前排查发现的重大事故隐患存量",  # scoping date
    "总结重大事故隐患专项排查整治2023行动经验做法",  # a campaign's name
    "落实《安全应急装备重点领域发展行动计划（2023—2025年）》",  # a title's period
    "安全生产治本攻坚三年行动方案（2024—2026年）",  # the plan's own period
    "每月27日前报送进展情况",  # recurring: a frequency
    "每年6月20日、12月20日前报送",  # recurring: a frequency
    "每年10月至次年4月为森林防火期",  # a recurring season
    "三年内完成",  # too vague
    "对2021年以来危险化学品建设项目开展复核",  # scoping
    "在2023年工作基础上持续开展",  # scoping
    "纳入2024年“铁拳”行动重点打击",  # naming a campaign
    "长期存在的重大事故隐患",  # not a 完成时限
    "2023年度部级专家指导服务",  # naming
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:14] for c in CASES])
def test_deadline_forms(text, expected):
    got = [(s.text, s.attrs["start"], s.attrs["end"], s.attrs["ongoing"]) for s in extract(text)]
    assert got == expected


@pytest.mark.parametrize("text", TRAPS)
def test_traps_are_not_deadlines(text):
    assert extract(text) == []


@pytest.mark.parametrize("text", ["完成时限:12月31日", "3月25日前报送", "6月底前完成"])
def test_dates_without_a_year_are_optional(text):
    (s,) = extract(text)
    assert s.attrs["optional"] is True and s.attrs["end"] is None


def test_offsets():
    text = "各单位要在2024年6月底前完成。"
    (s,) = extract(text)
    assert text[s.start:s.end] == s.text
