"""AppTest tests of the app: uploads that survive page switches, the task table and its filters, one row per task
when an annex restates the body, 督办 by milestone, role-aware unit filters, linkage review, the corpus page, and a
walk through every option of every choice widget of every page."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from conftest import FIXTURES, ROOT

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
APP = str(ROOT / "app.py")
RESTATED = FIXTURES / "restated_county.txt"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def app():
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception
    return at


def frame(at):
    """The task table (not the 督办 board above it, nor the review editor below it)."""
    return next(d.value for d in at.dataframe if "督办状态" in d.value.columns)


def page(at, name):
    at.sidebar.radio(key="page").set_value(name).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def upload(at, *files):
    at.file_uploader[0].set_value(list(files) if len(files) > 1 else files[0])
    at.run()
    assert not at.exception, at.exception
    return at


def set_date(at, d: date):
    at.selectbox(key="d_year").set_value(d.year).run()
    at.selectbox(key="d_month").set_value(d.month).run()
    at.selectbox(key="d_day").set_value(d.day).run()
    assert not at.exception


def restated(at):
    return upload(at, ("清河县方案.txt", RESTATED.read_bytes(), "text/plain"))


def test_upload_pdf_gives_task_table_and_filters():
    at = upload(app(), ("铁峰乡方案.pdf", (FIXTURES / "tieshan_001.pdf").read_bytes(), "application/pdf"))
    assert not at.error
    at.selectbox(key="f_task").set_value("全部").run()
    table = frame(at)
    assert len(table) == 32
    assert "铁峰乡" in at.subheader[0].value
    assert any("铁峰府发〔2024〕56号" in m.value for m in at.markdown)
    assert set(table.columns) >= {"任务内容", "完成时限", "频次", "牵头单位", "责任单位", "行动类别", "督办状态",
                                  "节点"}
    at.selectbox(key="f_task").set_value("仅任务").run()
    tasks = frame(at)
    assert 0 < len(tasks) < 32 and set(tasks["是否任务"]) == {"是"}
    at.multiselect(key="f_years").set_value([2024]).run()
    assert all("2024" in v for v in frame(at)["时限（规范）"])
    labels = [b.label for b in at.get("download_button")]
    assert labels[:3] == ["下载 Excel（xlsx）", "下载 CSV", "下载 JSON"]  # then the review editor's own download


def test_action_filter_lists_names_not_bare_codes():
    at = app()
    options = at.multiselect(key="f_actions").options
    assert options and all(" " in o and len(o) >= 4 for o in options), options


def test_bad_upload_names_the_file_in_chinese_and_the_rest_goes_through():
    at = upload(app(), ("坏文件.pdf", (FIXTURES / "bad" / "truncated.pdf").read_bytes(), "application/pdf"),
                ("好文件.docx", (FIXTURES / "tieshan_001.docx").read_bytes(), DOCX))
    assert len(at.error) == 1 and "坏文件.pdf" in at.error[0].value and "损坏" in at.error[0].value
    at.selectbox(key="f_task").set_value("全部").run()
    assert len(frame(at)) == 32


def test_unsupported_type_is_refused_in_chinese():
    at = upload(app(), ("表格.xlsx", b"PK\x03\x04 not really", "application/vnd.ms-excel"))
    assert any("表格.xlsx" in w.value and "不支持的文件类型" in w.value for w in at.warning)
    assert not at.session_state["uploads"]


def test_uploads_picks_and_filters_survive_page_switches():
    at = restated(app())
    upload(at, ("铁峰乡方案.txt", (FIXTURES / "tieshan_001.txt").read_bytes(), "text/plain"))
    assert len(at.session_state["uploads"]) == 2
    at.selectbox(key="f_role").set_value("任意角色").run()
    at.multiselect(key="f_depts").set_value(["县公安局"]).run()
    rows = len(frame(at))
    page(at, "语料总览")
    page(at, "衔接审查")
    # the first upload is the default child, not a corpus plan, and the page names both plans
    assert "下级《清河县交通运输局" in at.info[0].value and "上级《" in at.info[0].value
    page(at, "任务清单")
    assert len(at.session_state["uploads"]) == 2
    assert at.selectbox(key="f_role").value == "任意角色"
    assert at.multiselect(key="f_depts").value == ["县公安局"]
    assert len(frame(at)) == rows


def test_body_and_annex_restating_the_same_tasks_count_once():
    at = restated(app())
    table = frame(at)  # 仅任务 is the default view
    # seven body tasks restated in the annex table, plus two 保障措施 tasks: nine, not sixteen
    assert len(table) == 9
    merged = table[table["编号"] == "ca.3"].iloc[0]
    assert merged["另见"] == "正文 c2.1.3"
    assert merged["完成时限"] == "2025年6月底前"
    # departments from both: the table's roles, and the body's units the table does not name
    assert "县公安局" in merged["牵头单位"] and "县交通运输局" in merged["配合单位"]
    assert merged["行动类别"].count(" ") == 1  # one action, not two
    assert any("9 项任务" in m.value for m in at.markdown)
    # the linkage page counts the child's tasks once too
    page(at, "衔接审查")
    counts = {m.label: int(m.value) for m in at.metric}
    assert counts["新增"] <= 9
    assert "下级《清河县交通运输局" in at.info[0].value


def test_milestone_and_ongoing_duty_graded_by_date():
    at = restated(app())

    def status_of(task_id):
        t = frame(at)
        return t[t["编号"] == task_id].iloc[0]

    set_date(at, date(2024, 9, 15))
    row = status_of("ca.1")  # 2024年9月底前并长期坚持
    assert row["督办状态"] == "临期" and row["节点"] == "2024年9月30日 临期；长期坚持"
    set_date(at, date(2024, 10, 15))
    assert status_of("ca.1")["督办状态"] == "已到期"
    set_date(at, date(2024, 6, 1))
    assert status_of("ca.1")["督办状态"] == "未到期"
    assert status_of("ca.5")["督办状态"] == "长期"  # ongoing only: no milestone to grade
    at.multiselect(key="f_status").set_value(["临期"]).run()
    assert set(frame(at)["督办状态"]) == {"临期"}


def test_unit_filter_respects_roles():
    at = restated(app())
    at.multiselect(key="f_depts").set_value(["县公安局"]).run()
    # 县公安局 leads ca.3 and only supports ca.2
    assert list(frame(at)["编号"]) == ["ca.3"]
    at.selectbox(key="f_role").set_value("仅配合").run()
    assert list(frame(at)["编号"]) == ["ca.2"]
    at.selectbox(key="f_role").set_value("任意角色").run()
    assert list(frame(at)["编号"]) == ["ca.2", "ca.3"]


def test_board_counts_red_yellow_green_per_unit():
    at = restated(app())
    set_date(at, date(2024, 9, 15))
    board = at.dataframe[0].value
    row = board[board["单位"] == "县交通运输局"].iloc[0]
    # lead of ca.1, ca.2, ca.4, ca.5, ca.6, ca.7 (县公安局 leads ca.3) and responsible for c3.2
    assert row["任务"] == 7
    assert (row["红"], row["黄"], row["绿"]) == (1, 1, 3)  # ca.4 due 6月底 passed; ca.1 临期; ca.2, ca.6, ca.7 ahead


def test_filtered_download_holds_the_rows_on_screen():
    from openpyxl import load_workbook

    from extract.link.internal import fold
    from extract.pipeline import process_file
    from extract.present import filter_records, table_records, xlsx_bytes

    doc = fold(process_file(RESTATED)[0]).doc
    records = table_records([doc], date(2024, 9, 15))
    shown = filter_records(records, departments=["县财政局"], roles={"support"}, task_only=True)
    ws = load_workbook(io.BytesIO(xlsx_bytes(shown))).active
    assert ws.max_row - 1 == len(shown) == 3
    header = [c.value for c in ws[1]]
    assert "督办状态" in header and "节点" in header


def test_linkage_page_scopes_do_not_crash_and_name_both_plans():
    at = page(app(), "衔接审查")
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) >= {"落实", "改写", "弱化", "强化", "遗漏", "新增"}  # and the review panel's own counts
    assert int(metrics["落实"]) > 0
    assert "下级《铁峰乡" in at.info[0].value and "上级《酉阳" in at.info[0].value
    for scope in ("仅正文", "仅附件任务表", "全部条款"):
        at.radio(key="l_scope").set_value(scope).run()
        assert not at.exception, (scope, at.exception)
        assert not at.error
        assert f"（{scope}）" in at.info[0].value
    at.multiselect(key="l_kinds").set_value(["遗漏"]).run()
    table = next(m.value for m in at.markdown if "<table class='pl-link'" in m.value)
    assert "遗漏" in table and ">落实<" not in table
    # a dropped parent task names the child clauses nearest it, a novel child clause the nearest parent tasks
    assert "最接近：" in table
    at.multiselect(key="l_kinds").set_value(["新增"]).run()
    table = next(m.value for m in at.markdown if "<table class='pl-link'" in m.value)
    assert "上级无对应任务</span><br><span class='pl-id'>最接近：" in table
    assert "人工审查" in [h.value for h in at.subheader]  # the review panel sits under the side-by-side table
    at.checkbox(key="l_review").check().run()
    assert not at.exception and any(m.label == "审查后已落实" for m in at.metric)


def test_corpus_page_renders():
    at = page(app(), "语料总览")
    heads = [s.value for s in at.subheader]
    assert "各方案 × 八大行动（任务数）" in heads and any(h.startswith("文件引用关系") for h in heads)
    tabs = [t.label for t in at.tabs]
    assert "哪些方案在某项行动上落后" in tabs and any(t.startswith("本季度到期的任务") for t in tabs)


# --- every option of every choice widget -------------------------------------------------------------------


def _choose(widget, label):
    """Send the option's label as the browser does (AppTest's set_value needs the raw value, which a widget
    with a format_func does not expose)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    base = type(widget)

    class Pinned(base):
        @property
        def _widget_state(self):
            ws = WidgetState()
            ws.id = self.id
            if self.type == "multiselect":
                ws.string_array_value.data[:] = [label]
            else:
                ws.string_value = label
            return ws

    widget.__class__ = Pinned
    return widget


