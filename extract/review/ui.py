"""Streamlit review controls for app.py: the reviewer's name, link review with decisions and the report download,
and the editable task table whose edits are saved as corrections. The interface text is Chinese."""
from __future__ import annotations

import html
import os
import tempfile
from pathlib import Path

import streamlit as st

from ..components import extract_clause
from ..families import action_label
from ..link import suggest
from ..link.report import highlight_pair
from ..model import Change, Clause, LinkKind, Role
from . import report
from .linkgold import export_link_gold
from .report import reviewed_report, write_task_table
from .workflow import OPEN_STATES, STATE_ZH, Conflict, ReviewError, ReviewStore, action_codes, scoped

KIND_ZH = {k.value: k.label for k in LinkKind}
CHANGE_ZH = {k.value: k.label for k in Change}
STATE_COLOURS = {"unreviewed": "#9e9e9e", "auto": "#64b5f6", "confirmed": "#2e7d32", "rejected": "#c62828",
                 "suspect": "#ef6c00", "orphan": "#6d4c41"}
# The grid shows an empty selectbox cell as "None" (also for ""), so no action is a choosable value of its own
NO_ACTION = "—"
ROLE_COLUMNS = {r.value: f"{r.label}单位" for r in Role}  # the task table's columns (components.py)


@st.cache_resource(show_spinner=False)
def review_store(db: str | None = None) -> ReviewStore:
    """One store per server process: --db of the app is PLANLINK_DB, else planlink-review.db in its folder."""
    return ReviewStore(db or os.environ.get("PLANLINK_DB"))


def reviewer_name() -> str | None:
    """The reviewer's name, asked once per session in the sidebar; None until it is given."""
    name = st.session_state.get("reviewer")
    box = st.sidebar.container()
    if name:
        box.caption(f"审查人：{name}")
        if box.button("更换审查人", key="reviewer_change"):
            del st.session_state["reviewer"]
            st.rerun()
        return name
    typed = box.text_input("审查人姓名（每次会话填写一次）", key="reviewer_input", placeholder="例如：张三")
    if box.button("确定", key="reviewer_ok") and typed.strip():
        st.session_state["reviewer"] = typed.strip()
        st.rerun()
    return None


def _badge(state: str) -> str:
    return (f"<span style='background:{STATE_COLOURS[state]};color:white;border-radius:4px;padding:1px 6px;"
            f"font-size:0.8em'>{STATE_ZH[state]}</span>")


def _act(fn, *args, **kwargs) -> None:
    """Run a store operation from a button; a conflict or a bad value is shown, not raised."""
    try:
        fn(*args, **kwargs)
    except Conflict as exc:
        st.session_state["review_message"] = ("warning", "另一位审查人刚刚修改了这条记录，已刷新为最新状态，请重新审查。"
                                              f"（{exc}）")
    except ReviewError as exc:
        st.session_state["review_message"] = ("error", str(exc))
    else:
        st.session_state["review_message"] = ("success", "已保存。")
    st.rerun()


def _show_message() -> None:
    msg = st.session_state.pop("review_message", None)
    if msg:
        getattr(st, msg[0])(msg[1])


