"""Chinese numerals without cn2an on the common path: the numerals 1-99 that markers, deadlines and counts use are
read by extract/text.py as cn2an reads them, every other form still goes to cn2an, and a cold extract of a plan
does not import cn2an (0.15 s of every cold start)."""
from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
import warnings

import cn2an
from cn2an.conf import NUMBER_CN2AN, UNIT_CN2AN

from conftest import CORPUS, ROOT
from extract import text
from extract.segment.ids import id_part


def _marker_by_cn2an(core: str) -> str:
    try:
        return str(int(cn2an.cn2an(core, "normal")))
    except Exception:  # noqa: BLE001 - what id_part falls back to
        return re.sub(r"\W", "", core) or "x"


def test_marker_ids_equal_cn2an_reading():
    chars = "一二三四五六七八九十百零两"
    read = 0
    for n in range(1, 4):
        for core in map("".join, itertools.product(chars, repeat=n)):
            assert id_part(f"（{core}）") == _marker_by_cn2an(core), core
            read += text.small_numeral(core) is not None
    assert read == 99  # 一 … 九十九, each once
    assert id_part("第十二条") == "12" and id_part("（一百零一）") == "101" and id_part("二十、") == "二十"


def test_the_fast_path_knows_every_form_cn2an_reads():
    forms = set(NUMBER_CN2AN) | set(UNIT_CN2AN) | set("貳兩參陸柒捌玖壹肆伍萬億")  # transform.Transform's sets
    for ch in forms - set("一二三四五六七八九十"):
        assert text._plain_numerals(f"每{ch}年") is None, ch


def _spans() -> list[str]:
    small = "一二三四五六七八九十百零两〇年月日底前次个每周5.分之点半"
    out = ["".join(p) for n in range(1, 4) for p in itertools.product(small, repeat=n)]
    rng = random.Random(18)
    wide = small + "季度至少开展不少于检查（）%，二〇二四年十二月底前"
    out += ["".join(rng.choice(wide) for _ in range(rng.randint(4, 12))) for _ in range(3000)]
    out += ["二〇二四年六月底前", "2025年十二月三十一日前", "每季度至少开展一次", "两次", "百分之九十五", "三分之二",
            "一百二十家", "十五个工作日内", "第二十九条", "进一步", "统一"]
    return out


def test_to_arabic_equals_cn2an_transform(monkeypatch):
    spans = _spans()
    assert sum(text._plain_numerals(s) is not None for s in spans) > len(spans) // 10  # the fast path is taken
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cn2an warns on the spans it cannot read (and keeps them)
        fast = [text.to_arabic.__wrapped__(s) for s in spans]
        monkeypatch.setattr(text, "_plain_numerals", lambda span: None)
        slow = [text.to_arabic.__wrapped__(s) for s in spans]
    assert [(s, f) for s, f, r in zip(spans, fast, slow) if f != r] == []


def test_cold_extract_of_a_plan_does_not_import_cn2an():
    code = ("import sys; from extract.pipeline import process_file; "
            f"docs = process_file({str(CORPUS / '003_c1a48ebb466ecfa9.txt')!r}, ocr=False); "
            "assert sum(len(d.clauses) for d in docs) > 20; "
            "assert any(c.deadlines for d in docs for c in d.clauses); print('cn2an' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"
