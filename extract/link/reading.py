"""The linkage report laid out for reading: parent and child side by side in document order, each row one kind
(落实 / 改写 / 弱化 / 强化 / 遗漏 / 新增), the diff blind to punctuation width and whitespace, changes said in words."""
from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..components import frequency_value
from ..model import TIGHTENING, WEAKENING, Clause, Coverage

#: reading kinds in the order a reviewer works through them, each a light band colour and its full colour
#: (the colours of model.Coverage, which the graph and the exports use too)
_ORDER = (Coverage.DROPPED, Coverage.WEAKENED, Coverage.TIGHTENED, Coverage.REWRITTEN, Coverage.COVERED, Coverage.NOVEL)


def _tint(colour: str, keep: float = 0.22) -> str:
    """The colour mixed with white: a background light enough for black text."""
    rgb = [int(colour[k:k + 2], 16) for k in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - v) * keep):02x}" for v in rgb)


KINDS = {c.label: (_tint(c.colour), c.colour) for c in _ORDER}
# CJK punctuation that has a half-width twin NFKC does not map (。、“” …): compared as the same character
_TWINS = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "–": "-", "－": "-",
                        "〔": "[", "〕": "]", "【": "[", "】": "]", "《": "<", "》": ">", "·": ".", "…": "."})


@dataclass
class Row:
    """One line of the side-by-side view: a parent task with the child clauses that implement it, or a child
    clause the parent does not have (新增)."""

    kind: str
    parent: Clause | None = None
    links: list[dict] = field(default_factory=list)
    child: Clause | None = None  # a 新增 row


def link_kind(links: list[dict]) -> str:
    if not links:
        return "遗漏"
    changed = {x for lk in links for x in lk["changes"]}
    if changed & WEAKENING:
        return "弱化"
    if changed & TIGHTENING:
        return "强化"
    if all(lk["kind"] == "paraphrased" for lk in links):
        return "改写"
    return "落实"


def rows(report: dict, parents: list[Clause], children: list[Clause]) -> list[Row]:
    """Parent tasks in the parent's order; a child clause no parent task has follows the row of the nearest
    linked child clause before it, so both plans read top to bottom."""
    by_parent: dict[str, list[dict]] = {}
    for lk in report["links"]:
        by_parent.setdefault(lk["parent"], []).append(lk)
    out = [Row(link_kind(by_parent.get(p.id, [])), parent=p, links=by_parent.get(p.id, [])) for p in parents]
    row_of_child: dict[str, int] = {}
    for k, r in enumerate(out):
        for lk in r.links:
            row_of_child.setdefault(lk["child"], k)
    novel = {n["id"] for n in report["coverage"]["novel_child_clauses"]}
    after: dict[int, list[Row]] = {}
    last = -1
    for c in children:
        if c.id in row_of_child:
            last = row_of_child[c.id]
        elif c.id in novel:
            after.setdefault(last, []).append(Row("新增", child=c))
    merged = list(after.get(-1, []))
    for k, r in enumerate(out):
        merged.append(r)
        merged.extend(after.get(k, []))
    return merged


def _folded(text: str) -> tuple[list[str], list[int]]:
    """Characters to compare (width-folded, whitespace dropped) and their positions in the original text."""
    chars, pos = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        chars.append(unicodedata.normalize("NFKC", ch).translate(_TWINS))
        pos.append(i)
    return chars, pos


def diff_html(a: str, b: str) -> tuple[str, str]:
    """Both texts as escaped HTML with what differs coloured: red (struck) in the parent, green in the child.
    Full- and half-width punctuation and whitespace are not differences."""
    ca, pa = _folded(a)
    cb, pb = _folded(b)
    marks_a, marks_b = [False] * len(a), [False] * len(b)
    for op, i1, i2, j1, j2 in SequenceMatcher(None, ca, cb, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        for k in range(i1, i2):
            marks_a[pa[k]] = True
        for k in range(j1, j2):
            marks_b[pb[k]] = True
    return (_paint(a, marks_a, '<del style="background:#ffd7d5;color:#8b0000">', "</del>"),
            _paint(b, marks_b, '<ins style="background:#cdeccd;color:#0b5d1e;text-decoration:none">', "</ins>"))


def _paint(text: str, marks: list[bool], open_tag: str, close_tag: str) -> str:
    out, k = [], 0
    while k < len(text):
        j = k
        while j < len(text) and marks[j] == marks[k]:
            j += 1
        piece = html.escape(text[k:j])
        out.append(f"{open_tag}{piece}{close_tag}" if marks[k] else piece)
        k = j
    return "".join(out)


def _deadlines(c: Clause) -> str:
    return "、".join(s.text for s in c.deadlines) or "未写时限"


def _frequencies(c: Clause) -> str:
    return "、".join(frequency_value(s) for s in c.frequencies) or "未写频次"


def change_words(link: dict, parent: Clause, child: Clause) -> list[str]:
    """Each changed attribute said in words: 时限 2024年4月底前 → 2024年7月底前（推后）."""
    out = []
    ch = set(link["changes"])
    if ch & {"deadline_earlier", "deadline_later"}:
        how = "提前" if "deadline_earlier" in ch else "推后"
        out.append(f"时限 {_deadlines(parent)} → {_deadlines(child)}（{how}）")
    if ch & {"frequency_higher", "frequency_lower"}:
        how = "提高" if "frequency_higher" in ch else "降低"
        out.append(f"频次 {_frequencies(parent)} → {_frequencies(child)}（{how}）")
    if "ongoing_added" in ch:
        out.append("增加“长期坚持”")
    if "ongoing_removed" in ch:
        out.append("取消“长期坚持”")
    return out
