"""OCR of scanned PDF pages with RapidOCR (its Chinese models ship inside the wheel: nothing is downloaded): one engine
per process, reused for every page and file; the pages of one file run on page threads sharing its models."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from functools import lru_cache
from weakref import WeakKeyDictionary

from ..log import fallback
from ..text import balance_quotes
from .ocr_lexicon import correct
from .pdf.layout import Line

DPI = int(os.environ.get("PLANLINK_OCR_DPI", "200"))
# Recognized lines scoring below this are noise (specks, seal fragments); RapidOCR's own default text_score.
MIN_SCORE = 0.5
# A detected box is some 1.18 times the type size (the detector pads each line), so the size is 0.85 of its height.
BOX_TO_SIZE = 0.85
# Boxes whose tops fall in the same 4-point band are one row, read left to right (skew moves a line's pieces by
# less than that).
ROW_BAND_PT = 4


# RapidOCR's OpenVINO build runs the same PP-OCRv4 models (inside its wheel) faster than its onnxruntime build on this
# CPU (recognition alone on the scanned fixture: 1.9-2.1 s per page in float32 against 3.5 s, same text); the
# onnxruntime build is the fallback.
ENGINES = ("rapidocr_openvino", "rapidocr_onnxruntime")


def engine_name() -> str | None:
    """The first installed OCR engine package, found without importing it (OpenVINO, onnxruntime and OpenCV take
    0.2-0.5 s to import, which a text file never needs)."""
    from importlib.util import find_spec

    forced = os.environ.get("PLANLINK_OCR_ENGINE")
    for k, name in enumerate((forced,) if forced else ENGINES):
        if find_spec(name) is not None:
            if k:
                fallback("ocr-engine", "OCR with %s (%s is not installed)", name, ENGINES[0])
            return name
    fallback("ocr-none", "no OCR engine installed: scanned pages are refused")
    return None


@lru_cache(maxsize=1)
def _engine():
    """The RapidOCR engine of this process, made once and reused for every page and file: detection on every core,
    recognition on one OpenVINO stream per core."""
    from importlib import import_module

    name = engine_name()
    # A 200-dpi A4 page is 1654 x 2339 px. Recognition resizes every line crop to 48 px high whatever the page size,
    # so the page is cut to 1600 px on its long side (from RapidOCR's 2000) and the detector works on 1024 px: 20-25%
    # less time on the fixture, the same characters.
    module = import_module(name)
    sizes = {"max_side_len": 1600, "det_limit_side_len": 1024, "det_limit_type": "max"}
    if name != "rapidocr_openvino":
        return module.RapidOCR(**sizes)
    with _sessions_deferred():
        engine = module.RapidOCR(**sizes)
    _openvino_f32(engine)
    _f32_detector_input(engine)
    return engine


def _f32_detector_input(engine) -> None:
    """RapidOCR normalizes the detector's input with float64 means (the page in float64, then cast to float32):
    0.15-0.2 s of a page. The same arithmetic in float32 gives the same input to the model's precision."""
    import numpy as np

    det = getattr(engine, "text_det", None)
    make = getattr(det, "get_preprocess", None)
    if make is None:
        return

    def get_preprocess(max_wh, make=make):
        op = make(max_wh)
        op.mean, op.std = np.asarray(op.mean, np.float32), np.asarray(op.std, np.float32)
        op.scale = np.float32(op.scale)
        return op

    det.get_preprocess = get_preprocess


class _Deferred:
    """RapidOCR's OpenVINO session, compiled on first use: RapidOCR compiles its three models when it is made, and
    two of them are replaced at once by float32 sessions and the angle classifier is never run (1.7 s of start-up
    went to compiling models twice)."""

    def __init__(self, make, config):
        self.make, self.config, self.session = make, config, None

    def __call__(self, x):
        if self.session is None:
            self.session = self.make(self.config)
        return self.session(x)


@contextmanager
def _sessions_deferred():
    from importlib import import_module

    modules = [import_module(f"rapidocr_openvino.{m}") for m in
               ("ch_ppocr_det.text_detect", "ch_ppocr_cls.text_cls", "ch_ppocr_rec.text_recognize")]
    saved = [(m, m.OpenVINOInferSession) for m in modules if hasattr(m, "OpenVINOInferSession")]
    for m, make in saved:
        m.OpenVINOInferSession = lambda config, make=make: _Deferred(make, config)
    try:
        yield
    finally:
        for m, make in saved:
            m.OpenVINOInferSession = make


