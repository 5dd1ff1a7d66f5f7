"""Review store: every decision type, suspect and orphan links on revised plans, the queue, the audit log, conflicts
of two reviewers, field corrections and the user lexicon; on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import pytest
from conftest import CORPUS
from pg import pg_server, pg_url  # noqa: F401 - fixtures
from sqlalchemy import text

from extract.pipeline import process_file
from extract.review import store as S
from extract.review.workflow import Conflict, ReviewError, ReviewStore, map_clauses

CHILD = CORPUS / "links" / "derived" / "d01_zc003.txt"
PARENT = CORPUS / "003_c1a48ebb466ecfa9.txt"

PARENT_B = """某县安全生产治本攻坚三年行动方案

一、重点任务
（一）各乡镇要全面开展重大事故隐患排查整治，建立隐患台账，2024年6月底前完成整改销号。
（二）加强安全生产宣传教育，每年开展安全生产月活动，推动安全宣传进企业、进农村、进社区。
（三）强化安全生产执法检查，每季度至少开展1次联合执法检查，依法查处违法违规行为。
"""
CHILD_A = """某镇安全生产治本攻坚三年行动实施方案

一、重点任务
（一）全镇要全面开展重大事故隐患排查整治，建立隐患台账，2024年6月底前完成整改销号。
（二）加强安全生产宣传教育，每年开展安全生产月活动，推动安全宣传进企业、进农村、进社区。
（三）发挥基层力量，由村级队伍每周入户巡查一次，建立巡查台账。
"""
CHILD_B = """某乡网格化安全巡查工作方案

一、重点任务
（一）村级安全网格哨兵每周入户巡查一次，建立巡查台账。
（二）督促安全网格哨兵做好信息报送。
（三）2025年6月底前，完成网格化巡查平台建设，安全网格哨兵牵头开展入户宣传。
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "review.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="module")
def pair():
    return process_file(CHILD)[0], process_file(PARENT)[0]


def plan(tmp_path, name: str, body: str):
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return process_file(path)[0]


def test_migrations_numbered_once_and_wal(db):
    store = ReviewStore(db)
    with store.engine.connect() as conn:
        versions = sorted(conn.execute(text("SELECT version FROM schema_version")).scalars())
        if store.engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert versions == [n for n, _, _ in S.MIGRATIONS]
    assert S.migrate(store.engine) == len(S.MIGRATIONS)  # a second run applies nothing
    store.close()


def test_open_queue_and_auto_threshold(db, pair):
    store = ReviewStore(db, threshold=0.9)
    rid = store.open(*pair)
    q = store.queue(rid)
    assert len(q) >= 10
    assert set(q[0]) >= {"id", "child", "child_text", "parent", "parent_text", "kind", "score", "state"}
    assert all(x["state"] == ("auto" if x["score"] >= 0.9 else "unreviewed") for x in q)
    undecided = [x["score"] for x in q if x["state"] == "unreviewed"]
    assert undecided == sorted(undecided) and undecided  # most uncertain first
    assert [x["state"] for x in q] == sorted((x["state"] for x in q), key=["unreviewed", "auto"].index)
    # opening the same plans again changes nothing
    assert store.open(*pair) == rid and store.queue(rid) == q
    store.close()


def test_decisions_and_audit(db, pair):
    store = ReviewStore(db, threshold=0.9)
    rid = store.open(*pair)
    q = store.queue(rid)
    a, b, c = q[0], q[1], q[2]
    assert store.decide(a["id"], "confirm", reviewer="张三", note="核对无误")["state"] == "confirmed"
    assert store.decide(b["id"], "reject", reviewer="张三")["state"] == "rejected"
    other_parent = next(x["parent"] for x in q if x["parent"] != c["parent"])
    relinked = store.relink(c["id"], other_parent, reviewer="李四", note="应对应另一条")
    assert relinked["parent"] == other_parent and relinked["machine_parent"] == c["parent"]
    assert relinked["origin"] == "reviewer" and relinked["state"] == "confirmed"
    added = store.add(b["child"], c["parent"], reviewer="李四", note="漏掉的衔接")
    assert added["origin"] == "reviewer" and added["state"] == "confirmed"
    parent_ids = {x["parent"] for x in store.queue(rid)}
    doc = pair[1]
    free = next(cl.id for cl in doc.clauses if cl.is_task and cl.id not in parent_ids)
    store.cover_elsewhere(free, "《某区民爆行业专项整治方案》", reviewer="李四", note="由专项方案落实")
    store.add_note(f"link:{a['id'][1:]}", "请复核时限", reviewer="王五")
    noted = store.annotate(q[3]["id"], "待与上级核实", reviewer="王五")
    assert noted["note"] == "待与上级核实" and noted["state"] == q[3]["state"]  # a note decides nothing
    st = store.status(rid)
    assert (st["confirmed"], st["rejected"]) == (3, 1)
    from extract.review.report import reviewed_report

    rep = reviewed_report(store, rid)
    assert free in {e["id"] for e in rep["coverage"]["covered_elsewhere"]}
    assert free not in {d["id"] for d in rep["coverage"]["dropped"]}
    assert b["id"] not in {lk["id"] for lk in rep["links"]}  # a rejected link no longer covers anything
    log = store.audit_log()
    actions = [e["action"] for e in log]
    for action in ("open", "confirm", "reject", "relink", "add", "covered_elsewhere", "note"):
        assert action in actions
    confirm = next(e for e in log if e["action"] == "confirm")
    assert confirm["reviewer"] == "张三" and confirm["old"]["state"] != "confirmed"
    assert confirm["new"]["state"] == "confirmed" and confirm["at"]
    with pytest.raises(ReviewError, match="no link"):
        store.decide("L99999", "confirm")
    with pytest.raises(ReviewError, match="no parent clause"):
        store.relink(a["id"], "c404")
    store.close()