def _walk(at, name, sidebar=False):
    page(at, name)
    if any(w.key == "l_review" for w in at.checkbox):  # the review panel's own controls join the walk
        at.checkbox(key="l_review").check().run()
    kinds = ("selectbox", "radio", "multiselect", "checkbox")
    keys = [(k, w.key) for k in kinds for w in getattr(at.main, k) if w.key]
    if sidebar:  # the 督办 date; the page radio is what the walk switches with
        keys += [(k, w.key) for k in kinds for w in getattr(at.sidebar, k) if w.key and w.key != "page"]
    # the review panel repeats one 改为关联 picker per link, all with the same options: the first stands for them;
    # its widgets go first, while the default pair they belong to is still on the page
    per_link = [k for k in keys if re.match(r"lr_t_", k[1])]
    keys = [k for k in keys if k not in per_link[1:]]
    keys.sort(key=lambda k: not k[1].startswith("lr_"))
    tried = 0
    for kind, key in keys:
        w = getattr(at, kind)(key=key)
        options = [True, False] if kind == "checkbox" else list(w.options)
        for label in options:
            w = getattr(at, kind)(key=key)
            if kind == "checkbox":
                w.set_value(label)
            else:
                _choose(w, label)
            at.run()
            tried += 1
            assert not at.exception, (name, key, label, at.exception)
            assert not at.error, (name, key, label, [e.value for e in at.error])
            now = getattr(at, kind)(key=key)
            if kind == "multiselect":
                assert list(now.values) == [label], (key, label, now.values)
            elif kind != "checkbox":
                assert now.options[now.index] == label, (key, label)
        if kind == "multiselect":
            at.multiselect(key=key).set_value([]).run()
    return tried


