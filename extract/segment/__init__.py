"""Blocks -> documents -> clause trees: GB/T 9704 header metadata, markers, headings, tables, compilations.

lines.py (line classes, paragraphs), plans.py (a file split into plans, page and site metadata), plan.py (one plan:
header metadata and clause tree), tables.py (annex task tables), ids.py (ids, group duty lines, citations)."""
from __future__ import annotations

from .lines import same_title
from .plans import segment

__all__ = ["same_title", "segment"]
