"""Clause ids from paths, duty lines written once for a group, and the parent plans a document cites."""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from ..extractors import deadlines, frequencies
from ..extractors.departments import labelled_roles
from ..extractors.departments import rules as dept_rules
from ..model import Citation, Clause, Document
from ..rules import compiled
from ..text import fold, small_numeral
from .lines import CITE, DOC_NO_IN, ORG_END, same_title

_log = logging.getLogger("planlink.segment")

_R = compiled("segment.yaml")


# 责任单位：… / 牵头股室：… / 责任领导：… on lines of their own after an item's text: the role labels of departments.yaml
def _duty_res() -> tuple[re.Pattern, re.Pattern]:
    r = dept_rules()
    if "_duty_lines_re" not in r:
        labels = "|".join(re.escape(x) for x in sorted(r["_label_role"], key=len, reverse=True) if len(x) > 2)
        # the block may hold 完成时限：… lines too, beside at least one role line
        role_line = r"\n\s*(?:" + labels + r")\s*[：:][^\n]*"
        any_line = r"\n\s*(?:" + labels + "|" + _R["deadline_label"].pattern + r")\s*[：:][^\n]*"
        r["_duty_lines_re"] = re.compile(f"(?:{any_line})*{role_line}(?:{any_line})*\\s*$")
        r["_any_duty_re"] = re.compile(labels + r"|牵头|负责(?!人|同志)")
        r["_role_line_re"] = re.compile(r"^\s*(?:(?:" + labels + r")\s*[：:]|[【\[](?:" + labels + r")[】\]])")
    return r["_duty_lines_re"], r["_any_duty_re"]


def is_duty_line(text: str) -> bool:
    """A role line, or 完成时限：… / 时间节点：… on a line of its own: a line that assigns or times the item above."""
    return is_role_line(text) or bool(_R["deadline_label"].match(text) and re.match(r"^[^：:]{2,6}[：:]", text))


def is_role_line(text: str) -> bool:
    """牵头股室：办公室、综合股 / 【责任领导】分管副局长: a line that only assigns the work of its section."""
    _duty_res()

    return bool(dept_rules()["_role_line_re"].match(text)) and not re.search(r"[。！？]", text)


def names_duty(text: str) -> bool:
    """The text names a responsibility of its own (a role label, 牵头, 负责): a sibling that does keeps its own roles."""
    return bool(_duty_res()[1].search(text))


def inherit_section_roles(clauses: list[Clause], roles: dict[tuple[str, ...], list[str]]) -> None:
    """Role lines written under a heading, before its first item, assign every item of that section (as a trailing
    block after the last sub-item does, ANNOTATION.md §4); they are not clauses themselves."""
    for c in clauses:
        lines = [t for path, texts in roles.items() if c.path[:len(path)] == list(path) and len(c.path) > len(path)
                 for t in texts]
        if lines:
            c.inherited = "\n".join(x for x in (c.inherited, *lines) if x)


def is_lead_in(text: str) -> bool:
    """A heading or lead-in that writes a frequency, a deadline or a labelled role once for the items under it."""
    line = " ".join(text.split())
    return bool(line) and bool(frequencies.extract(line) or deadlines.extract(line) or labelled_roles(line))


def inherit_lead_ins(clauses: list[Clause], leads: dict[tuple[str, ...], list[str]]) -> None:
    """Each clause under a heading that is a lead-in (is_lead_in) keeps the heading's text, outermost first, one a line;
    the extractors read from it only the kinds of field the clause does not write itself (components.from_lead_in)."""
    for c in clauses:
        lines = [" ".join(t.split()) for path, texts in sorted(leads.items(), key=lambda kv: len(kv[0]))
                 if c.path[:len(path)] == list(path) and len(c.path) > len(path) for t in texts]
        if lines:
            c.lead_in = "\n".join(x for x in (*lines, c.lead_in) if x)