def render_link_review(store: ReviewStore, child, parent, *, parent_scope: str = "", child_scope: str = "",
                       key: str = "lr") -> int:
    """Review the links of `child` to `parent`: progress, filters, confirm / reject / re-link / note on each link,
    covered-elsewhere and add-link on parent tasks and child clauses, and the report downloads. Returns the review id."""
    reviewer = reviewer_name()
    # each plan restricted to its body or its annex task table (a no-op when the caller already did it)
    rid = store.open(scoped(child, child_scope), scoped(parent, parent_scope), parent_scope=parent_scope,
                     child_scope=child_scope)
    queue = store.queue(rid)
    status = store.status(rid)
    _show_message()
    done = status["confirmed"] + status["rejected"]
    st.progress(done / status["total"] if status["total"] else 1.0,
                text=f"已审 {done} / {status['total']}（自动接受 {status['auto']}，待复核 {status['suspect']}，"
                     f"关联条款已删除 {status['orphan']}；自动接受阈值 {store.threshold:.2f}）")

    cov = reviewed_report(store, rid)["coverage"]
    m = st.columns(6)
    for col, (label, n) in zip(m, [("审查后已落实", cov["covered"]), ("其他文件落实", len(cov["covered_elsewhere"])),
                                   ("审查后遗漏", len(cov["dropped"])), ("审查后弱化", len(cov["weakened"])),
                                   ("审查后新增", len(cov["novel_child_clauses"])),
                                   ("人工确认的衔接", cov["confirmed_links"])]):
        col.metric(label, n)
    st.caption(f"以上按审查结果统计：否决的衔接不计，改关联和补充的衔接计入；系统判断（未经人工确认）的衔接 "
               f"{cov['machine_links']} 条。")
    if not reviewer:
        st.info("请先在左侧填写审查人姓名，再确认或否决衔接。")
    c1, c2 = st.columns(2)
    kinds = c1.multiselect("按关系筛选", list(KIND_ZH), format_func=KIND_ZH.get, placeholder="全部关系", key=f"{key}_k")
    states = c2.multiselect("按审查状态筛选", list(STATE_ZH), format_func=STATE_ZH.get, placeholder="全部状态",
                            key=f"{key}_s")
    shown = [q for q in queue if (not kinds or q["kind"] in kinds) and (not states or q["state"] in states)]
    rv = store.review(rid)
    parent_table = [c for c in store.task_table(rv.parent_plan) if c.get("is_task")]
    parent_label = {c["id"]: f"{c['id']}　{c['text'][:30]}" for c in parent_table}
    st.subheader("逐条审查（待复核与最不确定的在前）")
    st.caption(f"显示 {len(shown)} / {len(queue)} 条")
    for q in shown:
        a, b = highlight_pair(q["parent_text"], q["child_text"])
        changes = "、".join(CHANGE_ZH.get(x, x) for x in q["changes"]) or "无"
        with st.container(border=True):
            st.markdown(f"{_badge(q['state'])} **{q['id']}**　{KIND_ZH.get(q['kind'], q['kind'])}，相似度 "
                        f"{q['score']:.2f}，变化：{changes}" + (f"　审查人：{html.escape(q['reviewer'])}"
                                                           if q.get("reviewer") else ""), unsafe_allow_html=True)
            left, right = st.columns(2)
            left.markdown(f"**上级 {q['parent']}**<br>{a}", unsafe_allow_html=True)
            right.markdown(f"**下级 {q['child']}**<br>{b}", unsafe_allow_html=True)
            note = st.text_input("审查意见", value=q["note"], key=f"{key}_n_{q['id']}_{q['version']}",
                                 placeholder="可选")
            b1, b2, b0, b3, b4 = st.columns([1, 1, 1, 3, 1])
            kw = {"reviewer": reviewer, "note": note, "expected_version": q["version"]}
            if b1.button("确认", key=f"{key}_c_{q['id']}", disabled=not reviewer or q["state"] == "confirmed"):
                _act(store.decide, q["id"], "confirm", **kw)
            if b2.button("否决", key=f"{key}_r_{q['id']}", disabled=not reviewer or q["state"] == "rejected"):
                _act(store.decide, q["id"], "reject", **kw)
            if b0.button("保存意见", key=f"{key}_o_{q['id']}", disabled=not reviewer or note == q["note"]):
                _act(store.annotate, q["id"], note, reviewer=reviewer, expected_version=q["version"])
            options = [p for p in parent_label if p != q["parent"]]
            target = b3.selectbox("改为关联上级条款", options, index=None, format_func=parent_label.get,
                                  key=f"{key}_t_{q['id']}", placeholder="改为关联到……", label_visibility="collapsed")
            if b4.button("改关联", key=f"{key}_l_{q['id']}", disabled=not reviewer or target is None):
                _act(store.relink, q["id"], target, **kw)
    _coverage_controls(store, rid, reviewer, key)
    _downloads(store, rid, reviewer, key)
    return rid


