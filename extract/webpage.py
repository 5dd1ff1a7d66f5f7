"""Pages saved or copied from 政府信息公开 sites: the metadata table, site chrome, title prefixes, notice demands."""
from __future__ import annotations

import re
from functools import lru_cache

from .rules import load

_FILE = "webpage.yaml"
_SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
_CJK_DATE = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})")
_SENTENCE_END = re.compile(r"[。！？!?]")


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = dict(load(_FILE))
    labels = sorted(data["metadata_labels"], key=len, reverse=True)
    # 索 引 号 / 标　　题 / 发布机构： / 文号<TAB>: a label (spaced out to align the column) opens a cell, followed by a
    # colon, a tab or the end of the cell
    data["_label_re"] = re.compile(r"(?:^|(?<=[\t　 ]))(" + "|".join(
        r"\s*".join(re.escape(ch) for ch in lab) for lab in labels) + r")\s*(?:[：:]|\t|$)")
    data["_chrome_re"] = [re.compile(p) for p in data["chrome_patterns"]]
    data["_prefix_re"] = re.compile(data["title_prefixes"])
    data["_demand_re"] = re.compile(data["notice_demand"])
    data["_distribution_re"] = re.compile(data["notice_distribution"])
    return data


def is_chrome(line: str) -> bool:
    """A line of the site around the document: navigation, breadcrumbs, tools, footer, related links."""
    return any(rx.search(line) for rx in _rules()["_chrome_re"])


def clean_title(title: str) -> str:
    """The title without a site's prefix (政策解读: / 【图解】)."""
    return _rules()["_prefix_re"].sub("", title, count=1).strip() if title else title


def _iso(value: str) -> str | None:
    m = _CJK_DATE.search(value)
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None


def _pairs(cells: list[str]) -> list[tuple[str, str]] | None:
    """(label, value) pairs of one metadata row, or None when the row is not metadata. A row is cells of a table, or a
    copied line whose cells are separated by tabs or that holds `label：value` runs."""
    labels = _rules()["metadata_labels"]
    out: list[tuple[str, str]] = []
    text = "\t".join(c.strip() for c in cells)
    found = list(_rules()["_label_re"].finditer(text))
    if not found or found[0].start() != 0:
        return None
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        value = text[m.end():end].strip(" \t：:　")
        out.append((re.sub(r"\s", "", m.group(1)), value))
    if any(_SENTENCE_END.search(v) for _, v in out):
        return None  # a body sentence that opens with a label-like word (标题要醒目。)
    if not all(lab in labels for lab, _ in out):
        return None
    return out


def read_metadata(rows: list[list[str]]) -> dict[str, str] | None:
    """The fields a metadata table (or its copied lines) gives: issuer, doc_number, date (ISO), title; None when
    `rows` are not a metadata table."""
    labels = _rules()["metadata_labels"]
    meta: dict[str, str] = {}
    any_row = False
    for row in rows:
        pairs = _pairs(row)
        if pairs is None:
            return None
        any_row = True
        for lab, value in pairs:
            key = labels[lab]
            if not key or not value:
                continue
            if key in ("date", "published"):
                value = _iso(value)
                if not value:
                    continue
            meta.setdefault(key, value)
    if not any_row:
        return None
    if "date" not in meta and "published" in meta:
        meta["date"] = meta["published"]
    meta.pop("published", None)
    return meta


def line_metadata(line: str) -> dict[str, str] | None:
    """A copied metadata line (发文字号：青住建发〔2024〕15号 / 发布机构<TAB>南岭县交通运输局<TAB>成文日期<TAB>2024-06-03)."""
    return read_metadata([line.split("\t")] if "\t" in line else [[line]])


def notice_demands(paragraph: str) -> list[str]:
    """Sentences of a 印发通知 that ask something of the recipients (a filing deadline, a reporting schedule, whom to
    ask), the distribution sentence excluded: kept as notes of the plan the notice wraps."""
    r = _rules()
    out = []
    for m in _SENTENCE.finditer(paragraph):
        sentence = m.group(0).strip()
        cut = None
        for cut in r["_distribution_re"].finditer(sentence):
            pass
        if cut is not None:
            sentence = sentence[cut.end():].strip("，, ")
        if len(sentence) >= 4 and r["_demand_re"].search(sentence):
            out.append(sentence)
    return out
