"""Segmentation calls of the linker's word passes, counted: with the default word source each masked text is
segmented once per process, and with the "clause" source linking a classified plan segments nothing at all (it
reads the segmentation the classifier made)."""
from __future__ import annotations

import pytest
from conftest import CORPUS

from extract import words
from extract.api import link_documents
from extract.link import index
from extract.link.align import align
from extract.link.config import DEFAULT
from extract.link.index import ParentIndex, clause_word_counts, word_counts
from extract.link.report import task_clauses
from extract.pipeline import process_file

CHILD = CORPUS / "links" / "derived" / "d01_zc003.txt"
PARENT = CORPUS / "003_c1a48ebb466ecfa9.txt"


@pytest.fixture(scope="module")
def plans():
    return process_file(CHILD, ocr=False), process_file(PARENT, ocr=False)


def _calls(fn) -> int:
    before = words.Counter.calls
    fn()
    return words.Counter.calls - before


def test_the_masked_word_source_segments_each_text_once(plans):
    child, parent = plans
    words.cut.cache_clear()  # texts other tests linked before are segmented again
    first = _calls(lambda: link_documents(child, parent))
    assert first > 0
    assert _calls(lambda: link_documents(child, parent)) == 0


def test_the_clause_word_source_segments_nothing_after_classification(monkeypatch):
    child, parent = process_file(CHILD, ocr=False), process_file(PARENT, ocr=False)  # classified just now
    kids, parents = task_clauses(child, False), task_clauses(parent, False)
    read = []
    counter = index.COUNTERS["clause"]
    monkeypatch.setitem(index.COUNTERS, "clause", lambda text, of_title: read.append(text) or counter(text, of_title))
    calls = _calls(lambda: align(kids, ParentIndex(parents), DEFAULT.with_(words="clause")))
    assert len(read) > len(parents)  # the word passes read the words of child clauses as well as the parent's
    assert calls == 0


@pytest.mark.parametrize("text", ["加强组织领导。各级部门要提高政治站位，成立领导小组。", "强化宣传力度：开展安全生产月活动",
                                  "没有标题的一句话，只有逗号"])
def test_title_words_from_the_clause_segmentation_are_the_head_segmented_alone(text):
    head = text.split("。")[0].split("：")[0]
    if head == text:
        assert clause_word_counts(text, len(head)) == clause_word_counts(text)
    else:
        assert clause_word_counts(text, len(head)) == clause_word_counts(head)


def test_masked_word_counts_leave_out_level_words_numbers_and_stop_words():
    got = word_counts("全县2024年开展安全生产大检查，落实企业主体责任")
    assert got and all(len(w) >= 2 for w in got)
    assert not any(ch.isdigit() for w in got for ch in w)
    assert "安全生产" not in got and "开展" not in got