def _coverage_controls(store: ReviewStore, rid: int, reviewer: str | None, key: str) -> None:
    rep = reviewed_report(store, rid)
    cov = rep["coverage"]
    rv = store.review(rid)
    parents = [c for c in store.task_table(rv.parent_plan) if c.get("is_task")]
    children = [c for c in store.task_table(rv.child_plan) if c.get("is_task")]
    child_texts, parent_texts = suggest.texts(rep)
    child_labels = {c["id"]: f"{c['id']}　{c['text'][:30]}" for c in children}
    st.subheader(f"遗漏的上级任务（{len(cov['dropped'])}）")
    for d in cov["dropped"]:
        with st.expander(f"{d['id']}　{d['text'][:40]}……"):
            st.write(d["text"])
            c1, c2 = st.columns([3, 1])
            by = c1.text_input("由其他文件落实（文件名称）", key=f"{key}_cov_{d['id']}")
            note = c1.text_input("审查意见", key=f"{key}_covn_{d['id']}")
            if c2.button("标记为其他文件落实", key=f"{key}_covb_{d['id']}", disabled=not reviewer or not by.strip()):
                _act(store.cover_elsewhere, d["id"], by, review_id=rid, reviewer=reviewer, note=note)
            if d["nearest"]:
                c1.caption("最接近的下级条款：" + suggest.label(d["nearest"], child_texts))
            child = c1.selectbox("或补充衔接的下级条款", _nearest_first(child_labels, d["nearest"]), index=None,
                                 format_func=child_labels.get, key=f"{key}_addc_{d['id']}",
                                 placeholder="选择下级条款（最接近的在前）")
            if c2.button("补充衔接", key=f"{key}_addb_{d['id']}", disabled=not reviewer or child is None):
                _act(store.add, child, d["id"], review_id=rid, reviewer=reviewer, note=note)
    if cov["covered_elsewhere"]:
        st.caption("由其他文件落实：" + "；".join(f"{e['id']}（{e['covered_by']}）" for e in cov["covered_elsewhere"]))
    st.subheader(f"下级新增任务（{len(cov['novel_child_clauses'])}）")
    labels = {c["id"]: f"{c['id']}　{c['text'][:30]}" for c in parents}
    for n in cov["novel_child_clauses"]:
        with st.expander(f"{n['id']}　{n['text'][:40]}……"):
            st.write(n["text"])
            c1, c2 = st.columns([3, 1])
            if n["nearest"]:
                c1.caption("最接近的上级任务：" + suggest.label(n["nearest"], parent_texts))
            parent = c1.selectbox("对应的上级任务", _nearest_first(labels, n["nearest"]), index=None,
                                  format_func=labels.get, key=f"{key}_novp_{n['id']}",
                                  placeholder="选择上级任务（最接近的在前）")
            if c2.button("补充衔接", key=f"{key}_novb_{n['id']}", disabled=not reviewer or parent is None):
                _act(store.add, n["id"], parent, review_id=rid, reviewer=reviewer)


def _nearest_first(labels: dict[str, str], nearest: list[dict]) -> list[str]:
    """The ids of a selectbox, the nearest candidates first (in their order), then the rest in plan order."""
    first = [c["id"] for c in nearest if c["id"] in labels]
    return first + [i for i in labels if i not in first]


