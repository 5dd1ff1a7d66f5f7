"""Responsible departments: label blocks, 牵头/配合, 由…负责, subjects of 要/应 sentences, and the traps."""
from __future__ import annotations

import pytest
import yaml

from conftest import ROOT
from extract.extractors.departments import extract, normalize_name

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


@pytest.mark.parametrize("text,expected", CASES)
def test_department_cases(text, expected):
    got = [(s.text, s.attrs["role"]) for s in extract(text)]
    assert got == expected


def test_offsets_point_into_text():
    text = "由委政工人事处牵头，机关党委配合。"
    for s in extract(text):
        assert text[s.start:s.end] == s.text


@pytest.mark.parametrize("name,norm", [("各级卫生健康委", "卫生健康委"), ("有关科室", "科室"), ("相关企业", "企业"),
                                       ("区应急管理厅", "区应急管理厅")])
def test_normalized_name(name, norm):
    assert normalize_name(name) == norm


def test_rules_data_examples():
    data = yaml.safe_load((ROOT / "extract" / "rules" / "departments.yaml").read_text(encoding="utf-8"))
    for ex in data["examples"]:
        assert [[s.text, s.attrs["role"]] for s in extract(ex["text"])] == ex["expect"], ex["text"]
    for ex in data["counter_examples"]:
        assert extract(ex["text"]) == [], ex["text"]
