"""Coverage of a parent plan by a child plan, as CONTRACT.md JSON, an xlsx sheet and a side-by-side HTML/Markdown report."""
from __future__ import annotations

import html
import re
from dataclasses import replace
from difflib import SequenceMatcher

from .. import families
from ..export import fill_sheet
from ..fileio import atomic_path
from ..model import TIGHTENING, WEAKENING, Change, Clause, Document, Link, LinkKind
from . import suggest
from .align import align
from .config import DEFAULT
from .graph import title_key
from .index import ParentIndex


def task_clauses(docs: list[Document], prefix: bool) -> list[Clause]:
    """Task clauses of one or several documents; ids get a d<N>: prefix when a file holds several plans."""
    out = []
    for d in docs:
        for c in d.clauses:
            if c.is_task:
                if prefix:
                    c = replace(c, id=f"d{d.index}:{c.id}")
                out.append(c)
    return out


def link_documents(child_docs: list[Document], parent_docs: list[Document], index: ParentIndex | None = None) -> dict:
    """Links, coverage and action counts of child plans against parent plans (CONTRACT.md `planlink link`)."""
    children = task_clauses(child_docs, len(child_docs) > 1)
    parents = task_clauses(parent_docs, len(parent_docs) > 1)
    index = index or ParentIndex(parents)
    result = align(children, index)
    share = related_share(children, result.links)
    unrelated = bool(children) and share < RELATED_FLOOR and not declares_parent(child_docs, parent_docs)
    report = build_report(children, index.clauses, [] if unrelated else result.links)
    cov = report["coverage"]
    # the nearest candidates of what stays open, for the reviewer; none for an unrelated pair (all chance)
    found = ({}, {}) if unrelated else suggest.nearest(
        children, index.clauses, novel={n["id"] for n in cov["novel_child_clauses"]},
        dropped={d["id"] for d in cov["dropped"]}, space=index.word_space(DEFAULT.words))
    suggest.attach(cov, *found)
    report["coverage"]["relatedness"] = round(share, 3)
    report["coverage"]["unrelated"] = unrelated
    return report


# A child plan that implements a parent has most of its tasks linked at a score of 0.25 or more: 0.20-1.00 of them
# in the 43 linkage gold pairs (corpus/links; one county plan rewritten wholly in its own words, r09, is the one below
# 0.25), while a child paired with another pair's parent falls below 0.25 in 80 of 86 such pairs (the others share a
# parent or a family; tools/link_floor.py prints these figures). Below the floor the pair is unrelated, its
# word-overlap links chance, and none is reported, unless the child declares the parent (declares_parent: 39 of the
# 43 gold pairs do, and of all 1,806 crossed pairs only the 21 that share a parent plan).
RELATED_FLOOR = 0.25
RELATED_SCORE = 0.25


_PLAN_SUFFIX = re.compile(r"(?:实施|工作|行动)?方案$")


def title_core(title: str) -> str:
    """A plan title without its years, punctuation and closing 方案 / 实施方案: what a sub-plan's title repeats after its
    own place name (岗扎县文物系统安全生产治本攻坚三年行动实施方案 holds 文物系统安全生产治本攻坚三年行动)."""
    return _PLAN_SUFFIX.sub("", title_key(title))


def declares_parent(child_docs: list[Document], parent_docs: list[Document]) -> bool:
    """Whether a child plan says it implements one of the parents: it is titled after the parent (the parent's title
    core inside its own) or cites the parent by title. A county plan rewritten wholly in its own words links few
    clauses at the relatedness score, and its title or citation is what ties it to its parent."""
    for p in parent_docs:
        core = title_core(p.title)
        if len(core) < 6:  # an empty or generic title (实施方案) names no parent
            continue
        for c in child_docs:
            named = [c.title] + [x.title for x in c.citations]
            if any(core in title_core(t) for t in named if t):
                return True
    return False


def related_share(children: list[Clause], links: list[Link]) -> float:
    """Share of the child's tasks linked at RELATED_SCORE or more."""
    if not children:
        return 0.0
    return len({lk.child for lk in links if lk.score >= RELATED_SCORE}) / len(children)


