"""A file's paragraphs split into plans (one, or many for a compilation), with the header metadata of pages and sites."""
from __future__ import annotations

import hashlib
import logging
import re

from .. import webpage
from ..model import Block, Document
from ..rules import compiled
from ..rules.markers import match_marker
from ..text import fold
from .lines import (
    ATTACH,
    COLOPHON,
    DATE_LINE,
    DOC_NO,
    NOTE,
    NOTICE,
    ORG_END,
    ORGAN_LINE,
    TOC,
    Para,
    flatten,
    is_bodylike,
    is_plan_title,
    is_title_fragment,
    same_title,
    toc_title,
)
from .plan import build

_log = logging.getLogger("planlink.segment")

_R = compiled("segment.yaml")


def segment(blocks: list[Block], source: str = "") -> list[Document]:
    """Split a file's blocks into its plans (one for most files, many for a compilation)."""
    text, paras = flatten(blocks)
    _classify(paras)
    toc_titles = [toc_title(p.text) for p in paras if p.role == "toc"]
    meta = _page_metadata(paras)
    web = _site_metadata(paras)
    starts = _title_groups(paras)
    docs: list[Document] = []
    seen: dict[str, int] = {}
    titles: dict[str, int] = {}
    copies: dict[str, int] = {}
    for k, (i, j, title, notice) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(paras)
        doc = build(text, paras, i, j, end, title, notice, source)
        if not doc.clauses:
            continue
        key = fold(doc.title) + "|" + hashlib.sha1(fold(" ".join(c.text for c in doc.clauses)).encode()).hexdigest()
        if key in seen:  # an identical copy (a scraped page printed twice): kept once, and said so
            copies[key] = copies.get(key, 1) + 1
            continue
        seen[key] = len(docs)
        n = titles[fold(doc.title)] = titles.get(fold(doc.title), 0) + 1
        if n > 1:  # another plan under a title already used: kept, told apart by a suffix
            original = doc.title
            doc.title = f"{original}（{n}）"
            doc.warnings.append(f"a second plan titled {original!r} in this file: kept as {doc.title!r}")
            _log.warning("%s: a second plan titled %r: kept as %r", source, original, doc.title)
        for k2, v in meta.items():
            if not getattr(doc, k2):
                setattr(doc, k2, v)
        doc.index = len(docs)
        docs.append(doc)
    for key, n in copies.items():
        d = docs[seen[key]]
        d.warnings.append(f"this plan appears {n} times in the file (identical copies): kept once")
        _log.info("%s: %r appears %d times (identical copies): kept once", source, d.title, n)
    if not docs and paras:
        doc = build(text, paras, 0, 0, len(paras), web.get("title", ""), None, source)
        if doc.clauses:
            docs.append(doc)
    for doc in docs:
        # a site's metadata table describes the page: its 文号 belongs to the page's one plan (or its notice)
        for k2 in ("issuer", "date") + (("doc_number",) if len(docs) == 1 else ()):
            if web.get(k2) and not getattr(doc, k2):
                setattr(doc, k2, web[k2])
        doc.title = webpage.clean_title(doc.title)
    if toc_titles:
        found = [fold(d.title) for d in docs]
        missing = [t for t in toc_titles if not any(same_title(fold(t), f) for f in found)]
        for d in docs:
            d.warnings.extend(f"listed in the table of contents but not in this file: {t}" for t in missing)
    return docs


def _site_metadata(paras: list[Para]) -> dict[str, str]:
    """A 政府信息公开 page's metadata table (索引号/发布机构/文号/成文日期/标题), as a table or as copied lines: its
    paragraphs become role "meta" (never clauses, never titles) and their fields are returned. The table stands above
    the document, so only paragraphs before the first numbered item are read (分类：… in a body is the body's)."""
    out: dict[str, str] = {}
    for p in paras:
        if p.table is None and match_marker(p.text):
            break
        if p.table is not None:
            found = webpage.read_metadata([list(r) for r in p.table.rows])
        elif p.role in ("", "chrome", "date", "doc_no"):
            found = webpage.line_metadata(p.text)
        else:
            found = None
        if found is None:
            continue
        p.role = "meta"
        for k, v in found.items():
            out.setdefault(k, v)
    return out