def test_audit_log_is_append_only(db, pair):
    store = ReviewStore(db)
    store.open(*pair)
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("UPDATE audit SET reviewer = 'x'"))
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit"))
    assert store.audit_log()
    store.close()


def test_two_reviewers_conflict(db, pair):
    one, two = ReviewStore(db, threshold=0.9), ReviewStore(db, threshold=0.9)
    rid = one.open(*pair)
    seen_by_two = two.queue(rid)[0]
    seen_by_one = one.get_link(seen_by_two["id"])
    one.decide(seen_by_one["id"], "confirm", reviewer="张三", expected_version=seen_by_one["version"])
    with pytest.raises(Conflict, match="张三"):
        two.decide(seen_by_two["id"], "reject", reviewer="李四", expected_version=seen_by_two["version"])
    assert two.get_link(seen_by_two["id"])["state"] == "confirmed"  # the first decision is not lost
    # the same for a field correction
    child_plan = one.review(rid).child_plan
    cid = next(c["id"] for c in one.task_table(child_plan) if c.get("is_task"))
    one.correct(child_plan, cid, "action", "A3", reviewer="张三", expected_version=0)
    with pytest.raises(Conflict, match="张三"):
        two.correct(child_plan, cid, "action", "A7", reviewer="李四", expected_version=0)
    assert next(c for c in two.task_table(child_plan) if c["id"] == cid)["action"] == "A3"
    one.close()
    two.close()


def _revised(tmp_path, source, edits: dict[str, str | None]):
    body = source.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in body
        body = body.replace(old, new) if new is not None else "\n".join(
            line for line in body.split("\n") if old not in line)
    path = tmp_path / source.name
    path.write_text(body, encoding="utf-8")
    return process_file(path)[0]


def test_revised_parent_suspect_and_orphan(db, pair, tmp_path):
    store = ReviewStore(db, threshold=2.0)  # nothing automatic: every decision below is a reviewer's
    rid = store.open(*pair)
    q = store.queue(rid)
    by_parent: dict[str, list] = {}
    for x in q:
        by_parent.setdefault(x["parent"], []).append(x)
    single = [xs[0] for xs in by_parent.values() if len(xs) == 1]
    keep, change, remove = single[:3]
    for x in (keep, change, remove):
        store.decide(x["id"], "confirm", reviewer="张三")
    revised = _revised(tmp_path, PARENT, {change["parent_text"][:30]: change["parent_text"][:30] + "（修订）",
                                          remove["parent_text"][:30]: None})
    assert store.open(pair[0], revised) == rid
    after = {x["id"]: x for x in store.queue(rid)}
    assert after[keep["id"]]["state"] == "confirmed"
    assert after[change["id"]]["state"] == "suspect" and after[change["id"]]["prior_state"] == "confirmed"
    assert after[remove["id"]]["state"] == "orphan"
    assert store.queue(rid)[0]["id"] == change["id"]  # suspect links come first
    assert "修订" in after[change["id"]]["parent_text"]
    assert any(e["action"] == "new_version" for e in store.audit_log())
    store.close()