def action_counts(children: list[Clause], family: families.Family | None = None) -> list[dict]:
    """Child tasks per action of the family (the national actions of the default family)."""
    family = family or families.default()
    shown = family.national if family.name == families.default().name else {a.code: a.name for a in family.actions}
    counts = {code: 0 for code in shown}
    for c in children:
        if c.action in counts:
            counts[c.action] += 1
    return [{"code": k, "name": v, "tasks": counts[k]} for k, v in shown.items()]


def build_report(children: list[Clause], parents: list[Clause], links: list[Link]) -> dict:
    covered_by: dict[str, list[str]] = {}
    linked_children: set[str] = set()
    for lk in links:
        covered_by.setdefault(lk.parent, []).append(lk.child)
        linked_children.add(lk.child)
    dropped = [{"id": p.id, "text": p.text} for p in parents if p.id not in covered_by]
    novel = [{"id": c.id, "text": c.text} for c in children if c.id not in linked_children]
    weakened = sorted({lk.parent for lk in links if set(lk.changes) & WEAKENING})
    tightened = sorted({lk.parent for lk in links if set(lk.changes) & TIGHTENING})
    return {
        "links": [_link_json(lk) for lk in links],
        "coverage": {
            "parent_clauses": len(parents),
            "covered": len(covered_by),
            "dropped": dropped,
            "novel_child_clauses": novel,
            "weakened": weakened,
            "tightened": tightened,
            "covered_by": covered_by,
            "child_clauses": len(children),
        },
        "actions": action_counts(children),
    }


def _link_json(lk: Link) -> dict:
    return lk.to_json()


