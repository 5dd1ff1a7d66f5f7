"""File -> list of Documents with every clause's fields filled in (read, segment, extract, classify)."""
from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from pathlib import Path

from .model import Document
from .readers import read_file
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
    ocr_fn = None
    if ocr:
        from .readers.ocr import ocr_page_or_none

        ocr_fn = ocr_page_or_none()
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


def enrich(docs: list[Document], timer: Timer | None = None) -> None:
    """Fill in deadlines, frequencies, departments, targets, is_task and action for every clause."""
    from .classify import classify_documents

    timer = timer or Timer()
    t = time.perf_counter()
    for d in docs:
        for c in d.clauses:
            extract_clause(c)
    t = timer.add("extract", t)
    classify_documents(docs)
    timer.add("classify", t)


def extract_clause(clause) -> None:
    """Run every rule extractor over a clause; text written once for siblings (inherited) counts too."""
    from .classify import is_member_line
    from .extractors import deadlines, departments, frequencies, targets

    text = clause.text
    clause.deadlines = deadlines.extract(text)
    clause.frequencies = frequencies.extract(text)
    # the member list of a 领导小组 (成员：镇应急办、镇派出所……) names members, not actors of a task (ANNOTATION.md §4)
    clause.departments = [] if is_member_line(clause) else departments.extract(text)
    named = {(d.attrs.get("name"), d.attrs.get("role")) for d in clause.departments}
    clause.departments += [d for d in departments.from_heading(clause.heading)
                           if (d.attrs["name"], d.attrs["role"]) not in named]
    clause.targets = targets.extract(text, clause.frequencies)
    if clause.inherited:
        n = len(text)
        extra = clause.inherited
        shift = lambda spans: [type(s)(s.kind, s.text, s.start + n, s.end + n, s.attrs) for s in spans]  # noqa: E731
        clause.deadlines += shift(deadlines.extract(extra))
        clause.frequencies += shift(frequencies.extract(extra))
        clause.departments += shift(departments.extract(extra))
