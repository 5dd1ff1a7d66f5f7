"""One plan: its header metadata (发文机关, 文号, 成文日期, 主送, notice wrapper) and its clause tree from list markers."""
from __future__ import annotations

import logging
import re

from .. import webpage
from ..model import Clause, Document
from ..rules import compiled
from ..rules.markers import INLINE_RE, RANK, match_marker
from ..text import to_arabic
from .ids import (
    citations,
    finish,
    group_duty_lines,
    id_part,
    inherit_lead_ins,
    inherit_section_roles,
    is_duty_line,
    is_lead_in,
    is_role_line,
    names_duty,
)
from .lines import (
    ORG_END,
    ORGAN_LINE,
    Node,
    Para,
    is_bodylike,
    is_signature_name,
    is_title_fragment,
)
from .tables import table_clauses

_log = logging.getLogger("planlink.segment")

_R = compiled("segment.yaml")
_SENTENCE = re.compile(r"[。；;！？!?，,：:]")


def build(text: str, paras: list[Para], i: int, j: int, end: int, title: str, notice: Para | None,
           source: str) -> Document:
    doc = Document(title=title, text="", source=source)
    body_start = j
    lo = paras[i].start if i < len(paras) else 0
    hi = paras[end - 1].end if end - 1 < len(paras) and end > 0 else len(text)
    doc.text = text[lo:hi]
    off = lo
    clauses: list[Clause] = []
    # Header zone: the notice (issuer, 文号, recipients, its paragraphs, signature, date) up to the plan title.
    header = paras[i:body_start] if notice is not None else []
    if notice is not None:
        for p in paras[max(0, i - 4):i]:
            _take_meta(doc, p)  # a 文号 printed above the issuer's name
        before = paras[i - 1].text if i > 0 else ""
        if ORG_END.search(before) and not is_bodylike(before):
            doc.issuer = doc.issuer or before
        m = _R["notice_issuer"].match(notice.text)
        if m and not doc.issuer:
            doc.issuer = m.group(1)
        _notice_zone(doc, paras, i, body_start, clauses, off, header)
    elif i > 0:
        # Metadata lines just above a plan title without a notice.
        for p in paras[max(0, i - 6):i]:
            _take_meta(doc, p)
    body = paras[body_start:end]
    _body(doc, body, clauses, off)
    doc.clauses = finish(group_duty_lines(clauses))
    citations(doc)
    return doc


def _take_meta(doc: Document, p: Para) -> bool:
    t = p.text
    if p.role == "doc_no":
        doc.doc_number = doc.doc_number or t
    elif p.role == "date":
        doc.date = doc.date or _iso_date(t)
    elif p.role == "note":
        doc.note = t
    elif p.role == "organ":
        doc.issuer = doc.issuer or ORGAN_LINE.match(t).group(1).replace(" ", "")
    else:
        return False
    return True


def _iso_date(t: str) -> str | None:
    """二〇二四年六月十日 / 2024年6月10日 -> 2024-06-10; None when the line is not a date."""
    m = re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日", to_arabic(t))
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def _notice_zone(doc: Document, paras: list[Para], i: int, body_start: int, clauses: list[Clause], off: int,
                 header: list[Para]) -> None:
    zone = paras[i:body_start]
    for k, p in enumerate(zone):
        t = p.text
        if _take_meta(doc, p) or p.role in ("chrome", "toc", "colophon", "meta"):
            continue
        if p.role == "attach":
            doc.attachments.append(t)
            continue
        if t.endswith(("：", ":")) and not is_bodylike(t.rstrip("：:") + "。") and len(t) < 120:
            doc.recipients = t.rstrip("：:")
            continue
        if t.endswith(("：", ":")) and len(t) < 120 and ("各" in t[:3] or "、" in t or "，" in t):
            doc.recipients = t.rstrip("：:")
            continue
        if is_bodylike(t):
            # the notice's paragraphs stay clauses (non-task, ANNOTATION.md §2); its demands are notes of the plan
            doc.notes.extend(webpage.notice_demands(t))
            clauses.append(Clause(id="", path=[], marker="", text=t, start=p.start - off, end=p.end - off,
                                  page=p.page))
            continue
        if ORG_END.search(t) and len(t) <= 40:
            doc.issuer = doc.issuer or t  # signature
    if doc.issuer == "" and zone:
        first = zone[0].text
        m = _R["notice_issuer"].match(first)
        if m:
            doc.issuer = m.group(1)