def _compile_f32(model_path: str, config: dict | None = None):
    """An OpenVINO model compiled for float32. On a CPU with AVX512-BF16 but no AMX, OpenVINO picks bfloat16 by
    default and converts at every layer: recognition takes 1.7-1.8 s per page instead of 1.2-1.3 s, and reads a few
    characters worse. RapidOCR's own session has no setting for the precision, so its sessions are replaced."""
    import openvino as ov

    core = ov.Core()
    return core.compile_model(core.read_model(model_path), "CPU", {"INFERENCE_PRECISION_HINT": "f32", **(config or {})})


class _OpenVinoSession:
    """A float32 session with RapidOCR's session interface (session(x) -> output array)."""

    def __init__(self, model_path: str, compiled=None):
        self.model_path = model_path
        self.compiled = compiled or _compile_f32(model_path)
        self.request = self.compiled.create_infer_request()

    def clone(self) -> _OpenVinoSession:
        """The same compiled model with a request of its own, for another page thread."""
        return _OpenVinoSession(self.model_path, self.compiled)

    def __call__(self, x):
        self.request.infer(inputs=[x])
        return self.request.get_output_tensor().data


STREAMS = max(1, min(2, os.cpu_count() or 1))


class _StreamRecognizer:
    """RapidOCR's TextRecognizer with its batches of line crops run on OpenVINO's parallel streams (one per core)
    instead of one after the other: the same batches (lines sorted by width, six at a time), the same padding and
    decoding, so the same text; a page's lines use both cores."""

    def __init__(self, rec, model_path: str, streams: int = STREAMS, compiled=None):
        import openvino as ov

        self.rec = rec  # RapidOCR's TextRecognizer: its image shape, batch size, resizing and CTC decoder
        self.model_path, self.streams = model_path, streams
        config = {"PERFORMANCE_HINT": "THROUGHPUT", "NUM_STREAMS": str(streams)}
        if streams == 1:  # a one-core machine: one stream on one thread
            config["INFERENCE_NUM_THREADS"] = "1"
        self.compiled = compiled or _compile_f32(model_path, config)
        self.queue = ov.AsyncInferQueue(self.compiled, streams)

    def clone(self) -> _StreamRecognizer:
        """The same compiled model with a queue of requests of its own, for another page thread: two pages' batches
        then share the model's streams."""
        return _StreamRecognizer(self.rec, self.model_path, self.streams, self.compiled)

    def __call__(self, img_list, return_word_box: bool = False):
        import time

        import numpy as np

        if isinstance(img_list, np.ndarray):
            img_list = [img_list]
        rec = self.rec
        order = np.argsort(np.array([img.shape[1] / float(img.shape[0]) for img in img_list]))
        _, img_h, img_w = rec.rec_image_shape[:3]
        batches = []
        for beg in range(0, len(img_list), rec.rec_batch_num):
            idx = order[beg:beg + rec.rec_batch_num]
            ratios = [img_list[i].shape[1] * 1.0 / img_list[i].shape[0] for i in idx]
            widest = max([img_w / img_h] + ratios)
            x = np.concatenate([rec.resize_norm_img(img_list[i], widest)[np.newaxis, :] for i in idx]).astype(np.float32)
            batches.append((idx, ratios, widest, x))
        outputs: list = [None] * len(batches)
        start = time.time()

        def done(request, k):
            outputs[k] = request.get_output_tensor().data.copy()

        self.queue.set_callback(done)
        for k, (_, _, _, x) in enumerate(batches):
            self.queue.start_async([x], k)
        self.queue.wait_all()
        result = [("", 0.0)] * len(img_list)
        for (idx, ratios, widest, _), preds in zip(batches, outputs):
            decoded = rec.postprocess_op(preds, return_word_box, wh_ratio_list=ratios, max_wh_ratio=widest)
            for i, one in zip(idx, decoded):
                result[i] = one
        return result, time.time() - start


def _openvino_f32(engine) -> None:
    from pathlib import Path

    import rapidocr_openvino

    models = Path(rapidocr_openvino.__file__).parent / "models"
    det, rec = models / "ch_PP-OCRv4_det_infer.onnx", models / "ch_PP-OCRv4_rec_infer.onnx"
    if getattr(engine, "text_det", None) is not None and hasattr(engine.text_det, "infer") and det.is_file():
        engine.text_det.infer = _OpenVinoSession(str(det))
    if getattr(engine, "text_rec", None) is not None and hasattr(engine.text_rec, "resize_norm_img") and rec.is_file():
        engine.text_rec = _StreamRecognizer(engine.text_rec, str(rec))


def available() -> bool:
    """Whether an OCR engine is installed (PLANLINK_NO_OCR=1 turns OCR off)."""
    return os.environ.get("PLANLINK_NO_OCR") != "1" and engine_name() is not None


