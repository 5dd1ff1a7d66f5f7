"""Blocks -> documents -> clause trees: GB/T 9704 header metadata, markers, headings, tables, compilations."""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field

import cn2an

from . import webpage
from .model import Block, Citation, Clause, Document, Table
from .rules.markers import INLINE_RE, RANK, match_marker
from .text import fold, to_arabic

_log = logging.getLogger("planlink.segment")

# --- line classes -----------------------------------------------------------------------------------

# [bookmark: _Toc386507860_WPSOffice_Level1] left by WPS exports
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
# 1.教育系统安全生产治本攻坚三年行动方案(2024-2026年)..........5
_TOC = re.compile(r"(\.{4,}|…{2,}|·{4,})\s*\d{1,4}\s*$")
# 铁峰府发〔2024〕56号 / 巫山经信发〔2023〕5号 / 国发[2024]1号
_DOC_NO = re.compile(r"^[\u4e00-\u9fff]{1,20}[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d{1,5}\s*号$")
_DOC_NO_IN = re.compile(r"[\u4e00-\u9fff]{1,20}[〔\[【]\s*\d{4}\s*[〕\]】]\s*\d{1,5}\s*号")
# 2024年6月14日 / 二〇二四年六月十四日
_DATE_LINE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$")
# （此件公开发布） / （此件不公开）
_NOTE = re.compile(r"^[（(]此件.{1,12}[）)]$")
# 附件：……名单 / 附件1 / 附：……清单
_ATTACH = re.compile(r"^附\s*(件\s*\d*)?\s*([：:]|$)")
# 抄送：… / 西藏自治区安全生产委员会办公室 2024年4月8日印发
_COLOPHON = re.compile(r"^抄送[：:]|\d{4}年\d{1,2}月\d{1,2}日\s*印发$")
_TITLE_KEY = re.compile(r"(方案|意见|办法|规划|计划|细则|通知|决定|要点|规定|清单|措施)([（(][^）)]{0,20}[）)])?[》」]?$")
_NOTICE = re.compile(r"^(.{0,40}?)关于(印发|转发|下发)?.*(通知|决定|批复|函)$")
# the first line of a notice title: 安平县应急管理局关于印发《…》 (its 的通知 may follow on the next line)
_NOTICE_START = re.compile(r"关于(?:印发|转发|下发)")
# 安平县应急管理局文件: the red organ line of a 红头
_ORGAN_LINE = re.compile(r"^([\u4e00-\u9fff（）()、 ]{2,40}?)\s*文\s*件$")
_SENTENCE_PUNCT = re.compile(r"[。，；！？,;!?]")
_ORG_END = re.compile(r"(人民政府|政府|委员会|安委会|办公室|办公厅|委|局|厅|部|中心|公司|集团|管委会|乡|镇|街道办事处|领导小组|指挥部)$")
_WEB_CHROME = re.compile(
    r"^(当前位置|首页|扫描二维码|放大字体|核心提示|发布单位|发布文号|发布日期|生效日期|有效性状态|属性|备注\s*$|地区[:：]"
    r"|标签[:：]|声明[:：]?$|电询|QQ|邮箱|版权|Copyright|Processed in|\[|【\s*(打印|关闭)|法规中心|按分类浏览|推荐|点击排行"
    r"|来源[:：]|浏览次数|分享|打印本文|关闭窗口|上一篇|下一篇|相关(文章|阅读|链接)|责任编辑|信息来源|.*ICP备)"
)
_FILE_LINE = re.compile(r"\.(DOC|DOCX|PDF|WPS|doc|docx|pdf|wps)\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_CITE = re.compile(r"([\u4e00-\u9fff]{2,30}?)?《([^《》]{4,80})》\s*([（(][^（）()]{0,40}[）)])?")


def clean_line(text: str) -> str:
    return _BOOKMARK.sub("", text).strip().strip("\u3000").strip()


def is_bodylike(text: str) -> bool:
    """A sentence-bearing paragraph rather than a title, a name or page chrome."""
    return len(_CJK.findall(text)) >= 12 and _SENTENCE_PUNCT.search(text) is not None


def is_chrome(text: str) -> bool:
    return bool(_WEB_CHROME.match(text) or _FILE_LINE.search(text)) or webpage.is_chrome(text)


def is_title_fragment(text: str) -> bool:
    # a notice title (…关于印发《…》的通知) is often longer than any plan title
    short = len(text) <= 45 or (len(text) <= 150 and _NOTICE_START.search(text) is not None)
    return (short and match_marker(text) is None and not _SENTENCE_PUNCT.search(text)
            and not _TOC.search(text) and not _DOC_NO.match(text) and not _DATE_LINE.match(text)
            and bool(_CJK.search(text)) and not text.endswith(("：", ":")))


def is_plan_title(text: str) -> bool:
    t = text.strip()
    return 6 <= len(t) <= 90 and _TITLE_KEY.search(t) is not None and not t.startswith(("附件", "附："))


# --- paragraphs with offsets ---------------------------------------------------------------------------


@dataclass(slots=True)
class Para:
    text: str
    start: int = 0
    end: int = 0
    page: int | None = None
    table: Table | None = None
    role: str = ""  # "", toc, title, notice, doc_no, date, note, recipients, attach, colophon, chrome, signature
    heading: str = ""  # for a paragraph without a marker: the titles of the sections it stands in


@dataclass(slots=True)
class _Node:
    marker: str
    form: str
    rank: int
    title: str
    para: Para
    path: list[str]
    extra: list[Para] = field(default_factory=list)
    has_children: bool = False
    heading: str = ""  # the short titles of the headings above, "主要任务 / 开展安全风险分级管控行动"


def flatten(blocks: list[Block]) -> tuple[str, list[Para]]:
    """Join blocks into one text with paragraph offsets; a table is placed as tab-separated rows."""
    parts: list[str] = []
    paras: list[Para] = []
    pos = 0
    for b in blocks:
        if b.kind == "table" and b.table is not None:
            text = "\n".join("\t".join(_text_cell(c) for c in row) for row in b.table.rows)
            para = Para(text=text, page=b.page, table=b.table)
        else:
            text = clean_line(b.text)
            if not text:
                continue
            para = Para(text=text, page=b.page)
        para.start, para.end = pos, pos + len(text)
        parts.append(text)
        paras.append(para)
        pos += len(text) + 1
    return "\n".join(parts), paras


# --- documents -----------------------------------------------------------------------------------------


def segment(blocks: list[Block], source: str = "") -> list[Document]:
    """Split a file's blocks into its plans (one for most files, many for a compilation)."""
    text, paras = flatten(blocks)
    _classify(paras)
    toc_titles = [_toc_title(p.text) for p in paras if p.role == "toc"]
    meta = _page_metadata(paras)
    web = _site_metadata(paras)
    starts = _title_groups(paras)
    docs: list[Document] = []
    seen: dict[str, int] = {}
    titles: dict[str, int] = {}
    copies: dict[str, int] = {}
    for k, (i, j, title, notice) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(paras)
        doc = _build(text, paras, i, j, end, title, notice, source)
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
        doc = _build(text, paras, 0, 0, len(paras), web.get("title", ""), None, source)
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


def same_title(a: str, b: str) -> bool:
    """Two folded plan titles name the same plan (year ranges, brackets and a doubled word aside)."""
    a2, b2 = re.sub(r"[()（）\-—–0-9年]", "", a), re.sub(r"[()（）\-—–0-9年]", "", b)
    return a2 == b2 or (len(a2) > 8 and (a2 in b2 or b2 in a2)) or _loose(a2) == _loose(b2)


def _loose(s: str) -> str:
    # "通信管理管理系统" (a typo in a body title) vs "通信管理系统" in the contents
    return re.sub(r"(.{2,4})\1", r"\1", s)


def _toc_title(text: str) -> str:
    t = _TOC.sub("", text).rstrip(".…· ")
    m = match_marker(t)
    return t[m[2]:] if m else t


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
        if _TOC.search(t):
            p.role = "toc"
        elif _ORGAN_LINE.match(t) and _ORG_END.search(_ORGAN_LINE.match(t).group(1).replace(" ", "")):
            p.role = "organ"
        elif _DOC_NO.match(t):
            p.role = "doc_no"
        elif _DATE_LINE.match(t):
            p.role = "date"
        elif _NOTE.match(t):
            p.role = "note"
        elif _COLOPHON.search(t):
            p.role = "colophon"
        elif is_chrome(t):
            p.role = "chrome"
        elif _ATTACH.match(t) and len(t) < 80:
            p.role = "attach"
    # An entry of a table of contents printed without a page number ("35.司法系统……方案（…）因涉密不公开印发。")
    for k in range(1, len(paras)):
        p = paras[k]
        if not p.role and p.table is None and paras[k - 1].role == "toc" and match_marker(p.text) \
                and re.search(r"方案|意见|办法", p.text) and len(p.text) < 90:
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
        notice_m = _NOTICE.match(joined) or ("关于" in joined and "通知" in joined[-4:])
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
    return bool(re.match(r"^[（(]\s*\d{4}\s*[-—–－至]\s*\d{4}\s*年?\s*[）)]", text)) or text.startswith(("的通知", "行动方案"))


def _inner_title(notice: str) -> str:
    m = re.search(r"《(.+)》", notice)
    if m:
        return m.group(1)
    m = re.search(r"关于(印发|转发|下发)(.+?)的(通知|决定)", notice)
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
        m = re.search(r"发布日期\s*[:：]?\s*(\d{4})-(\d{2})-(\d{2})", t)
        if m and "date" not in meta:
            meta["date"] = "-".join(m.groups())
        if t.startswith("发布单位") and "issuer" not in meta:
            rest = t[4:].strip(" :：")
            if not rest and idx + 1 < len(paras):
                rest = paras[idx + 1].text
            if rest:
                meta["issuer"] = rest
        m = re.match(r"^(.+?)\s+(\d{4})年(\d{1,2})月(\d{1,2})日\s*印发$", t)
        if m and "issuer" not in meta:
            meta["issuer"] = m.group(1).strip()
    return meta


# --- one document ----------------------------------------------------------------------------------------


def _build(text: str, paras: list[Para], i: int, j: int, end: int, title: str, notice: Para | None,
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
        if _ORG_END.search(before) and not is_bodylike(before):
            doc.issuer = doc.issuer or before
        m = re.match(r"^(.{2,40}?)关于", notice.text)
        if m and not doc.issuer:
            doc.issuer = m.group(1)
        _notice_zone(doc, paras, i, body_start, clauses, off, header)
    elif i > 0:
        # Metadata lines just above a plan title without a notice.
        for p in paras[max(0, i - 6):i]:
            _take_meta(doc, p)
    body = paras[body_start:end]
    _body(doc, body, clauses, off)
    doc.clauses = _finish(_group_duty_lines(clauses))
    _citations(doc)
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
        doc.issuer = doc.issuer or _ORGAN_LINE.match(t).group(1).replace(" ", "")
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
        if _ORG_END.search(t) and len(t) <= 40:
            doc.issuer = doc.issuer or t  # signature
    if doc.issuer == "" and zone:
        first = zone[0].text
        m = re.match(r"^(.{2,40}?)关于", first)
        if m:
            doc.issuer = m.group(1)


_NEXT_ITEM = re.compile(r"(?<=[。；;])\s*[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]")


def _sibling_split(p: Para) -> list[Para]:
    """"(一)活动时间:2024-2026年;(二)活动安排:……" — the next items of the same list written on the same line,
    after sentence punctuation, are paragraphs of their own (each a list item of ANNOTATION.md §1)."""
    if p.table is not None or p.role:
        return [p]
    m = match_marker(p.text)
    if not m or m[0] not in ("paren_cn", "paren_arabic") or not _NEXT_ITEM.search(p.text, m[2]):
        return [p]
    form, marker, _ = m
    number = _id_part(marker)
    if not number.isdigit():
        return [p]
    n = int(number)
    cuts: list[int] = []
    pos = 0
    while True:
        n += 1
        label = str(n) if form == "paren_arabic" else cn2an.an2cn(n)
        nxt = re.compile(rf"(?<=[。；;])\s*[（(]{label}[）)]").search(p.text, pos)
        if not nxt:
            break
        cuts.append(nxt.start() + len(nxt.group(0)) - len(nxt.group(0).lstrip()))
        pos = nxt.end()
    if not cuts:
        return [p]
    out: list[Para] = []
    bounds = [0, *cuts, len(p.text)]
    for a, b in zip(bounds, bounds[1:]):
        piece = p.text[a:b]
        stripped = piece.rstrip()
        out.append(Para(text=stripped, start=p.start + a, end=p.start + a + len(stripped), page=p.page))
    return out


def _signatures(doc: Document, body: list[Para]) -> None:
    """A plan signed at its end (青溪县住房和城乡建设局 / 2024年4月28日): the organ's line before the date line is
    the 发文机关, not a clause (ANNOTATION.md §1: signature and 成文日期 are metadata)."""
    for k in range(len(body) - 1):
        p, nxt = body[k], body[k + 1]
        if p.role or p.table is not None or nxt.role != "date":
            continue
        t = p.text
        if len(t) <= 40 and _ORG_END.search(t) and not is_bodylike(t) and match_marker(t) is None:
            p.role = "signature"
            doc.issuer = doc.issuer or t


def _body(doc: Document, body: list[Para], clauses: list[Clause], off: int) -> None:
    body = [q for p in body for q in _sibling_split(p)]
    _signatures(doc, body)
    stack: list[_Node] = []
    nodes: list[_Node | Para] = []  # document order: nodes and free paragraphs
    in_annex = False
    ended = False
    for p in body:
        if ended:
            if p.role == "colophon":
                continue
            if p.table is None:
                continue
        if p.table is not None:
            if p.role != "meta":
                nodes.append(p)
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
            if not is_bodylike(t) or re.search(r"名单|成员", t):
                continue
        m = match_marker(t)
        if m:
            form, marker, length = m
            rank = RANK[form]
            while stack and stack[-1].rank >= rank:
                stack.pop()
            if stack:
                stack[-1].has_children = True
            node = _Node(marker, form, rank, t[length:], p, [s.marker for s in stack] + [marker],
                         heading=_stack_heading(stack))
            stack.append(node)
            nodes.append(node)
            continue
        last = nodes[-1] if nodes else None
        if isinstance(last, _Node) and stack and stack[-1] is last and not _is_bare_section(last):
            last.extra.append(p)
        elif isinstance(last, _Node) and stack and stack[-1] is last:
            nodes.append(Para(text=p.text, start=p.start, end=p.end, page=p.page, role="free:" + "\x1f".join(last.path),
                              heading=_stack_heading(stack)))
        elif not is_bodylike(t) and (is_title_fragment(t) or len(t) < 12) and not stack:
            continue  # a stray title line before the body (a subtitle, an issuer)
        else:
            path = stack[-1].path if stack else []
            if isinstance(last, _Node) and last.extra and stack and stack[-1] is last:
                last.extra.append(p)
            else:
                nodes.append(Para(text=p.text, start=p.start, end=p.end, page=p.page, role="free:" + "\x1f".join(path),
                                  heading=_stack_heading(stack)))
    section_roles: dict[tuple[str, ...], list[str]] = {}
    first = len(clauses)
    for item in nodes:
        if isinstance(item, Para):
            if item.table is not None:
                clauses.extend(_table_clauses(item, off))
                continue
            path = item.role[5:].split("\x1f") if item.role[5:] else []
            if path and _is_role_line(item.text):
                section_roles.setdefault(tuple(path), []).append(item.text)
                continue
            clauses.append(Clause(id="", path=path, marker="", text=item.text, start=item.start - off,
                                  end=item.end - off, page=item.page, heading=item.heading))
            continue
        node = item
        if node.has_children:
            own = " / ".join(x for x in (node.heading, _short_title(node.title)) if x)
            for p in node.extra:
                if _is_role_line(p.text):
                    section_roles.setdefault(tuple(node.path), []).append(p.text)
                    continue
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
        _inherit_section_roles(clauses[first:], section_roles)


def _stack_heading(stack: list[_Node]) -> str:
    """The short titles of the open sections, outermost first: what a paragraph without a marker stands under."""
    return " / ".join(_short_title(s.title) for s in stack if _short_title(s.title))


def _short_title(title: str) -> str:
    """The title part of a heading line: up to its first 。 or ，, if that is short."""
    head = re.split(r"[。；，,]", title, maxsplit=1)[0].strip()
    return head if 0 < len(head) <= 30 else ""


def _is_bare_section(node: _Node) -> bool:
    """一、工作目标: a top-level title with no sentence of its own heads the paragraphs under it."""
    return node.rank <= RANK["cn"] and not is_bodylike(node.title) and len(node.title) <= 30


def _split_inline(clause: Clause) -> list[Clause]:
    """Inline sub-items （1）…（2）… inside one item become clauses of their own (ANNOTATION.md §4)."""
    hits = list(INLINE_RE.finditer(clause.text))
    seq = []
    want = 1
    for h in hits:
        if int(h.group(1)) == want:
            seq.append(h)
            want += 1
    if len(seq) < 2:
        return [clause]
    out = []
    pieces = []
    for k, h in enumerate(seq):
        s = h.end()
        e = seq[k + 1].start() if k + 1 < len(seq) else len(clause.text)
        pieces.append((h.group(1), s, e))
    # A trailing （责任单位：…） / 完成时限：… written once after the last sub-item applies to all of them.
    last_text = clause.text[pieces[-1][1]:pieces[-1][2]]
    tail = re.search(r"[（(]\s*(责任|牵头|完成时限|时限|配合)[^（）()]*[）)]\s*[。]?\s*$|(完成时限|责任单位)[：:].*$", last_text)
    inherited = tail.group(0) if tail else ""
    for num, s, e in pieces:
        piece = clause.text[s:e].strip()
        lead = len(clause.text[s:e]) - len(clause.text[s:e].lstrip())
        out.append(Clause(id="", path=clause.path + [f"（{num}）"], marker=f"（{num}）", text=piece,
                          start=clause.start + s + lead, end=clause.start + s + lead + len(piece), page=clause.page,
                          inherited="" if piece.endswith(inherited) else inherited))
    return out


# --- tables -----------------------------------------------------------------------------------------------

_COL_DEADLINE = re.compile(r"时限|时间|完成期限|进度")
_COL_LEAD = re.compile(r"牵头")
_COL_SUPPORT = re.compile(r"配合|协助|参与")
_COL_RESP = re.compile(r"责任|负责|主体|分管领导|包保|包联")
_COL_ACTION = re.compile(r"行动|类别|项目名称|领域")
_COL_TASK = re.compile(r"任务|内容|措施|工作|事项|举措")
_COL_SKIP = re.compile(r"^(序号|编号|备注)$")
_PEOPLE = re.compile(r"姓名|职务|职称|电话|联系人")
_SEQ_HEADER = re.compile(r"^(序号|编号)$")
_SEQ_VALUE = re.compile(r"\d{1,3}|[一二三四五六七八九十]{1,3}")


def _table_roles(header: list[str]) -> list[str]:
    roles: list[str] = []
    for h in header:
        h2 = re.sub(r"\s+", "", h)
        if not h2 and roles:
            roles.append(roles[-1])  # an empty header cell is the right half of a merged header
        elif _COL_SKIP.match(h2):
            roles.append("skip")
        elif _COL_DEADLINE.search(h2):
            roles.append("deadline")
        elif _COL_LEAD.search(h2):
            roles.append("lead")
        elif _COL_SUPPORT.search(h2):
            roles.append("support")
        elif _COL_RESP.search(h2):
            roles.append("responsible")
        elif _COL_ACTION.search(h2) and not _COL_TASK.search(h2.replace("行动", "")):
            roles.append("action")
        elif _COL_TASK.search(h2):
            roles.append("task")
        else:
            roles.append("other")
    return roles


def _align(header: list[str], roles: list[str], width: int) -> tuple[list[str], list[str]]:
    """More cells than header names (a merged 重点任务 header over title and content): the extra cells
    belong to the task column, aligning the other columns from both ends."""
    if width <= len(header):
        return header[:width], roles[:width]
    extra = width - len(header)
    k = roles.index("task") if "task" in roles else len(roles) - 1
    return (header[:k + 1] + [header[k]] * extra + header[k + 1:],
            roles[:k + 1] + ["task"] * extra + roles[k + 1:])


def _text_cell(cell: str) -> str:
    """A text cell's lines are one text (a PDF wraps inside cells; docx paragraphs of one cell continue)."""
    return re.sub(r"\s*\n\s*", "", cell) if "\n" in cell else cell


_LEVEL_START = re.compile(r"^(?:各|县|市|区|省|州|乡|镇|村|自治区)")


def _unit_cell(cell: str) -> str:
    """A 责任/牵头/配合 cell often lists one unit per line. A line break is a list separator when the line before is a
    name and the next line starts a name of its own (by its level word, or after a line shorter than the cell's
    longest, so not a wrap); otherwise the name was wrapped and the lines are joined."""
    if "\n" not in cell:
        return cell
    from .extractors.departments import is_actor

    lines = [ln.strip() for ln in cell.split("\n") if ln.strip()]
    widest = max(len(ln) for ln in lines)
    out = lines[0]
    for prev, ln in zip(lines, lines[1:]):
        last = re.split(r"[、，,；;]", out)[-1]
        head = re.split(r"[、，,；;（(]", ln)[0]
        separate = is_actor(last) and is_actor(head) and (len(prev) < widest or bool(_LEVEL_START.match(ln)))
        out += ("、" if separate and out[-1] not in "、，,；;" else "") + ln
    return out


def _table_clauses(p: Para, off: int) -> list[Clause]:
    table = p.table
    if not table.rows or len(table.rows) < 2:
        return []
    header = [_text_cell(h) for h in table.rows[0]]
    if any(_PEOPLE.search(h) for h in header):
        return []  # a list of people (领导小组成员名单) is metadata
    roles = _table_roles(header)
    if "task" not in roles:
        return []
    width = max(len(r) for r in table.rows[1:])
    names, roles = _align(header, roles, width)
    out: list[Clause] = []
    carry: dict[int, str] = {}
    action_marker, task_no = "", ""
    seq_cols = [k for k, h in enumerate(names) if _SEQ_HEADER.match(re.sub(r"\s+", "", h))]
    for r, row in enumerate(table.rows[1:], start=1):
        row = list(row) + [""] * (width - len(row))
        row = [_unit_cell(c) if roles[k] in ("lead", "support", "responsible") else _text_cell(c)
               for k, c in enumerate(row)]
        if sum(1 for c in row if c) == 1 and re.match(r"^(备注|注)[：:]", next(c for c in row if c)):
            continue
        task_cols = [k for k, ro in enumerate(roles) if ro == "task"]
        filled = []
        for k, cell in enumerate(row):
            if roles[k] == "task" and k == task_cols[-1]:
                filled.append(cell)
                continue
            if cell:
                carry[k] = cell
                filled.append(cell)
            else:
                filled.append(carry.get(k, "") if roles[k] != "task" or row[k] == "" else cell)
        # The task title cell (1.强化…) is inherited only as the path; the content is the row's own text.
        titles = [row[k] for k in task_cols[:-1] if row[k]]
        content = row[task_cols[-1]] if task_cols else ""
        if not content and not titles:
            continue
        for k in task_cols[:-1]:
            mm = match_marker(filled[k]) if filled[k] else None
            if mm:
                task_no = mm[1]
        for k, ro in enumerate(roles):
            if ro == "action" and filled[k]:
                mm = match_marker(filled[k])
                action_marker = mm[1] if mm else filled[k][:12]
        titles = [t[mm[2]:] if (mm := match_marker(t)) else t for t in titles]
        # a title cell without end punctuation (主要负责人安全培训) is a sentence of its own before the content
        head = "".join(t if not t or t[-1] in "。；;：:，,！？" else t + "。" for t in titles)
        body = head + content if not content.startswith("".join(titles)) else content
        extras = [f"{names[k]}：{filled[k]}" for k, ro in enumerate(roles)
                  if ro in ("deadline", "lead", "support", "responsible") and filled[k]]
        text = body + ("（" + "；".join(extras) + "）" if extras else "")
        # the table's own 序号 gives the row its place (ca.12), else the marker of its title cell
        seq = next((filled[k].strip() for k in seq_cols if _SEQ_VALUE.fullmatch(filled[k].strip())), "")
        path = ["附件"] + [x for x in (action_marker, seq or task_no) if x]
        cells = {names[k]: filled[k] for k in range(width) if filled[k]}
        heading = " / ".join(filled[k] for k, ro in enumerate(roles) if ro == "action" and filled[k])
        out.append(Clause(id="", path=path, marker="", text=text, start=p.start - off, end=p.end - off, page=p.page,
                          kind="table_row", cells=cells, heading=heading))
    return out


# --- ids, headings, citations ---------------------------------------------------------------------------------


# 责任单位：… / 牵头股室：… / 责任领导：… on lines of their own after an item's text: the role labels of departments.yaml
def _duty_res() -> tuple[re.Pattern, re.Pattern]:
    from .extractors.departments import rules as dept_rules

    r = dept_rules()
    if "_duty_lines_re" not in r:
        labels = "|".join(re.escape(x) for x in sorted(r["_label_role"], key=len, reverse=True) if len(x) > 2)
        r["_duty_lines_re"] = re.compile(r"(?:\n\s*(?:" + labels + r")\s*[：:][^\n]*)+\s*$")
        r["_any_duty_re"] = re.compile(labels + r"|牵头|负责(?!人|同志)")
        r["_role_line_re"] = re.compile(r"^\s*(?:(?:" + labels + r")\s*[：:]|[【\[](?:" + labels + r")[】\]])")
    return r["_duty_lines_re"], r["_any_duty_re"]


def _is_role_line(text: str) -> bool:
    """牵头股室：办公室、综合股 / 【责任领导】分管副局长: a line that only assigns the work of its section."""
    _duty_res()
    from .extractors.departments import rules as dept_rules

    return bool(dept_rules()["_role_line_re"].match(text)) and not re.search(r"[。！？]", text)


def _inherit_section_roles(clauses: list[Clause], roles: dict[tuple[str, ...], list[str]]) -> None:
    """Role lines written under a heading, before its first item, assign every item of that section (as a trailing
    block after the last sub-item does, ANNOTATION.md §4); they are not clauses themselves."""
    for c in clauses:
        lines = [t for path, texts in roles.items() if c.path[:len(path)] == list(path) and len(c.path) > len(path)
                 for t in texts]
        if lines:
            c.inherited = "\n".join(x for x in (c.inherited, *lines) if x)


def _group_duty_lines(clauses: list[Clause]) -> list[Clause]:
    """Numbered items under one heading of which only the last is followed by 责任单位/责任科室 lines, and no other
    names any responsibility: the lines were written once for the group and apply to every item (as ANNOTATION.md §4
    has it for a trailing block after inline sub-items)."""
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


def _finish(clauses: list[Clause]) -> list[Clause]:
    """Stable ids from the path (c2.1.3), unique within the document."""
    used: dict[str, int] = {}
    for c in clauses:
        base = "c" + ".".join(_id_part(x) for x in c.path)
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


def _id_part(marker: str) -> str:
    core = marker.strip("（）()第章节条")
    if core.isdigit():
        return core
    if core == "附件":
        return "a"
    try:
        return str(int(cn2an.cn2an(core, "normal")))
    except Exception:  # noqa: BLE001
        return re.sub(r"\W", "", core) or "x"


def _citations(doc: Document) -> None:
    """Parent plans cited in the preamble or notice: 《title》 with its 文号 where given."""
    head = "\n".join(c.text for c in doc.clauses[:4])
    seen = set()
    for m in _CITE.finditer(head):
        title = m.group(2)
        if not re.search(r"方案|意见|通知|办法|规定|计划|规划|决定|措施|要点", title):
            continue
        if fold(title) == fold(doc.title) or same_title(fold(title), fold(doc.title)) or fold(title) in seen:
            continue
        seen.add(fold(title))
        after = m.group(3) or ""
        number = _DOC_NO_IN.search(after)
        if not number:
            tail = head[m.end():m.end() + 40]
            number = _DOC_NO_IN.match(tail.lstrip("（("))
        issuer = (m.group(1) or "")
        # 为深入贯彻落实国务院安委会《…》 / 和省安委会《…》: the issuer follows the last verb of citing
        issuer = re.sub(r"^.*(?:根据|按照|依据|落实|贯彻|执行|对照|参照|遵照|结合)", "", issuer)
        issuer = re.sub(r"^(为|的|和|及|与|以及)+", "", issuer)
        if year := re.match(r"^[（(]\s*(\d{4}\s*[-—–－]\s*\d{4}\s*年?)\s*[）)]$", after):
            title = f"{title}（{year.group(1)}）"
        doc.citations.append(Citation(title=title, doc_number=number.group(0) if number else "",
                                      issuer=issuer if _ORG_END.search(issuer) else ""))
