"""OCR confusables corrected against the domain lexicon (issue 16), only where the correction is unique."""
from __future__ import annotations

import pytest

from extract.readers.ocr_lexicon import correct
from extract.rules import load

DATA = load("ocr_lexicon.yaml")

CASES = [(a, b) for a, b in DATA["examples"]] + [
    ("安全主产责任制", "安全生产责任制"),
    ("县消防救援人队", "县消防救援人队"),  # 人/大 is no confusable pair of the data: left alone
    ("重庆市万州区铁峰乡人民政府", "重庆市万州区铁峰乡人民政府"),  # a unit name is not lengthened (乡镇人民政府)
    ("2024—2025年", "2024—2025年"),  # another year span is no misreading of 2024—2026
    ("（2074—2026年）", "（2024—2026年）"),
]


@pytest.mark.parametrize("text,fixed", CASES)
def test_correction(text, fixed):
    assert correct(text) == fixed


@pytest.mark.parametrize("text", DATA["traps"])
def test_real_words_stay(text):
    assert correct(text) == text


def test_every_phrase_is_left_alone_and_a_confusable_of_it_corrected():
    pairs = {a: b for a, b in DATA["confusables"]} | {b: a for a, b in DATA["confusables"]}
    for phrase in DATA["phrases"]:
        if len(phrase) < 5:
            continue
        assert correct(phrase) == phrase
        k = next((i for i, ch in enumerate(phrase) if ch in pairs and i > 0), None)
        if k is not None:
            misread = phrase[:k] + str(pairs[phrase[k]]) + phrase[k + 1:]
            assert correct(misread) == phrase, misread


def test_a_run_two_phrases_could_claim_is_left_alone(monkeypatch):
    """Uniqueness: 届 is read for 局 and for 厅 alike here, so 应急管理届 could be either unit; nothing is changed.
    With one of the two phrases gone the same run is corrected."""
    from extract.readers import ocr_lexicon

    pairs = frozenset({frozenset("局届"), frozenset("厅届")})
    both = (["应急管理局", "应急管理厅"], pairs, frozenset(), frozenset())
    monkeypatch.setattr(ocr_lexicon, "_lexicon", lambda: both)
    assert correct("县应急管理届要加强督导") == "县应急管理届要加强督导"
    one = (["应急管理局"], pairs, frozenset(), frozenset())
    monkeypatch.setattr(ocr_lexicon, "_lexicon", lambda: one)
    assert correct("县应急管理届要加强督导") == "县应急管理局要加强督导"
