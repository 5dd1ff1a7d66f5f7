"""Quantitative targets: value, unit and comparison, one row per form, the traps included."""
from __future__ import annotations

import pytest

from extract.extractors.targets import extract

# (clause text, [(value, unit, comparison), ...])
CASES = [
    ("高危行业在岗和新入职人员培训考核合格率达到100%", [(100.0, "%", ">=")]),
    ("民爆销售企业二级标准化达标率达到100%", [(100.0, "%", ">=")]),
    ("占比达到40%", [(40.0, "%", ">=")]),
    ("占比达到４０％", [(40.0, "%", ">=")]),
    ("摩托车骑乘人员头盔佩戴率分别达90%", [(90.0, "%", ">=")]),
    ("危险作业岗位现场操作人员不大于3人", [(3.0, "人", "<=")]),
    ("覆盖率不低于90%", [(90.0, "%", ">=")]),
    ("地方国有粮食储备企事业不低于50%", [(50.0, "%", ">=")]),
    ("开展检查不少于三次", [(3.0, "次", ">=")]),
    ("行政执法装备达标率100%", [(100.0, "%", "=")]),
    ("覆盖率100%", [(100.0, "%", "=")]),
    ("大中型非煤矿山占比达到20%以上", [(20.0, "%", ">=")]),
    ("达到安全生产标准化二级的占比80%以上", [(80.0, "%", ">=")]),
    ("培训50人以上", [(50.0, "人", ">=")]),
    ("误报率控制在5%以内", [(5.0, "%", "<=")]),
    ("采掘工程承包单位数量不得超过2家", [(2.0, "家", "<=")]),
    ("同一风险作业面最大人数不超过6人的要求", [(6.0, "人", "<=")]),
    ("矿山井下人员减少10%以上", [(10.0, "%", ">=")]),
    ("事故死亡人数相比“十三五”期下降12%", [(12.0, "%", "=")]),
    ("高速公路、普通国省道的应用率分别达到95%、85%", [(95.0, "%", ">="), (85.0, "%", ">=")]),
    ("确保所属车辆100%接入车辆管理系统、100%上线运行", [(100.0, "%", "="), (100.0, "%", "=")]),
    ("组织开展辖区内不少于三分之一的体育场馆检查", [(33.33, "%", ">=")]),
    ("抽查不少于三成", [(30.0, "%", ">=")]),
]

TRAPS = [
    "每年开展1次", "每年开展不少于2次专项检查", "局领导带队检查不少于1次/季度",  # frequencies own these
    "探索5G通信", "2024年底前", "分四个阶段进行", "分为3个阶段",
    "每个村民小组配置1名网格员",  # a bare count
    "指导从业人员30人以下的小微企业制定应急预案",  # scoping a noun
    "预计参加人数达到1000人以上的展会",  # scoping a noun
    "对建成10年以上的工业炸药生产线开展评估",  # scoping, and 年 is no unit
    "不得有4个以上生产水平同时作业",  # a prohibition's limit
    "矿体分属2个以上不同开采主体",  # describing a noun
    "达到安全生产标准化二级以上水平",  # a grade, not a quantity
    "全面建成监测预警体系",
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:14] for c in CASES])
def test_targets(text, expected):
    assert [(s.value, s.unit, s.comparison) for s in extract(text)] == expected


@pytest.mark.parametrize("text", TRAPS)
def test_not_targets(text):
    assert extract(text) == []


def test_change_targets_carry_their_direction():
    (down,) = extract("较2023年下降8%")
    (up,) = extract("覆盖率提高5个百分点")
    assert down.change == "decrease" and up.change == "increase"
    assert up.unit == "个百分点"


def test_offsets_point_into_the_original_text():
    text = "考核合格率达到１００％，持证率100%。"
    spans = extract(text)
    assert [text[s.span.start:s.span.end] for s in spans] == [s.text for s in spans] == ["达到１００％", "100%"]