def highlight_pair(a: str, b: str) -> tuple[str, str]:
    """HTML of both texts with the characters that differ marked (<del> in the parent, <ins> in the child)."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        sa, sb = html.escape(a[i1:i2]), html.escape(b[j1:j2])
        if op == "equal":
            out_a.append(sa)
            out_b.append(sb)
        else:
            if sa:
                out_a.append(f"<del>{sa}</del>")
            if sb:
                out_b.append(f"<ins>{sb}</ins>")
    return "".join(out_a), "".join(out_b)


_CSS = ("body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:6px;vertical-align:top}del{background:#fdd;text-decoration:none}"
        "ins{background:#dfd;text-decoration:none}.dropped{background:#fff4e5}")


def kind_label(kind: str) -> str:
    return LinkKind(kind).label


def changes_label(changes: list[str]) -> str:
    return "、".join(Change(x).label for x in changes)


def to_html(report: dict, child_title: str, parent_title: str) -> str:
    cov = report["coverage"]
    rows = []
    for lk in report["links"]:
        a, b = highlight_pair(lk["parent_text"], lk["child_text"])
        ch = changes_label(lk["changes"])
        rows.append(f"<tr><td>{html.escape(lk['parent'])}</td><td>{a}</td><td>{html.escape(lk['child'])}</td><td>{b}</td>"
                    f"<td>{kind_label(lk['kind'])}<br>{lk['score']:.2f}</td><td>{ch}</td></tr>")
    child_texts, parent_texts = suggest.texts(report)

    def near(item: dict, texts: dict[str, str]) -> str:
        found = suggest.label(item.get("nearest", []), texts)
        return f"<br><small>最接近：{html.escape(found)}</small>" if found else ""

    for d in cov["dropped"]:
        rows.append(f"<tr class='dropped'><td>{html.escape(d['id'])}</td><td>{html.escape(d['text'])}</td>"
                    f"<td></td><td>（未落实）{near(d, child_texts)}</td><td>遗漏</td><td></td></tr>")
    novel = "".join(f"<li>{html.escape(n['id'])}：{html.escape(n['text'])}{near(n, parent_texts)}</li>"
                    for n in cov["novel_child_clauses"])
    return (f"<!doctype html><html lang='zh'><meta charset='utf-8'><title>衔接审查</title><style>{_CSS}</style><body>"
            f"<h1>衔接审查：{html.escape(child_title)}</h1><p>上级文件：{html.escape(parent_title)}</p>"
            f"<p>上级任务 {cov['parent_clauses']} 项，已落实 {cov['covered']} 项，遗漏 {len(cov['dropped'])} 项，"
            f"弱化 {len(cov['weakened'])} 项，强化 {len(cov['tightened'])} 项，新增 {len(cov['novel_child_clauses'])} 项。</p>"
            "<table><tr><th>上级条款</th><th>上级原文</th><th>下级条款</th><th>下级原文</th><th>关系</th><th>变化</th></tr>"
            + "".join(rows) + f"</table><h2>新增条款</h2><ul>{novel}</ul></body></html>")


def to_markdown(report: dict, child_title: str, parent_title: str) -> str:
    cov = report["coverage"]
    lines = [f"# 衔接审查：{child_title}", "", f"上级文件：{parent_title}", "",
             f"上级任务 {cov['parent_clauses']} 项，已落实 {cov['covered']} 项，遗漏 {len(cov['dropped'])} 项，"
             f"新增 {len(cov['novel_child_clauses'])} 项。", "", "| 上级 | 下级 | 关系 | 分数 | 变化 |", "|---|---|---|---|---|"]
    for lk in report["links"]:
        ch = changes_label(lk["changes"])
        lines.append(f"| {lk['parent']} {lk['parent_text'][:40]} | {lk['child']} {lk['child_text'][:40]} | "
                     f"{kind_label(lk['kind'])} | {lk['score']:.2f} | {ch} |")
    child_texts, parent_texts = suggest.texts(report)

    def near(item: dict, texts: dict[str, str]) -> str:
        found = suggest.label(item.get("nearest", []), texts)
        return f"（最接近：{found}）" if found else ""

    lines += ["", "## 遗漏的上级任务", ""] + [f"- {d['id']} {d['text'][:80]}{near(d, child_texts)}"
                                         for d in cov["dropped"]]
    lines += ["", "## 新增条款", ""] + [f"- {n['id']} {n['text'][:80]}{near(n, parent_texts)}"
                                    for n in cov["novel_child_clauses"]]
    return "\n".join(lines) + "\n"


def write_xlsx(report: dict, target, child_title: str, parent_title: str) -> None:
    from openpyxl import Workbook


    wb = Workbook()
    ws = wb.active
    ws.title = "衔接关系"
    fill_sheet(ws, ["上级条款", "上级原文", "下级条款", "下级原文", "关系", "分数", "变化"],
               [[lk["parent"], lk["parent_text"], lk["child"], lk["child_text"], kind_label(lk["kind"]),
                 lk["score"], changes_label(lk["changes"])] for lk in report["links"]],
               [10, 60, 10, 60, 10, 8, 16])
    cov = report["coverage"]
    ws2 = wb.create_sheet("遗漏与新增")
    child_texts, parent_texts = suggest.texts(report)
    fill_sheet(ws2, ["类别", "条款", "原文", "最接近的对应条款"],
               [["遗漏（上级）", d["id"], d["text"], suggest.label(d.get("nearest", []), child_texts)]
                for d in cov["dropped"]]
               + [["新增（下级）", n["id"], n["text"], suggest.label(n.get("nearest", []), parent_texts)]
                  for n in cov["novel_child_clauses"]], [14, 12, 80, 50])
    ws3 = wb.create_sheet("八大行动")
    fill_sheet(ws3, ["代码", "行动", "任务数"], [[a["code"], a["name"], a["tasks"]] for a in report["actions"]],
               [8, 40, 10])
    with atomic_path(target) as tmp:
        wb.save(tmp)


def compare_peers(plans: list[list[Document]]) -> dict:
    """Plans of the same system aligned to each other: for each plan, which of its tasks each peer shares
    and which tasks no peer has."""
    tasks = [task_clauses(docs, len(docs) > 1) for docs in plans]
    indexes = [ParentIndex(t) for t in tasks]
    out = []
    for i, mine in enumerate(tasks):
        shared: dict[str, set[str]] = {c.id: set() for c in mine}
        for j, index in enumerate(indexes):
            if i == j:
                continue
            for lk in align(mine, index).links:
                shared[lk.child].add(f"{j}:{lk.parent}")
        out.append({
            "title": plans[i][0].title if plans[i] else "",
            "tasks": len(mine),
            "shared": [{"id": c.id, "text": c.text, "peers": sorted(shared[c.id])} for c in mine if shared[c.id]],
            "unique": [{"id": c.id, "text": c.text} for c in mine if not shared[c.id]],
        })
    return {"plans": out}
