"""Quantitative targets: value, unit, comparison."""
from __future__ import annotations

import pytest

from extract.extractors.targets import extract

CASES = [
    ("高危行业在岗和新入职人员培训考核合格率达到100%", [(100.0, "%", ">=")]),
    ("民爆销售企业二级标准化达标率达到100%", [(100.0, "%", ">=")]),
    ("占比达到40%", [(40.0, "%", ">=")]),
    ("危险作业岗位人员不大于3人", [(3.0, "人", "<=")]),
    ("覆盖率不低于90%", [(90.0, "%", ">=")]),
    ("行政执法装备达标率100%", [(100.0, "%", "=")]),
    ("培训50人以上", [(50.0, "人", ">=")]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_targets(text, expected):
    assert [(s.attrs["value"], s.attrs["unit"], s.attrs["comparison"]) for s in extract(text)] == expected


@pytest.mark.parametrize("text", ["每年开展1次", "探索5G通信", "2024年底前", "分四个阶段进行"])
def test_not_targets(text):
    assert extract(text) == []
