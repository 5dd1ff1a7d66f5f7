"""The API the command layer stands on: read a file into plans, pick a plan from a compilation, link plans.
The CLI, batch, the review store, the app and the evaluators call these; nothing here imports them."""
from __future__ import annotations

import logging
from pathlib import Path

from . import families
from .classify.keywords import classify_by_family
from .errors import Code, ModelMissing, ReadError
from .model import Document
from .pipeline import process_file
from .segment import same_title
from .text import fold

__all__ = ["ReadError", "link_documents", "load_documents", "pick_document", "process_file"]
log = logging.getLogger(__name__)


def load_documents(path: str | Path, *, max_bytes: int | None = None, ocr: bool = True, progress=None,
                   family: str | None = None) -> list[Document]:
    """Run the pipeline, turning every failure into ReadError so callers print one line. With `family` (a family
    name or folder other than the default), the tasks take that family's actions by its keywords."""
    fam = families.load(family) if family else None  # an unknown family is the caller's error, not the file's
    try:
        docs = process_file(path, max_bytes=max_bytes, ocr=ocr, progress=progress)
    except (ReadError, ModelMissing):  # a missing model is no fault of the file: the CLI names it
        raise
    except MemoryError:
        raise ReadError(str(path), "the file is too large to process in memory", Code.MEMORY) from None
    except Exception as exc:  # noqa: BLE001 - bad input must never end in a traceback
        log.debug("processing %s failed", path, exc_info=True)
        raise ReadError(str(path), f"could not be processed ({type(exc).__name__}: {exc})", Code.INTERNAL) from None
    if fam is not None and fam.name != families.default().name:
        classify_by_family(docs, fam)
    return docs


def pick_document(docs: list[Document], title: str) -> Document | None:
    """The plan titled `title` in a file's plans (exact after width folding, else the same title loosely); a file
    holding one plan gives that plan."""
    if len(docs) == 1:
        return docs[0]
    ft = fold(title)
    for d in docs:
        if fold(d.title) == ft:
            return d
    for d in docs:
        if same_title(ft, fold(d.title)):
            return d
    return None


def link_documents(child_docs: list[Document], parent_docs: list[Document], index=None, *,
                   actions_from_parent: bool = False) -> dict:
    """Links, coverage and action counts of child plans against parent plans (CONTRACT.md). With
    `actions_from_parent`, the child tasks take the actions the parent groups its tasks under (a city's 九大行动)."""
    # imported here: the linker is no part of an extract, whose cold start its import would lengthen by 20 ms
    from .link.actions import link_with_parent_actions
    from .link.report import link_documents as link

    report = link(child_docs, parent_docs, index)
    return link_with_parent_actions(child_docs, parent_docs, report) if actions_from_parent else report