# after sentence punctuation (or a colon), where an item of a list written on the same line may start: only before a
# character a marker can open with, so the marker forms are tried at few places
_GAP = re.compile(r"(?<=[。；;：:])\s*(?=[（(\d一二三四五六七八九十])")
# forms split here; inline （1）（2） sub-items are split per clause by _split_inline, with their shared tail
_SIBLING_FORMS = ("cn", "paren_cn", "paren_arabic", "arabic")
_CHILD_FORMS = ("paren_cn", "arabic")


def _number(marker: str) -> int | None:
    part = id_part(marker)
    return int(part) if part.isascii() and part.isdigit() else None


def _chain(found: list[tuple[int, str, int | None, bool]], form: str, first: int, colon: bool) -> list[int]:
    """Offsets of items first, first+1, … of `form` among the inline markers found, in order; a sibling follows
    sentence punctuation only, a first sub-item may also follow a colon (工作要求：1.……；2.……)."""
    cuts: list[int] = []
    want = first
    for pos, f, n, after_colon in found:
        if f == form and n == want and (colon or not after_colon):
            cuts.append(pos)
            want += 1
    return cuts


def _cut(p: Para, cuts: list[int]) -> list[Para]:
    out: list[Para] = []
    bounds = [0, *cuts, len(p.text)]
    for a, b in zip(bounds, bounds[1:]):
        stripped = p.text[a:b].rstrip()
        if stripped:
            out.append(Para(text=stripped, start=p.start + a, end=p.start + a + len(stripped), page=p.page))
    return out


def _sibling_split(p: Para) -> list[Para]:
    """Items of a list written on one line are paragraphs of their own (each a list item of ANNOTATION.md §1):
    "(一)活动时间:2024-2026年;(二)活动安排:……" (the next items of the same list, after sentence punctuation), and
    "（三）工作要求。1.加强组织领导，……。2.强化督导，……" (an item's sub-items 1, 2, … after its own sentences), so a
    paragraph that holds several 要求 sentences under their own markers gives one clause per marker."""
    if p.table is not None or p.role:
        return [p]
    m = match_marker(p.text)
    if not m:
        return [p]
    form, marker, length = m
    found = []
    for g in _GAP.finditer(p.text, length):
        hit = match_marker(p.text, g.end())
        if hit:
            found.append((g.end(), hit[0], _number(hit[1]), p.text[g.start() - 1] in "：:"))
    if not found:
        return [p]
    n = _number(marker)
    cuts = _chain(found, form, n + 1, False) if n is not None and form in _SIBLING_FORMS else []
    if cuts:
        return [q for piece in _cut(p, cuts) for q in _sibling_split(piece)]
    for child in _CHILD_FORMS:
        if RANK[child] <= RANK[form]:
            continue
        kids = _chain(found, child, 1, True)
        # two sub-items at least, and no tail written once for all of them (（责任单位：…） stays with the item)
        if len(kids) >= 2 and not _R["shared_tail"].search(p.text):
            return [q for piece in _cut(p, kids) for q in _sibling_split(piece)]
    return [p]


def _signatures(doc: Document, body: list[Para]) -> None:
    """A plan signed at its end (青溪县住房和城乡建设局 / 2024年4月28日): the organ's line before the date line is
    the 发文机关, not a clause (ANNOTATION.md §1: signature and 成文日期 are metadata)."""
    for k in range(len(body) - 1):
        p, nxt = body[k], body[k + 1]
        if p.role or p.table is not None or nxt.role != "date":
            continue
        t = p.text
        if is_signature_name(t):
            p.role = "signature"
            doc.issuer = doc.issuer or t


