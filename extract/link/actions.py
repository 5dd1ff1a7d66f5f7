"""Actions taken from the parent plan: a family whose actions are the headings under which the parent groups its
tasks (a city's 九大行动), and each child task given the action of the parent clause it implements, or, when it
implements none, the action whose parent tasks are nearest to it in words."""
from __future__ import annotations

import re

from .. import families
from ..families import Action, Family
from ..model import Clause, Document
from .report import action_counts, task_clauses

# below this cosine an unlinked child task is not near any action's tasks: it keeps no parent action (X)
NEAREST_MIN = 0.08
# a link at least this strong decides a task's action by itself; weaker (paraphrased) links yield to the action
# the task's own section carries, as its strongly linked siblings show
STRONG_LINK = 0.5


def _action_title(c: Clause, rx: re.Pattern) -> str | None:
    for title in reversed([t.strip() for t in (c.heading or "").split(" / ") if t.strip()]):
        if rx.search(title):
            return title
    return None


def family_from_parent(parents: list[Document], template: Family | None = None) -> tuple[Family, dict[str, str]]:
    """The parent's actions as a family (P1…Pn in the parent's order, then the template's fixed actions), and the
    action code of every parent task clause (ids as `task_clauses` gives them)."""
    template = template or families.load("parent")
    heading_rx = re.compile(template.rules["action_heading"])
    org_rx = re.compile(template.rules["organization_heading"])
    palette = template.rules.get("palette") or ["#1f77b4"]
    titles: list[str] = []
    code_of: dict[str, str] = {}
    for c in task_clauses(parents, len(parents) > 1):
        title = _action_title(c, heading_rx)
        if title is None:
            code_of[c.id] = "O" if org_rx.search(c.heading or "") else "X"
            continue
        if title not in titles:
            titles.append(title)
        code_of[c.id] = f"P{titles.index(title) + 1}"
    own = tuple(Action(code=f"P{k + 1}", name=t, short=t.removesuffix("行动") or t, colour=palette[k % len(palette)])
                for k, t in enumerate(titles))
    name = f"parent:{parents[0].title}" if parents else "parent"
    family = Family(name=name, title=parents[0].title if parents else template.title,
                    actions=own + template.actions, columns=template.columns, rules=template.rules)
    return families.register(family), code_of


def _nearest(texts: list[str], profiles: dict[str, str]) -> list[tuple[str | None, float]]:
    """For each text, the profile nearest by TF-IDF cosine over character uni- and bigrams."""
    if not texts or not profiles:
        return [(None, 0.0)] * len(texts)
    from sklearn.feature_extraction.text import TfidfVectorizer

    codes = list(profiles)
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
    prof = vec.fit_transform([profiles[k] for k in codes])
    sims = (vec.transform(texts) @ prof.T).toarray()
    return [(codes[row.argmax()], float(row.max())) for row in sims]


def assign_from_parent(children: list[Document], parents: list[Document], report: dict,
                       template: Family | None = None) -> Family:
    """Give every child task the parent action it serves, using the links of `report` (link_documents's output
    for these documents). The child documents' family becomes the parent's; returns it."""
    family, code_of = family_from_parent(parents, template)
    org_rx = re.compile(family.rules["organization_heading"])
    best: dict[str, tuple[float, str]] = {}
    for lk in report["links"]:
        code = code_of.get(lk["parent"])
        if code and lk["score"] > best.get(lk["child"], (-1.0, ""))[0]:
            best[lk["child"]] = (lk["score"], code)
    parent_tasks = task_clauses(parents, len(parents) > 1)
    profiles: dict[str, str] = {}
    for a in family.actions:
        if a.code.startswith("P"):
            profiles[a.code] = a.name + "".join(c.text for c in parent_tasks if code_of.get(c.id) == a.code)
    prefix = len(children) > 1
    # a child section whose strongly linked tasks serve one parent action serves it with all its tasks
    votes: dict[tuple[int, str], dict[str, int]] = {}
    for d in children:
        for c in d.tasks:
            score, code = best.get(f"d{d.index}:{c.id}" if prefix else c.id, (0.0, ""))
            if c.heading and score >= STRONG_LINK:
                tally = votes.setdefault((d.index, c.heading), {})
                tally[code] = tally.get(code, 0) + 1
    section = {k: max(v, key=v.get) for k, v in votes.items()}
    unlinked: list[tuple[Clause, str]] = []
    for d in children:
        d.family = family.name
        for c in d.clauses:
            if not c.is_task:
                c.action = None
                continue
            score, code = best.get(f"d{d.index}:{c.id}" if prefix else c.id, (0.0, ""))
            if code and score >= STRONG_LINK:
                c.action = code
            elif (d.index, c.heading) in section:
                c.action = section[(d.index, c.heading)]
            elif code:
                c.action = code
            elif org_rx.search(c.heading or ""):
                c.action = "O"
            else:
                unlinked.append((c, c.text))
    for (c, _), (code, sim) in zip(unlinked, _nearest([t for _, t in unlinked], profiles)):
        c.action = code if code and sim >= NEAREST_MIN else "X"
    return family


def link_with_parent_actions(child_docs: list[Document], parent_docs: list[Document], report: dict) -> dict:
    """`report` (link_documents's) with the child tasks classified by the parent's actions, that family, its action
    counts, and each child task's action."""
    family = assign_from_parent(child_docs, parent_docs, report)
    children = task_clauses(child_docs, len(child_docs) > 1)
    return {**report, "actions": action_counts(children, family), "family": family.to_json(),
            "child_actions": {c.id: c.action for c in children}}
