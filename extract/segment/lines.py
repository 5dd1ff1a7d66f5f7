"""Line classes of a plan's text (titles, 文号, dates, chrome, TOC) and paragraphs with offsets into the joined text."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from ..model import Block, Table
from ..rules import compiled
from ..rules.markers import match_marker

_log = logging.getLogger("planlink.segment")

# The line classes are rules data (rules/segment.yaml, with examples and traps); compiled once.
_R = compiled("segment.yaml")
_BOOKMARK = _R["bookmark"]
TOC = _R["toc"]
DOC_NO = _R["doc_no"]
DOC_NO_IN = _R["doc_no_in"]
DATE_LINE = _R["date_line"]
NOTE = _R["note"]
ATTACH = _R["attach"]
COLOPHON = _R["colophon"]
_TITLE_KEY = _R["title_key"]
NOTICE = _R["notice"]
_NOTICE_START = _R["notice_start"]
ORGAN_LINE = _R["organ_line"]
ORG_END = _R["org_end"]
CITE = _R["cite"]
_SENTENCE_PUNCT = re.compile(r"[。，；！？,;!?]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def clean_line(text: str) -> str:
    return _BOOKMARK.sub("", text).strip().strip("\u3000").strip()


def is_bodylike(text: str) -> bool:
    """A sentence-bearing paragraph rather than a title, a name or page chrome."""
    return len(_CJK.findall(text)) >= 12 and _SENTENCE_PUNCT.search(text) is not None


def is_signature_name(text: str) -> bool:
    """An organization's name on a line of its own, as a plan is signed (青溪县住房和城乡建设局)."""
    return len(text) <= 40 and ORG_END.search(text) is not None and not is_bodylike(text) and match_marker(text) is None


def is_title_fragment(text: str) -> bool:
    # a notice title (…关于印发《…》的通知) is often longer than any plan title
    short = len(text) <= 45 or (len(text) <= 150 and _NOTICE_START.search(text) is not None)
    return (short and match_marker(text) is None and not _SENTENCE_PUNCT.search(text)
            and not TOC.search(text) and not DOC_NO.match(text) and not DATE_LINE.match(text)
            and bool(_CJK.search(text)) and not text.endswith(("：", ":")))


def is_plan_title(text: str) -> bool:
    t = text.strip()
    return 6 <= len(t) <= 90 and _TITLE_KEY.search(t) is not None and not t.startswith(("附件", "附："))


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
class Node:
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
            text = "\n".join("\t".join(text_cell(c) for c in row) for row in b.table.rows)
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


def same_title(a: str, b: str) -> bool:
    """Two folded plan titles name the same plan (year ranges, brackets and a doubled word aside)."""
    a2, b2 = re.sub(r"[()（）\-—–0-9年]", "", a), re.sub(r"[()（）\-—–0-9年]", "", b)
    return a2 == b2 or (len(a2) > 8 and (a2 in b2 or b2 in a2)) or _loose(a2) == _loose(b2)


def _loose(s: str) -> str:
    # "通信管理管理系统" (a typo in a body title) vs "通信管理系统" in the contents
    return re.sub(r"(.{2,4})\1", r"\1", s)


def toc_title(text: str) -> str:
    t = TOC.sub("", text).rstrip(".…· ")
    m = match_marker(t)
    return t[m[2]:] if m else t


def text_cell(cell: str) -> str:
    """A text cell's lines are one text (a PDF wraps inside cells; docx paragraphs of one cell continue)."""
    return re.sub(r"\s*\n\s*", "", cell) if "\n" in cell else cell