def _body(doc: Document, body: list[Para], clauses: list[Clause], off: int) -> None:
    body = [q for p in body for q in _sibling_split(p)]
    _signatures(doc, body)
    stack: list[Node] = []
    nodes: list[Node | Para] = []  # document order: nodes and free paragraphs
    in_annex = False
    ended = False
    table_at: dict[int, list[str]] = {}
    for p in body:
        if ended:
            if p.role == "colophon":
                continue
            if p.table is None:
                continue
        if p.table is not None:
            if p.role != "meta":
                nodes.append(p)
                # a task table that is the whole content of a body heading (二、重点任务 / 主要任务如下： then the
                # table) stands under that section; any other table is an annex's (its 附件 line may have been merged
                # into the paragraph before it)
                last = nodes[-2] if len(nodes) > 1 else None
                if not (in_annex or ended) and isinstance(last, Node) and stack and stack[-1] is last \
                        and not last.extra and (_is_title_only(last.title) or last.title.rstrip().endswith(("：", ":"))):
                    table_at[id(p)] = list(last.path)
                    # its rows are its children, as numbered items would be: the title is a heading, not a clause
                    last.has_children = True
            continue
        t = p.text
        if p.role in ("toc", "chrome", "meta", "signature"):
            continue
        if p.role == "colophon":
            ended = True
            continue
        if p.role in ("doc_no", "date", "note", "organ"):
            _take_meta(doc, p)
            continue
        if p.role == "attach":
            doc.attachments.append(t)
            in_annex = True
            continue
        if in_annex:
            # Annex furniture: its title, its "附件" label; the table itself arrives as a table block.
            if not is_bodylike(t) or _R["annex_people"].search(t):
                continue
        m = match_marker(t)
        if m:
            form, marker, length = m
            rank = RANK[form]
            while stack and stack[-1].rank >= rank:
                stack.pop()
            if stack:
                stack[-1].has_children = True
            node = Node(marker, form, rank, t[length:], p, [s.marker for s in stack] + [marker],
                         heading=_stack_heading(stack))
            stack.append(node)
            nodes.append(node)
            continue
        last = nodes[-1] if nodes else None
        if isinstance(last, Node) and stack and stack[-1] is last and not _is_bare_section(last):
            last.extra.append(p)
        elif isinstance(last, Node) and stack and stack[-1] is last:
            nodes.append(Para(text=p.text, start=p.start, end=p.end, page=p.page, role="free:" + "\x1f".join(last.path),
                              heading=_stack_heading(stack)))
        elif not is_bodylike(t) and (is_title_fragment(t) or len(t) < 12) and not stack:
            continue  # a stray title line before the body (a subtitle, an issuer)
        else:
            path = stack[-1].path if stack else []
            if isinstance(last, Node) and last.extra and stack and stack[-1] is last:
                last.extra.append(p)
            else:
                nodes.append(Para(text=p.text, start=p.start, end=p.end, page=p.page, role="free:" + "\x1f".join(path),
                                  heading=_stack_heading(stack)))
    nodes = _closing_requests(_titled_paragraphs(nodes))
    section_roles: dict[tuple[str, ...], list[str]] = _closing_role_lines(nodes)
    lead_ins: dict[tuple[str, ...], list[str]] = {}
    first = len(clauses)
    for item in nodes:
        if isinstance(item, Para):
            if item.table is not None:
                clauses.extend(table_clauses(item, off, table_at.get(id(item), ["附件"])))
                continue
            path = item.role[5:].split("\x1f") if item.role[5:] else []
            if path and is_role_line(item.text):
                section_roles.setdefault(tuple(path), []).append(item.text)
                continue
            clauses.append(Clause(id="", path=path, marker="", text=item.text, start=item.start - off,
                                  end=item.end - off, page=item.page, heading=item.heading))
            continue
        node = item
        if node.has_children:
            own = " / ".join(x for x in (node.heading, _short_title(node.title)) if x)
            if is_lead_in(node.title):
                lead_ins.setdefault(tuple(node.path), []).append(node.title)
            for p in node.extra:
                if is_role_line(p.text):
                    section_roles.setdefault(tuple(node.path), []).append(p.text)
                    continue
                if _R["lead_in_colon"].search(p.text) and is_lead_in(p.text):
                    # 各股室定期开展（每月至少1次）以下检查： before the items it introduces: a clause, and their lead-in
                    lead_ins.setdefault(tuple(node.path), []).append(p.text)
                clauses.append(Clause(id="", path=list(node.path), marker="", text=p.text, start=p.start - off,
                                      end=p.end - off, page=p.page, heading=own))
            continue
        if _is_bare_section(node) and not node.extra:
            continue
        parts = [node.title] + [p.text for p in node.extra]
        body_text = "\n".join(x for x in parts if x)
        start = node.para.start + (len(node.para.text) - len(node.title)) - off
        end = (node.extra[-1].end if node.extra else node.para.end) - off
        clauses.extend(_split_inline(Clause(id="", path=list(node.path), marker=node.marker, text=body_text,
                                            start=start, end=end, page=node.para.page,
                                            heading=node.heading)))
    if section_roles:
        inherit_section_roles(clauses[first:], section_roles)
    if lead_ins:
        inherit_lead_ins(clauses[first:], lead_ins)


