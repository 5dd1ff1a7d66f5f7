"""Scanned pages: per-page detection, recognition with RapidOCR (models inside the wheel), the red-seal case."""
from __future__ import annotations

import os
import socket
from dataclasses import replace

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


@pytest.fixture(autouse=True, scope="module")
def _engines_released():
    """The engine and its page-thread views leave with this module: later tests fork per-file children under a memory
    limit, and a child's resident memory counts the engines it inherits."""
    yield
    import gc

    ocr_mod._engine.cache_clear()
    gc.collect()
    try:  # hand the freed heap back to the system, so that it no longer counts as resident
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


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
    ("巫山经信发〔2023〕5 号", "巫山经信发〔2023〕5号"),  # a gap of justified print is no space
    ("2024 年 6 月底前", "2024年6月底前"),
    ("行动计划（2023一2025年）》·按照部署", "行动计划（2023—2025年）》。按照部署"),
    ("合格率达到100%°开展培训", "合格率达到100%。开展培训"),
    ("气温低于5°C时", "气温低于5°C时"),
    ("执行 GB 6722 标准", "执行 GB 6722标准"),  # a space beside Latin letters stays
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
        assert isinstance(engine.text_det.infer, ocr_mod._OpenVinoSession)
        assert isinstance(engine.text_rec, ocr_mod._StreamRecognizer)
        for compiled in (engine.text_det.infer.compiled, engine.text_rec.compiled):
            assert str(compiled.get_property("INFERENCE_PRECISION_HINT")) in ("<Type: 'float32'>", "f32")
        # the recognizer's batches run on one stream per core (at most two)
        assert int(engine.text_rec.compiled.get_property("NUM_STREAMS")) == ocr_mod.STREAMS
        # the angle classifier is never run (use_cls=False), so its model is never compiled
        assert isinstance(engine.text_cls.infer, ocr_mod._Deferred) and engine.text_cls.infer.session is None
    finally:
        ocr_mod._engine.cache_clear()


def test_stream_recognizer_reads_what_rapidocr_reads(monkeypatch):
    """The batches run on parallel streams give the text RapidOCR's own one-after-the-other loop gives."""
    from importlib.util import find_spec

    if find_spec("rapidocr_openvino") is None:
        pytest.skip("rapidocr_openvino not installed")
    import pdfplumber

    monkeypatch.setenv("PLANLINK_OCR_ENGINE", "rapidocr_openvino")
    ocr_mod._engine.cache_clear()
    try:
        engine = ocr_mod._engine()
        with pdfplumber.open(FIXTURES / "scans" / "tieshan_001_scan_p1.pdf") as pdf:
            image = ocr_mod.drop_red(pdf.pages[0].to_image(resolution=ocr_mod.DPI).original)
        streams = engine.text_rec
        got, _ = engine(image, use_cls=False)
        plain = streams.rec
        plain.session = ocr_mod._OpenVinoSession(str(streams.model_path))
        engine.text_rec = plain
        want, _ = engine(image, use_cls=False)
        assert len(got) > 10
        assert [t for _, t, _ in got] == [t for _, t, _ in want]
    finally:
        ocr_mod._engine.cache_clear()


def test_red_header_page_gives_title_issuer_number_and_date(no_network):
    """Issue 16: a 红头 first page. The red organ line above the red rule is read (the seal below is not), the title is
    the plan its notice announces, and the 文号's brackets come out as 〔〕."""
    (doc,) = process_file(SCANS / "redhead_notice_p1.pdf")
    assert doc.title == "安平县应急管理系统安全生产治本攻坚三年行动实施方案（2024—2026年）"
    assert (doc.issuer, doc.doc_number, doc.date) == ("安平县应急管理局", "安应急〔2024〕21号", "2024-05-10")
    assert doc.recipients == "各乡（镇）人民政府、街道办事处，县级有关单位"
    assert "各单位于2024年6月20日前将本单位实施方案报送县应急管理局。" in doc.notes