def test_revised_child_suspect(db, pair, tmp_path):
    store = ReviewStore(db, threshold=2.0)
    rid = store.open(*pair)
    q = store.queue(rid)
    by_child: dict[str, list] = {}
    for x in q:
        by_child.setdefault(x["child"], []).append(x)
    keep, change = [xs[0] for xs in by_child.values() if len(xs) == 1][:2]
    store.decide(keep["id"], "confirm", reviewer="张三")
    store.decide(change["id"], "confirm", reviewer="张三")
    revised = _revised(tmp_path, CHILD, {change["child_text"][:20]: change["child_text"][:20] + "，并建立工作台账"})
    store.open(revised, pair[1])
    after = {x["id"]: x for x in store.queue(rid)}
    assert after[keep["id"]]["state"] == "confirmed" and after[change["id"]]["state"] == "suspect"
    store.close()


def test_revised_child_with_a_removed_clause(db, pair, tmp_path):
    """A child clause removed by a revision: its confirmed link becomes orphan (关联条款已删除) for a reviewer to see;
    an undecided machine link of another removed clause just goes (the audit log keeps it)."""
    store = ReviewStore(db, threshold=2.0)
    rid = store.open(*pair)
    by_child: dict[str, list] = {}
    for x in store.queue(rid):
        by_child.setdefault(x["child"], []).append(x)
    decided, undecided = [xs[0] for xs in by_child.values() if len(xs) == 1][:2]
    store.decide(decided["id"], "confirm", reviewer="张三")
    revised = _revised(tmp_path, CHILD, {decided["child_text"][:20]: None, undecided["child_text"][:20]: None})
    store.open(revised, pair[1])
    after = {x["id"]: x for x in store.queue(rid)}
    assert after[decided["id"]]["state"] == "orphan" and after[decided["id"]]["prior_state"] == "confirmed"
    assert undecided["id"] not in after
    assert any(e["action"] == "revision_unlinked" and e["target"] == f"link:{undecided['id'][1:]}"
               for e in store.audit_log())
    from extract.review.workflow import STATE_ZH

    assert STATE_ZH["orphan"] == "关联条款已删除"
    store.close()


def test_map_clauses_changed_removed_moved():
    old = [("c1", "f1", "开展隐患排查整治工作并建立台账"), ("c2", "f2", "加强宣传教育活动"), ("c3", "f3", "完善应急预案体系建设")]
    new = [("c1", "f2", "加强宣传教育活动"), ("c2", "fx", "完善应急预案体系建设并组织演练")]
    m = map_clauses(old, new)
    assert m == {"c2": ("c1", False), "c3": ("c2", True), "c1": (None, True)}


def test_corrections_win_and_keep_machine_output(db, tmp_path):
    store = ReviewStore(db)
    child, parent = plan(tmp_path, "a.txt", CHILD_A), plan(tmp_path, "p.txt", PARENT_B)
    rid = store.open(child, parent)
    pid = store.review(rid).child_plan
    table = store.task_table(pid)
    c1, c2, c3 = (c["id"] for c in table if c.get("is_task"))
    store.correct(pid, c1, "departments", [{"name": "镇应急办", "role": "lead"}, {"name": "各村", "role": "support"}],
                  reviewer="张三")
    store.correct(pid, c1, "deadlines", [{"text": "2024年9月底前", "end": "2024-09-30"}], reviewer="张三")
    store.correct(pid, c2, "frequencies", [{"text": "每半年一次", "period": "half_year", "count": 1}], reviewer="张三")
    store.correct(pid, c2, "action", "A8", reviewer="张三")
    store.correct(pid, c3, "is_task", False, reviewer="张三")
    with pytest.raises(ReviewError, match="role"):
        store.correct(pid, c1, "departments", [{"name": "镇应急办", "role": "boss"}])
    with pytest.raises(ReviewError, match="date"):
        store.correct(pid, c1, "deadlines", [{"end": "明年"}])
    t = {c["id"]: c for c in store.task_table(pid)}
    assert [(d["name"], d["role"]) for d in t[c1]["departments"]] == [("镇应急办", "lead"), ("各村", "support")]
    assert t[c1]["deadlines"][0]["end"] == "2024-09-30" and "deadlines" in t[c1]["corrected"]
    assert t[c1]["machine"]["deadlines"][0]["end"] == "2024-06-30"  # the machine's value is kept beside
    assert t[c2]["frequencies"][0]["period"] == "half_year" and t[c2]["action"] == "A8"
    assert t[c3]["is_task"] is False
    machine = {c["id"]: c for c in store.machine_clauses(pid)}
    assert machine[c1]["deadlines"][0]["end"] == "2024-06-30"  # stored machine output untouched
    # a corrected deadline changes the reviewed coverage: the child now finishes later than the parent asks
    from extract.review.report import reviewed_report

    weakened = reviewed_report(store, rid)["coverage"]["weakened"]
    assert any(lk["child"] == c1 and "deadline_later" in lk["changes"] for lk in weakened)
    # split and merge
    store.correct(pid, c1, "split", ["全镇要全面开展重大事故隐患排查整治，建立隐患台账。", "2024年6月底前完成整改销号。"])
    store.correct(pid, c2, "merge", [c3])
    t = [c["id"] for c in store.task_table(pid)]
    assert f"{c1}/1" in t and f"{c1}/2" in t and c1 not in t and c3 not in t
    merged = next(c for c in store.task_table(pid) if c["id"] == c2)
    assert "巡查" in merged["text"] and merged["merged"] == [c3]
    # corrections carry over to a revision in which the clause text is unchanged
    revised = plan(tmp_path, "a.txt", CHILD_A.replace("进社区。", "进社区、进学校。"))
    store.open(revised, parent)
    new_pid = store.review(rid).child_plan
    assert new_pid != pid
    t2 = {c["id"]: c for c in store.task_table(new_pid)}
    assert f"{c1}/1" in t2 and c2 in t2
    assert t2[c2]["corrected"] == [] and c3 in t2  # c2's text changed: its corrections (and the merge) do not apply
    store.close()


