"""Hostile inputs through the whole pipeline (the path the CLI, the batch and the app take): each ends in the
expected code with one clear message, or in a correct result, and never in a traceback or a blow-up."""
from __future__ import annotations

import os
import signal
import time

import pytest

import inputs
from extract.guard import process_file_limited as load_documents
from extract.errors import MESSAGES, Code, ReadError, reason_zh
from extract.guard import run_limited
from extract.limits import Limits, check_zip
from extract.readers import read_file
from extract.readers.quality import noise_reason

pytestmark = pytest.mark.robustness  # pytest -m robustness runs this suite alone



def code_of(path, **kw) -> Code:
    with pytest.raises(ReadError) as err:
        load_documents(str(path), **kw)
    assert str(path) in str(err.value) and "Traceback" not in str(err.value)
    return err.value.code


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path):
    path = inputs.docx_bomb(tmp_path / "bomb.docx", unpacked_mb=400)
    assert path.stat().st_size < 2_000_000
    assert code_of(path) == Code.TOO_LARGE


def test_zip_bomb_message_names_the_limit_in_both_languages(tmp_path):
    path = inputs.docx_bomb(tmp_path / "bomb.docx", unpacked_mb=400)
    with pytest.raises(ReadError) as err:
        check_zip(path.read_bytes(), str(path))
    assert "PLANLINK_MAX_UNZIPPED_BYTES" in err.value.reason
    assert reason_zh(err.value).startswith("文件过大或结构异常：解压后")


def test_raising_the_unzipped_limit_lets_a_package_through(tmp_path, monkeypatch):
    path = inputs.docx_bomb(tmp_path / "bomb.docx", unpacked_mb=2)
    monkeypatch.setenv("PLANLINK_MAX_UNZIPPED_BYTES", "1000000")
    with pytest.raises(ReadError):
        check_zip(path.read_bytes(), str(path))
    monkeypatch.setenv("PLANLINK_MAX_UNZIPPED_BYTES", "10000000")
    check_zip(path.read_bytes(), str(path))  # within the raised limit: no error


def test_docx_with_too_many_members(tmp_path):
    assert code_of(inputs.docx_many_members(tmp_path / "m.docx")) == Code.TOO_LARGE


def test_docx_gridspan_bomb_is_clamped_and_read(tmp_path):
    docs = load_documents(str(inputs.docx_gridspan(tmp_path / "g.docx")))
    assert any("隐患排查" in c.text for d in docs for c in d.clauses)


def test_html_colspan_bomb_is_clamped_and_read(tmp_path):
    raw = read_file(inputs.colspan_page(tmp_path / "c.html"))
    tables = [b.table for b in raw.blocks if b.table]
    assert tables and max(len(r) for t in tables for r in t.rows) <= Limits().max_span


def test_html_with_more_cells_than_the_limit(tmp_path):
    assert code_of(inputs.many_cells_page(tmp_path / "cells.html")) == Code.TOO_LARGE


def test_random_chinese_characters_are_noise(tmp_path):
    assert code_of(inputs.random_cjk(tmp_path / "r.txt")) == Code.GARBAGE


@pytest.mark.skipif(not any(os.access(os.path.join(d, "soffice"), os.X_OK)
                            for d in os.environ.get("PATH", "").split(os.pathsep)),
                    reason="LibreOffice is not installed (CI installs it)")
def test_ole_file_of_random_bytes_is_rejected(tmp_path):
    assert code_of(inputs.ole_noise(tmp_path / "o.doc")) in (Code.GARBAGE, Code.UNREADABLE)


def test_noise_measure_separates_plans_from_mojibake():
    plan = inputs.PLAN.read_text(encoding="utf-8")
    assert noise_reason(plan) == ""
    # a GBK text layer read through the wrong code page, as fonts without a Unicode map give it
    assert noise_reason(plan.encode("gbk").decode("latin-1"))
    assert "control" in noise_reason("\x01\x02\x03安全生产" * 50)