def _export_bytes(suffix: str, write) -> bytes:
    """What `write(path)` writes, as bytes (a private temporary folder, removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="planlink-report-") as tmp:
        path = Path(tmp) / f"export{suffix}"
        write(path)
        return path.read_bytes()


def _downloads(store: ReviewStore, rid: int, reviewer: str | None, key: str) -> None:
    """The report downloads, built only when clicked."""
    st.subheader("导出")
    c1, c2, c3 = st.columns(3)
    c1.download_button("下载衔接审查报告（Word）", lambda: _export_bytes(".docx", lambda p: report.write_docx(
                           store, p, rid, reviewer=reviewer)),
                       file_name="衔接审查报告.docx", key=f"{key}_dd", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    c2.download_button("下载审查结果（Excel）", lambda: _export_bytes(".xlsx", lambda p: report.write_xlsx(store, p, rid)),
                       file_name="衔接审查.xlsx", key=f"{key}_dx", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    c3.download_button("下载审查决定（JSON）", lambda: _export_bytes(".json", lambda p: report.write_json(store, p, rid)),
                       file_name="审查决定.json", key=f"{key}_dj", on_click="ignore", mime="application/json")
    _complete(store, rid, reviewer, key)


def _link_gold_zip(store: ReviewStore, rid: int) -> bytes:
    """The review as linkage gold (linkgold.py): the gold file and its two plans, zipped."""
    import io
    import zipfile

    with tempfile.TemporaryDirectory(prefix="planlink-linkgold-") as tmp:
        export_link_gold(store, tmp, rid)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in sorted(Path(tmp).rglob("*.json")):
                zf.write(f, f.relative_to(tmp).as_posix())
        return buf.getvalue()


def _complete(store: ReviewStore, rid: int, reviewer: str | None, key: str) -> None:
    """Marking the review's links complete, which needs every link decided; a complete review downloads as
    linkage gold for calibrating the linker."""
    done = store.links_confirmed(rid)
    status = store.status(rid)
    left = sum(status[s] for s in OPEN_STATES)
    c1, c2 = st.columns(2)
    if done:
        c1.success(f"衔接审查已完成（{done['reviewer'] or '未署名'}，{done['confirmed_at'][:10]}），可导出为衔接标注用于校准。")
        if c1.button("撤销完成标记", key=f"{key}_uncl", disabled=not reviewer):
            _act(store.confirm_links, rid, reviewer=reviewer, confirmed=False)
        c2.download_button("下载衔接标注（gold，ZIP）", lambda: _link_gold_zip(store, rid),
                           file_name=f"衔接标注_review{rid}.zip", key=f"{key}_dg", on_click="ignore",
                           mime="application/zip")
        return
    c1.caption("待审、待复核的衔接全部确认或否决后（自动接受的视为接受），可标记衔接审查完成；完成的审查可导出为"
               "衔接标注（gold），用 planlink evaluate --links 检验和校准系统。" + (f"尚有 {left} 条衔接未审查。" if left else ""))
    if c2.button("标记衔接审查完成", key=f"{key}_cl", disabled=not reviewer or left > 0):
        _act(store.confirm_links, rid, reviewer=reviewer)


# --- task table editor -------------------------------------------------------------------------------------


def _names(c: dict, role: str) -> str:
    return "、".join(d.get("name") or d.get("text") for d in c.get("departments", []) if d.get("role") == role)


def editor_rows(table: list[dict]) -> list[dict]:
    """The editor grid's rows: one per clause; a clause without an action holds NO_ACTION."""
    return [{"条款": c["id"], "任务内容": c["text"], "是否任务": bool(c.get("is_task")), "行动类别": c.get("action") or NO_ACTION,
             **{col: _names(c, role) for role, col in ROLE_COLUMNS.items()},
             "完成时限": "；".join(d.get("text", "") for d in c.get("deadlines", [])),
             "频次": "；".join(d.get("text", "") for d in c.get("frequencies", [])),
             "人工更正": "、".join(c.get("corrected", []))} for c in table]


def parse_spans(field: str, text: str) -> list[dict]:
    """Deadlines or frequencies typed by a reviewer (`2024年9月底前；长期坚持`), read by the same extractors as plans."""
    out = []
    for piece in [p.strip() for p in text.replace(";", "；").split("；") if p.strip()]:
        c = Clause.from_json({"id": "edit", "path": [], "text": piece})
        extract_clause(c)
        found = c.to_json()[field]
        if not found:
            raise ReviewError(f"无法识别的{'完成时限' if field == 'deadlines' else '频次'}：{piece}")
        out += [{k: v for k, v in f.items() if k not in ("start_offset", "end_offset") and not
                 (field == "frequencies" and k in ("start", "end"))} | {"text": f.get("text", piece)} for f in found]
    return out


def _cell(v) -> str:
    """A grid cell as text: an empty cell comes back as None or NaN."""
    return v if isinstance(v, str) else ""


def edits_to_corrections(before: list[dict], after: list[dict]) -> list[tuple[str, str, object]]:
    """(clause id, field, value) for every cell a reviewer changed in the task table editor."""
    out = []
    for old, new in zip(before, after):
        old = {k: _cell(v) if k != "是否任务" else v for k, v in old.items()}
        new = {k: _cell(v) if k != "是否任务" else v for k, v in new.items()}
        cid = old["条款"]
        if bool(new["是否任务"]) != old["是否任务"]:
            out.append((cid, "is_task", bool(new["是否任务"])))
        if (new["行动类别"] or NO_ACTION) != (old["行动类别"] or NO_ACTION):
            out.append((cid, "action", None if new["行动类别"] in ("", NO_ACTION) else new["行动类别"]))
        if any((new[col] or "") != old[col] for col in ROLE_COLUMNS.values()):
            deps = [{"name": n.strip(), "role": role} for role, col in ROLE_COLUMNS.items()
                    for n in (new[col] or "").replace("，", "、").replace(",", "、").split("、") if n.strip()]
            out.append((cid, "departments", deps))
        if (new["完成时限"] or "") != old["完成时限"]:
            out.append((cid, "deadlines", parse_spans("deadlines", new["完成时限"] or "")))
        if (new["频次"] or "") != old["频次"]:
            out.append((cid, "frequencies", parse_spans("frequencies", new["频次"] or "")))
    return out


