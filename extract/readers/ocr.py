"""OCR of scanned PDF pages with RapidOCR (its Chinese models ship inside the wheel: nothing is downloaded)."""
from __future__ import annotations

import os
import re
from functools import lru_cache

from ..log import fallback

DPI = int(os.environ.get("PLANLINK_OCR_DPI", "200"))


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
    from importlib import import_module

    name = engine_name()
    # A 200-dpi A4 page is 1654 x 2339 px. Recognition resizes every line crop to 48 px high whatever the page size,
    # so the page is cut to 1600 px on its long side (from RapidOCR's 2000) and the detector works on 1024 px: 20-25%
    # less time on the fixture, the same characters.
    engine = import_module(name).RapidOCR(max_side_len=1600, det_limit_side_len=1024, det_limit_type="max")
    if name == "rapidocr_openvino":
        _openvino_f32(engine)
    return engine


class _OpenVinoSession:
    """An OpenVINO session compiled for float32. On a CPU with AVX512-BF16 but no AMX, OpenVINO picks bfloat16 by
    default and converts at every layer: recognition takes 1.7-1.8 s per page instead of 1.2-1.3 s, and reads a few
    characters worse. RapidOCR's own session has no setting for the precision, so its sessions are replaced."""

    def __init__(self, model_path: str):
        import openvino as ov

        core = ov.Core()
        compiled = core.compile_model(core.read_model(model_path), "CPU", {"INFERENCE_PRECISION_HINT": "f32"})
        self.compiled = compiled
        self.request = compiled.create_infer_request()

    def __call__(self, x):
        self.request.infer(inputs=[x])
        return self.request.get_output_tensor().data


def _openvino_f32(engine) -> None:
    from pathlib import Path

    import rapidocr_openvino

    models = Path(rapidocr_openvino.__file__).parent / "models"
    stages = (("text_det", "infer", "ch_PP-OCRv4_det_infer.onnx"), ("text_rec", "session", "ch_PP-OCRv4_rec_infer.onnx"))
    for part, attr, model in stages:
        stage = getattr(engine, part, None)
        if stage is not None and hasattr(stage, attr) and (models / model).is_file():
            setattr(stage, attr, _OpenVinoSession(str(models / model)))


def available() -> bool:
    """Whether an OCR engine is installed (PLANLINK_NO_OCR=1 turns OCR off)."""
    return os.environ.get("PLANLINK_NO_OCR") != "1" and engine_name() is not None


def ocr_page_or_none():
    """The page-OCR function when an engine is installed, else None (scans are then refused clearly)."""
    return ocr_page if available() else None


def drop_red(img):
    """Red seals and stamps over the signature must not become text: red-dominant pixels are whitened."""
    import numpy as np

    a = np.array(img.convert("RGB"))
    r, g, b = (a[..., k].astype(np.int16) for k in range(3))
    red = (r > 100) & (r - g > 40) & (r - b > 40)
    a[red] = 255
    return a


# Characters the recognizer confuses in 公文 print: 丶 for 、, a middle dot for 。, 一 for the dash of a year span.
_CONFUSABLE = [
    (re.compile(r"丶"), "、"),
    (re.compile(r"(?<=[\u4e00-\u9fff）)”])[·•](?=[\u4e00-\u9fff（(“]|$)"), "。"),
    (re.compile(r"(?<=\d)[一－-](?=\d{4})"), "—"),
]


_QUOTES = re.compile(r'[“”"]')


def clean_text(text: str) -> str:
    for rx, rep in _CONFUSABLE:
        text = rx.sub(rep, text)
    # the recognizer often loses the direction of quotes; a line with an even number of them is balanced
    quotes = _QUOTES.findall(text)
    if quotes and len(quotes) % 2 == 0:
        it = iter("“”" * (len(quotes) // 2))
        text = _QUOTES.sub(lambda m: next(it), text)
    return text


def recognize(img, scale: float, page_no: int):
    """Lines (with boxes in PDF points) recognized on one page image."""
    from .pdf import Line

    # 公文 lines are upright: the per-line 180° angle classifier costs ~20% of the time and changes nothing here
    result, _ = _engine()(drop_red(img), use_cls=False)
    lines = []
    for box, text, score in result or []:
        text = clean_text((text or "").strip())
        if not text or float(score) < 0.5:
            continue
        xs = [p[0] for p in box]
        ys = [p[1] for p in box]
        top, bottom = min(ys) * scale, max(ys) * scale
        lines.append(Line(text, min(xs) * scale, max(xs) * scale, top, bottom, (bottom - top) * 0.85, page_no, ocr=True))
    lines.sort(key=lambda ln: (round(ln.top / 4), ln.x0))
    return _merge_same_row(lines)


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


def ocr_page(page, page_no: int):
    img = page.to_image(resolution=DPI).original
    return recognize(img, 72.0 / DPI, page_no)
