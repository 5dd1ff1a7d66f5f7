"""Labelled roles: 责任单位：/牵头股室： blocks, role phrases (由…牵头, …配合, X为牵头单位, 由…负责), duty headings."""
from __future__ import annotations

import re
from functools import lru_cache

from ...model import Department
from ..prefilter import Prefilter
from .names import (clean, is_actor, is_fragment, label_matches, normalize_name, patterns, post_and_person, rules,
                    split_names)

_ITEM_SEP = re.compile(r"[、，,]")
_STOP = re.compile(r"[；;。\n]")
# where one part of a label block ends (责任单位：A牵头，B、C配合) and what may lie between a name and the role word
# closing its part: further names of the list, never a verb
_PART_END = re.compile(r"[，,；;。]")
_LIST_ONLY = re.compile(r"(?:[、和及与][^，,；;。、]{2,30}?)*")


def _names_only(segment: str) -> bool:
    """A segment after a ； that only lists more names of the block before it (责任人：镇长 张某某；分管副镇长 李某某):
    each item an actor's name, or a post and the person holding it; no sentence, no label."""
    items = [x.strip() for x in _ITEM_SEP.split(segment)]
    if not items or any(not x for x in items) or label_matches(segment):
        return False
    for item in items:
        if not (is_actor(item) or post_and_person(item)[1]):
            return False
    return True


# The role phrases in the order they are read, with the role they give (as_role's comes from its match).
PHRASES = (("as_role", "responsible"), ("lead", "lead"), ("support", "support"), ("by", "responsible"))
ROLE_OF_MARK = {"牵头": "lead", "配合": "support", "协助": "support", "参与": "support", "负责": "responsible",
                "责任": "responsible"}


@lru_cache(maxsize=1)
def prefilter() -> Prefilter:
    """The literals the label pattern (a label word) and each role phrase (牵头, 由 and a verb …) need, read off their
    regexes: each runs only on a clause holding them. A phrase pattern tries a lazy name of up to 40 characters at
    every position, and most clauses hold none of these words."""
    p = patterns()
    return Prefilter({"label": rules()["_label_re"], **{name: getattr(p, name) for name, _ in PHRASES}})


def label_blocks(text: str):
    """Yield (role, list text, offset, label offset) for 责任单位：… / 牵头单位：… / 配合单位：… blocks. A block runs to
    a sentence stop, a bracket it did not open, or the next label, each outside brackets."""
    r = rules()
    events = r["_label_event_re"]
    for m in label_matches(text):
        role = r["_label_role"][m.group(1) or m.group(2)]
        i = m.end()
        depth = 0
        j = len(text)
        for e in events.finditer(text, i):
            if e.group(1):
                depth += 1
            elif e.group(2):
                if depth == 0:
                    j = e.start()
                    break
                depth -= 1
            elif depth == 0 and (e.group(3) or e.start() > i):
                j = e.start()
                break
        # 责任人：镇长 张某某；分管副镇长 李某某: a ； before more names of the same list does not end the block
        while j < len(text) and text[j] in "；;":
            nxt = _STOP.search(text, j + 1)
            k = nxt.start() if nxt else len(text)
            if not _names_only(text[j + 1:k]):
                break
            j = k
        block = text[i:j].rstrip("，,、 ")
        yield role, block, i, m.start()


def labelled(text: str) -> tuple[list[tuple[str, int, str]], list[tuple[int, int]]]:
    """(name, position, role) of the actors a label block or a role phrase names, and the spans these cover (the
    subject rules leave them alone)."""
    p, r = patterns(), rules()
    found: list[tuple[str, int, str]] = []
    covered: list[tuple[int, int]] = []
    allowed = prefilter().allowed(text)
    for role, block, off, label_at in label_blocks(text) if "label" in allowed else ():
        covered.append((label_at, off + len(block)))
        for name, pos in split_names(block, off, check=False):
            if p.time_word.search(name) or is_fragment(name) or name in r["_label_role"]:
                continue
            mark = p.role_mark.search(name)
            if mark and len(name) > mark.end() - mark.start() + 1:
                found.append((name[: mark.start()], pos, ROLE_OF_MARK[mark.group(1)]))
                continue
            # 责任单位：特种设备科牵头，各市场监管所配合: the role word written right after the name (clean may have
            # dropped it, or kept it: 县公安局参与)
            after = text[pos + len(name): pos + len(name) + 2]
            if after in ROLE_OF_MARK and after != "责任":
                found.append((name, pos, ROLE_OF_MARK[after]))
                continue
            if name[-2:] in ROLE_OF_MARK and name[-2:] != "责任" and is_actor(name[:-2]):
                found.append((name[:-2], pos, ROLE_OF_MARK[name[-2:]]))
                continue
            # 责任单位：A科牵头，B科、C中心配合: a role word closing a list of names gives the role to each of them
            end = _PART_END.search(text, pos + len(name), off + len(block))
            part = text[pos + len(name): end.start() if end else off + len(block)].rstrip()
            if part[-2:] in ROLE_OF_MARK and part[-2:] != "责任" and _LIST_ONLY.fullmatch(part[:-2]):
                found.append((name, pos, ROLE_OF_MARK[part[-2:]]))
                continue
            found.append((name, pos, role))

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in covered)

    for name, role in PHRASES:
        if name not in allowed:
            continue
        rx = getattr(p, name)
        for m in rx.finditer(text):
            if inside(m.start(1)):
                continue
            group, at = m.group(1), m.start(1)
            if rx is p.as_role:
                # 县应急局为牵头单位，县公安局、县交通局为配合单位
                names = split_names(group, at, check=True)
                found += [(n, q, ROLE_OF_MARK[m.group(2)]) for n, q in names]
                if names:
                    covered.append((at, m.end()))
                continue
            if rx is p.support:
                # 由镇应急办负责、镇派出所配合: the support list starts after the responsible part
                cut = max((k.end() for k in p.done_part.finditer(group)), default=0)
                group, at = group[cut:], at + cut
            names = split_names(group, at, check=True)
            for name, pos in names:
                found.append((name, pos, role))
            if names:
                covered.append((at - 1, m.end()))
    return found, covered


def from_heading(heading: str) -> list[Department]:
    """The actor a clause's nearest heading names as holding the duties listed under it (responsible), as a table's
    责任 column does for its rows. The span has no place in the clause text (start == end == 0)."""
    last = heading.rsplit(" / ", 1)[-1].strip() if heading else ""
    m = patterns().duties_heading.match(last)
    if not m:
        return []
    name = clean(m.group(1))
    if not is_actor(name):
        return []
    return [Department(name, name=normalize_name(name), role="responsible", origin="heading")]
