"""Actions of a plan family that has no trained model: each task takes the action whose keywords (family.yaml)
its text and its section title name most; ties and misses fall to the organization action (a 保障措施-like section)
or X. The is_task decision stays with the trained model, which does not depend on the family."""
from __future__ import annotations

import re

from ..families import Family
from ..model import Document

# a keyword found in the clause's own text counts more than one in the titles of its sections
TEXT_WEIGHT, HEADING_WEIGHT = 2.0, 1.0


def keyword_action(text: str, heading: str, family: Family) -> tuple[str, dict[str, float]]:
    votes: dict[str, float] = {}
    for a in family.actions:
        hits = sum(TEXT_WEIGHT * text.count(k) + HEADING_WEIGHT * heading.count(k) for k in a.keywords)
        if hits:
            votes[a.code] = hits
    if not votes:
        org = family.rules.get("organization_heading")
        fallback = "O" if org and re.search(org, heading) and family.action("O") else "X"
        return fallback, {}
    total = sum(votes.values())
    scores = {k: v / total for k, v in votes.items()}
    return max(scores, key=scores.get), scores


def classify_by_family(docs: list[Document], family: Family) -> None:
    """Give every task clause of `docs` an action of `family` by its keywords, and mark the documents' family."""
    for d in docs:
        d.family = family.name
        for c in d.clauses:
            if not c.is_task:
                c.action, c.action_scores = None, {}
                continue
            c.action, scores = keyword_action(c.text, c.heading or "", family)
            c.action_scores = {k: round(v, 4) for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:3]}
