"""planlink Streamlit app: upload a plan and get its task table; review its linkage to the parent; see the corpus."""
from __future__ import annotations

import io
import json
import tempfile
import uuid
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from extract.errors import Code, ReadError, reason_zh
from extract.export import write_csv, write_xlsx
from extract.present import STATUS_COLOURS, esc, filter_records, highlight, meta_cell, table_records

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
UPLOAD_TYPES = ["pdf", "docx", "doc", "wps", "txt", "html", "htm"]
KIND_ZH = {"verbatim": "原文照搬", "localized": "本地化", "paraphrased": "改写", "merged": "合并", "split": "拆分"}
KIND_COLOURS = {"verbatim": "#2e7d32", "localized": "#1565c0", "paraphrased": "#f9a825", "merged": "#6a1b9a",
                "split": "#00838f"}
CHANGE_ZH = {"deadline_earlier": "时限提前", "deadline_later": "时限推后", "frequency_higher": "频次提高",
             "frequency_lower": "频次降低", "ongoing_added": "增加长期坚持", "ongoing_removed": "取消长期坚持"}

st.set_page_config(page_title="planlink 政策方案解析", page_icon="📑", layout="wide")
# Streamlit writes the file uploader's button and size hint in English and offers no setting for them:
# replace the two texts with Chinese ones (the upload limit is server.maxUploadSize in .streamlit/config.toml);
# its English "Running… / Stop" indicator and developer menu are hidden (the pages show their own Chinese spinners).
st.markdown("""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 0.875rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "每个不超过 50MB：PDF、Word、WPS、文本、网页"; font-size: 0.875rem;}
[data-testid="stStatusWidget"], [data-testid="stMainMenu"] {visibility: hidden;}
</style>""", unsafe_allow_html=True)


@st.cache_resource(show_spinner="正在解析语料库……")
def corpus_documents() -> list:
    from extract.pipeline import process_file

    docs = []
    for path in sorted(CORPUS.glob("*.txt")):
        try:
            docs.extend(process_file(path))
        except ReadError:
            continue
    return docs


def process_upload(name: str, data: bytes, progress=None) -> list:
    """Process an upload in a private temporary folder, under a generated name (never the user's)."""
    from extract.guard import process_file_limited  # wall clock and memory limit per upload

    ext = Path(name).suffix.lower()
    if ext.lstrip(".") not in UPLOAD_TYPES:
        raise ReadError(name, f"unsupported file type {ext!r}", Code.UNSUPPORTED)
    with tempfile.TemporaryDirectory(prefix="planlink-upload-") as tmp:
        path = Path(tmp) / f"{uuid.uuid4().hex}{ext}"
        path.write_bytes(data)
        try:
            docs = process_file_limited(str(path), progress=progress)
        except ReadError as exc:
            raise ReadError(name, exc.reason, exc.code, exc.zh_detail) from None
    for d in docs:
        d.source = name
    if not docs:
        raise ReadError(name, "no plan text was found in the file", Code.NO_TEXT)
    return docs


