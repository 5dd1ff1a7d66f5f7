"""Within-plan linking: an annex task table that restates the body's tasks, folded so each task is one row."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model import Clause, Document, Span
from .align import align
from .config import RESTATEMENTS
from .index import ParentIndex

#: A body task and an annex row are the same task when the aligner's containment score reaches this: a row that
#: restates a body task shares most of its words (0.84-0.99 on restated tables), while rows that merely belong to
#: the same action share a few (0.2-0.4 on the 酉阳 annex, which details rather than restates its body).
RESTATED = 0.6


@dataclass
class Folded:
    """A plan with restated tasks folded: `doc` has one clause per task; `also` maps a kept clause id to the ids
    of the clauses that state the same task elsewhere in the plan (body <-> annex)."""

    doc: Document
    also: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # folded-away clause id -> its text, to show both sources


def restatements(doc: Document, threshold: float = RESTATED) -> list[tuple[str, str, float]]:
    """(body clause id, annex row id, score) for each annex row that restates a body task of the same plan."""
    body = [c for c in doc.clauses if c.kind != "table_row" and c.is_task]
    rows = [c for c in doc.clauses if c.kind == "table_row" and c.is_task]
    if not body or not rows:
        return []
    # the word passes that link rewrites are off: a rewrite is a different task here
    result = align(rows, ParentIndex(body), RESTATEMENTS)
    return [(lk.parent, lk.child, lk.score) for lk in result.links if lk.score >= threshold]


def _merge(row: Clause, bodies: list[Clause]) -> Clause:
    """The annex row with what the body adds: deadlines from the table (the body's when the table has none),
    departments, frequencies and targets from both, one action (the more confident classification)."""
    def foreign(spans):
        # offsets of a body span point into the body's text, not the row's: keep the value, drop the position
        return [replace(s, span=Span(page=s.span.page, cell=s.span.cell)) for s in spans]

    deadlines = list(row.deadlines) or [s for b in bodies for s in foreign(b.deadlines)]
    # a unit named in both keeps the table's role: the table's columns say the role outright
    have = {s.name for s in row.departments}
    departments = list(row.departments)
    for b in bodies:
        for s in foreign(b.departments):
            key = s.name
            if key not in have:
                have.add(key)
                departments.append(s)
    freq_text = {s.text for s in row.frequencies}
    frequencies = list(row.frequencies) + [s for b in bodies for s in foreign(b.frequencies) if s.text not in freq_text]
    target_text = {s.text for s in row.targets}
    targets = list(row.targets) + [s for b in bodies for s in foreign(b.targets) if s.text not in target_text]
    best = max([row, *bodies], key=lambda c: max(c.action_scores.values(), default=0.0))
    action = best.action if best.action else next((c.action for c in [row, *bodies] if c.action), None)
    return replace(row, deadlines=deadlines, departments=departments, frequencies=frequencies, targets=targets,
                   action=action, action_scores=dict(best.action_scores))


def fold(doc: Document, threshold: float = RESTATED) -> Folded:
    """One clause per task: each annex row that restates body tasks takes the place of the first of them (so the
    table reads in body order), carrying the merged fields; the restated body clauses leave the task list."""
    pairs = restatements(doc, threshold)
    if not pairs:
        return Folded(doc)
    by_id = {c.id: c for c in doc.clauses}
    rows_of: dict[str, list[str]] = {}
    bodies_of: dict[str, list[str]] = {}
    for body_id, row_id, _score in pairs:
        rows_of.setdefault(body_id, []).append(row_id)
        bodies_of.setdefault(row_id, []).append(body_id)
    merged = {row_id: _merge(by_id[row_id], [by_id[b] for b in body_ids]) for row_id, body_ids in bodies_of.items()}
    placed: set[str] = set()
    clauses: list[Clause] = []
    for c in doc.clauses:
        if c.id in rows_of:
            for row_id in rows_of[c.id]:
                if row_id not in placed:
                    placed.add(row_id)
                    clauses.append(merged[row_id])
        elif c.id in merged:
            if c.id not in placed:
                placed.add(c.id)
                clauses.append(merged[c.id])
        else:
            clauses.append(c)
    out = replace(doc, clauses=clauses, warnings=list(doc.warnings), citations=list(doc.citations))
    also = {row_id: sorted(body_ids, key=list(by_id).index) for row_id, body_ids in bodies_of.items()}
    texts = {b: by_id[b].text for b in rows_of}
    return Folded(out, also, texts)
