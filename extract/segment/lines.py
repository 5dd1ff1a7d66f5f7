"""Line classes of a plan's text (titles, 文号, dates, chrome, TOC) and paragraphs with offsets into the joined text."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from .. import webpage
from ..model import Block, Table
from ..rules.markers import match_marker

_log = logging.getLogger("planlink.segment")



# [bookmark: _Toc386507860_WPSOffice_Level1] left by WPS exports
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


# 1.教育系统安全生产治本攻坚三年行动方案(2024-2026年)..........5
TOC = re.compile(r"(\.{4,}|…{2,}|·{4,})\s*\d{1,4}\s*$")


# 铁峰府发〔2024〕56号 / 巫山经信发〔2023〕5号 / 国发[2024]1号
DOC_NO = re.compile(r"^[\u4e00-\u9fff]{1,20}[〔\[【(（]\s*\d{4}\s*[〕\]】)）]\s*\d{1,5}\s*号$")


DOC_NO_IN = re.compile(r"[\u4e00-\u9fff]{1,20}[〔\[【]\s*\d{4}\s*[〕\]】]\s*\d{1,5}\s*号")


# 2024年6月14日 / 二〇二四年六月十四日
DATE_LINE = re.compile(r"^(\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$")


# （此件公开发布） / （此件不公开）
NOTE = re.compile(r"^[（(]此件.{1,12}[）)]$")


# 附件：……名单 / 附件1 / 附：……清单
ATTACH = re.compile(r"^附\s*(件\s*\d*)?\s*([：:]|$)")


# 抄送：… / 西藏自治区安全生产委员会办公室 2024年4月8日印发
COLOPHON = re.compile(r"^抄送[：:]|\d{4}年\d{1,2}月\d{1,2}日\s*印发$")


_TITLE_KEY = re.compile(r"(方案|意见|办法|规划|计划|细则|通知|决定|要点|规定|清单|措施)([（(][^）)]{0,20}[）)])?[》」]?$")


NOTICE = re.compile(r"^(.{0,40}?)关于(印发|转发|下发)?.*(通知|决定|批复|函)$")


# the first line of a notice title: 安平县应急管理局关于印发《…》 (its 的通知 may follow on the next line)
_NOTICE_START = re.compile(r"关于(?:印发|转发|下发)")


# 安平县应急管理局文件: the red organ line of a 红头
ORGAN_LINE = re.compile(r"^([\u4e00-\u9fff（）()、 ]{2,40}?)\s*文\s*件$")


_SENTENCE_PUNCT = re.compile(r"[。，；！？,;!?]")


ORG_END = re.compile(r"(人民政府|政府|委员会|安委会|办公室|办公厅|委|局|厅|部|中心|公司|集团|管委会|乡|镇|街道办事处|领导小组|指挥部)$")


_WEB_CHROME = re.compile(
    r"^(当前位置|首页|扫描二维码|放大字体|核心提示|发布单位|发布文号|发布日期|生效日期|有效性状态|属性|备注\s*$|地区[:：]"
    r"|标签[:：]|声明[:：]?$|电询|QQ|邮箱|版权|Copyright|Processed in|\[|【\s*(打印|关闭)|法规中心|按分类浏览|推荐|点击排行"
    r"|来源[:：]|浏览次数|分享|打印本文|关闭窗口|上一篇|下一篇|相关(文章|阅读|链接)|责任编辑|信息来源|.*ICP备)"
)


_FILE_LINE = re.compile(r"\.(DOC|DOCX|PDF|WPS|doc|docx|pdf|wps)\s*$")


_CJK = re.compile(r"[\u4e00-\u9fff]")


CITE = re.compile(r"([\u4e00-\u9fff]{2,30}?)?《([^《》]{4,80})》\s*([（(][^（）()]{0,40}[）)])?")


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