def _classify(paras: list[Para]) -> None:
    for p in paras:
        t = p.text
        if p.table is not None:
            continue
        if TOC.search(t):
            p.role = "toc"
        elif ORGAN_LINE.match(t) and ORG_END.search(ORGAN_LINE.match(t).group(1).replace(" ", "")):
            p.role = "organ"
        elif DOC_NO.match(t):
            p.role = "doc_no"
        elif DATE_LINE.match(t):
            p.role = "date"
        elif NOTE.match(t):
            p.role = "note"
        elif COLOPHON.search(t):
            p.role = "colophon"
        elif webpage.is_chrome(t):
            p.role = "chrome"
        elif ATTACH.match(t) and len(t) < 80:
            p.role = "attach"
    # An entry of a table of contents printed without a page number ("35.司法系统……方案（…）因涉密不公开印发。")
    for k in range(1, len(paras)):
        p = paras[k]
        if not p.role and p.table is None and paras[k - 1].role == "toc" and match_marker(p.text) \
                and _R["toc_plan"].search(p.text) and len(p.text) < 90:
            p.role = "toc"


def _title_groups(paras: list[Para]) -> list[tuple[int, int, str, Para | None]]:
    """Find plan titles (possibly split over lines): (first para, para after title, title, notice para)."""
    out: list[tuple[int, int, str, Para | None]] = []
    i = 0
    n = len(paras)
    pending_notice: tuple[int, Para, str] | None = None
    while i < n:
        p = paras[i]
        if p.role or p.table is not None or not is_title_fragment(p.text):
            i += 1
            continue
        j = i
        parts = []
        while j < n and not paras[j].role and paras[j].table is None and is_title_fragment(paras[j].text) \
                and len("".join(parts)) < 90:
            parts.append(paras[j].text)
            j += 1
            if is_plan_title("".join(parts)) and not (j < n and _continues_title(paras[j].text)):
                break
        joined = "".join(parts)
        if any(q.role == "attach" for q in paras[max(0, i - 2):i]) or joined.strip() in ("附件", "附表"):
            i = j
            continue  # an annex title, not a new plan
        # A notice may begin with its issuer on the line above: "周村区工业和信息化局" / "关于印发《…》的通知".
        notice_m = NOTICE.match(joined) or ("关于" in joined and "通知" in joined[-4:])
        if notice_m and ("《" in joined or "印发" in joined or "通知" in joined):
            pending_notice = (i, Para(text=joined, start=p.start, end=paras[j - 1].end), _inner_title(joined))
            i = j
            continue
        if is_plan_title(joined) and j < n and paras[j].role == "toc":
            out.append((i, j, joined, None))  # the title of a compilation, above its contents
            i = j
            continue
        if is_plan_title(joined) and _followed_by_body(paras, j):
            if pending_notice is not None:
                out.append((pending_notice[0], j, joined, pending_notice[1]))
                pending_notice = None
            else:
                out.append((i, j, joined, None))
            i = j
            continue
        i += 1 if j == i else j - i
    if pending_notice is not None and not any(o[3] is pending_notice[1] for o in out):
        # A notice whose plan title is not repeated: the notice names the plan.
        # Its header zone (recipients, paragraphs, signature) runs to the notice's date line when one follows soon.
        k0 = pending_notice[0]
        dated = next((k for k in range(k0 + 1, min(n, k0 + 16)) if paras[k].role == "date"), None)
        out.append((k0, dated + 1 if dated is not None else k0 + 1, pending_notice[2], pending_notice[1]))
        out.sort(key=lambda o: o[0])
    return out


def _continues_title(text: str) -> bool:
    # "(2024-2026年)" or "(2024-2026年)子方案" on the next line
    return bool(_R["title_period_line"].match(text))


def _inner_title(notice: str) -> str:
    m = re.search(r"《(.+)》", notice)
    if m:
        return m.group(1)
    m = _R["notice_inner_title"].search(notice)
    return m.group(2) if m else notice


def _followed_by_body(paras: list[Para], j: int) -> bool:
    """A title starts a plan only if sentence paragraphs or numbered items follow before another title."""
    for p in paras[j:j + 8]:
        if p.role in ("toc",):
            return False
        if p.table is not None:
            return True
        if match_marker(p.text) or is_bodylike(p.text):
            return True
    return False


def _page_metadata(paras: list[Para]) -> dict:
    """Metadata a scraped page prints once for a compilation: 发布日期 / 发布单位 / 版记."""
    meta: dict = {}
    for idx, p in enumerate(paras):
        t = p.text
        m = _R["page_published"].search(t)
        if m and "date" not in meta:
            meta["date"] = "-".join(m.groups())
        if t.startswith("发布单位") and "issuer" not in meta:
            rest = t[4:].strip(" :：")
            if not rest and idx + 1 < len(paras):
                rest = paras[idx + 1].text
            if rest:
                meta["issuer"] = rest
        m = _R["colophon_issuer"].match(t)
        if m and "issuer" not in meta:
            meta["issuer"] = m.group(1).strip()
    return meta