@pytest.mark.parametrize("name", ["任务清单", "衔接审查", "语料总览"])
def test_every_option_of_every_widget(name):
    at = restated(app())
    tried = _walk(at, name, sidebar=name == "任务清单")
    print(f"{name}: {tried} choices")
    assert tried >= 10


def test_child_tasks_take_the_parent_plans_own_actions():
    fam = FIXTURES / "families"
    at = upload(app(), ("江城市方案.txt", (fam / "city9_parent.txt").read_bytes(), "text/plain"),
                ("江北县方案.txt", (fam / "city9_county_a.txt").read_bytes(), "text/plain"))
    page(at, "衔接审查")
    child = next(o for o in at.selectbox(key="l_child").options if "江北县" in o)
    parent = next(o for o in at.selectbox(key="l_parent").options if o.startswith("（上传）江城市安全生产"))
    _choose(at.selectbox(key="l_child"), child)
    at.run()
    _choose(at.selectbox(key="l_parent"), parent)
    at.run()
    assert "下级《江城市江北县" in at.info[0].value and "上级《江城市安全生产" in at.info[0].value
    at.checkbox(key="l_parent_actions").check().run()
    assert not at.exception and not at.error
    table = next(d.value for d in at.dataframe if "下级任务数" in d.value.columns)
    assert "P9 城市生命线安全提升行动" in set(table["行动"])  # the city's ninth action, not a national one
    assert table["下级任务数"].sum() > 0
    # the task table of the same upload keeps the national actions: the cached plan was not reclassified
    page(at, "任务清单")
    assert not any(str(v).startswith("P") for v in frame(at)["行动类别"])


