"""The Streamlit review controls (extract/review/ui.py) run headless with Streamlit's AppTest: the reviewer's name,
confirm and reject buttons, the task-table editor's edits saved as corrections."""
from __future__ import annotations

import pytest

from extract.review.ui import NO_ACTION, editor_rows, edits_to_corrections, parse_spans
from extract.review.workflow import ReviewError


def test_typed_deadlines_and_frequencies_are_read_by_the_extractors():
    assert parse_spans("deadlines", "2024年9月底前；长期坚持") == [
        {"text": "2024年9月底前", "start": None, "end": "2024-09-30", "ongoing": False},
        {"text": "长期坚持", "start": None, "end": None, "ongoing": True}]
    assert parse_spans("frequencies", "每月至少1次") == [
        {"text": "每月至少1次", "period": "month", "count": 1, "at_least": True}]
    with pytest.raises(ReviewError, match="无法识别的完成时限：尽快"):
        parse_spans("deadlines", "尽快")


def test_edited_cells_become_corrections():
    row = {"条款": "c1", "任务内容": "…", "是否任务": True, "行动类别": "A3", "牵头单位": "县应急局", "责任单位": "",
           "配合单位": "", "完成时限": "", "频次": "", "人工更正": ""}
    new = {**row, "牵头单位": "县应急管理局", "配合单位": "县公安局，县交通局", "行动类别": "A7", "是否任务": False}
    assert edits_to_corrections([row], [new]) == [
        ("c1", "is_task", False), ("c1", "action", "A7"),
        ("c1", "departments", [{"name": "县应急管理局", "role": "lead"}, {"name": "县公安局", "role": "support"},
                               {"name": "县交通局", "role": "support"}])]
    assert edits_to_corrections([row], [dict(row)]) == []
    # clearing the action (the grid hands back None or "") removes it
    assert edits_to_corrections([row], [{**row, "行动类别": None}]) == [("c1", "action", None)]


def test_an_unclassified_clause_shows_an_empty_action_cell_not_none():
    rows = editor_rows([{"id": "c1", "text": "总体要求", "is_task": False, "action": None},
                  {"id": "c2", "text": "开展排查", "is_task": True, "action": "A3"}])
    assert [r["行动类别"] for r in rows] == [NO_ACTION, "A3"]
    assert edits_to_corrections(rows, [dict(r) for r in rows]) == []
    assert edits_to_corrections(rows, [rows[0], {**rows[1], "行动类别": NO_ACTION}]) == [("c2", "action", None)]
    assert edits_to_corrections(rows, [{**rows[0], "行动类别": "A1"}, rows[1]]) == [("c1", "action", "A1")]


APP = '''
import sys
sys.path.insert(0, {root!r})
import streamlit as st
from extract.pipeline import process_file
from extract.review.ui import render_link_review, render_task_editor, review_store

# AppTest cannot type into a data editor's grid: the test hands the edited cells in through session state
_editor = st.data_editor


def edited_grid(frame, **kw):
    out = _editor(frame, **kw)
    for row, cells in st.session_state.get("test_edits", {{}}).items():
        for col, value in cells.items():
            out.loc[row, col] = value
    return out


st.data_editor = edited_grid
store = review_store({db!r})
child = process_file({child!r})[0]
parent = process_file({parent!r})[0]
if st.sidebar.radio("页面", ["衔接审查", "任务清单"], key="page") == "衔接审查":
    render_link_review(store, child, parent)
else:
    render_task_editor(store, child)
'''


@pytest.fixture()
def app(tmp_path):
    from conftest import CORPUS, ROOT
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "app.py"
    db = str(tmp_path / "ui.db")
    script.write_text(APP.format(root=str(ROOT), db=db, child=str(CORPUS / "links/derived/d01_zc003.txt"),
                                 parent=str(CORPUS / "003_c1a48ebb466ecfa9.txt")), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=120)
    at.run()
    return at, db


