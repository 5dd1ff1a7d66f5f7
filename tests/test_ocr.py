"""Scanned pages: per-page detection, recognition with RapidOCR (models inside the wheel), the red-seal case."""
from __future__ import annotations

import socket

import pytest

from conftest import FIXTURES
from extract.errors import ReadError
from extract.pipeline import process_file
from extract.readers import read_file
from extract.readers import ocr as ocr_mod
from extract.readers.ocr import clean_text, drop_red

SCANS = FIXTURES / "scans"
if ocr_mod.engine_name() is None:
    pytest.skip("no RapidOCR engine installed", allow_module_level=True)


@pytest.fixture()
def no_network(monkeypatch):
    """Recognition must not reach out: any socket connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("OCR tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_scan_without_ocr_is_refused_clearly():
    with pytest.raises(ReadError, match="scan and needs OCR"):
        read_file(SCANS / "tieshan_001_scan_p1.pdf")


def test_scanned_notice_page_with_red_seal(no_network):
    (doc,) = process_file(SCANS / "tieshan_001_scan_p1.pdf")
    assert doc.pages_ocr == [1]
    assert doc.issuer == "重庆市万州区铁峰乡人民政府"
    assert doc.date == "2024-06-14"
    assert doc.clauses[0].text.startswith("现将《铁峰乡安全生产治本攻坚三年行动工作方案")
    # the seal over the signature injects no clause
    assert not any(len(c.text) < 12 for c in doc.clauses)
    assert any(c.path == ["一", "（一）"] for c in doc.clauses)


def test_mixed_pdf_is_read_page_by_page(no_network):
    (doc,) = process_file(SCANS / "tieshan_001_mixed.pdf")
    (ref,) = process_file(FIXTURES / "tieshan_001.pdf", ocr=False)
    assert doc.pages_ocr == [2]
    assert [c.path for c in doc.clauses] == [c.path for c in ref.clauses]
    task3 = next(c for c in doc.clauses if c.path == ["二", "（二）", "3"])
    assert any(d.end == "2024-06-30" for d in task3.deadlines)


@pytest.mark.parametrize("engine", ocr_mod.ENGINES)
def test_both_engine_builds_read_the_seal_page_alike(engine, monkeypatch, no_network):
    """The OpenVINO build is preferred; the onnxruntime build is the fallback and must read the same page the same."""
    from importlib.util import find_spec

    if find_spec(engine) is None:
        pytest.skip(f"{engine} not installed")
    monkeypatch.setenv("PLANLINK_OCR_ENGINE", engine)
    ocr_mod._engine.cache_clear()
    try:
        (doc,) = process_file(SCANS / "tieshan_001_scan_p1.pdf")
    finally:
        ocr_mod._engine.cache_clear()
    assert ocr_mod.engine_name() == engine
    assert doc.pages_ocr == [1]
    assert doc.clauses[0].text.startswith("现将《铁峰乡安全生产治本攻坚三年行动工作方案")


def test_preferred_engine_is_openvino_when_both_are_installed(monkeypatch):
    from importlib.util import find_spec

    if not all(find_spec(e) for e in ocr_mod.ENGINES):
        pytest.skip("needs both RapidOCR builds")
    monkeypatch.delenv("PLANLINK_OCR_ENGINE", raising=False)
    assert ocr_mod.engine_name() == "rapidocr_openvino"
    monkeypatch.setenv("PLANLINK_OCR_ENGINE", "no_such_engine")
    assert ocr_mod.engine_name() is None and not ocr_mod.available()


def test_red_pixels_are_whitened():
    from PIL import Image

    img = Image.new("RGB", (4, 1), (255, 255, 255))
    img.putpixel((0, 0), (220, 30, 30))
    img.putpixel((1, 0), (20, 20, 20))
    a = drop_red(img)
    assert tuple(a[0, 0]) == (255, 255, 255) and tuple(a[0, 1]) == (20, 20, 20)


@pytest.mark.parametrize("raw,clean", [
    ("各乡镇丶街道", "各乡镇、街道"),
    ("加强领导·推进工作", "加强领导。推进工作"),
    ("方案（2024一2026年）", "方案（2024—2026年）"),
    ('开展"五进"活动', "开展“五进”活动"),
])
def test_ocr_confusables(raw, clean):
    assert clean_text(raw) == clean


def test_openvino_sessions_run_in_float32(monkeypatch):
    """OpenVINO's default bfloat16 on CPUs without AMX is slower and reads worse; the sessions are compiled for f32."""
    from importlib.util import find_spec

    if find_spec("rapidocr_openvino") is None:
        pytest.skip("rapidocr_openvino not installed")
    monkeypatch.setenv("PLANLINK_OCR_ENGINE", "rapidocr_openvino")
    ocr_mod._engine.cache_clear()
    try:
        engine = ocr_mod._engine()
        for session in (engine.text_det.infer, engine.text_rec.session):
            assert isinstance(session, ocr_mod._OpenVinoSession)
            assert str(session.compiled.get_property("INFERENCE_PRECISION_HINT")) in ("<Type: 'float32'>", "f32")
    finally:
        ocr_mod._engine.cache_clear()