def test_lexicon_correction_on_one_plan_changes_another(db, tmp_path):
    store = ReviewStore(db)
    parent = plan(tmp_path, "p.txt", PARENT_B)
    a, b = plan(tmp_path, "a.txt", CHILD_A), plan(tmp_path, "b.txt", CHILD_B)
    store.open(a, parent)
    store.open(b, parent)
    plan_b = store.review().child_plan
    before = {c["id"]: c["departments"] for c in store.task_table(plan_b)}
    assert not any(d["name"] == "安全网格哨兵" for ds in before.values() for d in ds)
    plan_a = store.reviews()[0]["child_plan"]
    cid = next(c["id"] for c in store.task_table(plan_a) if "村级队伍" in c["text"])
    store.correct(plan_a, cid, "departments", [{"name": "安全网格哨兵", "role": "responsible"}], reviewer="张三")
    after = store.task_table(plan_b)

    def found(word):
        c = next(c for c in after if word in c["text"])
        return [(d["name"], d["role"]) for d in c["departments"] if d["name"] == "安全网格哨兵"]

    assert found("村级安全网格哨兵") == [("安全网格哨兵", "responsible")]
    assert found("督促安全网格哨兵") == []  # the object of 督促 is not an actor
    assert found("网格哨兵牵头") == [("安全网格哨兵", "lead")]  # 牵头 after the name
    assert store.lexicon()[0]["name"] == "安全网格哨兵"
    store.close()


def test_lexicon_rename_of_a_wrong_machine_name(db, tmp_path):
    store = ReviewStore(db)
    parent = plan(tmp_path, "p.txt", PARENT_B)
    a = plan(tmp_path, "a.txt", CHILD_A.replace("由村级队伍每周", "镇安监办人员每周"))
    b = plan(tmp_path, "b.txt", CHILD_B + "（四）镇安监办人员每月开展1次检查。\n")
    store.open(a, parent)
    plan_a = store.review().child_plan
    clause = next(c for c in store.task_table(plan_a) if "镇安监办人员" in c["text"])
    assert [d["name"] for d in clause["departments"]] == ["镇安监办人员"]
    store.correct(plan_a, clause["id"], "departments", "镇安监办", reviewer="张三")
    store.open(b, parent)
    other = next(c for c in store.task_table(store.review().child_plan) if "镇安监办人员每月" in c["text"])
    assert [d["name"] for d in other["departments"]] == ["镇安监办"]
    store.close()


def test_revision_recognised_by_doc_number_but_not_a_compilation_sibling(db, tmp_path):
    store = ReviewStore(db)
    parent = plan(tmp_path, "p.txt", PARENT_B)
    first = plan(tmp_path, "a.txt", CHILD_A)
    first.doc_number = "某镇发〔2024〕5号"
    store.open(first, parent)
    renamed = plan(tmp_path, "a2.txt", CHILD_A.replace("实施方案", "实施方案（修订）").replace("进社区。", "进社区、进学校。"))
    renamed.doc_number = "某镇发〔2024〕5号"
    store.open(renamed, parent)
    sibling = plan(tmp_path, "b.txt", CHILD_B)
    sibling.doc_number = "某镇发〔2024〕5号"
    store.open(sibling, parent)
    versions = {(p["title"], p["version"]) for p in store.plans()}
    assert (renamed.title, 2) in versions  # the reworded title under the same 文号 is version 2
    assert (sibling.title, 1) in versions  # a different plan that shares the 文号 is a plan of its own
    assert len(store.reviews()) == 2
    store.close()


def test_missing_postgresql_skips_locally_and_fails_in_ci(monkeypatch):
    import pg

    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        pg._unavailable("no initdb")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        pg._unavailable("no initdb")
