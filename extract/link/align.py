"""Clause alignment: the child clauses scored against a parent's candidate index (index.py), then the named passes
of the configuration (passes.py, config.py) in order, then the kind of each link (kinds.py)."""
from __future__ import annotations

from ..model import Clause
from .config import DEFAULT, AlignConfig
from .index import ParentIndex, group_titles, mask
from .kinds import label
# registers the passes over what the others leave
from .leftover import condensed, condensed_section, same_kind, titled_orphans
from .passes import REGISTRY, Alignment, Scored, new_context
from .phrases import key_phrases  # registers the key-phrase pass

__all__ = ["AlignConfig", "Alignment", "ParentIndex", "Scored", "align", "condensed", "condensed_section", "group_titles",
           "key_phrases", "mask", "same_kind", "titled_orphans"]


def align(children: list[Clause], parent: ParentIndex, config: AlignConfig = DEFAULT, **changes) -> Alignment:
    """Link each child clause to the parent clauses it implements (several for a merge). `changes` are thresholds
    of AlignConfig to change for this call (align(kids, index, mutual_threshold=0.3))."""
    if changes:
        config = config.with_(**changes)
    unknown = [name for name in config.passes if name not in REGISTRY]
    if unknown:
        raise ValueError(f"unknown linker passes {unknown}; known: {', '.join(REGISTRY)}")
    ctx = new_context(children, parent, config)
    for name in config.passes:
        REGISTRY[name](ctx)
    label(ctx)
    return ctx.result
