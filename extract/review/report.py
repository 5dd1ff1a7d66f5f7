"""Exports of a review in its reviewed state: 衔接审查报告 (.docx, .xlsx), the corrected task table (.xlsx) and
every decision as JSON (shape in README "Review workflow")."""
from __future__ import annotations

import json
import os
from datetime import date

from ..components import deadline_value, frequency_value
from ..export import fill_sheet
from ..families import action_label
from ..link import suggest
from ..link.diff import changes
from ..model import TIGHTENING, WEAKENING, Change, Deadline, Frequency, LinkKind
from .workflow import STATE_ZH, ReviewStore, clause_from_json

_HIDDEN = ("rejected", "orphan")


def held_by(table: list[dict]) -> dict[str, list[str]]:
    """Clause id -> the ids of the reviewed task table that hold it now: itself, the pieces a reviewer split it
    into, or the clause it was merged into. A link decided before a split or merge names the machine's clause."""
    out: dict[str, list[str]] = {}
    for c in table:
        if c.get("split_of"):
            out.setdefault(c["split_of"], []).append(c["id"])
        for gone in c.get("merged", []):
            out[gone] = [c["id"]]
        out.setdefault(c["id"], [c["id"]])
    return out


def reviewed_report(store: ReviewStore, review_id: int | None = None) -> dict:
    """Coverage of the parent plan in the reviewed state: rejected and orphan links left out, re-linked and added links
    in, parent tasks covered elsewhere not counted as 遗漏, changes recomputed from the corrected fields."""
    rv = store.review(review_id)
    child = store.task_table(rv.child_plan)
    parent = store.task_table(rv.parent_plan)
    child_doc, parent_doc = store.plan_document(rv.child_plan), store.plan_document(rv.parent_plan)
    # a link made before its clause was split or merged away still names the machine's clause
    cmap = {c["id"]: c for c in store.machine_clauses(rv.child_plan)} | {c["id"]: c for c in child}
    pmap = {c["id"]: c for c in store.machine_clauses(rv.parent_plan)} | {c["id"]: c for c in parent}
    queue = store.queue(rv.id)
    marks = store.marks(rv.id)
    links = []
    for q in queue:
        if q["state"] in _HIDDEN:
            continue
        c, p = cmap.get(q["child"]), pmap.get(q["parent"])
        if c is None or p is None:
            continue
        ch = changes(clause_from_json(c), clause_from_json(p))
        links.append({**q, "child_text": c["text"], "parent_text": p["text"], "changes": ch,
                      "confirmed": q["state"] == "confirmed"})
    tasks_p = [p for p in parent if p.get("is_task")]
    tasks_c = [c for c in child if c.get("is_task")]
    # a link decided before its clause was split holds for the pieces; before a merge, for the merged clause
    held_c, held_p = held_by(child), held_by(parent)
    covered = {i for lk in links for i in held_p.get(lk["parent"], [lk["parent"]])}
    linked_children = {i for lk in links for i in held_c.get(lk["child"], [lk["child"]])}
    elsewhere = [{"id": p["id"], "text": p["text"], "covered_by": marks[p["id"]]["covered_by"],
                  "note": marks[p["id"]]["note"], "reviewer": marks[p["id"]]["reviewer"]}
                 for p in tasks_p if p["id"] in marks and p["id"] not in covered]
    # a dropped parent task shows why its links were rejected
    parent_notes: dict[str, list[str]] = {}
    for q in queue:
        if q["state"] == "rejected" and q["note"]:
            parent_notes.setdefault(q["parent"], []).append(f"否决{q['id']}（{q['child']}）：{q['note']}")
    dropped = [{"id": p["id"], "text": p["text"], "note": "；".join(parent_notes.get(p["id"], []))}
               for p in tasks_p if p["id"] not in covered and p["id"] not in marks]
    novel = [{"id": c["id"], "text": c["text"]} for c in tasks_c if c["id"] not in linked_children]
    # the nearest candidates of each, as the link report gives them (link/suggest.py), over the reviewed tables
    found = suggest.nearest(tasks_c, tasks_p, novel={n["id"] for n in novel}, dropped={d["id"] for d in dropped})
    weakened = [lk for lk in links if set(lk["changes"]) & WEAKENING]
    tightened = [lk for lk in links if set(lk["changes"]) & TIGHTENING]
    status = store.status(rv.id)
    reviewers = sorted({q["reviewer"] for q in queue if q.get("reviewer")})
    out = {
        "review": {"id": rv.id, "child_title": child_doc.title, "parent_title": parent_doc.title,
                   "child_plan": rv.child_plan, "parent_plan": rv.parent_plan, "reviewers": reviewers},
        "links": links,
        "coverage": {
            "parent_clauses": len(tasks_p), "covered": len({p["id"] for p in tasks_p} & covered),
            "covered_elsewhere": elsewhere, "dropped": dropped, "novel_child_clauses": novel,
            "weakened": weakened, "tightened": tightened, "child_clauses": len(tasks_c),
            "confirmed_links": sum(1 for lk in links if lk["confirmed"]),
            "machine_links": sum(1 for lk in links if not lk["confirmed"]),
        },
        "status": status,
        "decisions": queue,
    }
    suggest.attach(out["coverage"], *found)
    return out


