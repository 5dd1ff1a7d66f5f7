"""Responsible departments of a clause with their role: labelled roles, then sentence subjects, each name once."""
from __future__ import annotations

from ...model import Department, Role, Span
from .labels import from_heading, labelled
from .names import is_actor, is_fragment, normalize_name, rules, same_actor
from .subjects import subjects

_ROLES = {r.value: r for r in Role}

__all__ = ["extract", "from_heading", "is_actor", "is_fragment", "labelled_roles", "normalize_name", "rules", "same_actor"]


def labelled_roles(text: str) -> list[Department]:
    """The actors a label block or a role phrase names (牵头单位：… / 由…牵头), without sentence subjects."""
    return extract(text, with_subjects=False)


def extract(text: str, *, with_subjects: bool = True) -> list[Department]:
    """All responsible actors of a clause, each once per role. A table row's 责任/牵头/配合 cells reach this as
    label blocks of the row text (segment writes them so)."""
    found, covered = labelled(text)
    if with_subjects:
        found += subjects(text, covered)
    # a unit that leads the task does not also support it (牵头股室：执法大队；配合股室：执法大队)
    leads = [normalize_name(name) for name, _, role in found if role == "lead"]
    if leads:
        found = [f for f in found if f[2] != "support" or not any(same_actor(normalize_name(f[0]), n) for n in leads)]
    spans: list[Department] = []
    kept: list[tuple[str, str, int]] = []

    def block_of(pos: int) -> int:
        return next((k for k, (a, b) in enumerate(covered) if a <= pos < b), -1)

    for name, pos, role in sorted(found, key=lambda x: x[1]):
        norm = normalize_name(name)
        block = block_of(pos)
        # the same name in the same role once per clause; two items of one list are two names even when one holds
        # the other (责任人：镇长、分管副镇长), unless written alike
        if any(r == role and (n == norm or same_actor(norm, n) and not (block >= 0 and b == block))
               for n, r, b in kept):
            continue
        kept.append((norm, role, block))
        spans.append(Department(name, Span(pos, pos + len(name)), name=norm, role=_ROLES[role]))
    return spans
