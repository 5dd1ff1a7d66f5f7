"""What reviewers corrected reaches every output: `extract --db`, the per-plan JSON and xlsx of `batch --db` and the
app's table give the reviewed values for the same file, and a later correction makes the next batch run redo the
plan instead of keeping its stale outputs."""
from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from datetime import date

import pytest
from openpyxl import load_workbook

from conftest import CORPUS
from extract import batch
from extract.api import process_file
from extract.cli import main
from extract.export import COLUMNS
from extract.present import table_records
from extract.review.workflow import ReviewError, ReviewStore, reviewed_documents

SRC = CORPUS / "001_6a215b8801cc0d63.txt"
DEADLINE = {"text": "2025年3月底前", "start": None, "end": "2025-03-31", "ongoing": False}


@pytest.fixture(scope="module")
def reviewed_db(tmp_path_factory):
    """A review store holding the plan, with two clauses corrected by a reviewer."""
    db = str(tmp_path_factory.mktemp("review") / "review.db")
    doc = process_file(SRC, ocr=False)[0]
    store = ReviewStore(db)
    pid = store.ingest(doc)
    tasks = [c for c in doc.clauses if c.is_task]
    first, second = tasks[0].id, tasks[1].id
    store.correct(pid, first, "departments", [{"name": "县应急管理局", "role": "lead"},
                                              {"name": "县公安局", "role": "support"}], reviewer="张三")
    store.correct(pid, second, "deadlines", [DEADLINE], reviewer="张三")
    store.close()
    return db, pid, first, second


def _extract(db: str) -> dict:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["extract", str(SRC), "--no-ocr", "--db", db]) == 0
    return json.loads(buf.getvalue())["documents"][0]


def _batch(tmp_path, db: str):
    """`batch --db` on a folder holding the plan: the output folder and the plan's per-plan JSON."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    shutil.copy(SRC, folder / SRC.name)
    out = tmp_path / "out"
    assert batch.run(folder, out, workers=1, progress=False, review_db=db) == 0
    return out, next((out / "plans").glob("*.json"))


def _clause(doc_json: dict, cid: str) -> dict:
    return next(c for c in doc_json["clauses"] if c["id"] == cid)


def test_extract_batch_and_app_show_the_corrections(reviewed_db, tmp_path):
    db, _, first, second = reviewed_db
    extracted = _extract(db)
    deps = [(d["name"], d["role"]) for d in _clause(extracted, first)["departments"]]
    assert deps == [("县应急管理局", "lead"), ("县公安局", "support")]
    assert [(d["text"], d["end"]) for d in _clause(extracted, second)["deadlines"]] == [("2025年3月底前", "2025-03-31")]

    _, plan_json = _batch(tmp_path, db)
    per_plan = json.loads(plan_json.read_text(encoding="utf-8"))["documents"][0]
    keys = ("id", "text", "is_task", "action", "deadlines", "frequencies", "departments")
    assert [{k: c[k] for k in keys} for c in per_plan["clauses"]] == \
           [{k: c[k] for k in keys} for c in extracted["clauses"]]

    ws = load_workbook(plan_json.with_suffix(".xlsx"), read_only=True)["任务清单"]
    k_id, k_lead, k_support = COLUMNS.index("条款编号"), COLUMNS.index("牵头单位"), COLUMNS.index("配合单位")
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[k_id] == first)
    assert (row[k_lead], row[k_support]) == ("县应急管理局", "县公安局")

    docs, _ = reviewed_documents(db, process_file(SRC, ocr=False))
    recs = table_records(docs, date(2024, 7, 1))
    rec = next(r for r in recs if r["_id"] == first)
    assert (rec["牵头单位"], rec["配合单位"]) == ("县应急管理局", "县公安局")


def test_a_later_correction_redoes_the_batch_outputs(reviewed_db, tmp_path):
    db, pid, first, _ = reviewed_db
    out, plan_json = _batch(tmp_path, db)
    before = _clause(json.loads(plan_json.read_text(encoding="utf-8"))["documents"][0], first)["action"]
    new_action = "A8" if before != "A8" else "A7"
    store = ReviewStore(db)
    store.correct(pid, first, "action", new_action, reviewer="李四")
    store.close()
    try:
        assert _batch(tmp_path, db)[1] == plan_json
        after = _clause(json.loads(plan_json.read_text(encoding="utf-8"))["documents"][0], first)["action"]
        assert after == new_action
        ws = load_workbook(out / "summary.xlsx", read_only=True)["全部任务"]
        k_id, k_action = COLUMNS.index("条款编号"), COLUMNS.index("行动类别")
        row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[k_id] == first)
        assert row[k_action].startswith(new_action)
    finally:  # the fixture's store is shared by the module: put the action back as the machine had it
        store = ReviewStore(db)
        store.correct(pid, first, "action", before, reviewer="李四")
        store.close()


def test_a_plan_the_store_never_saw_is_unchanged(reviewed_db):
    db = reviewed_db[0]
    other = CORPUS / "000_74f15ec52f85c6cf.txt"
    machine = process_file(other, ocr=False)
    docs, _ = reviewed_documents(db, machine)
    assert [d.to_json()["clauses"] for d in docs] == [d.to_json()["clauses"] for d in machine]


def test_a_missing_review_database_is_one_message(tmp_path):
    missing = str(tmp_path / "nope.db")
    with pytest.raises(ReviewError, match="no review database there"):
        reviewed_documents(missing, [])
    assert not (tmp_path / "nope.db").exists()  # not created empty on the way
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        assert main(["extract", str(SRC), "--no-ocr", "--db", missing]) != 0
    assert "nope.db" in err.getvalue() and "Traceback" not in err.getvalue()
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SRC, folder / SRC.name)
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        assert main(["batch", str(folder), "--out", str(tmp_path / "out"), "--db", missing]) == 2
    assert "no review database there" in err.getvalue()
    assert not (tmp_path / "out" / "plans").exists()
