"""Every path gives the same answer: the JSON round trip, `extract`, the per-plan JSON, xlsx and store rows of
`batch`, the app's table records, and linking a compilation all carry the same fields for the same file."""
from __future__ import annotations

import io
import json
import shutil
import sqlite3
from contextlib import redirect_stdout
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from conftest import CORPUS, FIXTURES
from extract import batch
from extract.api import link_documents, process_file
from extract.cli import main
from extract.components import COMPONENTS
from extract.export import COLUMNS, rows
from extract.model import Clause, Deadline, Document, Span
from extract.present import table_records

SOURCES = sorted(CORPUS.glob("*.txt")) + sorted(p for p in FIXTURES.glob("*.*") if p.suffix in (".txt", ".docx", ".pdf"))
# plans whose items take fields from a heading or lead-in above them (Clause.lead_in)
LEAD_INS = [CORPUS / "written" / "w11_city_five_levels.docx", CORPUS / "written" / "w13_township_web_paste.txt"]
SOURCES += LEAD_INS
FIELDS = ("id", "path", "text", "is_task", "action") + tuple(c.name for c in COMPONENTS)


@pytest.fixture(scope="module")
def processed():
    cache: dict = {}

    def get(path):
        if path not in cache:
            cache[path] = process_file(path, ocr=False)
        return cache[path]

    return get


def _fields(doc_json: dict) -> list[dict]:
    return [{k: c[k] for k in FIELDS} for c in doc_json["clauses"]]


@pytest.mark.parametrize("path", SOURCES, ids=[p.name[:20] for p in SOURCES])
def test_json_round_trip_is_identity(path, processed):
    for doc in processed(path):
        first = doc.to_json()
        again = Document.from_json(json.loads(json.dumps(first, ensure_ascii=False))).to_json()
        assert again == first


def test_deadline_dates_and_offsets_do_not_collide():
    c = Clause(id="c1", path=["一"], marker="一、", text="2024年6月底前完成", start=0, end=9)
    c.deadlines.append(Deadline("2024年6月底前", Span(0, 9, page=2), end="2024-06-30"))
    back = Clause.from_json(c.to_json())
    d = back.deadlines[0]
    assert (d.start, d.end, d.span.start, d.span.end, d.span.page) == (None, "2024-06-30", 0, 9, 2)
    assert c.to_json()["deadlines"][0]["end"] == "2024-06-30"


def test_extract_batch_store_and_xlsx_agree(tmp_path, processed):
    src = CORPUS / "001_6a215b8801cc0d63.txt"
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["extract", str(src), "--no-ocr"]) == 0
    extracted = json.loads(buf.getvalue())["documents"]
    assert sum(1 for c in extracted[0]["clauses"] for d in c["deadlines"] if d["end"]) >= 10

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(src, folder / src.name)
    out = tmp_path / "out"
    batch.run(folder, out, workers=1, progress=False)

    plan_jsons = sorted((out / "plans").glob("*.json"))
    assert len(plan_jsons) == len(extracted)
    per_plan = json.loads(plan_jsons[0].read_text(encoding="utf-8"))["documents"]
    assert _fields(per_plan[0]) == _fields(extracted[0])

    db = sqlite3.connect(out / "planlink.db")
    stored = {cid: json.loads(dl) for cid, dl in db.execute("SELECT clause_id, deadlines FROM clauses")}
    db.close()
    assert {c["id"]: c["deadlines"] for c in extracted[0]["clauses"]} == stored

    docs = processed(src)
    want = [[("" if v is None else v) for v in r] for r in rows(docs)]
    ws = load_workbook(plan_jsons[0].with_suffix(".xlsx"), read_only=True)["任务清单"]
    got = [[("" if v is None else v) for v in r] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [c for c in next(load_workbook(plan_jsons[0].with_suffix(".xlsx"), read_only=True)["任务清单"]
                            .iter_rows(max_row=1, values_only=True))] == COLUMNS
    assert got == want


def test_app_table_shows_the_export_values(processed):
    from datetime import date

    docs = processed(FIXTURES / "tieshan_001.pdf")
    recs = table_records(docs, date(2024, 7, 1))
    exported = rows(docs)
    k_norm, k_freq, k_lead = COLUMNS.index("完成时限（规范）"), COLUMNS.index("频次"), COLUMNS.index("牵头单位")
    assert [r["时限（规范）"] for r in recs] == [x[k_norm] for x in exported]
    assert [r["频次"] for r in recs] == [x[k_freq] for x in exported]
    assert [r["牵头单位"] for r in recs] == [x[k_lead] for x in exported]
    assert any(r["时限（规范）"] for r in recs)


def test_linking_a_compilation_reports_deadline_changes(processed):
    """The child is a file of two plans (ids get a d<N>: prefix); a child task due later than its parent task
    must be reported as deadline_later, which needs the dates to survive the prefixing."""
    parent_text = "2024年6月底前，全面完成重大事故隐患排查整治台账建立工作，实行闭环管理。"
    later = "2024年12月底前，全面完成重大事故隐患排查整治台账建立工作，实行闭环管理。"
    parent = _doc("上级方案", parent_text)
    children = [_doc("甲县方案", later, index=0), _doc("乙县方案", parent_text, index=1)]
    report = link_documents(children, [parent])
    by_child = {lk["child"]: lk for lk in report["links"]}
    assert by_child["d0:c1"]["changes"] == ["deadline_later"]
    assert by_child["d1:c1"]["changes"] == []


def _doc(title: str, text: str, index: int = 0) -> Document:
    from extract.components import extract_clause

    c = Clause(id="c1", path=["1"], marker="1.", text=text, start=0, end=len(text), is_task=True, action="A3")
    extract_clause(c)
    assert c.deadlines, text
    return replace(Document(title=title, text=text, clauses=[c]), index=index)


@pytest.mark.parametrize("src", LEAD_INS, ids=[p.stem for p in LEAD_INS])
def test_fields_taken_from_a_lead_in_agree_in_extract_batch_store_and_xlsx(tmp_path, processed, src):
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["extract", str(src), "--no-ocr"]) == 0
    extracted = json.loads(buf.getvalue())["documents"]
    assert any(c.get("lead_in") and (c["frequencies"] or c["deadlines"] or c["departments"])
               for c in extracted[0]["clauses"])

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(src, folder / src.name)
    out = tmp_path / "out"
    batch.run(folder, out, workers=1, progress=False)
    (plan_json,) = sorted((out / "plans").glob("*.json"))
    assert _fields(json.loads(plan_json.read_text(encoding="utf-8"))["documents"][0]) == _fields(extracted[0])

    db = sqlite3.connect(out / "planlink.db")
    stored = {cid: (json.loads(f), json.loads(dl), json.loads(dp))
              for cid, f, dl, dp in db.execute("SELECT clause_id, frequencies, deadlines, departments FROM clauses")}
    db.close()
    assert {c["id"]: (c["frequencies"], c["deadlines"], c["departments"]) for c in extracted[0]["clauses"]} == stored

    want = [[("" if v is None else v) for v in r] for r in rows(processed(src))]
    ws = load_workbook(plan_json.with_suffix(".xlsx"), read_only=True)["任务清单"]
    assert [[("" if v is None else v) for v in r] for r in ws.iter_rows(min_row=2, values_only=True)] == want