def test_long_line_finishes_within_ten_seconds(tmp_path):
    path = inputs.long_line(tmp_path / "long.txt", 200_000)
    docs = load_documents(str(path), limits=Limits.from_env(timeout=10))
    assert docs and docs[0].clauses


def test_a_file_over_the_wall_clock_is_stopped():
    t = time.monotonic()
    with pytest.raises(ReadError) as err:
        run_limited(time.sleep, 30, limits=Limits(timeout=1))
    assert err.value.code == Code.TIMEOUT and "PLANLINK_TIMEOUT" in err.value.reason
    assert time.monotonic() - t < 10


def _hog(path):
    blocks = []
    for _ in range(200):
        blocks.append(bytearray(20 * 1024 * 1024))
        time.sleep(0.01)
    return len(blocks)


def test_a_file_over_the_memory_limit_is_stopped():
    with pytest.raises(ReadError) as err:
        run_limited(_hog, "hog", limits=Limits(max_memory_mb=300))
    assert err.value.code == Code.MEMORY and "300 MB" in err.value.reason


def _die(path):
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_child_killed_as_by_the_oom_killer_is_one_error():
    with pytest.raises(ReadError) as err:
        run_limited(_die, "victim.txt")
    assert err.value.code == Code.KILLED and "SIGKILL" in err.value.reason


def _boom(path):
    raise ValueError("unexpected")


def test_an_unexpected_exception_in_the_child_is_an_internal_error():
    with pytest.raises(ReadError) as err:
        run_limited(_boom, "x.txt")
    assert err.value.code == Code.INTERNAL and "ValueError" in err.value.reason


def _report(path, progress=None):
    for k in range(3):
        progress(k + 1, 3)
    return "done"


def test_progress_reaches_the_parent():
    seen = []
    assert run_limited(_report, "x", progress=lambda *a: seen.append(a)) == "done"
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_every_code_has_a_chinese_and_an_english_message():
    for code in Code:
        zh, en = MESSAGES[code]
        assert zh and en and any("\u4e00" <= ch <= "\u9fff" for ch in zh) and en.isascii()


def test_read_error_survives_pickling_with_its_code():
    import pickle

    err = pickle.loads(pickle.dumps(ReadError("a.pdf", "the PDF is encrypted", Code.ENCRYPTED, "细节")))
    assert (err.path, err.code, err.zh_detail) == ("a.pdf", Code.ENCRYPTED, "细节")
    assert reason_zh(err) == MESSAGES[Code.ENCRYPTED][0] + "：细节"


@pytest.mark.parametrize("name,code", [("empty.txt", Code.EMPTY), ("encrypted.pdf", Code.ENCRYPTED),
                                       ("truncated.pdf", Code.UNREADABLE), ("binary.txt", Code.BINARY),
                                       ("unsupported.xyz", Code.UNSUPPORTED), ("not-really.docx", Code.UNREADABLE)])
def test_known_bad_fixtures_carry_their_code(name, code):
    assert code_of(inputs.FIXTURES / "bad" / name) == code


def test_scanned_pdf_without_ocr_has_its_code():
    assert code_of(inputs.FIXTURES / "bad" / "scanned.pdf", ocr=False) in (Code.SCANNED_WITHOUT_OCR, Code.NO_TEXT)


def test_a_pdf_page_whose_text_layer_is_mojibake_goes_to_ocr():
    from extract.readers.pdf import page_is_garbage

    page = inputs.PLAN.read_text(encoding="utf-8")[:1500]
    assert page_is_garbage(page) == (False, "")
    garbage, reason = page_is_garbage(page.encode("gbk").decode("latin-1"))
    assert garbage and reason
    scattered = "".join(chr(0x4E00 + (i * 7919) % 20900) for i in range(800))  # CJK code points at random
    garbage, reason = page_is_garbage(scattered)
    assert garbage and "noise" in reason