def test_link_review_needs_a_name_then_confirms_and_rejects(app):
    from extract.review.workflow import ReviewStore

    at, db = app
    assert not at.exception
    assert any("请先在左侧填写审查人姓名" in i.value for i in at.info)
    confirm = next(b for b in at.button if b.label == "确认")
    assert confirm.disabled
    at.sidebar.text_input(key="reviewer_input").input("张三")
    next(b for b in at.sidebar.button if b.key == "reviewer_ok").click()
    at.run()
    assert any("审查人：张三" in c.value for c in at.sidebar.caption)
    first = next(b for b in at.button if b.label == "确认" and not b.disabled)
    first.click()
    at.run()
    reject = [b for b in at.button if b.label == "否决" and not b.disabled][1]
    reject.click()
    at.run()
    assert not at.exception
    status = ReviewStore(db).status()
    assert (status["confirmed"], status["rejected"]) == (1, 1)
    assert any("已审 2 /" in str(p.proto.text) for p in at.get("progress"))


def test_task_editor_saves_a_department_correction(app):
    from extract.review.workflow import ReviewStore

    at, db = app
    at.sidebar.radio(key="page").set_value("任务清单")
    at.sidebar.text_input(key="reviewer_input").input("李四")
    at.run()
    next(b for b in at.sidebar.button if b.key == "reviewer_ok").click()
    at.run()
    store = ReviewStore(db)
    plan = store.plans()[0]["id"]
    cid = next(c["id"] for c in store.task_table(plan) if "镇安监办开展" in c["text"])
    row = next(k for k, c in enumerate(store.task_table(plan)) if c["id"] == cid)
    at.session_state["test_edits"] = {row: {"牵头单位": "镇安监办", "完成时限": "2024年9月底前"}}
    next(b for b in at.button if b.label == "保存更正").click()
    at.run()
    assert not at.exception
    assert any(s.value == "已保存。" for s in at.success)
    fixed = next(c for c in store.task_table(plan) if c["id"] == cid)
    assert ("镇安监办", "lead") in [(d["name"], d["role"]) for d in fixed["departments"]]
    assert [d["end"] for d in fixed["deadlines"]] == ["2024-09-30"] and "deadlines" in fixed["corrected"]
    assert store.audit_log()[-1]["reviewer"] == "李四"


def test_open_clauses_offer_their_nearest_candidates_first(app):
    from extract.review.report import reviewed_report
    from extract.review.workflow import ReviewStore

    at, db = app
    assert not at.exception
    cov = reviewed_report(ReviewStore(db))["coverage"]
    novel = next(n for n in cov["novel_child_clauses"] if n["nearest"])
    box = next(s for s in at.selectbox if s.key == f"lr_novp_{novel['id']}")
    ids = [o.split("　")[0] for o in box.options]
    assert ids[:len(novel["nearest"])] == [c["id"] for c in novel["nearest"]]
    assert any(c.value.startswith("最接近的上级任务：" + novel["nearest"][0]["id"]) for c in at.caption)
    dropped = next(d for d in cov["dropped"] if d["nearest"])
    box = next(s for s in at.selectbox if s.key == f"lr_addc_{dropped['id']}")
    assert [o.split("　")[0] for o in box.options][0] == dropped["nearest"][0]["id"]


def test_marking_the_review_complete_offers_the_linkage_gold(app):
    from extract.review.workflow import OPEN_STATES, ReviewStore

    at, db = app
    mark = next(b for b in at.button if b.label == "标记衔接审查完成")
    assert mark.disabled  # no reviewer named yet
    at.sidebar.text_input(key="reviewer_input").input("王五")
    next(b for b in at.sidebar.button if b.key == "reviewer_ok").click()
    at.run()
    store = ReviewStore(db)
    for q in [q for q in store.queue() if q["state"] in OPEN_STATES]:
        store.decide(q["id"], "confirm", reviewer="王五")
    at.run()
    next(b for b in at.button if b.label == "标记衔接审查完成").click()
    at.run()
    assert not at.exception
    assert store.links_confirmed()["reviewer"] == "王五"
    assert any("衔接审查已完成（王五" in s.value for s in at.success)
    assert any(d.proto.label == "下载衔接标注（gold，ZIP）" for d in at.get("download_button"))
    next(b for b in at.button if b.label == "撤销完成标记").click()
    at.run()
    assert store.links_confirmed() is None
    assert not next(b for b in at.button if b.label == "标记衔接审查完成").disabled
