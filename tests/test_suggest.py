"""Nearest candidates of what the linker leaves open (extract/link/suggest.py): each novel child clause with its
nearest parent tasks and each dropped parent task with its nearest child clauses, the same through the link report,
its exports, the review store's reviewed report and its exports."""
from __future__ import annotations

import pytest
from conftest import CORPUS
from openpyxl import load_workbook

from extract.api import link_documents
from extract.link import suggest
from extract.link.report import write_xlsx
from extract.model import Clause
from extract.pipeline import process_file

CHILD = CORPUS / "links" / "derived" / "d01_zc003.txt"
PARENT = CORPUS / "003_c1a48ebb466ecfa9.txt"


def task(cid: str, text: str) -> Clause:
    return Clause(id=cid, path=[cid], marker=cid, text=text, start=0, end=len(text), is_task=True, action="A3")


PARENTS = [
    task("p1", "深入开展安全教育培训。把安全生产纳入干部教育培训内容，组织企业主要负责人和安全管理人员培训考核。"),
    task("p2", "强化重大动物疫病防控。做好屠宰行业安全生产工作，严格屠宰场点资格审核，常态化开展隐患排查整治。"),
    task("p3", "加强渔业船舶安全监管。开展渔船检验和船员培训，严厉打击涉渔违法行为。"),
]


def test_a_novel_child_lists_its_nearest_parent_tasks_and_a_dropped_parent_its_nearest_children():
    kids = [task("c1", "规范牲畜屠宰点管理。督促定点屠宰企业建立安全管理制度，每半年开展一次隐患排查。"),
            task("c2", "加强温室大棚用火用电管理。冬季巡查大棚，严禁私拉乱接电线。")]
    for_children, for_parents = suggest.nearest(kids, PARENTS, novel={"c1", "c2"}, dropped={"p2", "p3"})
    assert for_children["c1"][0].id == "p2"
    assert [c.score for c in for_children["c1"]] == sorted((c.score for c in for_children["c1"]), reverse=True)
    assert all(c.score >= suggest.FLOOR for cs in for_children.values() for c in cs)
    assert len(for_children["c1"]) <= suggest.SUGGESTIONS
    assert for_parents["p2"][0].id == "c1"
    # only what was asked for: p1 is covered, so it gets no entry
    assert set(for_parents) == {"p2", "p3"}
    # a clause sharing nothing but common words with every task has no candidate at all
    lone, _ = suggest.nearest([task("c9", "其他。")], PARENTS, novel={"c9"}, dropped=set())
    assert lone == {"c9": []}
    # task-table rows (dicts) give the same answer as clauses
    rows = suggest.nearest([{"id": k.id, "text": k.text} for k in kids], [{"id": p.id, "text": p.text}
                                                                          for p in PARENTS],
                           novel={"c1", "c2"}, dropped={"p2", "p3"})
    assert rows == (for_children, for_parents)


def test_the_candidates_are_named_in_one_line_for_report_cells():
    line = suggest.label([{"id": "p2", "score": 0.187}], {"p2": "强化重大动物疫病防控。做好屠宰行业安全生产工作"}, width=8)
    assert line == "p2 强化重大动物疫病…（0.19）"
    assert suggest.label([{"id": "p3", "score": 0.1}], {"p3": "短任务"}) == "p3 短任务（0.10）"
    assert suggest.label([], {}) == ""


@pytest.fixture(scope="module")
def pair():
    return process_file(CHILD)[0], process_file(PARENT)[0]


def test_the_link_report_gives_every_open_clause_its_candidates(pair, tmp_path):
    child, parent = pair
    report = link_documents([child], [parent])
    cov = report["coverage"]
    assert cov["novel_child_clauses"] and cov["dropped"]
    child_ids = {c.id for c in child.clauses}
    parent_ids = {c.id for c in parent.clauses}
    for n in cov["novel_child_clauses"]:
        assert {c["id"] for c in n["nearest"]} <= parent_ids
    for d in cov["dropped"]:
        assert {c["id"] for c in d["nearest"]} <= child_ids
    assert any(n["nearest"] for n in cov["novel_child_clauses"] + cov["dropped"])
    # the link workbook names them beside each 遗漏 and 新增 row
    target = tmp_path / "links.xlsx"
    write_xlsx(report, target, child.title, parent.title)
    sheet = load_workbook(target)["遗漏与新增"]
    assert [c.value for c in sheet[1]] == ["类别", "条款", "原文", "最接近的对应条款"]
    named = {row[1].value: row[3].value or "" for row in sheet.iter_rows(min_row=2)}
    first = next(n for n in cov["novel_child_clauses"] if n["nearest"])
    assert named[first["id"]].startswith(first["nearest"][0]["id"] + " ")


def test_an_unrelated_pair_suggests_nothing(pair, tmp_path):
    child, _ = pair
    other = tmp_path / "archives.txt"
    other.write_text("某县档案馆库房管理办法\n\n一、主要任务\n（一）档案馆每年核对馆藏目录，做好纸质档案数字化扫描。\n"
                     "（二）规范档案借阅登记，借出档案按期归还。\n（三）做好档案库房温湿度记录和防虫处理。\n",
                     encoding="utf-8")
    report = link_documents([child], process_file(other))
    assert report["coverage"]["unrelated"]
    assert report["coverage"]["novel_child_clauses"] and report["coverage"]["dropped"]
    assert all(n["nearest"] == [] for n in report["coverage"]["novel_child_clauses"])
    assert all(d["nearest"] == [] for d in report["coverage"]["dropped"])


def test_the_review_store_gives_the_same_candidates_and_its_exports_show_them(pair, tmp_path):
    from docx import Document as Docx

    from extract.review.report import reviewed_report, write_docx, write_xlsx as review_xlsx
    from extract.review.workflow import ReviewStore

    child, parent = pair
    store = ReviewStore(str(tmp_path / "review.db"))
    rid = store.open(child, parent)
    machine = link_documents([child], [parent])["coverage"]
    reviewed = reviewed_report(store, rid)["coverage"]
    assert {n["id"]: n["nearest"] for n in reviewed["novel_child_clauses"]} == \
        {n["id"]: n["nearest"] for n in machine["novel_child_clauses"]}
    assert {d["id"]: d["nearest"] for d in reviewed["dropped"]} == {d["id"]: d["nearest"] for d in machine["dropped"]}
    # a reviewer's added link closes the novel clause and the dropped task: neither lists candidates any more
    n = next(n for n in reviewed["novel_child_clauses"] if n["nearest"])
    store.add(n["id"], n["nearest"][0]["id"], review_id=rid, reviewer="张三")
    after = reviewed_report(store, rid)["coverage"]
    assert n["id"] not in {x["id"] for x in after["novel_child_clauses"]}
    docx = tmp_path / "review.docx"
    write_docx(store, docx, rid)
    cells = [c.text for t in Docx(docx).tables for row in t.rows for c in row.cells]
    assert "最接近的上级任务" in cells and "最接近的下级条款" in cells
    xlsx = tmp_path / "review.xlsx"
    review_xlsx(store, xlsx, rid)
    book = load_workbook(xlsx)
    assert [c.value for c in book["新增"][1]] == ["下级条款", "任务内容", "最接近的上级任务"]
    assert [c.value for c in book["遗漏"][1]] == ["上级条款", "任务内容", "最接近的下级条款", "审查意见"]