def downloads(docs: list, key: str) -> None:
    c1, c2, c3 = st.columns(3)
    with tempfile.TemporaryDirectory() as tmp:
        xlsx = Path(tmp) / "tasks.xlsx"
        write_xlsx(docs, xlsx)
        c1.download_button("下载 Excel（xlsx）", xlsx.read_bytes(), file_name="任务清单.xlsx", key=f"x{key}",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    buf = io.StringIO()
    write_csv(docs, buf)
    c2.download_button("下载 CSV", ("\ufeff" + buf.getvalue()).encode("utf-8"), file_name="任务清单.csv",
                       mime="text/csv", key=f"c{key}")
    payload = {"documents": [{k: v for k, v in d.to_json().items() if k != "text"} for d in docs]}
    c3.download_button("下载 JSON", json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"),
                       file_name="任务清单.json", mime="application/json", key=f"j{key}")


def metadata(doc) -> None:
    cols = st.columns(4)
    cols[0].markdown(meta_cell("发文机关", doc.issuer), unsafe_allow_html=True)
    cols[1].markdown(meta_cell("发文字号", doc.doc_number), unsafe_allow_html=True)
    cols[2].markdown(meta_cell("成文日期", doc.date), unsafe_allow_html=True)
    cols[3].markdown(meta_cell("条款 / 任务", f"{len(doc.clauses)} / {len(doc.tasks)}"), unsafe_allow_html=True)
    if doc.citations:
        st.caption("引用的上级文件：" + "；".join(f"《{c.title}》{c.doc_number}" for c in doc.citations))
    if doc.notes:
        st.caption("印发通知的要求：" + "；".join(doc.notes))
    if doc.pages_ocr:
        st.caption("以下页面为 OCR 识别：" + "、".join(map(str, doc.pages_ocr)))


# --- page 1 ------------------------------------------------------------------------------------------------


def page_tasks() -> None:
    st.header("任务清单")
    st.write("上传下级子方案（PDF、Word、WPS、文本或网页），自动生成任务清单：每项任务的完成时限、频次、牵头和责任单位及所属行动。")
    files = st.file_uploader("上传方案文件（可多选）", type=UPLOAD_TYPES, accept_multiple_files=True)
    use_sample = st.checkbox("没有文件？使用语料库中的示例方案", value=not files)
    docs: list = []
    if files:
        bar = st.progress(0.0, text="正在解析……")
        for k, f in enumerate(files):
            def step(page, total, k=k, name=f.name):
                bar.progress(min(1.0, (k + page / max(total, 1)) / len(files)), text=f"{name}：第 {page}/{total} 页")
            try:
                docs.extend(process_upload(f.name, f.getvalue(), progress=step))
            except ReadError as exc:
                st.error(f"文件「{f.name}」无法读取：{reason_zh(exc)}")
            bar.progress((k + 1) / len(files), text=f"已完成 {k + 1}/{len(files)} 个文件")
        bar.empty()
    elif use_sample:
        docs = corpus_documents()[:1]
    st.session_state["uploaded_docs"] = docs
    if not docs:
        st.info("请上传方案文件。")
        return
    titles = [f"{d.title}（{Path(d.source).name}）" for d in docs]
    pick = st.selectbox("选择文件", range(len(docs)), format_func=lambda i: titles[i]) if len(docs) > 1 else 0
    doc = docs[pick]
    st.subheader(doc.title)
    metadata(doc)
    for w in doc.warnings:
        st.caption("提示：" + w)

    today = st.date_input("督办日期（用于判断临期、逾期）", value=date.today())
    records = table_records([doc], today)
    c1, c2, c3, c4 = st.columns(4)
    actions = sorted({r["_action"] for r in records if r["_action"]})
    depts = sorted({d for r in records for d in r["_depts"]})
    years = sorted({y for r in records for y in r["_years"]})
    f_actions = c1.multiselect("行动类别", actions, placeholder="全部")
    f_depts = c2.multiselect("责任单位", depts, placeholder="全部")
    f_years = c3.multiselect("时限年份", years, placeholder="全部")
    f_task = c4.selectbox("条款类型", ["全部", "仅任务", "仅非任务"])
    shown = filter_records(records, actions=f_actions, departments=f_depts, years=f_years,
                           task_only={"全部": None, "仅任务": True, "仅非任务": False}[f_task])
    st.caption(f"共 {len(shown)} 条")
    frame = pd.DataFrame([{k: v for k, v in r.items() if not k.startswith("_") and k != "文件"} for r in shown])
    if not frame.empty:
        styled = frame.style.map(lambda v: f"background-color:{STATUS_COLOURS.get(v, '')}", subset=["督办状态"])
        st.dataframe(styled, use_container_width=True, hide_index=True,
                     column_config={"任务内容": st.column_config.TextColumn(width="large")})
    downloads([doc], "t")
    st.subheader("人工更正")
    from extract.review.ui import render_task_editor, review_store

    render_task_editor(review_store(), doc)
    with st.expander("原文标注（时限、频次、单位、指标以颜色标出）"):
        st.markdown('<span style="background:#ffe08a">完成时限</span> <span style="background:#b8e0ff">频次</span> '
                    '<span style="background:#c8f0c0">责任单位</span> <span style="background:#f4c6f0">量化指标</span>',
                    unsafe_allow_html=True)
        for r in shown:
            st.markdown(f"<p><b>{esc(r['编号'])}</b>　{r['_html']}</p>", unsafe_allow_html=True)


# --- page 2 ------------------------------------------------------------------------------------------------


def pyvis_html(nodes: list[tuple[str, str, str, str]], edges: list[tuple[str, str, str, str]], height: int = 520) -> str:
    from pyvis.network import Network

    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line")
    for nid, label, title, colour in nodes:
        net.add_node(nid, label=label, title=title, color=colour, shape="box")
    for a, b, title, colour in edges:
        net.add_edge(a, b, title=title, color=colour)
    net.toggle_physics(True)
    return net.generate_html(notebook=False)


def page_link() -> None:
    from extract.link.report import highlight_pair, link_documents

    st.header("衔接审查")
    st.write("选择下级方案和上级方案，查看每项上级任务的落实、遗漏、弱化和强化情况，以及下级新增的任务。")
    corpus = corpus_documents()
    labels = [d.title for d in corpus]
    uploaded = st.session_state.get("uploaded_docs") or []
    c1, c2 = st.columns(2)
    child_options = [("上传", i) for i in range(len(uploaded))] + [("语料", i) for i in range(len(corpus))]
    child_label = lambda o: ("（上传）" + uploaded[o[1]].title) if o[0] == "上传" else labels[o[1]]  # noqa: E731
    default_child = next((k for k, o in enumerate(child_options) if o[0] == "语料" and corpus[o[1]].title.startswith("铁峰乡")), 0)
    child_opt = c1.selectbox("下级方案", child_options, index=default_child, format_func=child_label)
    parent_file = c2.file_uploader("上传上级方案（可选）", type=UPLOAD_TYPES, key="parent_upload")
    default_parent = next((i for i, d in enumerate(corpus) if d.title.startswith("酉阳")), 0)
    parent_idx = c2.selectbox("或从语料库选择上级方案", range(len(corpus)), index=default_parent,
                              format_func=lambda i: labels[i])
    child = uploaded[child_opt[1]] if child_opt[0] == "上传" else corpus[child_opt[1]]
    scope = c2.radio("上级方案范围", ["全部条款", "仅附件任务表", "仅正文"], horizontal=True,
                     help="上级方案既有正文又有附件任务清单时，可只与其中一部分比对")
    parent_docs = [corpus[parent_idx]]
    if parent_file is not None:
        try:
            parent_docs = process_upload(parent_file.name, parent_file.getvalue())
        except ReadError as exc:
            st.error(f"文件「{parent_file.name}」无法读取：{reason_zh(exc)}")
            return
    if scope != "全部条款":
        from extract.model import Document

        keep = "table_row" if scope == "仅附件任务表" else "body"
        parent_docs = [Document.from_json({**d.to_json(), "clauses": [c.to_json() for c in d.clauses if c.kind == keep]})
                       for d in parent_docs]
    report = link_documents([child], parent_docs)
    cov = report["coverage"]
    m = st.columns(5)
    m[0].metric("已落实", cov["covered"])
    m[1].metric("遗漏", len(cov["dropped"]))
    m[2].metric("弱化", len(cov["weakened"]))
    m[3].metric("强化", len(cov["tightened"]))
    m[4].metric("新增", len(cov["novel_child_clauses"]))
    chart = pd.DataFrame({"类别": ["已落实", "遗漏", "弱化", "强化", "新增"],
                          "数量": [cov["covered"], len(cov["dropped"]), len(cov["weakened"]), len(cov["tightened"]),
                                 len(cov["novel_child_clauses"])]})
    import altair as alt

    st.altair_chart(alt.Chart(chart).mark_bar().encode(x=alt.X("类别:N", sort=None, axis=alt.Axis(labelAngle=0)),
                                                       y="数量:Q", color=alt.Color("类别:N", legend=None, sort=None)),
                    use_container_width=True)

    st.subheader("上级任务与下级条款对照")
    by_parent: dict[str, list[dict]] = {}
    for lk in report["links"]:
        by_parent.setdefault(lk["parent"], []).append(lk)
    parents = {c.id: c for d in parent_docs for c in d.clauses}
    for pid, pclause in parents.items():
        if not pclause.is_task:
            continue
        lks = by_parent.get(pid, [])
        tag = "遗漏" if not lks else "、".join(sorted({KIND_ZH[lk['kind']] for lk in lks}))
        with st.expander(f"{pid}　{pclause.text[:40]}……【{tag}】"):
            if not lks:
                st.markdown(f"<p style='background:#fff4e5'>{highlight(pclause)}</p><p>下级方案中未找到对应条款。</p>",
                            unsafe_allow_html=True)
            for lk in lks:
                a, b = highlight_pair(lk["parent_text"], lk["child_text"])
                changes = "、".join(CHANGE_ZH.get(x, x) for x in lk["changes"]) or "无"
                l, r = st.columns(2)
                l.markdown(f"**上级 {esc(pid)}**<br>{a}", unsafe_allow_html=True)
                r.markdown(f"**下级 {esc(lk['child'])}**（{KIND_ZH[lk['kind']]}，相似度 {lk['score']:.2f}，变化：{esc(changes)}）<br>{b}",
                           unsafe_allow_html=True)
    if cov["novel_child_clauses"]:
        st.subheader("下级新增任务")
        st.dataframe(pd.DataFrame(cov["novel_child_clauses"]).rename(columns={"id": "编号", "text": "内容"}),
                     hide_index=True, use_container_width=True)

    st.subheader("人工审查")
    from extract.review.ui import render_link_review, review_store

    from extract.review.report import reviewed_report

    rid = render_link_review(review_store(), child, parent_docs[0],
                             parent_scope={"仅附件任务表": "table_row", "仅正文": "body"}.get(scope, ""))
    report = {**report, "links": reviewed_report(review_store(), rid)["links"]}  # the graph shows the reviewed links

    st.subheader("衔接关系图")
    nodes, edges = [], []
    linked_parents = {lk["parent"] for lk in report["links"]}
    for pid, c in parents.items():
        if c.is_task:
            nodes.append(("P:" + pid, "上级 " + pid, c.text[:120], "#ffcc80" if pid not in linked_parents else "#90caf9"))
    for c in child.tasks:
        nodes.append(("C:" + c.id, "下级 " + c.id, c.text[:120], "#a5d6a7"))
    for lk in report["links"]:
        edges.append(("C:" + lk["child"], "P:" + lk["parent"],
                      KIND_ZH[lk["kind"]] + ("（人工确认）" if lk.get("confirmed") else ""), KIND_COLOURS[lk["kind"]]))
    import streamlit.components.v1 as components

    components.html(pyvis_html(nodes, edges), height=540)
    st.caption("颜色：绿色为原文照搬，蓝色为本地化，黄色为改写，紫色为合并，青色为拆分；橙色节点为遗漏的上级任务。")


# --- page 3 ------------------------------------------------------------------------------------------------


def page_corpus() -> None:
    import altair as alt

    from extract.link.graph import build_graph

    st.header("语料总览")
    docs = corpus_documents() + list(st.session_state.get("uploaded_docs") or [])
    codes = ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "O", "X"]
    rows = []
    for d in docs:
        for code in codes:
            rows.append({"方案": d.title[:28], "行动": code, "任务数": sum(1 for c in d.tasks if c.action == code)})
    st.subheader("各方案 × 八大行动（任务数）")
    heat = alt.Chart(pd.DataFrame(rows)).mark_rect().encode(
        x=alt.X("行动:N", sort=codes), y=alt.Y("方案:N", sort=None), color=alt.Color("任务数:Q", scale=alt.Scale(scheme="blues")),
        tooltip=["方案", "行动", "任务数"])
    st.altair_chart(heat, use_container_width=True)

    st.subheader("完成时限时间轴（2023—2026）")
    points = []
    for d in docs:
        for c in d.tasks:
            for s in c.deadlines:
                end = s.end
                if end and "2023" <= end[:4] <= "2026":
                    points.append({"方案": d.title[:28], "时限": end, "任务": c.text[:40], "原文": s.text})
    if points:
        line = alt.Chart(pd.DataFrame(points)).mark_circle(size=60).encode(
            x=alt.X("时限:T"), y=alt.Y("方案:N", sort=None), tooltip=["方案", "时限", "原文", "任务"])
        st.altair_chart(line, use_container_width=True)

    st.subheader("文件引用关系")
    g = build_graph(docs)
    nodes, edges = [], []
    keep = set()
    for u, v, data in g.edges(data=True):
        if data.get("kind") == "cites":
            keep |= {u, v}
            edges.append((u, v, "引用", "#888888"))
    for n, data in g.nodes(data=True):
        if data.get("kind") == "document":
            nodes.append((n, data["label"][:16], data["label"], "#90caf9" if n in keep else "#e0e0e0"))
    import streamlit.components.v1 as components

    components.html(pyvis_html(nodes, edges, 460), height=480)


PAGES = {"任务清单": page_tasks, "衔接审查": page_link, "语料总览": page_corpus}
choice = st.sidebar.radio("页面", list(PAGES), key="page")
st.sidebar.caption("planlink：把安全生产治本攻坚三年行动各级子方案变成结构化任务清单，并与上级方案逐条衔接。")
PAGES[choice]()
