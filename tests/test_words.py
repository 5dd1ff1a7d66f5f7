"""Tokenize once: every text is handed to jieba at most once per process, whoever needs its words (the
classifiers, the section titles, the linker's word passes)."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import pytest

from conftest import CORPUS, ROOT
from extract import words


class _Recording:
    """Stands in for jieba and records every text it is asked to segment."""

    def __init__(self, real):
        self.real = real
        self.texts: Counter = Counter()

    def cut(self, text, cut_all=False):
        self.texts[text] += 1
        return self.real.cut(text, cut_all=cut_all)

    def __getattr__(self, name):  # the dictionary (dt.FREQ, read by the noise check) is the real one
        return getattr(self.real, name)


@pytest.fixture()
def recording(monkeypatch):
    real = words._jieba()
    rec = _Recording(real)
    words.cut.cache_clear()
    words._prefix_words.cache_clear()
    monkeypatch.setattr(words, "_jieba", lambda: rec)
    yield rec
    words.cut.cache_clear()
    words._prefix_words.cache_clear()


def test_each_text_is_segmented_once_through_pipeline_and_linker(recording):
    from extract.link.report import link_documents
    from extract.pipeline import process_file

    child = process_file(CORPUS / "001_6a215b8801cc0d63.txt", ocr=False)
    parent = process_file(CORPUS / "000_74f15ec52f85c6cf.txt", ocr=False)
    clauses = [c for d in child + parent for c in d.clauses]
    texts = {c.text for c in clauses}
    # the classifiers read each clause and the title of its section
    assert texts <= set(recording.texts)
    assert all(n == 1 for n in recording.texts.values()), recording.texts.most_common(3)
    after_pipeline = sum(recording.texts.values())
    # no more than one segmentation per clause, one per section title and one per clause cut at 600 characters
    headings = {(c.heading or "").rsplit(" / ", 1)[-1] for c in clauses} - {""}
    long = {c.text for c in clauses if len(c.text) > 600}
    assert after_pipeline <= len(texts | headings) + len(long)

    first = link_documents(child, parent)
    linked_once = sum(recording.texts.values())
    # the word passes read each clause's own segmentation, made when it was classified: linking segments nothing
    assert linked_once == after_pipeline
    assert all(n == 1 for n in recording.texts.values())
    # linking the same plans again segments nothing: the words are cached by content
    again = link_documents(child, parent)
    assert sum(recording.texts.values()) == linked_once
    assert again == first


def test_words_are_jieba_words_without_white_space():
    text = "各乡镇要于2024年6月底前 完成重大事故隐患排查。"
    assert "".join(words.cut(text)) == text
    assert words.words(text) == [w for w in words.cut(text) if w.strip()]
    assert " " not in words.words(text)


# Runs in a fresh process: jieba's own segmenting and dictionary loading counted below the planlink code, so that a
# module calling jieba directly (not through words.cut) is counted too.
_COUNT_JIEBA = """
import collections, json, sys
import jieba

cuts, loads = collections.Counter(), []
real_cut, real_init = jieba.Tokenizer.cut, jieba.Tokenizer.initialize

def cut(self, sentence, *args, **kwargs):
    cuts[sentence] += 1
    return real_cut(self, sentence, *args, **kwargs)

def initialize(self, dictionary=None):
    if not self.initialized or dictionary:
        loads.append(str(dictionary or self.dictionary))
    return real_init(self, dictionary)

jieba.Tokenizer.cut, jieba.Tokenizer.initialize = cut, initialize
jieba.cut, jieba.lcut, jieba.initialize = jieba.dt.cut, jieba.dt.lcut, jieba.dt.initialize  # bound before the patch
from extract.pipeline import process_file

docs = process_file(sys.argv[1], ocr=False)
clauses = [c for d in docs for c in d.clauses]
print(json.dumps({"cuts": cuts, "loads": loads, "texts": sorted({c.text for c in clauses}),
                  "headings": sorted({(c.heading or "").rsplit(" / ", 1)[-1] for c in clauses} - {""}),
                  "long": sum(len(c.text) > 600 for c in {c.text: c for c in clauses}.values())}))
"""


@pytest.mark.parametrize("name", ["003_c1a48ebb466ecfa9.txt", "004_2c798045eb65f6c7.partial.txt"])
def test_extract_loads_one_dictionary_and_segments_each_text_once(name):
    """The whole pipeline (reader's noise check, classifiers, section titles, department rules) in a fresh process:
    one dictionary load (the trained one), each text handed to jieba once, and no more texts than one per clause,
    one per section title and one per clause cut at the models' 600 characters."""
    out = subprocess.run([sys.executable, "-c", _COUNT_JIEBA, str(CORPUS / name)], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert [str(p).rsplit("/", 1)[-1] for p in r["loads"]] == [words.DICTIONARY]
    assert r["cuts"] and max(r["cuts"].values()) == 1, Counter(r["cuts"]).most_common(3)
    assert set(r["texts"]) <= set(r["cuts"])
    assert len(r["cuts"]) <= len(set(r["texts"]) | set(r["headings"])) + r["long"]