def _free(p: Para, path: list[str], heading: str) -> Para:
    return Para(text=p.text, start=p.start, end=p.end, page=p.page, role="free:" + "\x1f".join(path), heading=heading)


def _titled_paragraphs(nodes: list[Node | Para]) -> list[Node | Para]:
    """（二）工作目标 on a line of its own, then several paragraphs: as under 一、工作目标 (ANNOTATION.md §1), each
    paragraph is a clause of its own; the first stays with the item's title, the others stand under it."""
    out: list[Node | Para] = []
    for item in nodes:
        out.append(item)
        if isinstance(item, Node) and not item.has_children and len(item.extra) >= 2 and _is_title_only(item.title):
            # role and time lines (牵头单位：… / 时间节点：…) after the paragraph stay with the item: they assign or
            # time it, they are no paragraph
            k = next((k for k in range(len(item.extra), 1, -1) if not is_duty_line(item.extra[k - 1].text)), 1)
            if k < 2:
                continue
            rest, item.extra = item.extra[1:k], item.extra[:1] + item.extra[k:]
            heading = " / ".join(x for x in (item.heading, _short_title(item.title)) if x)
            out.extend(_free(p, item.path, heading) for p in rest)
    return out


def _closing_requests(nodes: list[Node | Para]) -> list[Node | Para]:
    """A request written once at the end of a plan (各单位于每年6月20日、11月20日前将……报送……) after its last item is
    a clause of its own (ANNOTATION.md §1, a closing request), so the item does not take its dates and units. Only
    when the item has sentences of its own: under a title-only item (（三）工作要求) the paragraph is the item's text."""
    last = next((k for k in range(len(nodes) - 1, -1, -1) if isinstance(nodes[k], Node)), None)
    if last is None:
        return nodes
    node = nodes[last]
    if node.has_children or not is_bodylike(node.title) or not node.extra:
        return nodes
    k = next((k for k, p in enumerate(node.extra) if _R["closing_request"].search(p.text)), None)
    if k is None:
        return nodes
    rest, node.extra = node.extra[k:], node.extra[:k]
    return nodes[:last + 1] + [_free(p, node.path[:-1], node.heading) for p in rest] + nodes[last + 1:]