def test_saved_web_page_shows_the_notice_metadata_escaped():
    """Issue 16: a saved 政府信息公开 page: 发文机关/文号 from the page, the notice's demands as a caption."""
    web = (FIXTURES / "web" / "zj_county_emergency.html").read_bytes()
    at = upload(app(), ("安平县方案.html", web, "text/html"))
    assert not at.error
    assert any("安应急〔2024〕21号" in m.value for m in at.markdown)
    assert any("印发通知的要求" in c.value and "2024年6月20日前" in c.value for c in at.caption)
    # a 文号 cell holding markup (written as entities in the page) is shown as text, not as HTML
    evil = web.replace("安应急〔2024〕21号</td>".encode(), "&lt;b&gt;x&lt;/b&gt;</td>".encode(), 1)
    at = upload(app(), ("evil.html", evil, "text/html"))
    shown = [m.value for m in at.markdown if "发文字号" in m.value]
    assert shown and all("&lt;b&gt;x&lt;/b&gt;" in v and "<b>x</b>" not in v for v in shown)


def test_task_table_and_board_show_the_reviewers_corrections(tmp_path, monkeypatch):
    """A department a reviewer corrected in the store is what the table and the 督办 board show for that plan."""
    import streamlit as st

    from extract.api import process_file
    from extract.link.internal import fold
    from extract.review.workflow import ReviewStore

    db = str(tmp_path / "review.db")
    doc = fold(process_file(RESTATED)[0]).doc  # the plan as the app shows it: annex rows stand for the body
    store = ReviewStore(db)
    pid = store.ingest(doc)
    cid = next(c.id for c in doc.clauses if c.is_task)
    store.correct(pid, cid, "departments", [{"name": "县审查示例局", "role": "lead"}], reviewer="张三")
    store.close()
    monkeypatch.setenv("PLANLINK_DB", db)
    st.cache_resource.clear()  # the app keeps one store per process: open the one of this test
    try:
        at = restated(app())
        assert "县审查示例局" in frame(at)["牵头单位"].tolist()
        board = next(d.value for d in at.dataframe if "单位" in d.value.columns and "红" in d.value.columns)
        assert "县审查示例局" in board["单位"].tolist()
    finally:
        st.cache_resource.clear()


def test_an_annex_reviewed_against_its_own_body():
    """The same plan on both sides is refused until the child takes its annex task table and the parent its body;
    then the rows are the annex's and the parent tasks the body's, as written (before folding), and the review
    panel opens the pair with both scopes."""
    at = page(app(), "衔接审查")
    youyang = next(o for o in at.selectbox(key="l_child").options if o.startswith("酉阳"))
    _choose(at.selectbox(key="l_child"), youyang)
    at.run()
    _choose(at.selectbox(key="l_parent"), youyang)
    at.run()
    assert any("同一个方案" in w.value for w in at.warning)
    at.radio(key="l_child_scope").set_value("仅附件任务表").run()
    assert any("同一个方案" in w.value for w in at.warning)  # the parent still takes every clause
    at.radio(key="l_scope").set_value("仅正文").run()
    assert not at.exception and not at.warning
    assert "（仅附件任务表） ↔ 上级《酉阳" in at.info[0].value and "（仅正文）" in at.info[0].value
    table = next(m.value for m in at.markdown if "<table class='pl-link'" in m.value)
    assert "ca." in table  # annex rows on the child side
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["落实"] + metrics["改写"] > 0 and metrics["新增"] > 0
    at.checkbox(key="l_review").check().run()
    assert not at.exception
    import os

    from extract.review.workflow import ReviewStore

    store = ReviewStore(os.environ["PLANLINK_DB"])  # the app's store (conftest points it at a temporary file)
    rv = next(r for r in store.reviews() if r["child_title"] == r["parent_title"])
    assert {c.kind for c in store.plan_document(rv["child_plan"]).clauses} == {"table_row"}
    assert {c.kind for c in store.plan_document(rv["parent_plan"]).clauses} == {"body"}
