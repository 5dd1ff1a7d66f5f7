"""The document model: typed dataclasses for documents, clauses, extracted fields and links, and their one JSON form.

Offsets are the truth: every field keeps a `Span` (character offsets into its clause text, plus the page and the
table cell the text came from) under its own name, so a deadline's dates (`start`/`end`, ISO days) never collide
with where it stands. CONTRACT.md is the public JSON shape; offsets are written as `start_offset`/`end_offset`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from enum import Enum
from typing import Any, ClassVar


class _Labelled(str, Enum):
    """A str enum whose members carry a Chinese label and a colour (docling-core's DocItemLabel style)."""

    def __new__(cls, value: str, label: str, colour: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        obj.colour = colour
        return obj

    def __str__(self) -> str:  # json.dumps and f-strings give the code, not "Role.LEAD"
        return self.value


class Role(_Labelled):
    """The role of a department in a clause (ANNOTATION.md §2 departments)."""

    LEAD = ("lead", "牵头", "#c62828")
    RESPONSIBLE = ("responsible", "责任", "#1565c0")
    SUPPORT = ("support", "配合", "#6d4c41")


class Period(str, Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


#: occurrences of each period in one year, for comparing frequencies by yearly rate
PER_YEAR = {"day": 365, "week": 52, "month": 12, "quarter": 4, "half_year": 2, "year": 1}
PERIOD_LABELS = {"day": "每日", "week": "每周", "month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年"}


class LinkKind(_Labelled):
    """How a child clause carries a parent clause down (CONTRACT.md `kind`)."""

    VERBATIM = ("verbatim", "原文照搬", "#2e7d32")
    LOCALIZED = ("localized", "本地化", "#1565c0")
    PARAPHRASED = ("paraphrased", "改写", "#ef6c00")
    MERGED = ("merged", "合并", "#6a1b9a")
    SPLIT = ("split", "拆分", "#00838f")


class Coverage(_Labelled):
    """What became of a parent task in a child plan, or of a child task without a parent: the reviewer's words.
    Colours follow their meaning: green carried down, red dropped, orange weakened, blue tightened, grey novel."""

    COVERED = ("covered", "落实", "#43a047")
    REWRITTEN = ("rewritten", "改写", "#7cb342")
    WEAKENED = ("weakened", "弱化", "#fb8c00")
    TIGHTENED = ("tightened", "强化", "#1e88e5")
    DROPPED = ("dropped", "遗漏", "#e53935")
    NOVEL = ("novel", "新增", "#8e24aa")


class Change(_Labelled):
    """An attribute that differs between a parent clause and the child clause implementing it (CONTRACT.md)."""

    DEADLINE_EARLIER = ("deadline_earlier", "时限提前", "#1e88e5")
    DEADLINE_LATER = ("deadline_later", "时限推迟", "#fb8c00")
    FREQUENCY_HIGHER = ("frequency_higher", "频次提高", "#1e88e5")
    FREQUENCY_LOWER = ("frequency_lower", "频次降低", "#fb8c00")
    ONGOING_ADDED = ("ongoing_added", "增加长期坚持", "#1e88e5")
    ONGOING_REMOVED = ("ongoing_removed", "取消长期坚持", "#fb8c00")
    LEAD_CHANGED = ("lead_changed", "牵头单位变化", "#757575")


WEAKENING = frozenset({Change.DEADLINE_LATER.value, Change.FREQUENCY_LOWER.value, Change.ONGOING_REMOVED.value})
TIGHTENING = frozenset({Change.DEADLINE_EARLIER.value, Change.FREQUENCY_HIGHER.value, Change.ONGOING_ADDED.value})


@dataclass(slots=True, frozen=True)
class Span:
    """Provenance of a piece of text: character offsets into its clause's text, and the page / table cell it
    came from where known. Offsets -1 mean unknown (a value typed in by a reviewer)."""

    start: int = -1
    end: int = -1
    page: int | None = None
    cell: tuple[int, int] | None = None  # (row, column) of the source table

    def shifted(self, n: int) -> "Span":
        return replace(self, start=self.start + n, end=self.end + n) if self.start >= 0 else self

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start_offset": self.start, "end_offset": self.end}
        if self.page is not None:
            out["page"] = self.page
        if self.cell is not None:
            out["cell"] = list(self.cell)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Span":
        cell = d.get("cell")
        return cls(int(d.get("start_offset", -1)), int(d.get("end_offset", -1)), d.get("page"),
                   tuple(cell) if cell is not None else None)


@dataclass(slots=True, frozen=True)
class Field:
    """Base of the extracted field types: the text as written and where it stands."""

    KIND: ClassVar[str] = ""
    text: str
    span: Span = Span()

    @property
    def kind(self) -> str:
        return self.KIND

    def moved(self, n: int):
        """The same field with its offsets moved by n characters (text written once for siblings)."""
        return replace(self, span=self.span.shifted(n))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        for f in fields(self):
            if f.name not in ("text", "span"):
                value = getattr(self, f.name)
                out[f.name] = value.value if isinstance(value, Enum) else value
        out.update(self.span.to_json())
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]):
        names = {f.name for f in fields(cls)} - {"text", "span"}
        kw = {k: d[k] for k in names if k in d}
        return cls(text=d["text"], span=Span.from_json(d), **cls._coerce(kw))

    @classmethod
    def _coerce(cls, kw: dict[str, Any]) -> dict[str, Any]:
        return kw


@dataclass(slots=True, frozen=True)
class Deadline(Field):
    """When the work must be done (ANNOTATION.md §2 deadlines): an interval of ISO days, or ongoing (长期坚持).
    `optional` marks a date written without its year (6月底前), which gold neither requires nor counts wrong."""

    KIND: ClassVar[str] = "deadline"
    start: str | None = None
    end: str | None = None
    ongoing: bool = False
    optional: bool = False

    def to_json(self) -> dict[str, Any]:
        out = Field.to_json(self)
        if not self.optional:
            out.pop("optional")
        return out


@dataclass(slots=True, frozen=True)
class Frequency(Field):
    """How often the work recurs: `count` times per `period`, `at_least` for 至少/不少于."""

    KIND: ClassVar[str] = "frequency"
    period: str = "year"
    count: int = 1
    at_least: bool = False

    @property
    def per_year(self) -> float:
        return PER_YEAR.get(self.period, 0) * (self.count or 1)


@dataclass(slots=True, frozen=True)
class Department(Field):
    """An actor responsible for the clause's work, its normalized name and its role; `origin` says where it was
    read: the clause text, or the heading of a list of duties above it."""

    KIND: ClassVar[str] = "department"
    name: str = ""
    role: Role = Role.RESPONSIBLE
    origin: str = "text"  # "text" | "heading" | "lexicon"

    def __post_init__(self) -> None:
        if not isinstance(self.role, Role):
            object.__setattr__(self, "role", Role(self.role))
        if not self.name:
            object.__setattr__(self, "name", self.text)

    def to_json(self) -> dict[str, Any]:
        out = Field.to_json(self)
        if self.origin == "text":
            out.pop("origin")
        return out


@dataclass(slots=True, frozen=True)
class Target(Field):
    """A quantitative target: value, unit, comparison (>=, <=, =, >, <), and a change direction where written
    (下降/提高 …)."""

    KIND: ClassVar[str] = "target"
    value: float = 0.0
    unit: str = ""
    comparison: str = "="
    change: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = Field.to_json(self)
        if self.change is None:
            out.pop("change")
        return out


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


class BlockKind(str, Enum):
    PARA = "para"
    TABLE = "table"


@dataclass(slots=True)
class Block:
    """A reader's output unit: one paragraph of text, or one table, in reading order."""

    text: str = ""
    kind: str = BlockKind.PARA.value
    page: int | None = None
    table: Table | None = None
    bbox: tuple[float, float, float, float] | None = None


class ClauseKind(str, Enum):
    """Where a clause came from: the body text, a row of an annex task table, or a member line of a list."""

    BODY = "body"
    TABLE_ROW = "table_row"
    LIST_MEMBER = "list_member"


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
    kind: str = ClauseKind.BODY.value
    page: int | None = None
    is_task: bool = False
    task_score: float = 0.0
    action: str | None = None
    action_scores: dict[str, float] = field(default_factory=dict)
    deadlines: list[Deadline] = field(default_factory=list)
    frequencies: list[Frequency] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    cells: dict[str, str] = field(default_factory=dict)  # table rows: column name -> cell text
    inherited: str = ""  # text that applies to this clause but is written once for its siblings
    # titles of the headings / lead-ins above (nearest last, one a line) whose fields apply to the items under them
    lead_in: str = ""

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
        }
        if self.action_scores:
            out["action_scores"] = {k: round(v, 4) for k, v in self.action_scores.items()}
        for name, _cls in FIELD_TYPES.items():
            out[name] = [s.to_json() for s in getattr(self, name)]
        if self.cells:
            out["cells"] = dict(self.cells)
        if self.inherited:
            out["inherited"] = self.inherited
        if self.lead_in:
            out["lead_in"] = self.lead_in
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Clause":
        c = cls(
            id=d["id"], path=list(d["path"]), marker=d.get("marker", ""), text=d["text"],
            start=d.get("start", -1), end=d.get("end", -1), heading=d.get("heading", ""),
            kind=d.get("kind", ClauseKind.BODY.value), page=d.get("page"), is_task=d.get("is_task", False),
            task_score=d.get("task_score", 0.0), action=d.get("action"),
            action_scores=dict(d.get("action_scores", {})),
            cells=dict(d.get("cells", {})), inherited=d.get("inherited", ""), lead_in=d.get("lead_in", ""),
        )
        for name, ftype in FIELD_TYPES.items():
            setattr(c, name, [ftype.from_json(x) for x in d.get(name, [])])
        return c


#: the clause attribute each extracted field type fills, in the order the JSON and the exports show them
FIELD_TYPES: dict[str, type[Field]] = {
    "deadlines": Deadline, "frequencies": Frequency, "departments": Department, "targets": Target}


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
    family: str = ""  # the plan family its actions come from (extract/families)

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
            "family": self.family,
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
        kw.setdefault("text", "")
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

    def to_json(self) -> dict[str, Any]:
        return {"child": self.child, "child_text": self.child_text, "parent": self.parent,
                "parent_text": self.parent_text, "score": round(self.score, 4), "kind": str(self.kind),
                "changes": [str(c) for c in self.changes]}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "Link":
        return cls(d["child"], d["parent"], float(d.get("score", 0.0)), d["kind"], tuple(d.get("changes", ())),
                   d.get("child_text", ""), d.get("parent_text", ""))