def _closing_role_lines(nodes: list[Node | Para]) -> dict[tuple[str, ...], list[str]]:
    """（县应急管理局牵头，县直有关部门配合） on a line of its own after the last of several sub-items, none of which
    names a duty itself: written once for the item's sub-items (ANNOTATION.md §4), as a bare 责任单位：… line is. The
    line leaves the last sub-item's text and goes to its parent section, whose clauses all inherit it. A bracket at
    the end of a sub-item's own sentence stays that sub-item's."""
    roles: dict[tuple[str, ...], list[str]] = {}
    items = [n for n in nodes if isinstance(n, Node)]
    for k, node in enumerate(items):
        if node.has_children or len(node.path) < 2 or not node.extra:
            continue
        n = len(node.extra)
        while n > 0 and _R["closing_role_paren"].fullmatch(node.extra[n - 1].text):
            n -= 1
        if n == len(node.extra):
            continue
        parent = node.path[:-1]
        if any(m.path[:len(parent)] == parent for m in items[k + 1:]):
            continue  # the section goes on: the line is this sub-item's own
        head = next((m for m in items[:k] if m.path == parent), None)
        if head is None or head.rank <= RANK["cn"]:
            continue  # the sub-items of an item, not the items of a chapter (一、…)
        kin = [m for m in items[:k] if m.path[:len(parent)] == parent and len(m.path) > len(parent)]
        own = [node.title] + [p.text for p in node.extra[:n]]
        if not kin or any(names_duty(t) for m in kin for t in [m.title] + [p.text for p in m.extra]) \
                or any(names_duty(t) for t in own):
            continue
        lines, node.extra = node.extra[n:], node.extra[:n]
        roles.setdefault(tuple(parent), []).extend(p.text.strip() for p in lines)
    return roles


def _is_title_only(title: str) -> bool:
    return 0 < len(title) <= 30 and not _SENTENCE.search(title)


def _stack_heading(stack: list[Node]) -> str:
    """The short titles of the open sections, outermost first: what a paragraph without a marker stands under."""
    return " / ".join(_short_title(s.title) for s in stack if _short_title(s.title))


def _short_title(title: str) -> str:
    """The title part of a heading line: up to its first 。 or ，, if that is short."""
    head = re.split(r"[。；，,]", title, maxsplit=1)[0].strip()
    return head if 0 < len(head) <= 30 else ""


def _is_bare_section(node: Node) -> bool:
    """一、工作目标: a top-level title with no sentence of its own heads the paragraphs under it."""
    return node.rank <= RANK["cn"] and not is_bodylike(node.title) and len(node.title) <= 30


def _split_inline(clause: Clause) -> list[Clause]:
    """Inline sub-items （1）…（2）… inside one item become clauses of their own (ANNOTATION.md §4)."""
    hits = list(INLINE_RE.finditer(clause.text))
    seq = []
    want = 1
    circled = None  # the form of the list: the first item's
    for h in hits:
        num = int(h.group(1)) if h.group(1) else "①②③④⑤⑥⑦⑧⑨⑩".index(h.group(2)) + 1
        if num == want and (circled is None or circled == bool(h.group(2))):
            circled = bool(h.group(2))
            seq.append(h)
            want += 1
    if len(seq) < 2:
        return [clause]
    out = []
    pieces = []
    for k, h in enumerate(seq):
        s = h.end()
        e = seq[k + 1].start() if k + 1 < len(seq) else len(clause.text)
        pieces.append((h.group(2) or f"（{h.group(1)}）", s, e))
    # A trailing （责任单位：…） / 完成时限：… written once after the last sub-item applies to all of them.
    last_text = clause.text[pieces[-1][1]:pieces[-1][2]]
    tail = _R["shared_tail"].search(last_text)
    inherited = tail.group(0) if tail else ""
    # 2.定期开展（每月至少1次）以下检查：（1）…（2）…: the words before the first sub-item are the items' lead-in
    lead = clause.text[:seq[0].start()].strip()
    lead_in = "\n".join(x for x in (clause.lead_in, lead if is_lead_in(lead) else "") if x)
    for marker, s, e in pieces:
        piece = clause.text[s:e].strip()
        lead = len(clause.text[s:e]) - len(clause.text[s:e].lstrip())
        out.append(Clause(id="", path=clause.path + [marker], marker=marker, text=piece,
                          start=clause.start + s + lead, end=clause.start + s + lead + len(piece), page=clause.page,
                          inherited="" if piece.endswith(inherited) else inherited, lead_in=lead_in))
    return out
