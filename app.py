"""planlink Streamlit app: upload plans and get their task tables and 督办 board; review a plan's linkage to its
parent; see the corpus. Uploads, picks and filters live in session state; parsing is cached by content hash."""
from __future__ import annotations

import copy
import hashlib
import html
import json
import logging
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from extract import families
from extract.api import link_documents, process_file
from extract.errors import ReadError, reason_zh
from extract.guard import process_file_limited  # wall clock and memory limit per upload
from extract.link import suggest
from extract.link.internal import fold
from extract.link.reading import KINDS, change_words, diff_html
from extract.link.reading import rows as reading_rows
from extract.link.report import write_xlsx as write_link_xlsx
from extract.overview import axis_label, citation_tree, short_title
from extract.present import (
    LIGHTS,
    ROLE_CHOICES,
    STATUS_COLOURS,
    VIEW_COLUMNS,
    board,
    csv_bytes,
    esc,
    filter_records,
    meta_cell,
    milestones,
    status,
    table_records,
    xlsx_bytes,
    zh_date,
)
from extract.review.ui import render_link_review, render_task_editor, review_store

ROOT = Path(__file__).resolve().parent
CORPUS = ROOT / "corpus"
UPLOAD_TYPES = ["pdf", "docx", "doc", "wps", "txt", "html", "htm"]
MAX_MB = 50  # the server accepts a little more (server.maxUploadSize) so that the refusal is this app's, in Chinese
FAMILY = families.default()
ACTIONS = list(FAMILY.codes)
SCOPES = {"全部条款": None, "仅正文": "body", "仅附件任务表": "table_row"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

log = logging.getLogger("planlink.app")
if not log.handlers:
    _h = logging.StreamHandler()
    _h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_h)
    log.setLevel(logging.INFO)
    log.propagate = False

st.set_page_config(page_title="planlink 政策方案解析", page_icon="📑", layout="wide")
# Streamlit writes the file uploader's button and size hint in English and offers no setting for them: the two
# texts are replaced with Chinese ones. Its English "Running… / Stop" indicator is hidden (pages show their own
# Chinese spinners). The linkage view's table styles live here so each row's HTML stays short.
st.markdown("""<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {font-size: 0;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 0.875rem;}
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "拖放文件到此处，每个不超过 50MB：PDF、Word、WPS、文本、网页"; font-size: 0.875rem;}
[data-testid="stStatusWidget"], [data-testid="stMainMenu"] {visibility: hidden;}
.block-container {padding-top: 2.2rem;}
h1 {font-size: 2rem !important; padding-top: 0 !important;}
table.pl-link {border-collapse: collapse; width: 100%; table-layout: fixed; font-size: 0.92rem;}
table.pl-link td, table.pl-link th {border-bottom: 1px solid #ddd; padding: 6px 8px; vertical-align: top;
  word-break: break-all;}
table.pl-link th {background: #f3f5f8; text-align: left;}
.pl-kind {display: inline-block; padding: 1px 8px; border-radius: 10px; font-weight: 600; white-space: nowrap;}
.pl-id {color: #666; font-size: 0.8rem;}
.pl-change {display: block; margin-top: 4px; font-weight: 600; color: #8a4b00;}
</style>""", unsafe_allow_html=True)


