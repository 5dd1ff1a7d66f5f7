"""Corpus overview charts for the app (Altair): short plan names for axes and the citation tree by level."""
from __future__ import annotations

import re

import altair as alt
import pandas as pd

from .link.graph import title_key
from .model import Document


def axis_label(action, width: int = 4) -> str:
    """An action as a chart axis label in lines of `width` characters, split at |: A3|重大事故|隐患动态|清零."""
    short = action.short
    return "|".join([action.code] + [short[k:k + width] for k in range(0, len(short), width)])


_YEARS = re.compile(r"[（(]\s*\d{4}\s*[-—–－~至]\s*\d{4}\s*年?\s*[）)]")
# words every plan of the campaign carries: dropped from axis labels (the full name is on hover)
_COMMON = re.compile(r"安全生产治本攻坚三年行动|治本攻坚三年行动|(?:实施|工作|行动)?方案$")


def short_title(title: str, limit: int = 20) -> str:
    """A plan name that fits an axis, the campaign's common words and the years dropped:
    酉阳自治县经信系统安全生产治本攻坚三年行动方案（2024—2026年） -> 酉阳自治县经信系统."""
    t = _YEARS.sub("", title).strip()
    t = _COMMON.sub("", t)
    t = _COMMON.sub("", t).strip() or title
    return t if len(t) <= limit else t[:limit - 1] + "…"


LEVEL_NAMES = ["国家", "部委", "省区", "市州", "区县", "乡镇", "其他"]
_PLACES = [("国务院", 0), ("全国", 0), ("国家", 0), ("部", 1), ("自治区", 2), ("省", 2), ("市", 3), ("州", 3),
           ("盟", 3), ("县", 4), ("区", 4), ("旗", 4), ("乡", 5), ("镇", 5), ("街道", 5)]


def level(name: str, unnamed: int = 6) -> int:
    """The administrative level a plan's issuer (or title) names: the innermost place word wins, so
    重庆市万州区铁峰乡 is a township and 西藏自治区 a region; a name with no place word gets `unnamed`."""
    # words that hold a place character without naming a place (城镇燃气, 城乡建设, 市场监管, 区域)
    head = re.sub(r"城镇|城乡|市场|区域|社区", "", name)[:16]
    best, where = unnamed, -1
    for word, lvl in _PLACES:
        k = head.rfind(word)
        if k < 0:
            continue
        end = k + len(word)
        if end > where or (end == where and lvl < best):
            best, where = lvl, end
    return best


def citation_tree(plans: list[tuple[str, Document]], names: dict[str, str]) -> alt.TopLevelMixin:
    """Plans and the plans they cite, one column per administrative level present (国家 on the left), each plan
    placed next to the plans it cites, so the chart reads as a tree. Cited regulations and notices are left out:
    they are not part of the plan hierarchy."""
    nodes: dict[str, dict] = {}
    by_key = {title_key(d.title): key for key, d in plans}
    for key, d in plans:
        nodes[key] = {"id": key, "名称": short_title(names[key], 11), "全称": d.title, "级": level(d.issuer or d.title),
                      "类": "语料或上传"}
    edges = set()
    for key, d in plans:
        for cit in d.citations:
            k = title_key(cit.title)
            tid = by_key.get(k)
            if tid is None:
                if len(cit.title) < 8 or not re.search(r"方案|计划", cit.title):
                    continue
                tid = "cite:" + k
            if tid == key:
                continue
            if tid not in nodes:
                # a cited plan with no place in its name is the national one (国务院安委会's)
                nodes[tid] = {"id": tid, "名称": short_title(cit.title, 11), "全称": cit.title,
                              "级": level(cit.title, unnamed=0), "类": "被引用的方案"}
            edges.add((key, tid))
    linked = {x for e in edges for x in e}
    keep = [n for n in nodes.values() if n["id"] in linked]
    if not keep:
        return alt.Chart(pd.DataFrame({"x": [0]})).mark_text(text="方案之间没有引用关系").properties(height=60)
    levels = sorted({n["级"] for n in keep})
    cited_by: dict[str, list[str]] = {}
    for a, b in edges:
        cited_by.setdefault(a, []).append(b)
    row: dict[str, float] = {}
    for lvl in levels:
        here = [n for n in keep if n["级"] == lvl]
        # barycentre of the plans it cites (already placed, one level up): crossings stay few
        def centre(n):
            ups = [row[t] for t in cited_by.get(n["id"], []) if t in row]
            return sum(ups) / len(ups) if ups else -1.0
        for k, n in enumerate(sorted(here, key=lambda n: (centre(n), n["名称"]))):
            row[n["id"]] = k
            n["行"], n["列"], n["层"] = k, levels.index(lvl), LEVEL_NAMES[lvl]
    pos = {n["id"]: n for n in keep}
    # each edge as two points of a line (the nodes' own fields, so the layers share their scales)
    lines = pd.DataFrame([{"边": k, "列": pos[n]["列"], "行": pos[n]["行"]}
                          for k, (a, b) in enumerate(sorted(edges)) for n in (a, b)])
    frame = pd.DataFrame(keep)
    height = max(160, 24 * (max(row.values()) + 1))
    labels_js = "[" + ",".join(f"'{LEVEL_NAMES[v]}'" for v in levels) + "][datum.value]"
    x = alt.X("列:Q", scale=alt.Scale(domain=[-0.1, len(levels) - 0.2]), title=None,
              axis=alt.Axis(values=list(range(len(levels))), labelExpr=labels_js, orient="top", grid=False,
                            labelFontSize=13, labelFontWeight="bold", domain=False, ticks=False))
    y = alt.Y("行:Q", scale=alt.Scale(reverse=True), axis=None)
    base = alt.Chart(frame, height=height)
    edge = alt.Chart(lines).mark_line(color="#b7c3d0", strokeWidth=1).encode(x=x, y=y, detail="边:N")
    dots = base.mark_circle(size=90, opacity=1).encode(x=x, y=y, color=alt.Color(
        "类:N", scale=alt.Scale(domain=["语料或上传", "被引用的方案"], range=["#1f77b4", "#9e9e9e"]),
        legend=alt.Legend(title=None, orient="bottom")), tooltip=[alt.Tooltip("全称", title="方案"), "层"])
    text = base.mark_text(align="left", dx=8, fontSize=11).encode(
        x=x, y=y, text=alt.Text("名称:N"), tooltip=[alt.Tooltip("全称", title="方案"), "层"])
    return edge + dots + text