def decisions_json(store: ReviewStore, review_id: int | None = None) -> dict:
    """Every decision of a review: links with their state, parent tasks covered elsewhere, field corrections of both
    plans, and the audit log of the review's records."""
    rep = reviewed_report(store, review_id)
    rv = store.review(review_id)
    corrections = {}
    for side, plan in (("child", rv.child_plan), ("parent", rv.parent_plan)):
        corrections[side] = [{"clause": c["clause_id"], "field": c["field"], "value": c["value"],
                              "reviewer": c["reviewer"], "at": c["corrected_at"], "version": c["version"]}
                             for c in store.corrections(store.series_of(plan))]
    return {
        "review": rep["review"], "status": rep["status"],
        "links": [{k: q[k] for k in ("id", "child", "parent", "kind", "score", "state", "origin", "machine_parent",
                                     "note", "reviewer", "version", "changes")} for q in rep["decisions"]],
        "covered_elsewhere": [{k: e[k] for k in ("id", "covered_by", "note", "reviewer")}
                              for e in rep["coverage"]["covered_elsewhere"]],
        "corrections": corrections,
        "threshold": store.threshold,
    }


def write_json(store: ReviewStore, target, review_id: int | None = None) -> None:
    _atomic_write(target, json.dumps(decisions_json(store, review_id), ensure_ascii=False, indent=1) + "\n")


def _atomic_write(target, text: str) -> None:
    tmp = f"{target}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)


def _changes_zh(changes: list[str]) -> str:
    return "、".join(_label(Change, x) for x in changes)


def _label(enum, code: str) -> str:
    try:
        return enum(code).label
    except ValueError:
        return code