def render_task_editor(store: ReviewStore, doc, *, key: str = "te") -> int:
    """The task table as an editable grid; 保存更正 stores each changed cell as a correction (the machine output
    stays), 确认任务清单 marks the table checked so it can train the models. Returns the plan id."""
    import pandas as pd


    reviewer = reviewer_name()
    plan_id = store.ingest(doc)
    table = store.task_table(plan_id)
    versions = {c["id"]: c.get("versions", {}) for c in table}
    rows = editor_rows(table)
    _show_message()
    st.caption("可直接修改是否任务、行动类别、牵头 / 责任 / 配合单位（以顿号分隔）、完成时限和频次（以分号分隔），"
               "然后点击「保存更正」。系统识别结果保留，人工更正优先。")
    edited = st.data_editor(
        pd.DataFrame(rows), hide_index=True, width="stretch", key=f"{key}_grid_{plan_id}",
        disabled=["条款", "任务内容", "人工更正"],
        column_config={"条款": st.column_config.TextColumn(width="small"),
                       "任务内容": st.column_config.TextColumn(width="large"),
                       "是否任务": st.column_config.CheckboxColumn(width=95),  # the header fits
                       "行动类别": st.column_config.SelectboxColumn(
                           options=[NO_ACTION, *action_codes(doc.family)], width="medium",
                           format_func=lambda code: "（未分类）" if code == NO_ACTION else action_label(doc.family, code)),
                       **{col: st.column_config.TextColumn(width="medium") for col in ROLE_COLUMNS.values()}})
    c1, c2, c3 = st.columns(3)
    if c1.button("保存更正", key=f"{key}_save", disabled=not reviewer, type="primary"):
        try:
            changes = edits_to_corrections(rows, edited.to_dict("records"))
        except ReviewError as exc:
            st.session_state["review_message"] = ("error", str(exc))
            st.rerun()
        if not changes:
            st.session_state["review_message"] = ("info", "没有需要保存的修改。")
            st.rerun()

        def save():
            for cid, field, value in changes:
                store.correct(plan_id, cid, field, value, reviewer=reviewer,
                              expected_version=versions.get(cid, {}).get(field, 0))
        _act(save)
    confirmed = next((p for p in store.plans() if p["id"] == plan_id), {}).get("table_confirmed_at")
    if c2.button("已确认，可用于训练" if confirmed else "确认任务清单无误", key=f"{key}_confirm",
                 disabled=not reviewer or bool(confirmed)):
        _act(store.confirm_table, plan_id, reviewer=reviewer)
    c3.download_button("下载更正后的任务清单（Excel）",
                       lambda: _export_bytes(".xlsx", lambda p: write_task_table(store, plan_id, p)),
                       file_name="任务清单（已更正）.xlsx", key=f"{key}_dl", on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with st.expander("拆分或合并条款"):
        ids = [c["id"] for c in table]
        s1, s2 = st.columns(2)
        target = s1.selectbox("要拆分的条款", ids, index=None, key=f"{key}_split_id", placeholder="选择条款")
        pieces = s1.text_area("拆分后的各条内容（每行一条）", key=f"{key}_split_text")
        if s1.button("拆分", key=f"{key}_split", disabled=not reviewer or target is None):
            _act(store.correct, plan_id, target, "split", [p for p in pieces.splitlines() if p.strip()],
                 reviewer=reviewer)
        into = s2.selectbox("合并到条款", ids, index=None, key=f"{key}_merge_id", placeholder="选择条款")
        others = s2.multiselect("要并入的条款", [i for i in ids if i != into], key=f"{key}_merge_others")
        if s2.button("合并", key=f"{key}_merge", disabled=not reviewer or into is None or not others):
            _act(store.correct, plan_id, into, "merge", others, reviewer=reviewer)
    return plan_id