def ocr_pages_or_none():
    """The OCR function (PDF bytes, page numbers -> lines per page) when an engine is installed, else None (scans
    are then refused clearly)."""
    return ocr_pages if available() else None


def drop_red(img, *, keep_header: bool = False):
    """Red seals and stamps over the signature must not become text: red-dominant pixels are whitened. On a first
    page (`keep_header`) the 红头 above the red rule is kept: its red line names the issuing organ (XX文件)."""
    import numpy as np

    a = np.array(img.convert("RGB"))
    r, g, b = (a[..., k].astype(np.int16) for k in range(3))
    red = (r > 100) & (r - g > 40) & (r - b > 40)
    if keep_header:
        # the red rule: the first row in the top half whose red pixels span most of the text width
        rows = np.flatnonzero(red[: a.shape[0] // 2].sum(axis=1) > 0.5 * a.shape[1])
        if rows.size:
            red[: rows[0]] = False
    a[red] = 255
    return a


# Characters the recognizer confuses in 公文 print: 丶 for 、, a middle dot for 。, 一 for the dash of a year span.
_CONFUSABLE = [
    (re.compile(r"丶"), "、"),
    (re.compile(r"(?<=[\u4e00-\u9fff）)”》])[·•](?=[\u4e00-\u9fff（(“]|$)"), "。"),
    (re.compile(r"(?<=[%\u4e00-\u9fff])°(?=[\u4e00-\u9fff]|$)"), "。"),  # a degree sign between words: 100%°开展
    (re.compile(r"(?<=\d)[一－-](?=\d{4})"), "—"),
    # 安应急[2024]21号: the year of a 文号 between mixed or square brackets
    (re.compile(r"[〔\[［【]\s*(\d{4})\s*[\]］】〕](?=\s*\d{1,5}\s*号)"), r"〔\1〕"),
    # a gap in justified print read as a space (〔2023〕5 号): Chinese print has no spaces between a Chinese
    # character or mark and another, or a digit
    (re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff01-\uff60\d])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff01-\uff60])"
                r"|(?<=[\u3000-\u303f\u4e00-\u9fff\uff01-\uff60])\s+(?=\d)"), ""),
]


def clean_text(text: str) -> str:
    for rx, rep in _CONFUSABLE:
        text = rx.sub(rep, text)
    # the recognizer often loses the direction of quotes; a line with an even number of them is balanced (and the
    # paragraph again once its lines are joined, pdf/layout.py, for quotes that open and close on different lines)
    return balance_quotes(text)


def recognize(img, scale: float, page_no: int, engine=None):
    """Lines (with boxes in PDF points) recognized on one page image."""
    # 公文 lines are upright: the per-line 180° angle classifier costs ~20% of the time and changes nothing here
    result, _ = (engine or _engine())(drop_red(img, keep_header=page_no == 1), use_cls=False)
    lines = []
    for box, text, score in result or []:
        text = (text or "").strip()
        if not text or float(score) < MIN_SCORE:
            continue
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        top, bottom = min(ys) * scale, max(ys) * scale
        lines.append(Line(text, min(xs) * scale, max(xs) * scale, top, bottom, (bottom - top) * BOX_TO_SIZE, page_no,
                          ocr=True))
    lines.sort(key=lambda ln: (round(ln.top / ROW_BAND_PT), ln.x0))
    # cleaned once the pieces of a printed line are joined: a year span cut between two boxes (2023一 | 2025年) is
    # only seen whole in the joined line
    for ln in (merged := _merge_same_row(lines)):
        ln.text = correct(clean_text(ln.text))
    return _year_spans_across_lines([ln for ln in merged if ln.text])


_SPAN_OPEN = re.compile(r"(?<=\d)[一－-]$")
_SPAN_CLOSE = re.compile(r"\d{4}")


def _year_spans_across_lines(lines):
    """A year span wrapped after its dash (2023一 | 2025年): the dash read as 一 at a line's end is a dash when the
    next line starts with a year, as within a line."""
    for a, b in zip(lines, lines[1:]):
        if _SPAN_OPEN.search(a.text) and _SPAN_CLOSE.match(b.text):
            a.text = a.text[:-1] + "—"
    return lines


def _merge_same_row(lines):
    """OCR may cut one printed line into pieces; pieces on the same baseline are joined left to right."""
    out = []
    for ln in lines:
        if out and abs(ln.top - out[-1].top) < 0.5 * max(1.0, out[-1].bottom - out[-1].top) and ln.x0 >= out[-1].x0:
            prev = out[-1]
            prev.text += ln.text
            prev.x1 = max(prev.x1, ln.x1)
            prev.bottom = max(prev.bottom, ln.bottom)
        else:
            out.append(ln)
    return out


