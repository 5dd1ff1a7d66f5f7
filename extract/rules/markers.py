"""List-marker forms of GB/T 9704 documents (ANNOTATION.md §1), as data with examples and counter-examples."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CN = "一二三四五六七八九十百零〇两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


@dataclass(frozen=True, slots=True)
class MarkerForm:
    name: str
    rank: int  # smaller is higher in the tree
    pattern: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


FORMS: tuple[MarkerForm, ...] = (
    # 第一章 总则
    MarkerForm("chapter", 0, rf"第[{_CN}\d]+章[\s　]*", ("第一章 总则", "第十二章附则"), ()),
    # 第一节 一般规定
    MarkerForm("section", 1, rf"第[{_CN}\d]+节[\s　]*", ("第二节 监督检查",), ()),
    # 第三条 本方案适用于……
    MarkerForm("article", 2, rf"第[{_CN}\d]+条[\s　]*", ("第三条 本方案适用于",), ()),
    # 一、工作目标 / 二．主要任务
    MarkerForm("cn", 3, rf"[{_CN}]{{1,3}}[、．.][\s　]*", ("一、工作目标", "十二、其他", "三．保障措施"),
               ("一是加强", "一体化推进", "十五条硬措施")),
    # （一）坚持第一议题制度 / (二)压实责任
    MarkerForm("paren_cn", 4, rf"[（(][{_CN}]{{1,3}}[）)][\s　、．.]*", ("（一）坚持第一议题制度", "(二)压实各地各校责任"),
               ("（以下简称“市级监测平台”）",)),
    # 1.开展 / 1．开展 / 1、开展 / 12. 加强
    MarkerForm("arabic", 5, r"\d{1,3}(?:[.．](?![\d％%])|、)[\s　]*", ("1.开展重大事故隐患", "1．强化", "12、加强", "3. 健全"),
               ("2024年6月底前", "1.5万元", "5G通信", "100%")),
    # （1）建立台账 / (2)开展检查
    MarkerForm("paren_arabic", 6, r"[（(]\d{1,3}[）)][\s　、．.]*", ("（1）建立台账", "(2)开展检查"), ("（2024—2026年）",)),
    # ①加强
    MarkerForm("circled", 7, rf"[{_CIRCLED}][\s　、．.]*", ("①加强宣传",), ()),
)

_GROUPS = "|".join(f"(?P<{f.name}>{f.pattern})" for f in FORMS)
#: anchored at the start of a paragraph
MARKER_RE = re.compile(rf"^(?:{_GROUPS})")
RANK = {f.name: f.rank for f in FORMS}

#: inline sub-items after sentence punctuation: "……。（1）……；（2）……"
INLINE_RE = re.compile(r"(?<=[。；;：:！!])\s*[（(](\d{1,2})[）)]")

_STRIP = re.compile(r"[\s　、．.]+$")


def match_marker(text: str) -> tuple[str, str, int] | None:
    """Return (form name, normalized marker, length of the marker incl. trailing space) or None."""
    m = MARKER_RE.match(text)
    if not m:
        return None
    name = m.lastgroup
    raw = m.group(0)
    if name == "arabic" and len(text) == len(raw):
        return None  # a bare number line is not an item
    return name, normalize(name, raw), len(raw)


def normalize(name: str, raw: str) -> str:
    """Full-width path form: 一、->一, (一)->（一）, 1．->1, (1)->（1）."""
    core = _STRIP.sub("", raw.strip())
    if name in ("cn", "arabic"):
        return core.rstrip("、．.")
    if name in ("paren_cn", "paren_arabic"):
        inner = core.strip("（()）")
        return f"（{inner}）"
    return core