# --- state and parsing -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """One plan as the pages use it: folded so each task is one row, with where else each task is stated."""

    key: str  # content hash and position within the file: stable across reruns, page switches and sessions
    doc: object
    label: str
    uploaded: bool
    also: dict[str, list[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    raw: object = None  # the document as written, before folding: what a body-only or annex-only view shows


@dataclass
class Parsed:
    name: str
    sha: str
    plans: list[Plan] = field(default_factory=list)
    error: str = ""


@st.cache_resource
def _store() -> dict:
    """Process-wide caches keyed by content: the same bytes are parsed once for every session and rerun."""
    return {"lock": threading.Lock(), "parsed": OrderedDict(), "links": OrderedDict()}


def _remember(kind: str, key, value, limit: int = 64):
    store = _store()
    with store["lock"]:
        store[kind][key] = value
        while len(store[kind]) > limit:
            store[kind].popitem(last=False)
    return value


def _recall(kind: str, key):
    store = _store()
    with store["lock"]:
        if key in store[kind]:
            store[kind].move_to_end(key)
            return store[kind][key]
    return None


def _plans(docs: list, sha: str, uploaded: bool, name: str = "") -> list[Plan]:
    out = []
    for k, d in enumerate(docs):
        f = fold(d)
        label = ("（上传）" if uploaded else "") + d.title + (f"（{name}）" if uploaded and len(docs) == 1 else "")
        # uploads and corpus plans never share a key, even for the same bytes
        out.append(Plan(f"{'u' if uploaded else 'c'}:{sha[:16]}:{k}", f.doc, label, uploaded, f.also, f.texts, d))
    return out


def parse_upload(name: str, sha: str, data: bytes, progress=None) -> Parsed:
    """Process an upload in a private temporary folder, under a generated name (never the user's)."""
    ext = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="planlink-upload-") as tmp:
        path = Path(tmp) / f"{uuid.uuid4().hex}{ext}"
        path.write_bytes(data)
        try:
            docs = process_file_limited(str(path), progress=progress)
        except ReadError as exc:
            return Parsed(name, sha, error=reason_zh(exc))
    if not docs:
        return Parsed(name, sha, error=reason_zh("no plan text"))
    for d in docs:
        d.source = name
    return Parsed(name, sha, _plans(docs, sha, True, name))


@st.cache_resource(show_spinner="正在解析语料库……")
def corpus_plans() -> list[Plan]:
    out = []
    for path in sorted(CORPUS.glob("*.txt")):
        try:
            docs = process_file(path)
        except ReadError as exc:
            log.warning("corpus file %s skipped: %s", path.name, exc.reason)
            continue
        out.extend(_plans(docs, docs[0].sha256 if docs else path.name, False))
    return out


def init_state() -> None:
    ss = st.session_state
    ss.setdefault("uploads", [])  # [{"name", "sha", "data"}], in upload order
    ss.setdefault("upload_gen", 0)
    ss.setdefault("upload_msgs", [])
    ss.setdefault("d_year", date.today().year)
    ss.setdefault("d_month", date.today().month)
    ss.setdefault("d_day", date.today().day)


def ingest(files) -> None:
    """Move new files from the uploader into session state (checked here, so refusals are in Chinese)."""
    ss = st.session_state
    have = {u["sha"] for u in ss["uploads"]}
    msgs = []
    for f in files:
        ext = Path(f.name).suffix.lower().lstrip(".")
        if ext not in UPLOAD_TYPES:
            msgs.append(f"文件「{f.name}」未上传：不支持的文件类型（可上传 PDF、Word、WPS、文本或网页文件）")
            continue
        data = f.getvalue()
        if len(data) > MAX_MB * 1024 * 1024:
            msgs.append(f"文件「{f.name}」未上传：超过 {MAX_MB}MB 的大小上限")
            continue
        sha = hashlib.sha256(data).hexdigest()
        if sha in have:
            msgs.append(f"文件「{f.name}」已上传过，未重复添加")
            continue
        have.add(sha)
        ss["uploads"].append({"name": f.name, "sha": sha, "data": data})
    ss["upload_msgs"] = msgs


def upload_box(where: str) -> None:
    """The uploader; its files move into session state at once, so they outlive the widget and page switches."""
    ss = st.session_state
    files = st.file_uploader("上传方案文件（可多选）", accept_multiple_files=True, key=f"up_{where}_{ss['upload_gen']}")
    if files:
        ingest(files)
        ss["upload_gen"] += 1
        st.rerun()
    for m in ss["upload_msgs"]:
        st.warning(m)


def parsed_uploads() -> list[Parsed]:
    """Every upload parsed (from the cache when its bytes were seen before), with a progress bar for new ones."""
    out, todo = [], []
    for u in st.session_state["uploads"]:
        hit = _recall("parsed", u["sha"])
        out.append(hit)
        if hit is None:
            todo.append(u)
    if todo:
        bar = st.progress(0.0, text="正在解析……")
        for k, u in enumerate(todo):
            def step(page, total, k=k, name=u["name"]):
                bar.progress(min(1.0, (k + page / max(total, 1)) / len(todo)), text=f"{name}：第 {page}/{total} 页")
            t = time.perf_counter()
            parsed = parse_upload(u["name"], u["sha"], u["data"], progress=step)
            log.info("parsed %s in %.2f s", u["sha"][:12], time.perf_counter() - t)
            _remember("parsed", u["sha"], parsed)
            bar.progress((k + 1) / len(todo), text=f"已完成 {k + 1}/{len(todo)} 个文件")
        bar.empty()
        out = [_recall("parsed", u["sha"]) for u in st.session_state["uploads"]]
    return [p for p in out if p is not None]


def uploaded_plans() -> list[Plan]:
    return [p for parsed in parsed_uploads() for p in parsed.plans]


def remove_upload(sha: str | None) -> None:
    ss = st.session_state
    ss["uploads"] = [u for u in ss["uploads"] if sha is not None and u["sha"] != sha]
    ss["upload_msgs"] = []


def uploads_list(parsed: list[Parsed]) -> None:
    """The files kept in this session, each with its result (or its error, named) and a remove button."""
    if not parsed:
        return
    tasks_all = sum(len(x.doc.tasks) for p in parsed for x in p.plans)
    bad = sum(1 for p in parsed if p.error)
    title = f"已上传的文件（{len(parsed)} 个，共 {tasks_all} 项任务" + (f"，{bad} 个无法读取" if bad else "") + "）"
    with st.expander(title, expanded=bool(bad)):
        for p in parsed:
            c1, c2 = st.columns([6, 1])
            if p.error:
                c1.error(f"文件「{p.name}」无法读取：{p.error}")
            else:
                tasks = sum(len(x.doc.tasks) for x in p.plans)
                counts = f"{len(p.plans)} 个方案，{tasks} 项任务"
                c1.markdown(f"{esc(p.name)}　<span style='color:#666'>{esc(counts)}</span>", unsafe_allow_html=True)
            c2.button("移除", key=f"rm_{p.sha[:16]}", on_click=remove_upload, args=(p.sha,))
        if len(parsed) > 1:
            st.button("全部移除", key="rm_all", on_click=remove_upload, args=(None,))


def duban_date() -> date:
    """The 督办 date, in the sidebar as year / month / day pickers (Streamlit's calendar only speaks English)."""
    ss = st.session_state
    bar = st.sidebar
    bar.markdown("**督办日期**（判断已到期、临期）")
    years = list(range(2023, max(2031, date.today().year + 2)))
    bar.selectbox("年", years, key="d_year", format_func=lambda y: f"{y}年", persist_state="session")
    c2, c3 = bar.columns(2)
    c2.selectbox("月", list(range(1, 13)), key="d_month", format_func=lambda m: f"{m}月", persist_state="session")
    last = (date(ss["d_year"] + ss["d_month"] // 12, ss["d_month"] % 12 + 1, 1) - date.resolution).day
    ss["d_day"] = min(ss["d_day"], last)  # 31日 chosen, then a shorter month
    c3.selectbox("日", list(range(1, last + 1)), key="d_day", format_func=lambda d: f"{d}日", persist_state="session")
    return date(ss["d_year"], ss["d_month"], ss["d_day"])


def pick(label: str, options: list, key: str, default, where=st, **kw):
    """A selectbox whose choice survives page switches; a stale choice (a removed upload) falls back to default."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else (options[0] if options else None)
    return where.selectbox(label, options, key=key, persist_state="session", **kw)


def multi(where, label: str, options: list, key: str, **kw):
    """A multiselect whose choices survive page switches; choices no longer offered are dropped."""
    kept = [v for v in st.session_state.get(key, []) if v in options]
    if kept != st.session_state.get(key, []):
        st.session_state[key] = kept
    return where.multiselect(label, options, key=key, placeholder="全部", select_all=False,
                             persist_state="session", **kw)


def metadata(doc) -> None:
    cols = st.columns(4)
    # metadata read from an uploaded page is document text: escaped before it is shown as HTML
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
    for w in doc.warnings:
        st.caption("提示：" + warning_zh(w))


def warning_zh(w: str) -> str:
    """Reader warnings are written in English for the CLI; the page says them in Chinese."""
    if w.startswith("pages without a usable text layer"):
        return "以下页面没有可用的文字层（可能是扫描页）：" + w.split(":", 1)[-1].strip()
    return reason_zh(w) if not any("\u4e00" <= ch <= "\u9fff" for ch in w) else w


# --- page 1: 任务清单 and 督办 ------------------------------------------------------------------------------


def _pick_board_unit() -> None:
    sel = st.session_state.get("board")
    rows = getattr(getattr(sel, "selection", None), "rows", None) if sel is not None else None
    if rows is None and isinstance(sel, dict):
        rows = sel.get("selection", {}).get("rows")
    units = st.session_state.get("board_units", [])
    if rows:
        st.session_state["f_depts"] = [units[rows[0]]]


def page_tasks() -> None:
    st.header("任务清单")
    st.write("上传下级子方案（PDF、Word、WPS、文本或网页），自动生成任务清单：每项任务的完成时限、频次、牵头和责任"
             "单位及所属行动；按督办日期给出每个节点的状态。正文与附件任务表重复列出的任务只算一项。")
    upload_box("tasks")
    parsed = parsed_uploads()
    uploads_list(parsed)
    plans = [p for x in parsed for p in x.plans]
    if not plans:
        if not st.session_state["uploads"]:
            st.session_state.setdefault("use_sample", True)
            if st.checkbox("没有文件？使用语料库中的示例方案", key="use_sample", persist_state="session"):
                plans = corpus_plans()[:1]
        if not plans:
            st.info("请上传方案文件。")
            return
    options = ([("__all__")] if len(plans) > 1 else []) + [p.key for p in plans]
    labels = {p.key: p.label for p in plans} | {"__all__": f"全部 {len(plans)} 个方案"}
    choice = pick("选择方案", options, "t_plan", options[0], format_func=lambda k: labels.get(k, k))
    chosen = plans if choice == "__all__" else [p for p in plans if p.key == choice]
    if len(chosen) == 1:
        st.subheader(chosen[0].doc.title)
        metadata(chosen[0].doc)
    else:
        st.subheader(f"全部上传方案（{len(chosen)} 个）")
    today = st.session_state["today"]
    # the table, the board and the downloads show the plans as reviewers corrected them (the editor below)
    reviewed, _ = review_store().reviewed([p.doc for p in chosen])
    records = table_records(reviewed, today, {p.doc.title: p.also for p in chosen})
    tasks_view(records, [replace(p, doc=d) for p, d in zip(chosen, reviewed)], today, {p.key: p.doc for p in chosen})


def tasks_view(records: list[dict], chosen: list[Plan], today: date, machine: dict[str, object]) -> None:
    """The board, filters, table and downloads of the chosen plans (as reviewed); the correction editor works on
    the `machine` documents (by plan key), whose corrections the store keeps apart from the machine output."""
    ss = st.session_state
    board_box = st.container()  # the board shows above the filters but is drawn once the role is known
    c0, c1, c2 = st.columns([2, 2, 1])
    role_name = c2.selectbox("单位角色", list(ROLE_CHOICES), key="f_role", persist_state="session",
                             help="「牵头或责任」不含只作为配合单位的任务")
    roles = ROLE_CHOICES[role_name]

    title = "督办看板：按单位统计（红：已到期　黄：30 天内到期　绿：未到期；点击一行筛选该单位）"
    with board_box.expander(title, expanded=True):
        rows = board(records, roles)
        ss["board_units"] = [r["单位"] for r in rows]
        if rows:
            frame = pd.DataFrame(rows)
            styled = (frame.style.map(lambda v: "background-color:#f8d0d0" if v else "", subset=["红"])
                      .map(lambda v: "background-color:#fff0b3" if v else "", subset=["黄"])
                      .map(lambda v: "background-color:#d9f2d9" if v else "", subset=["绿"]))
            st.dataframe(styled, hide_index=True, key="board", on_select=_pick_board_unit,
                         selection_mode="single-row", height=min(38 + 35 * len(rows), 250))
        else:
            st.caption("没有带责任单位的任务。")

    action_names = {r["_action"]: r["行动类别"] for r in records if r["_action"]}
    actions = sorted(action_names, key=lambda a: (ACTIONS.index(a) if a in ACTIONS else len(ACTIONS), a))
    depts = sorted({d for r in records for d in r["_depts"]})
    years = sorted({y for r in records for y in r["_years"]})
    f_actions = multi(c0, "行动类别", actions, "f_actions", format_func=lambda a: action_names.get(a) or a)
    f_depts = multi(c1, "单位", depts, "f_depts")
    c3, c4, c5 = st.columns([2, 2, 1])
    f_status = multi(c3, "督办状态", list(STATUS_COLOURS), "f_status")
    f_years = multi(c4, "时限年份", years, "f_years", format_func=lambda y: f"{y}年")
    f_task = c5.selectbox("条款类型", ["仅任务", "全部", "仅非任务"], key="f_task", persist_state="session")
    t = time.perf_counter()
    shown = filter_records(records, actions=f_actions, departments=f_depts, years=f_years, roles=roles,
                           statuses=f_status, task_only={"全部": None, "仅任务": True, "仅非任务": False}[f_task])
    lights = {k: sum(1 for r in shown if r["督办状态"] == s) for s, k in LIGHTS.items()}
    st.caption(f"共 {len(shown)} 条（红 {lights['红']}　黄 {lights['黄']}　绿 {lights['绿']}），"
               f"督办日期 {zh_date(today)}")
    columns = [c for c in VIEW_COLUMNS if c != "文件" or len(chosen) > 1]
    # the status and the milestones next to the task text, so they stay on screen at 1366 px
    order = ["文件", "编号", "督办状态", "任务内容", "节点", "牵头单位", "责任单位", "配合单位", "完成时限", "频次",
             "行动类别", "量化指标", "另见", "时限（规范）", "章节", "是否任务"]
    short = {p.doc.title: short_title(p.doc.title, 12) for p in chosen}
    frame = pd.DataFrame([{k: (short.get(r[k], r[k]) if k == "文件" else r[k]) for k in columns} for r in shown],
                         columns=columns)
    if not frame.empty:
        styled = frame.style.map(lambda v: f"background-color:{STATUS_COLOURS.get(v, '')}", subset=["督办状态"])
        st.dataframe(styled, hide_index=True, column_order=[c for c in order if c in columns], height=420,
                     column_config={"任务内容": st.column_config.TextColumn(width="large"),
                                    "文件": st.column_config.TextColumn(width="small"),
                                    "节点": st.column_config.TextColumn(width="medium"),
                                    "编号": st.column_config.TextColumn(width="small"),
                                    "督办状态": st.column_config.TextColumn(width="small")})
    else:
        st.info("没有符合筛选条件的条款。")
    log.debug("filter+table %.3f s", time.perf_counter() - t)
    downloads(shown, chosen)
    if len(chosen) == 1:
        st.subheader("人工更正")
        render_task_editor(review_store(), machine[chosen[0].key])
    else:
        st.caption("选择单个方案后，可在此人工更正任务清单。")
    with st.expander("原文标注（时限、频次、单位、指标以颜色标出）"):
        st.markdown('<span style="background:#ffe08a">完成时限</span> <span style="background:#b8e0ff">频次</span> '
                    '<span style="background:#c8f0c0">责任单位</span> <span style="background:#f4c6f0">量化指标</span>',
                    unsafe_allow_html=True)
        texts = {k: v for p in chosen for k, v in p.texts.items()}
        for r in shown[:300]:
            extra = ""
            if r["另见"]:
                extra = "".join(f"<br><span class='pl-id'>{html.escape(x)}："
                                f"{html.escape(texts.get(x.split(' ', 1)[-1], ''))}</span>" for x in r["另见"].split("、"))
            st.markdown(f"<p><b>{html.escape(r['编号'])}</b>　{r['_html']}{extra}</p>", unsafe_allow_html=True)
        if len(shown) > 300:
            st.caption(f"仅显示前 300 条，共 {len(shown)} 条；完整内容请下载。")


def downloads(shown: list[dict], chosen: list[Plan]) -> None:
    """Downloads of exactly the rows on screen, with their 督办 status; built only when clicked."""
    c1, c2, c3 = st.columns(3)
    c1.download_button("下载 Excel（xlsx）", lambda: xlsx_bytes(shown), file_name="任务清单.xlsx", mime=XLSX,
                       key="dl_x", on_click="ignore")
    c2.download_button("下载 CSV", lambda: csv_bytes(shown), file_name="任务清单.csv", mime="text/csv", key="dl_c",
                       on_click="ignore")
    by_doc: dict[str, set[str]] = {}
    for r in shown:
        by_doc.setdefault(r["_doc"], set()).add(r["_id"])

    def payload() -> bytes:
        docs = []
        for p in chosen:
            keep = by_doc.get(p.doc.title, set())
            if keep:
                d = {k: v for k, v in p.doc.to_json().items() if k != "text"}
                d["clauses"] = [c for c in d["clauses"] if c["id"] in keep]
                docs.append(d)
        return json.dumps({"documents": docs}, ensure_ascii=False, indent=1).encode("utf-8")

    c3.download_button("下载 JSON", payload, file_name="任务清单.json", mime="application/json", key="dl_j",
                       on_click="ignore")


# --- page 2: 衔接审查 ---------------------------------------------------------------------------------------


def scoped(plan: Plan, scope: str) -> Plan:
    """The plan with only its body or only its annex task table, as written: before folding, which moves a body
    task an annex row restates into the annex (no JSON round trip: the clauses are shared)."""
    keep = SCOPES[scope]
    if keep is None:
        return plan
    doc = plan.raw or plan.doc
    clauses = [c for c in doc.clauses if (c.kind == "table_row") == (keep == "table_row")]
    return replace(plan, doc=replace(doc, clauses=clauses))


def linkage(child: Plan, parent: Plan, scope: str, parent_actions: bool = False, child_scope: str = "全部条款") -> dict:
    """The linkage report, cached per pair, scopes and action source. Taking the parent's own actions reclassifies
    the child's tasks, so it works on a copy: the cached plan other pages show keeps its own actions."""
    key = (child.key, parent.key, scope, parent_actions, child_scope)
    report = _recall("links", key)
    if report is None:
        child_doc = scoped(child, child_scope).doc
        child_docs = [copy.deepcopy(child_doc)] if parent_actions else [child_doc]
        report = _remember("links", key, link_documents(child_docs, [scoped(parent, scope).doc],
                                                        actions_from_parent=parent_actions))
    return report


def page_link() -> None:
    st.header("衔接审查")
    st.write("选择下级方案和上级方案，逐条查看上级任务在下级方案中的落实、改写、弱化、强化和遗漏，以及下级新增的任务。")
    with st.expander("上传方案文件（上传的方案可选作下级或上级）", expanded=not st.session_state["uploads"]):
        upload_box("link")
    uploaded = uploaded_plans()
    corpus = corpus_plans()
    plans = {p.key: p for p in uploaded + corpus}
    keys = list(plans)

    def label(k: str) -> str:
        return plans[k].label

    default_child = uploaded[0].key if uploaded else next((p.key for p in corpus if p.doc.title.startswith("铁峰乡")),
                                                          keys[0])
    c1, c2 = st.columns(2)
    child_key = pick("下级方案", keys, "l_child", default_child, c1, format_func=label)
    default_parent = next((p.key for p in corpus if p.doc.title.startswith("酉阳") and p.key != child_key), keys[0])
    parent_key = pick("上级方案", keys, "l_parent", default_parent, c2, format_func=label)
    child_scope = c1.radio("下级方案范围", list(SCOPES), key="l_child_scope", horizontal=True, persist_state="session",
                           help="下级选「仅附件任务表」、上级选同一方案的「仅正文」，可比对一个方案的附件任务表与其正文")
    scope = c2.radio("上级方案范围", list(SCOPES), key="l_scope", horizontal=True, persist_state="session",
                     help="上级方案既有正文又有附件任务清单时，可只与其中一部分比对")
    kinds = c1.multiselect("只看", list(KINDS), key="l_kinds", placeholder="全部类别", select_all=False,
                           persist_state="session")
    parent_actions = st.checkbox("下级任务按上级方案自己的行动归类（上级按自己的行动分组任务时，如市级九大行动）",
                                 key="l_parent_actions", persist_state="session")
    # the review panel costs seconds a rerun (one row of controls per link): it runs for reviewers only, so
    # reading and filtering the side-by-side view stays fast
    review = st.checkbox("显示审查面板（确认、否决、改关联衔接）", key="l_review", persist_state="session")
    child, parent = plans[child_key], plans[parent_key]
    part = "" if SCOPES[child_scope] is None else f"（{child_scope}）"
    st.info(f"正在比对：下级《{child.doc.title}》{part} ↔ 上级《{parent.doc.title}》（{scope}）")
    if child_key == parent_key and (None in (SCOPES[scope], SCOPES[child_scope]) or scope == child_scope):
        st.warning("下级方案和上级方案是同一个方案：请另选其一；或下级范围选「仅附件任务表」、上级范围选「仅正文」，"
                   "比对该方案的附件任务表与正文。")
        return
    child_s, parent_s = scoped(child, child_scope), scoped(parent, scope)
    for side, plan, name in (("下级", child_s, child_scope), ("上级", parent_s, scope)):
        if not plan.doc.tasks:
            st.warning(f"{side}方案在「{name}」范围内没有任务条款，请换一个范围。")
            return
    report = linkage(child, parent, scope, parent_actions, child_scope)
    link_rows = reading_rows(report, [c for c in parent_s.doc.clauses if c.is_task], child_s.doc.tasks)
    counts = {k: sum(1 for r in link_rows if r.kind == k) for k in KINDS}
    m = st.columns(len(KINDS))
    for col, k in zip(m, KINDS):
        col.metric(k, counts[k])
    total = sum(counts.values()) or 1
    bar = "".join(f"<div title='{k} {counts[k]}' style='flex:{counts[k]};background:{KINDS[k][1]};color:#fff;"
                  f"text-align:center;font-size:0.8rem;overflow:hidden;white-space:nowrap'>"
                  f"{k} {counts[k] if counts[k] / total > 0.04 else ''}</div>" for k in KINDS if counts[k])
    style = "display:flex;height:24px;border-radius:4px;overflow:hidden;margin:-8px 0 12px"
    st.markdown(f"<div style='{style}'>{bar}</div>", unsafe_allow_html=True)

    shown = [r for r in link_rows if not kinds or r.kind in kinds]
    st.subheader("上级任务与下级条款对照")
    st.caption(f"按上级方案顺序排列，共 {len(shown)} 行。差异以颜色标出：红色为上级原文中被改动或删去的文字，"
               "绿色为下级新写的文字；全角半角标点和空格不算差异。")
    st.markdown(link_table(shown, {c.id: c for c in child_s.doc.tasks}, report), unsafe_allow_html=True)
    if parent_actions:
        st.subheader("下级任务按上级方案的行动统计")
        st.dataframe(pd.DataFrame([{"行动": f"{a['code']} {a['name']}", "下级任务数": a["tasks"]}
                                   for a in report["actions"]]), hide_index=True)
    link_downloads(report, child, parent)
    st.subheader("人工审查")
    if review or st.session_state.get("reviewer"):
        render_link_review(review_store(), child_s.doc, parent_s.doc, parent_scope=SCOPES[scope] or "",
                           child_scope=SCOPES[child_scope] or "")
    else:
        st.caption("勾选上方「显示审查面板」后，可逐条确认、否决或改关联。")


def link_table(rows, children: dict, report: dict) -> str:
    """The reading table of a linkage: each parent task with the child clauses that carry it out; a 新增 or 遗漏 row
    names the nearest candidates of the link report (link/suggest.py) for the reviewer."""
    cov = report["coverage"]
    nearest = {("c", n["id"]): n["nearest"] for n in cov["novel_child_clauses"]}
    nearest |= {("p", d["id"]): d["nearest"] for d in cov["dropped"]}
    child_texts, parent_texts = suggest.texts(report)

    def near(side: str, cid: str, texts: dict[str, str]) -> str:
        found = suggest.label(nearest.get((side, cid), []), texts)
        return f"<br><span class='pl-id'>最接近：{html.escape(found)}</span>" if found else ""

    out = [("<table class='pl-link'><colgroup><col style='width:7%'><col style='width:46%'><col style='width:47%'>"
            "</colgroup><tr><th>类别</th><th>上级任务</th><th>下级条款</th></tr>")]
    for r in rows:
        bg, fg = KINDS[r.kind]
        badge = f"<span class='pl-kind' style='background:{bg};color:{fg}'>{r.kind}</span>"
        if r.kind == "新增":
            left = "<span class='pl-id'>上级无对应任务</span>" + near("c", r.child.id, parent_texts)
            right = f"<span class='pl-id'>{html.escape(r.child.id)}</span><br>{html.escape(r.child.text)}"
        elif not r.links:
            left = f"<span class='pl-id'>{html.escape(r.parent.id)}</span><br>{html.escape(r.parent.text)}"
            right = "<span class='pl-id'>下级方案中未找到对应条款</span>" + near("p", r.parent.id, child_texts)
        else:
            parts_l, parts_r = [], []
            for k, lk in enumerate(r.links):
                a, b = diff_html(lk["parent_text"], lk["child_text"])
                if k == 0:
                    parts_l.append(a)
                child_clause = children.get(lk["child"])
                words = change_words(lk, r.parent, child_clause) if child_clause is not None else []
                calls = "".join(f"<span class='pl-change'>{html.escape(w)}</span>" for w in words)
                parts_r.append(f"<div><span class='pl-id'>{html.escape(lk['child'])}　相似度 {lk['score']:.2f}</span>"
                               f"<br>{b}{calls}</div>")
            left = f"<span class='pl-id'>{html.escape(r.parent.id)}</span><br>" + "".join(parts_l)
            right = "<hr style='margin:4px 0'>".join(parts_r)
        out.append(f"<tr style='box-shadow: inset 5px 0 0 {fg}'><td>{badge}</td><td>{left}</td><td>{right}</td></tr>")
    out.append("</table>")
    return "".join(out)


def link_downloads(report: dict, child: Plan, parent: Plan) -> None:
    def data() -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "links.xlsx"
            write_link_xlsx(report, target, child.doc.title, parent.doc.title)
            return target.read_bytes()

    st.download_button("下载衔接审查表（xlsx）", data, file_name="衔接审查.xlsx", mime=XLSX, key="dl_link",
                       on_click="ignore")


# --- page 3: 语料总览 ---------------------------------------------------------------------------------------


def page_corpus() -> None:
    st.header("语料总览")
    plans = corpus_plans() + uploaded_plans()
    today = st.session_state["today"]
    names: dict[str, str] = {}
    for p in plans:
        n = ("（上传）" if p.uploaded else "") + short_title(p.doc.title, 14)
        while n in names.values():
            n += "＊"
        names[p.key] = n

    st.subheader("各方案 × 八大行动（任务数）")
    rows = [{"方案": names[p.key], "全称": p.doc.title, "行动": axis_label(FAMILY.action(code)),
             "行动全称": FAMILY.label(code),
             "任务数": sum(1 for c in p.doc.tasks if c.action == code)} for p in plans for code in ACTIONS]
    heat = alt.Chart(pd.DataFrame(rows), height=max(300, 20 * len(plans))).mark_rect().encode(
        # code and short name on two lines, so all ten fit over their columns
        x=alt.X("行动:N", sort=[axis_label(a) for a in FAMILY.actions], title=None,
                axis=alt.Axis(labelAngle=0, orient="top", labelFontSize=10, labelOverlap=False, labelLimit=0,
                              # lines run down from the label's anchor: lift it by all but one of them
                              labelPadding=12 * max(axis_label(a).count("|") for a in FAMILY.actions) + 4,
                              labelLineHeight=12,
                              labelExpr="split(datum.label, '|')")),
        y=alt.Y("方案:N", sort=[names[p.key] for p in plans], title=None,
                axis=alt.Axis(labelLimit=340, labelOverlap=False, labelFontSize=11)),
        color=alt.Color("任务数:Q", scale=alt.Scale(scheme="blues"), legend=alt.Legend(title="任务数")),
        tooltip=["全称", "行动全称", "任务数"])
    text = heat.mark_text(fontSize=10).encode(
        text="任务数:Q", color=alt.condition("datum['任务数'] >= 10", alt.value("white"), alt.value("#333")))
    st.altair_chart(heat + text, width="stretch")

    q = (today.month - 1) // 3
    t1, t2 = st.tabs(["哪些方案在某项行动上落后", f"本季度到期的任务（{today.year}年第{q + 1}季度）"])
    with t1:
        code = pick("行动", ACTIONS, "c_action", "A3", format_func=FAMILY.label)
        behind = []
        for p in plans:
            mine = [c for c in p.doc.tasks if c.action == code]
            grades = [status(c, today) for c in mine]
            behind.append({"方案": names[p.key], "该行动任务": len(mine), "已到期": grades.count("已到期"),
                           "临期": grades.count("临期"), "全部任务": len(p.doc.tasks)})
        frame = pd.DataFrame(behind).sort_values(["该行动任务", "已到期"], ascending=[True, False])
        st.caption("按该行动的任务数从少到多排列：任务数为 0 的方案尚未部署该行动；已到期、临期按督办日期计算。")
        st.dataframe(frame, hide_index=True, height=320)
    with t2:
        start = date(today.year, 3 * q + 1, 1)
        end = date(today.year + (q == 3), (3 * q + 3) % 12 + 1, 1) - date.resolution
        due = []
        for p in plans:
            for c in p.doc.tasks:
                hits = [d for d in milestones(c) if start <= d <= end]
                if hits:
                    due.append({"方案": names[p.key], "编号": c.id, "节点": "、".join(zh_date(d) for d in hits),
                                "督办状态": status(c, today), "任务": c.text})
        st.caption(f"{zh_date(start)}至{zh_date(end)}，共 {len(due)} 项；季度随督办日期变化。")
        if due:
            st.dataframe(pd.DataFrame(due), hide_index=True, height=320,
                         column_config={"任务": st.column_config.TextColumn(width="large")})
        else:
            st.info("本季度没有到期的任务。")

    st.subheader("完成时限时间轴")
    points = []
    for p in plans:
        for c in p.doc.tasks:
            for d in milestones(c):
                if 2023 <= d.year <= 2027:
                    points.append({"方案": names[p.key], "全称": p.doc.title, "时限": d.isoformat(),
                                   "节点": zh_date(d), "督办状态": status(c, today), "任务": c.text[:50]})
    if points:
        dom = list(STATUS_COLOURS)[:3]
        line = alt.Chart(pd.DataFrame(points), height=max(260, 18 * len({x["方案"] for x in points}))).mark_circle(
            size=70, opacity=0.8).encode(
            x=alt.X("时限:T", title=None, axis=alt.Axis(format="%Y年%-m月", labelAngle=0, tickCount="month")),
            y=alt.Y("方案:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("督办状态:N", scale=alt.Scale(domain=dom, range=["#d62728", "#e6a700", "#2ca02c"]),
                            legend=alt.Legend(title="按督办日期")),
            tooltip=["全称", "节点", "督办状态", "任务"])
        rule = alt.Chart(pd.DataFrame({"时限": [today.isoformat()]})).mark_rule(color="#555", strokeDash=[4, 3]).encode(
            x="时限:T")
        st.altair_chart(line + rule, width="stretch")

    st.subheader("文件引用关系（按层级：国家 → 省区 → 市州 → 区县 → 乡镇）")
    st.altair_chart(citation_tree([(p.key, p.doc) for p in plans], names), width="stretch")


# --- navigation --------------------------------------------------------------------------------------------


PAGES = {"任务清单": page_tasks, "衔接审查": page_link, "语料总览": page_corpus}


def main() -> None:
    init_state()
    choice = st.sidebar.radio("页面", list(PAGES), key="page")
    st.session_state["today"] = duban_date()
    n = len(st.session_state["uploads"])
    st.sidebar.caption(f"本次已上传 {n} 个文件，切换页面不会丢失。" if n else "尚未上传文件。")
    st.sidebar.caption("planlink：把安全生产治本攻坚三年行动各级子方案变成结构化任务清单，并与上级方案逐条衔接。")
    try:
        PAGES[choice]()
    except Exception:  # the page says what happened in Chinese; the traceback goes to the log
        log.exception("page %s failed", choice)
        st.error("页面出错，已记录详细信息。请刷新页面重试；如仍出错，请将所用文件和操作告知管理员。")


main()