def test_red_rule_keeps_the_header_above_it_on_a_first_page():
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (400, 600), "white")
    d = ImageDraw.Draw(img)
    for x in range(60, 340, 40):  # red organ line: characters, not a bar
        d.rectangle((x, 40, x + 24, 80), fill=(210, 20, 20))
    d.rectangle((20, 120, 380, 124), fill=(210, 20, 20))  # red rule
    d.ellipse((150, 400, 250, 500), outline=(210, 20, 20), width=6)  # seal
    kept, dropped = drop_red(img, keep_header=True), drop_red(img)
    assert (kept[60, 70] != 255).any() and (dropped[60, 70] == 255).all()
    assert (kept[450, 150:160] == 255).all()  # the seal is dropped on the first page too


def test_page_threads_read_what_one_thread_reads_and_keep_their_views(monkeypatch, no_network):
    """Several pages run on page threads, each on its own view of the one engine (its own inference requests and
    detector object, the compiled models shared); the lines are those one thread reads, and the views serve the next
    file too."""
    data = (SCANS / "tieshan_001_scan.pdf").read_bytes()
    monkeypatch.setenv("PLANLINK_OCR_WORKERS", "1")
    here = ocr_mod.ocr_pages(data, [2, 3])
    used = []
    recognize = ocr_mod.recognize

    def spy(img, scale, page_no, engine=None):
        used.append(engine)
        return recognize(img, scale, page_no, engine)

    monkeypatch.setattr(ocr_mod, "recognize", spy)
    monkeypatch.setenv("PLANLINK_OCR_WORKERS", "2")
    seen = []
    threaded = ocr_mod.ocr_pages(data, [2, 3], progress=lambda k, n: seen.append((k, n)))
    assert sorted(seen) == [(1, 2), (2, 2)]
    assert list(threaded) == [2, 3] and all(len(threaded[p]) > 10 for p in threaded)
    assert {p: [ln.text for ln in lines] for p, lines in threaded.items()} == \
        {p: [ln.text for ln in lines] for p, lines in here.items()}
    engine = ocr_mod._engine()
    views = ocr_mod._VIEWS[engine]
    assert len(views) == 2 and {id(v) for v in used} == {id(v) for v in views}  # the two pages ran side by side
    a, b = views
    assert a.text_det is not b.text_det and a.text_det is not engine.text_det
    if isinstance(engine.text_rec, ocr_mod._StreamRecognizer):
        assert a.text_rec.compiled is b.text_rec.compiled is engine.text_rec.compiled
        assert a.text_rec.queue is not b.text_rec.queue
        assert a.text_det.infer.compiled is engine.text_det.infer.compiled
        assert a.text_det.infer.request is not b.text_det.infer.request
    next_file = data + b"\n% another file\n"
    assert len(ocr_mod.ocr_pages(next_file, [4, 5])[5]) > 10
    assert ocr_mod._VIEWS[engine] == views and all(x is y for x, y in zip(ocr_mod._VIEWS[engine], views))


def test_onnxruntime_views_share_sessions_with_their_own_detector(monkeypatch):
    """The onnxruntime build's sessions may be run from two threads at once; its detector object, which keeps each
    call's preprocessing on itself, is each view's own."""
    from importlib.util import find_spec

    if find_spec("rapidocr_onnxruntime") is None:
        pytest.skip("rapidocr_onnxruntime not installed")
    monkeypatch.setenv("PLANLINK_OCR_ENGINE", "rapidocr_onnxruntime")
    ocr_mod._engine.cache_clear()
    try:
        engine = ocr_mod._engine()
        a, b = ocr_mod._views(engine, 2)
        assert a.text_det is not b.text_det and a.text_det.infer is b.text_det.infer is engine.text_det.infer
        assert a.text_rec is engine.text_rec
        assert ocr_mod._views(engine, 2) == [a, b]
    finally:
        ocr_mod._engine.cache_clear()


def _ocr_workers_setting(path, parent, limits):
    return path, os.environ.get("PLANLINK_OCR_WORKERS")


