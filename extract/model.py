"""The document model: plain dataclasses for documents, clauses, tables, extracted spans and links."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from enum import Enum
from typing import Any


class Role(str, Enum):
    LEAD = "lead"
    SUPPORT = "support"
    RESPONSIBLE = "responsible"


class Period(str, Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


#: occurrences of each period in one year, for comparing frequencies by yearly rate
PER_YEAR = {"day": 365, "week": 52, "month": 12, "quarter": 4, "half_year": 2, "year": 1}


class LinkKind(str, Enum):
    VERBATIM = "verbatim"
    LOCALIZED = "localized"
    PARAPHRASED = "paraphrased"
    MERGED = "merged"
    SPLIT = "split"


@dataclass(slots=True, frozen=True)
class Span:
    """A piece of a clause found by an extractor; start/end are offsets into the clause text."""

    kind: str  # "deadline" | "frequency" | "department" | "target"
    text: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, **self.attrs, "start": self.start, "end": self.end}


@dataclass(slots=True)
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(slots=True)
class Table:
    """A grid read from a file; merged cells are already filled from their origin."""

    rows: list[list[str]]
    page: int | None = None
    header: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Block:
    """A reader's output unit: one paragraph of text, or one table, in reading order."""

    text: str = ""
    kind: str = "para"  # "para" | "table"
    page: int | None = None
    table: Table | None = None
    bbox: tuple[float, float, float, float] | None = None


@dataclass(slots=True)
class Clause:
    """One clause of the task table (ANNOTATION.md §1), with offsets into Document.text."""

    id: str
    path: list[str]
    marker: str
    text: str
    start: int
    end: int
    heading: str = ""  # titles of the headings above, joined with " / "
    kind: str = "body"  # "body" | "table_row" | "list_member"
    page: int | None = None
    is_task: bool = False
    task_score: float = 0.0
    action: str | None = None
    action_scores: dict[str, float] = field(default_factory=dict)
    deadlines: list[Span] = field(default_factory=list)
    frequencies: list[Span] = field(default_factory=list)
    departments: list[Span] = field(default_factory=list)
    targets: list[Span] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # table rows: column name -> cell text
    inherited: str = ""  # text that applies to this clause but is written once for its siblings

    def to_json(self) -> dict[str, Any]:
        out = {
            "id": self.id,
            "path": list(self.path),
            "marker": self.marker,
            "heading": self.heading,
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "page": self.page,
            "is_task": self.is_task,
            "task_score": round(self.task_score, 4),
            "action": self.action,
            "deadlines": [deadline_json(s) for s in self.deadlines],
            "frequencies": [s.to_json() for s in self.frequencies],
            "departments": [s.to_json() for s in self.departments],
            "targets": [s.to_json() for s in self.targets],
        }
        if self.cells:
            out["cells"] = dict(self.cells)
        if self.inherited:
            out["inherited"] = self.inherited
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Clause":
        def spans(kind: str, items: list[dict]) -> list[Span]:
            out = []
            for it in items:
                attrs = {k: v for k, v in it.items() if k not in ("text", "start", "end")}
                out.append(Span(kind, it["text"], it.get("start", -1), it.get("end", -1), attrs))
            return out

        return cls(
            id=d["id"], path=list(d["path"]), marker=d.get("marker", ""), text=d["text"],
            start=d.get("start", -1), end=d.get("end", -1), heading=d.get("heading", ""),
            kind=d.get("kind", "body"), page=d.get("page"), is_task=d.get("is_task", False),
            task_score=d.get("task_score", 0.0), action=d.get("action"),
            deadlines=spans("deadline", d.get("deadlines", [])),
            frequencies=spans("frequency", d.get("frequencies", [])),
            departments=spans("department", d.get("departments", [])),
            targets=spans("target", d.get("targets", [])),
            cells=d.get("cells", {}), inherited=d.get("inherited", ""),
        )


def deadline_json(s: Span) -> dict[str, Any]:
    """Deadlines always carry start, end and ongoing, as CONTRACT.md shows."""
    d = {"text": s.text, "start": None, "end": None, "ongoing": False}
    d.update(s.attrs)
    d["start_offset"], d["end_offset"] = s.start, s.end
    return d


@dataclass(slots=True)
class Citation:
    """A parent plan cited by a document: 《title》 with its 文号 where written."""

    title: str
    doc_number: str = ""
    issuer: str = ""


@dataclass(slots=True)
class Document:
    """One plan: metadata, its normalized text, and its clauses with offsets into that text."""

    title: str
    text: str
    source: str = ""
    sha256: str = ""
    issuer: str = ""
    doc_number: str = ""
    date: str | None = None
    recipients: str = ""
    note: str = ""
    notes: list[str] = field(default_factory=list)  # demands of the 印发通知 that wraps the plan (filing dates, reports)
    attachments: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    clauses: list[Clause] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pages_ocr: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    index: int = 0  # position within a compilation

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "date": self.date,
            "recipients": self.recipients,
            "note": self.note,
            "notes": list(self.notes),
            "attachments": list(self.attachments),
            "citations": [asdict(c) for c in self.citations],
            "source": self.source,
            "sha256": self.sha256,
            "index": self.index,
            "pages_ocr": list(self.pages_ocr),
            "warnings": list(self.warnings),
            "tables": [asdict(t) for t in self.tables],
            "text": self.text,
            "clauses": [c.to_json() for c in self.clauses],
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Document":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names and k not in ("clauses", "citations", "tables")}
        doc = cls(**kw)
        doc.citations = [Citation(**c) for c in d.get("citations", [])]
        doc.tables = [Table(**t) for t in d.get("tables", [])]
        doc.clauses = [Clause.from_json(c) for c in d.get("clauses", [])]
        return doc

    @property
    def tasks(self) -> list[Clause]:
        return [c for c in self.clauses if c.is_task]


@dataclass(slots=True, frozen=True)
class Link:
    """A child clause judged to implement a parent clause."""

    child: str
    parent: str
    score: float
    kind: str
    changes: tuple[str, ...] = ()
    child_text: str = ""
    parent_text: str = ""