def group_duty_lines(clauses: list[Clause]) -> list[Clause]:
    """Numbered items under one heading of which only the last is followed by 责任单位/责任科室 lines, and no other
    names any responsibility: the lines were written once for the group and apply to every item (as ANNOTATION.md §4
    has it for a trailing block after inline sub-items). The lines after the last item of a nested section
    (（二）…1.…2.（1）…（2）… 牵头单位：…) close that section: the outermost section below the top level that ends with
    that item."""
    _section_tails(clauses)
    i = 0
    while i < len(clauses):
        j = i
        while j + 1 < len(clauses) and clauses[j + 1].marker and clauses[i].marker \
                and len(clauses[j + 1].path) == len(clauses[i].path) and clauses[j + 1].path[:-1] == clauses[i].path[:-1]:
            j += 1
        if j > i:
            duty_lines, any_duty = _duty_res()
            tail = duty_lines.search(clauses[j].text)
            if tail and not any(any_duty.search(c.text) or c.inherited for c in clauses[i:j]):
                for c in clauses[i:j]:
                    c.inherited = tail.group(0).strip()
        i = j + 1
    return clauses


def _section_tails(clauses: list[Clause]) -> None:
    duty_lines, any_duty = _duty_res()
    for k, c in enumerate(clauses):
        if len(c.path) < 3 or not c.marker or not (tail := duty_lines.search(c.text)):
            continue
        group: list[Clause] = []
        for depth in range(2, len(c.path)):
            prefix = c.path[:depth]
            if any(d.path[:depth] == prefix for d in clauses[k + 1:]):
                continue  # the section goes on after this item: the lines are not its last words
            group = [d for d in clauses[:k] if d.path[:depth] == prefix and len(d.path) > depth]
            break
        # only where the section's other items name no duty themselves and are deeper than one list
        if group and not any(any_duty.search(d.text) or d.inherited for d in group) \
                and any(len(d.path) != len(c.path) or d.path[:-1] != c.path[:-1] for d in group):
            for d in group:
                d.inherited = tail.group(0).strip()


def finish(clauses: list[Clause]) -> list[Clause]:
    """Stable ids from the path (c2.1.3), unique within the document."""
    used: dict[str, int] = {}
    for c in clauses:
        base = "c" + ".".join(id_part(x) for x in c.path)
        if not c.marker and c.kind != "table_row":
            base += (".p" if c.path else "p")
            n = used.get(base, 0) + 1
            used[base] = n
            c.id = f"{base}{n}"
            continue
        n = used.get(base, 0)
        used[base] = n + 1
        c.id = base if n == 0 else f"{base}-{n}"
    return clauses


@lru_cache(maxsize=4096)
def id_part(marker: str) -> str:
    """The id piece of a marker (（三） -> 3, 附件 -> a); cached: a plan repeats a few markers."""
    core = marker.strip("（）()第章节条")
    if core.isdigit() and core.isascii():
        return core
    if len(core) == 1 and not core.isascii() and not unicodedata.name(core, "").startswith("CJK") \
            and unicodedata.numeric(core, -1) > 0:
        return str(int(unicodedata.numeric(core)))  # circled and parenthesized digits: ② -> 2, ⑩ -> 10
    if core == "附件":
        return "a"
    n = small_numeral(core)
    if n is not None:
        return str(n)
    import cn2an  # rare forms only (一百零一, 两): see text.small_numeral

    try:
        return str(int(cn2an.cn2an(core, "normal")))
    except Exception:  # noqa: BLE001
        return re.sub(r"\W", "", core) or "x"


def citations(doc: Document) -> None:
    """Parent plans cited in the preamble or notice: 《title》 with its 文号 where given."""
    head = "\n".join(c.text for c in doc.clauses[:4])
    seen = set()
    for m in CITE.finditer(head):
        title = m.group(2)
        if not _R["cite_kind"].search(title):
            continue
        if fold(title) == fold(doc.title) or same_title(fold(title), fold(doc.title)) or fold(title) in seen:
            continue
        seen.add(fold(title))
        after = m.group(3) or ""
        number = DOC_NO_IN.search(after)
        if not number:
            tail = head[m.end():m.end() + 40]
            number = DOC_NO_IN.match(tail.lstrip("（("))
        issuer = (m.group(1) or "")
        # 为深入贯彻落实国务院安委会《…》 / 和省安委会《…》: the issuer follows the last verb of citing
        issuer = _R["cite_verb"].sub("", issuer)
        issuer = _R["cite_joiner"].sub("", issuer)
        if year := _R["cite_period"].match(after):
            title = f"{title}（{year.group(1)}）"
        doc.citations.append(Citation(title=title, doc_number=number.group(0) if number else "",
                                      issuer=issuer if ORG_END.search(issuer) else ""))