def render(doc, page_no: int):
    """A page as an RGB image at DPI, drawn by PDFium as pdfplumber's page.to_image draws it (no anti-aliasing)
    without reopening the document for every page."""
    page = doc[page_no - 1]
    try:
        return page.render(scale=DPI / 72.0, no_smoothtext=True, no_smoothpath=True, no_smoothimage=True,
                           prefer_bgrx=True).to_pil().convert("RGB")
    finally:
        page.close()


def workers() -> int:
    """Page threads for the pages of one file: one per core (at most STREAMS), or PLANLINK_OCR_WORKERS when set
    (batch sets 1 when its file workers already keep the cores busy). On the scanned 8-page fixture in a fresh
    process (2 cores, load about 2.5, six alternating runs of each), two page threads took 1.05 s per page all
    included and 0.85-0.88 s for the same file again on 1.85-1.94 cores, one page at a time 1.12-1.15 s and
    0.93-0.99 s on 1.62-1.68 cores. A pool of worker processes was slower still: OpenVINO pinned the single thread of
    each one-thread worker to the same core (two such processes side by side: 3.6 s per page each, 2.4 s with pinning
    off), and each worker paid imports and compiling again."""
    forced = os.environ.get("PLANLINK_OCR_WORKERS", "")
    if forced.isdigit() and int(forced) >= 1:
        return int(forced)
    if engine_name() != ENGINES[0]:
        return 1  # onnxruntime's sessions already run on every core: a second page thread would only oversubscribe
    return STREAMS


def ocr_pages(data: bytes, pages: list[int], progress=None) -> dict[int, list[Line]]:
    """The lines of the given pages (numbered from 1) of a PDF, read by this process's engine. Several pages run on
    page threads, one page each at a time, so that both cores stay busy: one page's detection, cropping and decoding
    (on one core, or holding the GIL) beside another page's recognition. One page runs here, its detection and
    recognition spread over the cores by OpenVINO."""
    import pypdfium2 as pdfium  # deferred: installed with pdfplumber, needed only for scans

    doc = pdfium.PdfDocument(data)
    try:
        n = min(workers(), len(pages))
        if n <= 1:
            out = {}
            for k, pno in enumerate(pages, start=1):
                out[pno] = recognize(render(doc, pno), 72.0 / DPI, pno, _engine())
                if progress:
                    progress(k, len(pages))
            return out
        return _threaded(doc, pages, n, progress)
    finally:
        doc.close()


def _threaded(doc, pages: list[int], n: int, progress) -> dict[int, list[Line]]:
    from concurrent.futures import ThreadPoolExecutor, as_completed
    from queue import SimpleQueue
    from threading import Lock

    free: SimpleQueue = SimpleQueue()
    for view in _views(_engine(), n):
        free.put(view)
    pdfium_lock = Lock()  # PDFium is not thread-safe: pages are drawn one at a time (0.03 s a page)

    def one(pno: int) -> list[Line]:
        view = free.get()
        try:
            with pdfium_lock:
                img = render(doc, pno)
            return recognize(img, 72.0 / DPI, pno, view)
        finally:
            free.put(view)

    out: dict[int, list[Line]] = {}
    pool = ThreadPoolExecutor(n, thread_name_prefix="ocr-page")
    try:
        futures = {pool.submit(one, pno): pno for pno in pages}
        for k, fut in enumerate(as_completed(futures), start=1):
            out[futures[fut]] = fut.result()
            if progress:  # called on the caller's thread (Streamlit draws only from there)
                progress(k, len(pages))
    finally:  # a page that failed stops the pages not yet begun
        pool.shutdown(wait=True, cancel_futures=True)
    return {pno: out[pno] for pno in pages}


def _views(engine, n: int) -> list:
    """n views of the engine for page threads, kept on it for every later file: the compiled models are shared, each
    view has its own inference requests and its own detector object (RapidOCR's detector stores its per-call
    preprocessing on itself, which two threads would overwrite)."""
    import copy

    cache = _VIEWS.setdefault(engine, [])
    while len(cache) < n:
        view = copy.copy(engine)
        view.text_det = copy.copy(engine.text_det)
        if isinstance(engine.text_det.infer, _OpenVinoSession):
            view.text_det.infer = engine.text_det.infer.clone()
        if isinstance(engine.text_rec, _StreamRecognizer):
            view.text_rec = engine.text_rec.clone()
        cache.append(view)
    return cache[:n]


_VIEWS: WeakKeyDictionary = WeakKeyDictionary()  # engine -> its page-thread views
