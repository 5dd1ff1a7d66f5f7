"""The registry of field extractors: what each one assigns, its export columns, its Chinese label and colour, and
how gold matches it (spaCy's "components declare what they assign"). The pipeline, exports, the app and the
evaluator loop over `COMPONENTS` instead of naming the extractors; adding one is a module, a rules file and a row."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from . import metrics
from .classify import is_member_line
from .extractors import deadlines, departments, frequencies, targets
from .model import FIELD_TYPES, PERIOD_LABELS, Clause, Deadline, Field, Frequency, Role


def _joined(sep: str, values) -> str:
    return sep.join(v for v in values if v)


@dataclass(frozen=True)
class Component:
    name: str  # the Clause attribute it assigns (deadlines, frequencies, …), also its JSON key
    label: str  # what the app and the exports call it
    colour: str  # its highlight colour in the app
    extract: Callable[[str], list[Field]]  # clause text -> fields with offsets into that text
    columns: tuple[str, ...]  # task-table columns it fills
    cells: Callable[[Clause], list[str]]  # one value per column
    same: Callable[[dict, dict], bool] | None = None  # gold matching on the JSON form; None: not scored
    inherited: bool = True  # also read the text written once for a clause's siblings
    read: Callable[[Clause], list[Field]] | None = None  # a clause-level reader where the text alone is not enough

    @property
    def type(self) -> type[Field]:
        return FIELD_TYPES[self.name]

    def run(self, clause: Clause) -> list[Field]:
        if self.read is not None:
            return self.read(clause)
        found = self.extract(clause.text)
        if self.inherited and clause.inherited:
            found += [f.moved(len(clause.text)) for f in self.extract(clause.inherited)]
        if self.inherited and not found:
            found = from_lead_in(clause, self.extract)
        return found


def from_lead_in(clause: Clause, extract: Callable[[str], list[Field]]) -> list[Field]:
    """The fields of one kind that the nearest heading or lead-in above a clause writes once for the items under it
    (（三）每季度开展一次联合检查 / 定期开展（每月至少1次）以下检查：), for a clause that writes none of that kind itself,
    as a trailing 完成时限 written once applies to every sub-item (ANNOTATION.md §4). Offsets stand past the clause's
    own and inherited text: the value is not written in the clause."""
    if not clause.lead_in:
        return []
    past = len(clause.text) + len(clause.inherited) + 1
    for line in reversed(clause.lead_in.split("\n")):
        if found := extract(line):
            return [f.moved(past) for f in found]
    return []


def deadline_value(d: Deadline) -> str:
    if d.ongoing:
        return "长期"
    if d.start and d.end:
        return f"{d.start} 至 {d.end}"
    if d.end:
        return f"{d.end} 前"
    if d.start:
        return f"{d.start} 起"
    return "（未注明年份）" if d.optional else ""


def frequency_value(f: Frequency) -> str:
    return f"{PERIOD_LABELS.get(f.period, '')}{'至少' if f.at_least else ''}{f.count}次"


def departments_by_role(c: Clause) -> dict[Role, list[str]]:
    """The clause's department names as written, by role, in text order."""
    out: dict[Role, list[str]] = {r: [] for r in Role}
    for s in c.departments:
        out[s.role].append(s.text)
    return out


def _deadline_cells(c: Clause) -> list[str]:
    return [_joined("；", (s.text for s in c.deadlines)), _joined("；", (deadline_value(s) for s in c.deadlines))]


def _frequency_cells(c: Clause) -> list[str]:
    return [_joined("；", (frequency_value(s) for s in c.frequencies))]


def _department_cells(c: Clause) -> list[str]:
    return [_joined("、", (s.text for s in c.departments if s.role is role)) for role in Role]


def _departments(clause: Clause) -> list[Field]:
    # the member list of a 领导小组 (成员：镇应急办、镇派出所……) names members, not actors of a task (ANNOTATION.md §4)
    found = [] if is_member_line(clause) else departments.extract(clause.text)
    named = {(d.name, d.role) for d in found}
    found += [d for d in departments.from_heading(clause.heading) if (d.name, d.role) not in named]
    if clause.inherited:
        # names inherited from a heading's role block or a trailing （责任单位：…） once per role (ANNOTATION.md §4): one the
        # clause already names in that role is not listed again
        own = [(d.name, d.role) for d in found]
        found += [d.moved(len(clause.text)) for d in departments.extract(clause.inherited)
                  if not any(r == d.role and departments.same_actor(n, d.name) for n, r in own)]
    roles = {d.role for d in found}
    found += [d for d in from_lead_in(clause, _lead_in_departments) if d.role not in roles]
    return found


def _lead_in_departments(line: str) -> list[Field]:
    """A lead-in sentence that ends in a colon (…集中开展排查整治：) has the items as its object: its subject does them.
    Of a heading only the labelled roles (牵头单位：… / 由…牵头) count: its subject is the section's topic."""
    return departments.extract(line) if line.rstrip().endswith(("：", ":")) else departments.labelled_roles(line)


COMPONENTS: tuple[Component, ...] = (
    Component("deadlines", "完成时限", "#ffe08a", deadlines.extract, ("完成时限（原文）", "完成时限（规范）"),
              _deadline_cells, metrics.same_deadline),
    Component("frequencies", "频次", "#b8e0ff", frequencies.extract, ("频次",), _frequency_cells,
              metrics.same_frequency),
    Component("departments", "责任单位", "#c8f0c0", departments.extract, tuple(f"{r.label}单位" for r in Role),
              _department_cells, metrics.same_department, read=_departments),
    Component("targets", "量化指标", "#f4c6f0", targets.extract, ("量化指标",),
              lambda c: [_joined("；", (s.text for s in c.targets))], None, inherited=False),
)
BY_NAME = {c.name: c for c in COMPONENTS}
SCORED = tuple(c for c in COMPONENTS if c.same is not None)


def extract_clause(clause: Clause) -> None:
    """Run every registered extractor over a clause and assign what it finds, each with the clause's page."""
    for comp in COMPONENTS:
        found = comp.run(clause)
        if clause.page is not None:
            found = [replace(f, span=replace(f.span, page=clause.page)) for f in found]
        setattr(clause, comp.name, found)
