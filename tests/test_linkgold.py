"""Reviewed links as linkage gold (extract/review/linkgold.py): marking a review's links complete, exporting it
with its two plans as the reviewers left them, and scoring the linker against it with `planlink evaluate --links`.
A review confirmed as the linker left it scores the linker 1.000 on every field (the export loses nothing); each
decision a reviewer makes moves the figures by exactly what it changed. On SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest
from conftest import CORPUS
from pg import pg_server, pg_url  # noqa: F401 - fixtures
from sqlalchemy import create_engine, inspect, text
from test_review import CHILD, PARENT, db, pair  # noqa: F401 - fixtures: the store on SQLite and PostgreSQL

from extract.cli import main
from extract.link.evaluate import anchor_problems, evaluate_links, gold_pairs
from extract.review import store as S
from extract.review.linkgold import export_link_gold
from extract.review.report import reviewed_report
from extract.review.workflow import ReviewError, ReviewStore


def scores(folder) -> dict:
    total, _ = evaluate_links(folder)
    return {k: (v.tp, v.fp, v.fn) for k, v in total.items()}


def test_confirming_needs_every_link_decided(db, pair, tmp_path):
    store = ReviewStore(db, threshold=0.9)  # links under 0.9 wait for a reviewer
    rid = store.open(*pair)
    open_ = [q for q in store.queue(rid) if q["state"] == "unreviewed"]
    assert open_
    with pytest.raises(ReviewError, match=f"still has {len(open_)} link.*还有 {len(open_)} 条衔接未审查"):
        store.confirm_links(rid, reviewer="张三")
    assert store.links_confirmed(rid) is None
    for q in open_:
        store.decide(q["id"], "confirm", reviewer="张三")
    done = store.confirm_links(rid, reviewer="张三")
    assert done["confirmed"] and store.links_confirmed(rid)["reviewer"] == "张三"
    assert [e["action"] for e in store.audit_log(f"review:{rid}")][-1] == "confirm_links"
    store.confirm_links(rid, reviewer="张三", confirmed=False)
    assert store.links_confirmed(rid) is None
    assert export_link_gold(store, tmp_path / "gold") == []  # a withdrawn mark exports nothing
    store.close()


def test_a_review_accepted_as_the_linker_left_it_scores_one(db, pair, tmp_path):
    store = ReviewStore(db, threshold=0.0)  # every machine link accepted
    rid = store.open(*pair)
    n = len(store.queue(rid))
    store.confirm_links(rid, reviewer="张三")
    [path] = export_link_gold(store, tmp_path / "gold")
    gold = json.loads(path.read_text(encoding="utf-8"))
    cov = reviewed_report(store, rid)["coverage"]
    assert len(gold["links"]) == n and gold["skipped"] == []
    assert (len(gold["dropped"]), len(gold["novel"])) == (len(cov["dropped"]), len(cov["novel_child_clauses"]))
    for _f, g, child, parent in gold_pairs([path]):
        assert anchor_problems(g, child, parent) == []  # every anchor names one clause of its plan
    got = scores(tmp_path / "gold")
    changes = sum(len(lk["changes"]) for lk in gold["links"])
    assert got == {"links": (n, 0, 0), "dropped": (len(cov["dropped"]), 0, 0),
                   "novel": (len(cov["novel_child_clauses"]), 0, 0), "changes": (changes, 0, 0)}
    store.close()


def test_each_decision_moves_the_score_by_what_it_changed(db, pair, tmp_path):
    store = ReviewStore(db, threshold=0.0)
    rid = store.open(*pair)
    q = store.queue(rid)
    cov = reviewed_report(store, rid)["coverage"]
    # reject a link whose child and parent have no other link: the child becomes novel, the parent dropped
    kids = [x["child"] for x in q]
    pars = [x["parent"] for x in q]
    lone = next(x for x in q if kids.count(x["child"]) == 1 and pars.count(x["parent"]) == 1)
    store.decide(lone["id"], "reject", reviewer="张三", note="不对应")
    # add a link the linker missed: a novel child clause to a dropped parent task
    novel, dropped = cov["novel_child_clauses"][0], cov["dropped"][0]
    store.add(novel["id"], dropped["id"], review_id=rid, reviewer="李四")
    # another dropped parent task is carried out by another document
    other = cov["dropped"][1]
    store.cover_elsewhere(other["id"], "《某专项方案》", review_id=rid, reviewer="李四")
    store.confirm_links(rid, reviewer="李四")
    [path] = export_link_gold(store, tmp_path / "gold")
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert [e["covered_by"] for e in gold["covered_elsewhere"]] == ["《某专项方案》"]
    got = scores(tmp_path / "gold")
    n, nd, nn = len(q), len(cov["dropped"]), len(cov["novel_child_clauses"])
    # links: the rejected one is the linker's false link, the added one its miss
    assert got["links"] == (n - 1, 1, 1)
    # dropped: the rejected link's parent is a dropped task the linker missed; the added link's parent is no longer
    # dropped (the linker's false dropped); the covered one is scored neither way
    assert got["dropped"] == (nd - 2, 1, 1)
    # novel: the rejected link's child is novel (missed); the added link's child no longer is (false)
    assert got["novel"] == (nn - 1, 1, 1)
    store.close()


def test_corrections_reach_the_exported_plans(db, pair, tmp_path):
    store = ReviewStore(db, threshold=0.0)
    rid = store.open(*pair)
    rv = store.review(rid)
    table = store.task_table(rv.child_plan)
    linked = {q["child"]: q for q in store.queue(rid)}
    long_ = next(c for c in table if c["id"] in linked and len(c["text"]) > 60)
    cut = len(long_["text"]) // 2
    store.correct(rv.child_plan, long_["id"], "split", [long_["text"][:cut], long_["text"][cut:]], reviewer="张三")
    store.confirm_links(rid, reviewer="张三")
    [path] = export_link_gold(store, tmp_path / "gold")
    child = json.loads((path.parent / "plans" / f"review_links_{rid}_child.json").read_text(encoding="utf-8"))
    ids = [c["id"] for c in child["clauses"]]
    assert f"{long_['id']}/1" in ids and f"{long_['id']}/2" in ids and long_["id"] not in ids
    for _f, g, kids, parent in gold_pairs([path]):
        assert anchor_problems(g, kids, parent) == []
    # the link decided before the split holds for both pieces: neither is 新增, in the report or in the gold
    pieces = [c["text"] for c in child["clauses"] if c["id"].startswith(long_["id"] + "/")]
    novel = reviewed_report(store, rid)["coverage"]["novel_child_clauses"]
    assert not {n["id"] for n in novel} & {f"{long_['id']}/1", f"{long_['id']}/2"}
    gold = json.loads(path.read_text(encoding="utf-8"))
    assert not [a for a in gold["novel"] if any(a in p for p in pieces)]
    from_pieces = [g for g in gold["links"] if g["review_link"] == linked[long_["id"]]["id"]]
    assert len(from_pieces) == 2 and {g["parent_anchor"] for g in from_pieces} == {from_pieces[0]["parent_anchor"]}
    store.close()


def test_a_revision_lets_the_mark_lapse(db, pair, tmp_path):
    store = ReviewStore(db, threshold=0.0)
    child, parent = pair
    rid = store.open(child, parent)
    store.confirm_links(rid, reviewer="张三")
    assert store.links_confirmed(rid) is not None
    from dataclasses import replace

    revised = replace(child, clauses=child.clauses[:-1])  # a new version of the child plan
    assert store.open(revised, parent) == rid
    assert store.links_confirmed(rid) is None
    assert export_link_gold(store, tmp_path / "gold") == []
    store.close()


def test_an_older_database_gains_the_table(tmp_path):
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    S.schema_version.create(engine)
    with engine.begin() as conn:  # the database as migrations 1 and 2 left it before this table existed
        S.metadata.create_all(conn, tables=[t for t in S.metadata.sorted_tables
                                            if t.name not in ("schema_version", "link_confirmations")])
        S._m2_audit_guard(conn)
        for n in (1, 2):
            conn.execute(S.schema_version.insert().values(version=n, applied_at=S.now()))
    assert "link_confirmations" not in inspect(engine).get_table_names()
    engine.dispose()
    store = ReviewStore(str(path))
    assert "link_confirmations" in inspect(store.engine).get_table_names()
    with store.engine.connect() as conn:
        assert sorted(conn.execute(text("SELECT version FROM schema_version")).scalars()) == [1, 2, 3]
    store.close()


def test_cli_confirm_links_export_and_evaluate(capsys, tmp_path):
    db = str(tmp_path / "cli.db")
    assert main(["review", "open", str(CHILD), "--parent", str(PARENT), "--db", db, "--format", "json"]) == 0
    capsys.readouterr()
    assert main(["review", "export", "--format", "link-gold", "--out", str(tmp_path / "g"), "--db", db]) == 0
    assert "no review has its links marked complete yet" in capsys.readouterr().out
    store = ReviewStore(db)
    first = store.queue()[0]
    store.close()
    assert main(["review", "decide", first["id"], "reject", "--db", db]) == 0  # the linker's false link
    capsys.readouterr()
    assert main(["review", "confirm-links", "--reviewer", "张三", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["reviewer"] == "张三"
    assert main(["review", "export", "--format", "link-gold", "--out", str(tmp_path / "g"), "--db", db]) == 0
    assert capsys.readouterr().out.strip().endswith("review_links_1.json")
    assert main(["evaluate", str(tmp_path / "g"), "--links", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["links"]["fp"] >= 1 and figures["links"]["fn"] == 0


def test_cli_refuses_to_confirm_open_links_in_one_line(capsys, tmp_path, pair):
    db = str(tmp_path / "open.db")
    store = ReviewStore(db, threshold=0.99)
    store.open(*pair)
    store.close()
    # the CLI's store takes the committed threshold, but the links were stored as undecided
    assert main(["review", "confirm-links", "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "还有" in err and "Traceback" not in err


def test_app_download_is_the_same_gold(db, pair):
    from extract.review.ui import _link_gold_zip

    store = ReviewStore(db, threshold=0.0)
    rid = store.open(*pair)
    store.confirm_links(rid, reviewer="张三")
    with zipfile.ZipFile(BytesIO(_link_gold_zip(store, rid))) as zf:
        names = sorted(zf.namelist())
        gold = json.loads(zf.read(f"review_links_{rid}.json"))
    assert names == [f"plans/review_links_{rid}_child.json", f"plans/review_links_{rid}_parent.json",
                     f"review_links_{rid}.json"]
    assert len(gold["links"]) == len(store.queue(rid))
    store.close()


def test_a_broken_export_is_one_warning_not_a_traceback(capsys, tmp_path, pair):
    store = ReviewStore(str(tmp_path / "b.db"), threshold=0.0)
    rid = store.open(*pair)
    store.confirm_links(rid)
    [path] = export_link_gold(store, tmp_path / "gold")
    store.close()
    plan = path.parent / "plans" / f"review_links_{rid}_child.json"
    plan.write_text(plan.read_text(encoding="utf-8")[:500], encoding="utf-8")  # cut short
    (tmp_path / "gold" / "other.json").write_text("{not json", encoding="utf-8")
    assert main(["evaluate", str(tmp_path / "gold"), "--links"]) == 2  # no file left to score
    err = capsys.readouterr().err
    assert f"review_links_{rid}.json: could not be read (JSONDecodeError" in err
    assert "other.json: could not be read" in err and "Traceback" not in err


def test_a_full_disk_keeps_the_earlier_export(capsys, tmp_path, pair, monkeypatch):
    import errno
    from pathlib import Path

    store = ReviewStore(str(tmp_path / "d.db"), threshold=0.0)
    rid = store.open(*pair)
    store.confirm_links(rid, reviewer="张三")
    [path] = export_link_gold(store, tmp_path / "gold")
    before = path.read_bytes()
    store.decide(store.queue(rid)[0]["id"], "reject", reviewer="张三")  # the next export would differ
    real = Path.write_text

    def full(self, text, *a, **kw):
        if self.name.startswith(".planlink-") and self.parent == path.parent:
            real(self, text[: len(text) // 2], *a, **kw)  # half written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, text, *a, **kw)

    monkeypatch.setattr(Path, "write_text", full)
    assert main(["review", "export", "--format", "link-gold", "--out", str(tmp_path / "gold"),
                 "--db", str(tmp_path / "d.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [f"planlink: error: {path}: No space left on device"]
    assert path.read_bytes() == before  # the earlier export is whole
    assert not list(path.parent.glob(".planlink-*"))  # no half file left behind
    store.close()


def test_out_is_a_file_is_one_line(capsys, tmp_path, pair):
    store = ReviewStore(str(tmp_path / "f.db"), threshold=0.0)
    store.confirm_links(store.open(*pair))
    store.close()
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    assert main(["review", "export", "--format", "link-gold", "--out", str(tmp_path / "taken"),
                 "--db", str(tmp_path / "f.db")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(tmp_path / "taken") in err and "Traceback" not in err


def test_two_reviewers_marking_at_once_is_a_conflict(pg_url, pair, monkeypatch):  # noqa: F811 - the fixture
    """On PostgreSQL two marks of the same review can meet: the later one is a Conflict (one line in the CLI, a
    warning in the app), not a database error; the first mark stands."""
    from extract.review import workflow
    from extract.review.workflow import Conflict

    store = ReviewStore(pg_url, threshold=0.0)
    rid = store.open(*pair)
    other = ReviewStore(pg_url, threshold=0.0)
    real_now = workflow.now

    def meanwhile():  # between this mark's delete and its insert, another reviewer's mark commits
        monkeypatch.setattr(workflow, "now", real_now)
        other.confirm_links(rid, reviewer="李四")
        return real_now()

    monkeypatch.setattr(workflow, "now", meanwhile)
    with pytest.raises(Conflict, match="另一位审查人刚刚标记了该审查"):
        store.confirm_links(rid, reviewer="张三")
    assert store.links_confirmed(rid)["reviewer"] == "李四"
    store.close()
    other.close()


@pytest.mark.parametrize("name", ["links_000annex_to_000body", "d01_zc003"])
def test_a_reviewer_deciding_as_the_gold_reproduces_its_figures(name, tmp_path):
    """A reviewer who confirms the machine links the hand-written gold holds, rejects the others and adds the ones the
    linker missed produces linkage gold that scores the linker exactly as the hand-written gold does, on every field:
    the review path and the evaluation path agree. 000's annex reviewed against its own body (the scopes of
    `planlink review open --child-scope table_row --parent-scope body`) is the kind of pair the linker misses most."""
    from extract.gold import fold
    from extract.link.evaluate import find_anchor, score_file
    from extract.link.report import link_documents

    [(_f, gold, child, parent)] = list(gold_pairs([CORPUS / "links" / f"{name}.json"]))
    store = ReviewStore(str(tmp_path / "r.db"))
    rid = store.open(child[0], parent[0], parent_scope=gold.get("parent_scope") or "",
                     child_scope=gold.get("child_scope") or "")
    kids = [(c.id, fold(c.text)) for c in child[0].clauses]
    pars = [(c.id, fold(c.text)) for c in parent[0].clauses]
    want = {}
    for g in gold["links"]:
        [a], [b] = find_anchor(g["child_anchor"], kids), find_anchor(g["parent_anchor"], pars)
        want[(a, b)] = g["kind"]
    for q in store.queue(rid):
        store.decide(q["id"], "confirm" if (q["child"], q["parent"]) in want else "reject", reviewer="张三")
    machine = {(q["child"], q["parent"]) for q in store.queue(rid)}
    for (a, b), kind in want.items():
        if (a, b) not in machine:
            store.add(a, b, review_id=rid, kind=kind, reviewer="张三")
    store.confirm_links(rid, reviewer="张三")
    export_link_gold(store, tmp_path / "gold")
    store.close()
    hand = score_file(gold, link_documents(child, parent))
    assert scores(tmp_path / "gold") == {k: (v.tp, v.fp, v.fn) for k, v in hand.items()}


def test_cli_reviews_an_annex_against_its_own_body(capsys, tmp_path):
    plan = str(CORPUS / "000_74f15ec52f85c6cf.txt")
    db = str(tmp_path / "annex.db")
    assert main(["review", "open", plan, "--parent", plan, "--db", db]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and "--child-scope table_row --parent-scope body" in err
    assert main(["review", "open", plan, "--parent", plan, "--child-scope", "table_row", "--parent-scope", "body",
                 "--db", db, "--format", "json"]) == 0
    queue = json.loads(capsys.readouterr().out)
    assert queue and all(q["child"].startswith("ca.") and not q["parent"].startswith("ca.") for q in queue)
    store = ReviewStore(db)
    [r] = store.reviews()
    assert {c.kind for c in store.plan_document(r["child_plan"]).clauses} == {"table_row"}
    assert {c.kind for c in store.plan_document(r["parent_plan"]).clauses} == {"body"}
    store.close()
