"""Every list-marker form of rules/markers.yaml, its examples and traps, and path normalization."""
from __future__ import annotations

import pytest

from extract.rules.markers import FORMS, match_marker

EXAMPLES = [(f.name, ex) for f in FORMS for ex in f.examples]
COUNTER = [(f.name, ex) for f in FORMS for ex in f.counter_examples]


@pytest.mark.parametrize("form,text", EXAMPLES)
def test_examples_match_their_form(form, text):
    m = match_marker(text)
    assert m is not None and m[0] == form


@pytest.mark.parametrize("form,text", COUNTER)
def test_counter_examples_do_not_match_that_form(form, text):
    m = match_marker(text)
    assert m is None or m[0] != form


@pytest.mark.parametrize("text,marker", [
    ("一、工作目标", "一"), ("二．主要任务", "二"), ("（一）坚持第一议题制度", "（一）"), ("(二)压实责任", "（二）"),
    ("1.开展", "1"), ("1．开展", "1"), ("12、加强", "12"), ("3. 健全", "3"), ("（1）建立台账", "（1）"),
    ("(2)开展检查", "（2）"), ("①加强宣传", "①"), ("第一章 总则", "第一章"), ("第三条 本方案", "第三条"),
    # an arabic marker directly before a year (issue 16): the year is the item's first word, not a decimal
    ("1.2024年6月底前完成排查", "1"), ("2．2025年底前建成", "2"), ("3.2024—2026年，持续开展", "3"),
    ("4.2024-2026年持续开展", "4"),
])
def test_markers_normalize_to_full_width_path_form(text, marker):
    assert match_marker(text)[1] == marker


@pytest.mark.parametrize("text", ["2024年6月底前完成", "5G通信", "1.5万元", "一是加强领导", "100%覆盖", "12",
                                  "2.20%的企业完成改造", "3.2万家企业", "1.2024", "2023.6.30前完成"])
def test_non_markers(text):
    assert match_marker(text) is None