def write_docx(store: ReviewStore, target, review_id: int | None = None, *, reviewer: str | None = None,
               on: date | None = None) -> None:
    """衔接审查报告 in a 公文-like layout: title, counts, tables of 遗漏 / 弱化 / 新增 with notes, reviewer and date."""
    from docx import Document as Docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    rep = reviewed_report(store, review_id)
    cov, info, st = rep["coverage"], rep["review"], rep["status"]
    doc = Docx()
    # GB/T 9704: A4, type area 156 mm x 225 mm
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)

    def font(run, name="仿宋", size=16, bold=False):
        run.font.name = name
        run.font.size = Pt(size)
        run.font.bold = bold
        run._element.rPr.rFonts.set(qn("w:eastAsia"), name)

    def para(text, *, name="仿宋", size=16, bold=False, align=None, indent=True):
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        font(p.add_run(text), name, size, bold)
        return p

    def heading(text):
        para(text, name="黑体", size=16, indent=False)

    def table(header, rows, widths):
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        for k, h in enumerate(header):
            cell = t.rows[0].cells[k]
            cell.text = ""
            font(cell.paragraphs[0].add_run(h), "黑体", 11)
        for r in rows:
            cells = t.add_row().cells
            for k, v in enumerate(r):
                cells[k].text = ""
                font(cells[k].paragraphs[0].add_run(str(v)), "仿宋", 10.5)
        if not rows:
            cells = t.add_row().cells
            font(cells[0].paragraphs[0].add_run("无"), "仿宋", 10.5)
        # widths in shares of the 15.6 cm type area of an A4 公文 page; Word reads the cells, LibreOffice the grid
        scale = 15.6 / sum(widths)
        for k, w in enumerate(widths):
            t.columns[k].width = Cm(w * scale)
            for row in t.rows:
                row.cells[k].width = Cm(w * scale)

    para("衔接审查报告", name="方正小标宋简体", size=22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    para(f"《{info['child_title']}》对《{info['parent_title']}》的落实情况", name="楷体", size=16,
         align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    heading("一、基本情况")
    para(f"上级方案共有任务 {cov['parent_clauses']} 项，下级方案已落实 {cov['covered']} 项，由其他文件落实 "
         f"{len(cov['covered_elsewhere'])} 项，遗漏 {len(cov['dropped'])} 项，弱化 {len(cov['weakened'])} 项，"
         f"强化 {len(cov['tightened'])} 项；下级方案新增任务 {len(cov['novel_child_clauses'])} 项。")
    para(f"衔接关系共 {st['total']} 条，其中人工确认 {st['confirmed']} 条、否决 {st['rejected']} 条、自动接受 "
         f"{st['auto']} 条（分数不低于 {store.threshold:.2f}）、待审 {st['unreviewed']} 条、待复核 {st['suspect']} 条、"
         f"关联条款已删除 {st['orphan']} 条。")
    heading("二、遗漏的上级任务")
    child_texts, parent_texts = suggest.texts(rep)
    table(["序号", "上级条款", "任务内容", "最接近的下级条款", "审查意见"],
          [[k, d["id"], d["text"], suggest.label(d["nearest"], child_texts), d["note"]]
           for k, d in enumerate(cov["dropped"], 1)], [22, 60, 200, 120, 78])
    if cov["covered_elsewhere"]:
        para("以下上级任务由其他文件落实，不计入遗漏：", indent=True)
        table(["序号", "上级条款", "任务内容", "落实文件", "审查意见"],
              [[k, e["id"], e["text"], e["covered_by"], e["note"]] for k, e in enumerate(cov["covered_elsewhere"], 1)],
              [22, 68, 220, 90, 80])
    heading("三、弱化的任务")
    table(["序号", "上级条款", "下级条款", "变化", "审查状态", "审查意见"],
          [[k, f"{lk['parent']} {lk['parent_text']}", f"{lk['child']} {lk['child_text']}", _changes_zh(lk["changes"]),
            STATE_ZH[lk["state"]], lk["note"]] for k, lk in enumerate(cov["weakened"], 1)],
          [22, 150, 150, 60, 50, 80])
    heading("四、新增的任务")
    notes = {lk["child"]: lk["note"] for lk in store.queue(info["id"]) if lk["note"]}
    table(["序号", "下级条款", "任务内容", "最接近的上级任务", "审查意见"],
          [[k, n["id"], n["text"], suggest.label(n["nearest"], parent_texts), notes.get(n["id"], "")]
           for k, n in enumerate(cov["novel_child_clauses"], 1)], [22, 60, 200, 120, 78])
    heading("五、审查意见")
    noted = [q for q in rep["decisions"] if q["note"]]
    if noted:
        for q in noted:
            para(f"{q['id']}（{q['child']}→{q['parent']}，{STATE_ZH[q['state']]}）：{q['note']}")
    else:
        para("无。")
    who = reviewer or "、".join(info["reviewers"]) or "（未署名）"
    para(f"审查人：{who}", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    day = on or date.today()
    para(f"{day.year}年{day.month}月{day.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    tmp = f"{target}.tmp"
    doc.save(tmp)
    os.replace(tmp, target)


def write_xlsx(store: ReviewStore, target, review_id: int | None = None) -> None:
    """The review as a workbook: every link with its state, 遗漏, 弱化, 新增 and the counts."""
    from openpyxl import Workbook


    rep = reviewed_report(store, review_id)
    cov = rep["coverage"]
    wb = Workbook()
    ws = wb.active
    ws.title = "衔接关系"
    texts = {lk["id"]: lk for lk in rep["links"]}
    rows = []
    for q in rep["decisions"]:
        lk = texts.get(q["id"], q)
        rows.append([q["id"], q["parent"], lk["parent_text"], q["child"], lk["child_text"],
                     _label(LinkKind, q["kind"]), q["score"], _changes_zh(lk["changes"]),
                     STATE_ZH[q["state"]], "人工" if q["origin"] == "reviewer" else "系统", q["reviewer"] or "",
                     q["note"]])
    fill_sheet(ws, ["编号", "上级条款", "上级原文", "下级条款", "下级原文", "关系", "分数", "变化", "审查状态", "来源",
                    "审查人", "审查意见"], rows, [8, 10, 50, 10, 50, 10, 8, 14, 12, 8, 10, 30])
    child_texts, parent_texts = suggest.texts(rep)
    fill_sheet(wb.create_sheet("遗漏"), ["上级条款", "任务内容", "最接近的下级条款", "审查意见"],
               [[d["id"], d["text"], suggest.label(d["nearest"], child_texts), d["note"]] for d in cov["dropped"]],
               [12, 80, 50, 30])
    fill_sheet(wb.create_sheet("其他文件落实"), ["上级条款", "任务内容", "落实文件", "审查意见"],
               [[e["id"], e["text"], e["covered_by"], e["note"]] for e in cov["covered_elsewhere"]], [12, 80, 30, 30])
    fill_sheet(wb.create_sheet("弱化"), ["上级条款", "上级原文", "下级条款", "下级原文", "变化", "审查意见"],
               [[lk["parent"], lk["parent_text"], lk["child"], lk["child_text"], _changes_zh(lk["changes"]), lk["note"]]
                for lk in cov["weakened"]], [10, 50, 10, 50, 14, 30])
    fill_sheet(wb.create_sheet("新增"), ["下级条款", "任务内容", "最接近的上级任务"],
               [[n["id"], n["text"], suggest.label(n["nearest"], parent_texts)] for n in cov["novel_child_clauses"]],
               [12, 80, 50])
    st = rep["status"]
    fill_sheet(wb.create_sheet("统计"), ["项目", "数量"],
               [["上级任务", cov["parent_clauses"]], ["已落实", cov["covered"]],
                ["其他文件落实", len(cov["covered_elsewhere"])], ["遗漏", len(cov["dropped"])],
                ["弱化", len(cov["weakened"])], ["强化", len(cov["tightened"])], ["新增", len(cov["novel_child_clauses"])]]
               + [[STATE_ZH[s], st[s]] for s in STATE_ZH], [20, 10])
    tmp = f"{target}.tmp.xlsx"
    wb.save(tmp)
    os.replace(tmp, target)


def write_task_table(store: ReviewStore, plan_id: int, target) -> None:
    """The corrected task table of one plan as xlsx, with the corrected fields named in their own column."""
    from openpyxl import Workbook


    FIELD_ZH = {"departments": "责任单位", "deadlines": "完成时限", "frequencies": "频次", "action": "行动类别",
                "is_task": "是否任务", "split": "拆分", "merge": "合并"}
    doc = store.plan_document(plan_id)
    rows = []
    for n, c in enumerate(store.task_table(plan_id), 1):
        deps: dict[str, list[str]] = {"lead": [], "responsible": [], "support": []}
        for d in c.get("departments", []):
            deps.setdefault(d.get("role", "responsible"), []).append(d.get("name") or d.get("text"))
        rows.append([n, c["id"], "/".join(c.get("path", [])), c["text"], "是" if c.get("is_task") else "否",
                     action_label(doc.family, c.get("action")),
                     "；".join(d.get("text") or "" for d in c.get("deadlines", [])),
                     "；".join(deadline_value(Deadline.from_json({"text": "", **d})) for d in c.get("deadlines", [])),
                     "；".join(frequency_value(Frequency.from_json({"text": "", **d})) for d in c.get("frequencies", [])),
                     "、".join(deps["lead"]), "、".join(deps["responsible"]), "、".join(deps["support"]),
                     "、".join(FIELD_ZH.get(f, f) for f in c.get("corrected", []))])
    wb = Workbook()
    ws = wb.active
    ws.title = "任务清单（已更正）"
    fill_sheet(ws, ["序号", "条款编号", "章节", "任务内容", "是否任务", "行动类别", "完成时限（原文）", "完成时限（规范）",
                    "频次", "牵头单位", "责任单位", "配合单位", "人工更正"], rows,
               [6, 10, 12, 70, 8, 22, 18, 22, 16, 18, 22, 18, 16])
    ws2 = wb.create_sheet("方案信息")
    fill_sheet(ws2, ["项目", "内容"], [["标题", doc.title], ["文号", doc.doc_number], ["发文机关", doc.issuer]], [12, 80])
    tmp = f"{target}.tmp.xlsx"
    wb.save(tmp)
    os.replace(tmp, target)
