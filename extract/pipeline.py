"""File -> list of Documents with every clause's fields filled in (read, segment, extract, classify)."""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from pathlib import Path

from .classify import classify_documents
from .components import extract_clause
from .extractors.deadlines import from_now
from .model import Document
from .readers import read_file, sniff
from .segment import segment


class Timer:
    """Wall time per pipeline stage, for the benchmarks."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def add(self, stage: str, start: float) -> float:
        now = time.perf_counter()
        self.seconds[stage] += now - start
        return now


def process_file(path: str | Path, *, max_bytes: int | None = None, ocr: bool = True, progress=None,
                 timer: Timer | None = None, fields: bool = True) -> list[Document]:
    """Read one file and return its plans (several for a compilation), fully extracted."""
    timer = timer or Timer()
    t = time.perf_counter()
    ocr_fn = _ocr_for(path) if ocr else None
    raw = read_file(path, max_bytes=max_bytes, ocr=ocr_fn, progress=progress)
    t = timer.add("read", t)
    docs = segment(raw.blocks, str(path))
    t = timer.add("segment", t)
    digest = hashlib.sha256(raw.data).hexdigest()
    ocr_pages = [r.number for r in raw.pages if getattr(r, "garbage", False)] if ocr_fn else []
    for d in docs:
        d.sha256 = digest
        d.source = str(path)
        d.warnings = list(raw.warnings) + d.warnings
        d.pages_ocr = ocr_pages
    if fields:
        enrich(docs, timer)
    return docs


def _ocr_for(path: str | Path):
    """The OCR function for a PDF (only PDFs have scanned pages), else None: the OCR module and the search for an
    engine cost 40-60 ms of a cold start that a text or Word file never needs. The reader picks a PDF by the same
    first kilobyte (readers.sniff)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError:  # read_file says why, in one line
        return None
    if sniff(head) != "pdf":
        return None
    from .readers.ocr import ocr_pages_or_none

    return ocr_pages_or_none()


def enrich(docs: list[Document], timer: Timer | None = None) -> None:
    """Fill in deadlines, frequencies, departments, targets, is_task and action for every clause."""
    timer = timer or Timer()
    t = time.perf_counter()
    for d in docs:
        for c in d.clauses:
            extract_clause(c)
            if d.date and c.deadlines:
                c.deadlines = from_now(c.deadlines, d.date)
    t = timer.add("extract", t)
    classify_documents(docs)
    timer.add("classify", t)