def test_batch_workers_recognize_pages_in_process(monkeypatch):
    """With two file workers keeping the cores busy, a scan's pages are read on one thread; one file worker keeps a
    page thread per core."""
    from extract import batch
    from extract.limits import Limits

    monkeypatch.delenv("PLANLINK_OCR_WORKERS", raising=False)
    assert ocr_mod.workers() == ocr_mod.STREAMS  # a page thread per core unless told otherwise
    monkeypatch.setenv("PLANLINK_OCR_WORKERS", "2")
    assert ocr_mod.workers() == 2
    monkeypatch.delenv("PLANLINK_OCR_WORKERS")
    # the onnxruntime fallback's sessions use every core already: one page at a time unless told otherwise
    monkeypatch.setenv("PLANLINK_OCR_ENGINE", "rapidocr_onnxruntime")
    assert ocr_mod.workers() == 1
    monkeypatch.setenv("PLANLINK_OCR_WORKERS", "2")
    assert ocr_mod.workers() == 2
    monkeypatch.delenv("PLANLINK_OCR_WORKERS")
    monkeypatch.delenv("PLANLINK_OCR_ENGINE")
    # forked from this test process, whose OCR engines count in a child's resident memory: no memory limit here
    limits = replace(Limits.from_env(), max_memory_mb=1 << 20)
    two = dict(batch._execute(["a.pdf", "b.pdf"], None, 2, None, limits, _ocr_workers_setting))
    assert two == {"a.pdf": "1", "b.pdf": "1"}
    one = dict(batch._execute(["a.pdf"], None, 1, None, limits, _ocr_workers_setting))
    assert one == {"a.pdf": None}
    assert "PLANLINK_OCR_WORKERS" not in os.environ


def test_a_line_cut_into_boxes_is_cleaned_once_joined():
    """The recognizer may cut one printed line into boxes; the year span cut between them is only seen whole."""
    from PIL import Image

    def engine(img, use_cls=False):
        return [([[0, 10], [90, 10], [90, 30], [0, 30]], "行动计划（2023一", 0.9),
                ([[95, 11], [200, 11], [200, 31], [95, 31]], "2025年）》·按照部署", 0.9)], None

    (line,) = ocr_mod.recognize(Image.new("RGB", (220, 60), "white"), 1.0, 2, engine)
    assert line.text == "行动计划（2023—2025年）》。按照部署"

    def wrapped(img, use_cls=False):  # the span wrapped to the next printed line
        return [([[0, 10], [90, 10], [90, 30], [0, 30]], "行动计划（2023一", 0.9),
                ([[0, 41], [200, 41], [200, 61], [0, 61]], "2025年）》·按照部署", 0.9)], None

    first, second = ocr_mod.recognize(Image.new("RGB", (220, 80), "white"), 1.0, 2, wrapped)
    assert (first.text, second.text) == ("行动计划（2023—", "2025年）》。按照部署")


def test_quotes_opened_and_closed_on_different_lines_are_balanced_in_the_paragraph():
    from extract.readers.pdf.layout import Line, paragraphs

    def line(text, top, ocr):
        return Line(text, 72.0, 520.0 if text.endswith("“五进") else 300.0, top, top + 16, 16.0, 1, ocr=ocr)

    # each line holds one quote, so neither line can be set right alone; the joined paragraph holds two
    for ocr, want in ((True, "深入开展安全宣传教育“五进”等活动。"), (False, "深入开展安全宣传教育“五进“等活动。")):
        (block,) = paragraphs([line("深入开展安全宣传教育“五进", 100.0, ocr), line("“等活动。", 118.0, ocr)])
        assert block.text == want  # a text layer is printed as written: its quotes are left alone


@pytest.mark.parametrize("text,balanced", [
    ("开展“五进“活动", "开展“五进”活动"),
    ("“日周月”和“三个必须“", "“日周月”和“三个必须”"),
    ("一个“引号", "一个“引号"),  # odd: nothing to pair
])
def test_balance_quotes(text, balanced):
    from extract.text import balance_quotes

    assert balance_quotes(text) == balanced
