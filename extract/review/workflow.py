"""Review decisions over the store: ingest plans and revisions, suspect/orphan links, the queue, link decisions,
field corrections with optimistic versioning, and the append-only audit trail of every change."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace
from difflib import SequenceMatcher

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import families
from ..api import link_documents
from ..link import graph
from ..link.diff import changes
from ..model import Clause, Document, LinkKind
from ..text import fold
from . import store as S
from .calibrate import threshold as calibrated
from .learn import apply_corrections, apply_lexicon, learn_departments
from .store import dumps, fingerprint, now

STATES = ("unreviewed", "auto", "confirmed", "rejected", "suspect", "orphan")
OPEN_STATES = ("unreviewed", "suspect", "orphan")  # a link in these still needs a reviewer's decision
STATE_ZH = {"unreviewed": "待审", "auto": "自动接受", "confirmed": "已确认", "rejected": "已否决", "suspect": "待复核",
            "orphan": "关联条款已删除"}  # the parent or the child clause is gone in a revision
# suspect links come first, then the ones nobody has looked at, most uncertain first
_QUEUE_RANK = {"suspect": 0, "orphan": 1, "unreviewed": 2, "auto": 3, "confirmed": 4, "rejected": 5}
FIELDS = ("departments", "deadlines", "frequencies", "action", "is_task", "split", "merge")
ROLES = ("lead", "responsible", "support")
PERIODS = ("day", "week", "month", "quarter", "half_year", "year")
# below this similarity a clause of the old version has no counterpart in the new one (removed, not changed)
SAME_CLAUSE = 0.5
# a plan under the same 文号 whose title is at least this similar is a revision of it
SAME_TITLE = 0.6


class ReviewError(Exception):
    """A request the store cannot carry out (unknown id, bad value); str() is the one line shown to the user."""


class Conflict(ReviewError):
    """Another reviewer changed the same record since it was loaded."""


def link_id(n: int) -> str:
    return f"L{n}"


def parse_link_id(value: str | int) -> int:
    s = str(value).strip()
    if s[:1] in ("L", "l"):
        s = s[1:]
    if not s.isdigit():
        raise ReviewError(f"{value!r} is not a link id (L<number>, as the queue lists them)")
    return int(s)


def content_hash(doc_json: dict) -> str:
    parts = [(c["id"], c["text"]) for c in doc_json["clauses"]]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def title_key(title: str) -> str:
    return graph.title_key(title or "")


def map_clauses(old: list[tuple[str, str, str]], new: list[tuple[str, str, str]]) -> dict[str, tuple[str | None, bool]]:
    """Old clause id -> (new clause id or None when removed, whether its text changed), for (id, fingerprint, text)
    lists of two versions of a plan: the same text first (same id preferred), then the most similar text left."""
    out: dict[str, tuple[str | None, bool]] = {}
    used: set[str] = set()
    by_fp: dict[str, list[str]] = {}
    for cid, fp, _ in new:
        by_fp.setdefault(fp, []).append(cid)
    rest = []
    for cid, fp, txt in old:
        cands = [c for c in by_fp.get(fp, []) if c not in used]
        if cands:
            pick = cid if cid in cands else cands[0]
            used.add(pick)
            out[cid] = (pick, False)
        else:
            rest.append((cid, txt))
    free = [(cid, fold(txt)) for cid, _, txt in new if cid not in used]
    for cid, txt in rest:
        a = fold(txt)
        best, best_id = SAME_CLAUSE, None
        for nid, b in free:
            if nid in used:
                continue
            sm = SequenceMatcher(None, a, b, autojunk=False)
            if sm.real_quick_ratio() < best or sm.quick_ratio() < best:
                continue
            r = sm.ratio()
            if r > best or (r == best and nid == cid):
                best, best_id = r, nid
        if best_id is not None:
            used.add(best_id)
        out[cid] = (best_id, True)
    return out


class ReviewStore:
    """The review database: one engine, every operation in its own transaction."""

    def __init__(self, db: str | None = None, *, threshold: float | None = None):
        self.url = S.database_url(db)
        self.engine = S.connect(db)
        self.threshold = calibrated() if threshold is None else threshold

    def close(self) -> None:
        self.engine.dispose()

    # ---- bookkeeping ------------------------------------------------------------------------------------------
    def _log(self, conn, reviewer: str | None, action: str, target: str, old, new) -> None:
        if reviewer:
            seen = conn.execute(select(S.reviewers.c.name).where(S.reviewers.c.name == reviewer)).first()
            if seen is None:
                conn.execute(insert(S.reviewers).values(name=reviewer, first_seen=now()))
        conn.execute(insert(S.audit).values(at=now(), reviewer=reviewer, action=action, target=target,
                                            old=None if old is None else dumps(old),
                                            new=None if new is None else dumps(new)))

    def audit_log(self, target: str | None = None) -> list[dict]:
        q = select(S.audit).order_by(S.audit.c.id)
        if target:
            q = q.where(S.audit.c.target == target)
        with self.engine.connect() as conn:
            return [{**r._asdict(), "old": json.loads(r.old) if r.old else None,
                     "new": json.loads(r.new) if r.new else None} for r in conn.execute(q)]

    # ---- plans ------------------------------------------------------------------------------------------------
    def _ingest(self, conn, doc, scope: str = "") -> tuple[int, int, int | None]:
        """(plan id, series id, the previous version's plan id when this is a new revision)."""
        dj = doc.to_json()
        key, number = title_key(dj["title"]), (dj.get("doc_number") or "").strip()
        row = self._find_series(conn, dj, scope)
        if row is None:
            sid = conn.execute(insert(S.series).values(title_key=key, doc_number=number, scope=scope,
                                                       title=dj["title"], version=1)).inserted_primary_key[0]
            self._log(conn, None, "new_plan", f"series:{sid}", None, {"title": dj["title"], "doc_number": number})
        else:
            sid = row.id
        digest = content_hash(dj)
        last = conn.execute(select(S.plans).where(S.plans.c.series_id == sid)
                            .order_by(S.plans.c.version.desc())).first()
        if last is not None and last.content_hash == digest:
            return last.id, sid, None
        version = (last.version + 1) if last else 1
        pid = conn.execute(insert(S.plans).values(
            series_id=sid, version=version, content_hash=digest, title=dj["title"], doc_number=number,
            issuer=dj.get("issuer") or "", source=dj.get("source") or "", doc_json=dumps(dj),
            ingested_at=now())).inserted_primary_key[0]
        conn.execute(insert(S.clauses), [
            {"plan_id": pid, "clause_id": c["id"], "position": k, "fingerprint": fingerprint(c["text"]),
             "text": c["text"], "is_task": bool(c.get("is_task")), "task_score": float(c.get("task_score") or 0.0)}
            for k, c in enumerate(dj["clauses"])])
        if last is not None:
            self._log(conn, None, "new_version", f"series:{sid}", {"plan": last.id, "version": last.version},
                      {"plan": pid, "version": version})
        return pid, sid, (last.id if last else None)

    @staticmethod
    def _find_series(conn, dj: dict, scope: str = ""):
        """The stored series a plan (document JSON) belongs to: the same title, or a close title under the same
        文号 (a revision); None for a plan the store has not seen."""
        key, number = title_key(dj["title"]), (dj.get("doc_number") or "").strip()
        row = conn.execute(select(S.series).where(and_(S.series.c.title_key == key, S.series.c.scope == scope))
                           .order_by(S.series.c.id)).first()
        if row is None and number:
            # the same 文号 under a reworded title is a revision; the plans of a compilation share one 文号 but
            # not their titles
            for cand in conn.execute(select(S.series).where(and_(S.series.c.doc_number == number,
                                                                 S.series.c.scope == scope)).order_by(S.series.c.id)):
                if SequenceMatcher(None, cand.title_key, key).ratio() >= SAME_TITLE:
                    return cand
        return row

    def ingest(self, doc, scope: str = "") -> int:
        """Store a plan (a revision of a stored plan becomes its new version); returns its plan id."""
        with self.engine.begin() as conn:
            return self._ingest(conn, doc, scope)[0]

    def plan_document(self, plan_id: int):
        with self.engine.connect() as conn:
            row = conn.execute(select(S.plans.c.doc_json).where(S.plans.c.id == plan_id)).first()
        if row is None:
            raise ReviewError(f"no plan {plan_id} in the review store")
        return Document.from_json(json.loads(row.doc_json))

    def plans(self) -> list[dict]:
        """The latest version of every plan in the store."""
        with self.engine.connect() as conn:
            latest = (select(S.plans.c.series_id, func.max(S.plans.c.version).label("v"))
                      .group_by(S.plans.c.series_id).subquery())
            rows = conn.execute(select(S.plans.c.id, S.plans.c.series_id, S.plans.c.version, S.plans.c.title,
                                       S.plans.c.doc_number, S.series.c.table_confirmed_by,
                                       S.series.c.table_confirmed_at, S.series.c.scope)
                                .join(latest, and_(S.plans.c.series_id == latest.c.series_id,
                                                   S.plans.c.version == latest.c.v))
                                .join(S.series, S.series.c.id == S.plans.c.series_id).order_by(S.plans.c.id))
            return [r._asdict() for r in rows]

    # ---- opening a review -------------------------------------------------------------------------------------
    def open(self, child_doc, parent_doc, *, parent_scope: str = "", child_scope: str = "") -> int:
        """Ingest both plans and link them; a revised version of either keeps the decisions of unchanged links and
        turns the others suspect or orphan. Returns the review id."""
        with self.engine.begin() as conn:
            cid, cs, _ = self._ingest(conn, child_doc, child_scope)
            pid, ps, _ = self._ingest(conn, parent_doc, parent_scope)
            row = conn.execute(select(S.reviews).where(and_(S.reviews.c.child_series == cs,
                                                            S.reviews.c.parent_series == ps))).first()
            if row is not None and row.child_plan == cid and row.parent_plan == pid:
                return row.id
            machine = self._machine_links(child_doc, parent_doc)
            if row is None:
                rid = conn.execute(insert(S.reviews).values(child_series=cs, parent_series=ps, child_plan=cid,
                                                            parent_plan=pid, opened_at=now())).inserted_primary_key[0]
                self._log(conn, None, "open", f"review:{rid}", None, {"child_plan": cid, "parent_plan": pid})
                for lk in machine:
                    self._insert_machine(conn, rid, lk)
                return rid
            self._revise(conn, row, cid, pid, machine)
            return row.id

    def _machine_links(self, child_doc, parent_doc) -> list[dict]:
        return link_documents([child_doc], [parent_doc])["links"]

    def _insert_machine(self, conn, rid: int, lk: dict) -> int:
        state = "auto" if lk["score"] >= self.threshold else "unreviewed"
        n = conn.execute(insert(S.links).values(
            review_id=rid, child=lk["child"], parent=lk["parent"], child_fp=fingerprint(lk["child_text"]),
            parent_fp=fingerprint(lk["parent_text"]), origin="machine", kind=lk["kind"], score=lk["score"],
            changes=dumps(list(lk["changes"])), state=state, note="", version=1)).inserted_primary_key[0]
        return n

    def _clause_list(self, conn, plan_id: int) -> list[tuple[str, str, str]]:
        return [(r.clause_id, r.fingerprint, r.text) for r in conn.execute(
            select(S.clauses.c.clause_id, S.clauses.c.fingerprint, S.clauses.c.text)
            .where(S.clauses.c.plan_id == plan_id).order_by(S.clauses.c.position))]

    def _revise(self, conn, review, child_plan: int, parent_plan: int, machine: list[dict]) -> None:
        cmap = map_clauses(self._clause_list(conn, review.child_plan), self._clause_list(conn, child_plan))
        pmap = map_clauses(self._clause_list(conn, review.parent_plan), self._clause_list(conn, parent_plan))
        new_fp = {cid: fp for cid, fp, _ in self._clause_list(conn, child_plan)}
        new_fp.update({f"p:{cid}": fp for cid, fp, _ in self._clause_list(conn, parent_plan)})
        by_pair = {(lk["child"], lk["parent"]): lk for lk in machine}
        seen: set[tuple[str, str]] = set()
        target = f"review:{review.id}"
        for lk in conn.execute(select(S.links).where(S.links.c.review_id == review.id)).all():
            old = _link_state(lk)
            nc, c_changed = cmap.get(lk.child, (None, True))
            np_, p_changed = pmap.get(lk.parent, (None, True))
            if lk.state == "orphan":
                continue
            if nc is None and lk.state in ("unreviewed", "auto") and lk.origin == "machine":
                # the child clause is gone and nobody decided on the link: nothing is left to review
                conn.execute(S.links.delete().where(S.links.c.id == lk.id))
                self._log(conn, None, "revision_unlinked", f"link:{lk.id}", old, None)
                continue
            if nc is None or np_ is None:
                vals = {"state": "orphan", "prior_state": lk.state}
                self._update_link(conn, lk, vals, None, "revision_orphan", old)
                continue
            pair = (nc, np_)
            fresh = by_pair.get(pair)
            vals = {"child": nc, "parent": np_, "child_fp": new_fp[nc], "parent_fp": new_fp[f"p:{np_}"]}
            changed = c_changed or p_changed
            if lk.state in ("unreviewed", "auto") and lk.origin == "machine":
                if fresh is None:
                    # the linker no longer makes this undecided link: no reviewer said anything about it, so it
                    # goes (the audit log keeps it)
                    conn.execute(S.links.delete().where(S.links.c.id == lk.id))
                    self._log(conn, None, "revision_unlinked", f"link:{lk.id}", old, None)
                    continue
                vals.update(kind=fresh["kind"], score=fresh["score"], changes=dumps(list(fresh["changes"])))
                if changed and lk.state == "auto":
                    vals.update(state="suspect", prior_state="auto")
                elif not changed:
                    vals["state"] = "auto" if fresh["score"] >= self.threshold else "unreviewed"
            elif changed and lk.state in ("confirmed", "suspect"):
                vals.update(state="suspect", prior_state=lk.prior_state if lk.state == "suspect" else lk.state)
            elif changed and lk.state == "rejected" and fresh is not None:
                vals.update(state="unreviewed", prior_state="rejected")
            if fresh is not None and lk.origin == "machine":
                vals.update(kind=fresh["kind"], score=fresh["score"], changes=dumps(list(fresh["changes"])))
            seen.add(pair)
            if any(getattr(lk, k) != v for k, v in vals.items()):
                self._update_link(conn, lk, vals, None, "revision", old)
        for lk in machine:
            if (lk["child"], lk["parent"]) not in seen:
                n = self._insert_machine(conn, review.id, lk)
                self._log(conn, None, "revision_new_link", f"link:{n}", None, {"child": lk["child"],
                                                                                 "parent": lk["parent"]})
        for m in conn.execute(select(S.parent_marks).where(S.parent_marks.c.review_id == review.id)).all():
            np_, _changed = pmap.get(m.parent, (None, True))
            if np_ is None and m.active:
                conn.execute(update(S.parent_marks).where(S.parent_marks.c.id == m.id)
                             .values(active=False, version=m.version + 1))
                self._log(conn, None, "revision_mark_removed", f"mark:{m.id}", {"parent": m.parent}, None)
            elif np_ is not None and np_ != m.parent:
                conn.execute(update(S.parent_marks).where(S.parent_marks.c.id == m.id)
                             .values(parent=np_, parent_fp=new_fp[f"p:{np_}"], version=m.version + 1))
        conn.execute(update(S.reviews).where(S.reviews.c.id == review.id)
                     .values(child_plan=child_plan, parent_plan=parent_plan))
        self._log(conn, None, "revision", target, {"child_plan": review.child_plan, "parent_plan": review.parent_plan},
                  {"child_plan": child_plan, "parent_plan": parent_plan})

    def _update_link(self, conn, lk, vals: dict, reviewer: str | None, action: str, old: dict,
                     expected: int | None = None) -> dict:
        """Write a link change when its version is still the one read (or `expected`), else raise Conflict."""
        version = lk.version if expected is None else expected
        res = conn.execute(update(S.links).where(and_(S.links.c.id == lk.id, S.links.c.version == version))
                           .values(**vals, version=version + 1))
        if res.rowcount != 1:
            cur = conn.execute(select(S.links).where(S.links.c.id == lk.id)).first()
            who = f"{cur.reviewer}" if cur is not None and cur.reviewer else "另一位审查人"
            raise Conflict(f"{link_id(lk.id)} was changed by {who} since you loaded it (version {version} -> "
                           f"{cur.version if cur is not None else '?'}): 该衔接已被{who}修改，请刷新后重新审查")
        new = {**old, **{k: v for k, v in vals.items() if k in old}, "version": version + 1}
        self._log(conn, reviewer, action, f"link:{lk.id}", old, new)
        return new

    # ---- reviews, queue ---------------------------------------------------------------------------------------
    def reviews(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(S.reviews).order_by(S.reviews.c.id)).all()
            out = []
            for r in rows:
                c = conn.execute(select(S.plans.c.title).where(S.plans.c.id == r.child_plan)).scalar()
                p = conn.execute(select(S.plans.c.title).where(S.plans.c.id == r.parent_plan)).scalar()
                out.append({**r._asdict(), "child_title": c, "parent_title": p})
            return out

    def review(self, review_id: int | None = None):
        """A review row; the most recently opened one when no id is given."""
        with self.engine.connect() as conn:
            q = select(S.reviews)
            q = q.where(S.reviews.c.id == review_id) if review_id else q.order_by(S.reviews.c.opened_at.desc(),
                                                                                   S.reviews.c.id.desc())
            row = conn.execute(q).first()
        if row is None:
            raise ReviewError("no review in the store yet: run `planlink review open CHILD --parent PARENT` first"
                              if not review_id else f"no review {review_id} in the store")
        return row

    def queue(self, review_id: int | None = None) -> list[dict]:
        """Every link of a review, suspect first, then the undecided ones from the least certain."""
        rv = self.review(review_id)
        with self.engine.connect() as conn:
            rows = conn.execute(select(S.links).where(S.links.c.review_id == rv.id)).all()
            texts = self._texts(conn, rv)
        out = []
        for r in rows:
            ctext, ts = texts["child"].get(r.child, ("", 0.5))
            ptext, _ = texts["parent"].get(r.parent, ("", 0.5))
            out.append({"id": link_id(r.id), "child": r.child, "child_text": ctext, "parent": r.parent,
                        "parent_text": ptext, "kind": r.kind, "score": r.score, "state": r.state,
                        "changes": json.loads(r.changes), "origin": r.origin, "note": r.note,
                        "reviewer": r.reviewer, "version": r.version, "prior_state": r.prior_state,
                        "machine_parent": r.machine_parent, "_margin": abs(ts - 0.5)})
        out.sort(key=lambda x: (_QUEUE_RANK[x["state"]], x["score"], x["_margin"], x["id"]))
        for x in out:
            del x["_margin"]
        return out

    def _texts(self, conn, rv) -> dict[str, dict[str, tuple[str, float]]]:
        def one(plan_id):
            return {r.clause_id: (r.text, r.task_score) for r in conn.execute(
                select(S.clauses.c.clause_id, S.clauses.c.text, S.clauses.c.task_score)
                .where(S.clauses.c.plan_id == plan_id))}
        return {"child": one(rv.child_plan), "parent": one(rv.parent_plan)}

    def status(self, review_id: int | None = None) -> dict:
        rv = self.review(review_id)
        counts = {s: 0 for s in STATES}
        for x in self.queue(rv.id):
            counts[x["state"]] += 1
        counts["total"] = sum(counts.values())
        counts["reviewed"] = counts["confirmed"] + counts["rejected"]
        return counts

    # ---- link decisions ---------------------------------------------------------------------------------------
    def _link_row(self, conn, value):
        n = parse_link_id(value)
        row = conn.execute(select(S.links).where(S.links.c.id == n)).first()
        if row is None:
            raise ReviewError(f"no link {link_id(n)} in the review store")
        return row

    def get_link(self, value) -> dict:
        with self.engine.connect() as conn:
            return _link_state(self._link_row(conn, value))

    def decide(self, link: str | int, verdict: str, *, reviewer: str | None = None, note: str | None = None,
               expected_version: int | None = None) -> dict:
        states = {"confirm": "confirmed", "reject": "rejected"}
        if verdict not in states:
            raise ReviewError(f"unknown decision {verdict!r}: confirm or reject")
        with self.engine.begin() as conn:
            lk = self._link_row(conn, link)
            vals = {"state": states[verdict], "reviewer": reviewer, "decided_at": now(), "prior_state": None}
            if note is not None:
                vals["note"] = note
            return self._update_link(conn, lk, vals, reviewer, verdict, _link_state(lk), expected_version)

    def annotate(self, link: str | int, note: str, *, reviewer: str | None = None,
                 expected_version: int | None = None) -> dict:
        """Write a reviewer's note on a link without deciding it."""
        with self.engine.begin() as conn:
            lk = self._link_row(conn, link)
            return self._update_link(conn, lk, {"note": note}, reviewer, "note", _link_state(lk), expected_version)

    def relink(self, link: str | int, parent_clause: str, *, reviewer: str | None = None, note: str | None = None,
               expected_version: int | None = None) -> dict:
        with self.engine.begin() as conn:
            lk = self._link_row(conn, link)
            rv = conn.execute(select(S.reviews).where(S.reviews.c.id == lk.review_id)).first()
            fp = self._fp(conn, rv.parent_plan, parent_clause, "parent")
            vals = {"parent": parent_clause, "parent_fp": fp, "state": "confirmed", "origin": "reviewer",
                    "machine_parent": lk.machine_parent or (lk.parent if lk.origin == "machine" else None),
                    "reviewer": reviewer, "decided_at": now(), "prior_state": None}
            if note is not None:
                vals["note"] = note
            vals["changes"] = dumps(self._changes(conn, rv, lk.child, parent_clause))
            return self._update_link(conn, lk, vals, reviewer, "relink", _link_state(lk), expected_version)

    def add(self, child_clause: str, parent_clause: str, *, review_id: int | None = None, kind: str = "paraphrased",
            reviewer: str | None = None, note: str = "") -> dict:
        if kind not in {k.value for k in LinkKind}:
            raise ReviewError(f"unknown link kind {kind!r}")
        rv = self.review(review_id)
        with self.engine.begin() as conn:
            cfp = self._fp(conn, rv.child_plan, child_clause, "child")
            pfp = self._fp(conn, rv.parent_plan, parent_clause, "parent")
            same = conn.execute(select(S.links).where(and_(S.links.c.review_id == rv.id, S.links.c.child == child_clause,
                                                           S.links.c.parent == parent_clause))).first()
            if same is not None:
                return self._update_link(conn, same, {"state": "confirmed", "reviewer": reviewer, "decided_at": now(),
                                                      "note": note or same.note}, reviewer, "add", _link_state(same))
            n = conn.execute(insert(S.links).values(
                review_id=rv.id, child=child_clause, parent=parent_clause, child_fp=cfp, parent_fp=pfp,
                origin="reviewer", kind=kind, score=1.0, changes=dumps(self._changes(conn, rv, child_clause,
                                                                                      parent_clause)),
                state="confirmed", note=note, reviewer=reviewer, decided_at=now(), version=1)).inserted_primary_key[0]
            new = _link_state(conn.execute(select(S.links).where(S.links.c.id == n)).first())
            self._log(conn, reviewer, "add", f"link:{n}", None, new)
            return new

    def cover_elsewhere(self, parent_clause: str, covered_by: str, *, review_id: int | None = None,
                        reviewer: str | None = None, note: str = "", active: bool = True) -> dict:
        """Mark a parent task as carried out by another document (`covered_by`), so it is not 遗漏."""
        if active and not covered_by.strip():
            raise ReviewError("name the document that covers the parent task")
        rv = self.review(review_id)
        with self.engine.begin() as conn:
            fp = self._fp(conn, rv.parent_plan, parent_clause, "parent")
            row = conn.execute(select(S.parent_marks).where(and_(S.parent_marks.c.review_id == rv.id,
                                                                 S.parent_marks.c.parent == parent_clause))).first()
            new = {"parent": parent_clause, "covered_by": covered_by, "note": note, "reviewer": reviewer,
                   "active": active}
            if row is None:
                n = conn.execute(insert(S.parent_marks).values(review_id=rv.id, parent_fp=fp, version=1, **new)
                                 ).inserted_primary_key[0]
                self._log(conn, reviewer, "covered_elsewhere", f"mark:{n}", None, new)
            else:
                conn.execute(update(S.parent_marks).where(S.parent_marks.c.id == row.id)
                             .values(version=row.version + 1, parent_fp=fp, **new))
                self._log(conn, reviewer, "covered_elsewhere", f"mark:{row.id}",
                          {"covered_by": row.covered_by, "note": row.note, "active": row.active}, new)
            return new

    def marks(self, review_id: int | None = None) -> dict[str, dict]:
        rv = self.review(review_id)
        with self.engine.connect() as conn:
            return {m.parent: m._asdict() for m in conn.execute(
                select(S.parent_marks).where(and_(S.parent_marks.c.review_id == rv.id, S.parent_marks.c.active)))}

    def add_note(self, target: str, text: str, *, reviewer: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(insert(S.notes).values(target=target, text=text, reviewer=reviewer, written_at=now()))
            self._log(conn, reviewer, "note", target, None, {"text": text})

    def notes(self, target: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [r._asdict() for r in conn.execute(select(S.notes).where(S.notes.c.target == target)
                                                      .order_by(S.notes.c.id))]

    def _fp(self, conn, plan_id: int, clause_id: str, side: str) -> str:
        fp = conn.execute(select(S.clauses.c.fingerprint).where(and_(S.clauses.c.plan_id == plan_id,
                                                                     S.clauses.c.clause_id == clause_id))).scalar()
        if fp is None:
            raise ReviewError(f"no {side} clause {clause_id!r} in the plan under review")
        return fp

    def _changes(self, conn, rv, child_id: str, parent_id: str) -> list[str]:
        c = self._clause_json(conn, rv.child_plan, child_id)
        p = self._clause_json(conn, rv.parent_plan, parent_id)
        return changes(clause_from_json(c), clause_from_json(p)) if c and p else []

    def _clause_json(self, conn, plan_id: int, clause_id: str) -> dict | None:
        doc = json.loads(conn.execute(select(S.plans.c.doc_json).where(S.plans.c.id == plan_id)).scalar())
        return next((c for c in doc["clauses"] if c["id"] == clause_id), None)

    # ---- field corrections ------------------------------------------------------------------------------------
    def series_of(self, plan_id: int) -> int:
        with self.engine.connect() as conn:
            sid = conn.execute(select(S.plans.c.series_id).where(S.plans.c.id == plan_id)).scalar()
        if sid is None:
            raise ReviewError(f"no plan {plan_id} in the review store")
        return sid

    def corrections(self, series_id: int) -> list[dict]:
        with self.engine.connect() as conn:
            return [{**r._asdict(), "value": json.loads(r.value)} for r in conn.execute(
                select(S.corrections).where(S.corrections.c.series_id == series_id).order_by(S.corrections.c.id))]

    def correct(self, plan_id: int, clause_id: str, field: str, value, *, reviewer: str | None = None,
                expected_version: int | None = None) -> dict:
        """Store a correction of one field of one clause of the task table (the machine output stays as it was).
        `expected_version` is the correction's version the reviewer saw (0: none yet); a different one is a Conflict."""
        value = validate_field(field, value, self.plan_family(plan_id))
        table = {c["id"]: c for c in self.task_table(plan_id)}
        if clause_id not in table:
            raise ReviewError(f"no clause {clause_id!r} in plan {plan_id}")
        clause = table[clause_id]
        if field == "merge":
            missing = [x for x in value if x not in table]
            if missing:
                raise ReviewError(f"cannot merge unknown clauses {', '.join(missing)}")
        sid = self.series_of(plan_id)
        fp = clause["fingerprint"]
        with self.engine.begin() as conn:
            row = conn.execute(select(S.corrections).where(and_(
                S.corrections.c.series_id == sid, S.corrections.c.clause_fp == fp,
                S.corrections.c.field == field))).first()
            have = row.version if row is not None else 0
            if expected_version is not None and expected_version != have:
                who = row.reviewer if row is not None and row.reviewer else "另一位审查人"
                raise Conflict(f"the {field} of {clause_id} was corrected by {who} since you loaded it (version "
                               f"{expected_version} -> {have}): 该字段已被{who}修改，请刷新后重新修改")
            old = json.loads(row.value) if row is not None else clause.get(field)
            if row is None:
                try:
                    with conn.begin_nested():
                        conn.execute(insert(S.corrections).values(
                            series_id=sid, clause_fp=fp, clause_id=clause_id, field=field, value=dumps(value),
                            reviewer=reviewer, corrected_at=now(), version=1))
                except IntegrityError:
                    raise Conflict(f"the {field} of {clause_id} was corrected by another reviewer at the same time: "
                                   "该字段已被另一位审查人修改，请刷新后重新修改") from None
            else:
                res = conn.execute(update(S.corrections).where(and_(S.corrections.c.id == row.id,
                                                                    S.corrections.c.version == row.version))
                                   .values(value=dumps(value), reviewer=reviewer, corrected_at=now(),
                                           version=row.version + 1))
                if res.rowcount != 1:
                    raise Conflict(f"the {field} of {clause_id} was corrected by another reviewer at the same time: "
                                   "该字段已被另一位审查人修改，请刷新后重新修改")
            self._log(conn, reviewer, f"correct_{field}", f"clause:{plan_id}:{clause_id}", old, value)
            if field == "departments":
                machine = clause.get("machine", {}).get("departments", clause.get("departments", []))
                for entry in learn_departments(machine, value):
                    self._add_lexicon(conn, entry, reviewer)
        return {"field": field, "value": value, "version": have + 1}

    def _add_lexicon(self, conn, entry: dict, reviewer: str | None) -> None:
        exists = conn.execute(select(S.lexicon.c.id).where(and_(S.lexicon.c.name == entry["name"],
                                                                S.lexicon.c.seen_as == entry["seen_as"]))).first()
        if exists is None:
            conn.execute(insert(S.lexicon).values(reviewer=reviewer, added_at=now(), **entry))
            self._log(conn, reviewer, "lexicon_add", f"lexicon:{entry['name']}", None, entry)

    def lexicon(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [r._asdict() for r in conn.execute(select(S.lexicon).order_by(S.lexicon.c.id))]

    def confirm_table(self, plan_id: int, *, reviewer: str | None = None, confirmed: bool = True) -> None:
        """Mark the corrected task table of a plan as checked: it then exports as a gold file."""
        sid = self.series_of(plan_id)
        with self.engine.begin() as conn:
            row = conn.execute(select(S.series).where(S.series.c.id == sid)).first()
            vals = {"table_confirmed_by": (reviewer or "") if confirmed else None,
                    "table_confirmed_at": now() if confirmed else None}
            conn.execute(update(S.series).where(S.series.c.id == sid).values(version=row.version + 1, **vals))
            self._log(conn, reviewer, "confirm_table" if confirmed else "unconfirm_table", f"series:{sid}",
                      {"table_confirmed_by": row.table_confirmed_by}, vals)

    def confirm_links(self, review_id: int | None = None, *, reviewer: str | None = None,
                      confirmed: bool = True) -> dict:
        """Mark the links of a review as complete: every link decided (confirmed, rejected, or accepted above the
        auto-accept threshold) and the coverage checked. The review then exports as linkage gold (linkgold.py).
        Refused while a link is unreviewed, suspect or orphan; the mark lapses when either plan is revised."""
        rv = self.review(review_id)
        if confirmed:
            counts = self.status(rv.id)
            open_ = {s: counts[s] for s in OPEN_STATES if counts[s]}
            if open_:
                n = sum(open_.values())
                raise ReviewError(f"review {rv.id} still has {n} link(s) to decide ("
                                  + ", ".join(f"{s} {k}" for s, k in open_.items())
                                  + f"): 还有 {n} 条衔接未审查（待审、待复核或关联条款已删除），请先逐条确认或否决")
        try:
            with self.engine.begin() as conn:
                row = conn.execute(select(S.link_confirmations)
                                   .where(S.link_confirmations.c.review_id == rv.id)).first()
                old = None if row is None else {"child_plan": row.child_plan, "parent_plan": row.parent_plan,
                                                "reviewer": row.reviewer, "confirmed_at": row.confirmed_at}
                conn.execute(S.link_confirmations.delete().where(S.link_confirmations.c.review_id == rv.id))
                new = None
                if confirmed:
                    new = {"child_plan": rv.child_plan, "parent_plan": rv.parent_plan, "reviewer": reviewer,
                           "confirmed_at": now()}
                    conn.execute(insert(S.link_confirmations).values(review_id=rv.id, **new))
                self._log(conn, reviewer, "confirm_links" if confirmed else "unconfirm_links", f"review:{rv.id}",
                          old, new)
        except IntegrityError:
            # another reviewer marked the same review in the same moment: theirs stands
            raise Conflict(f"review {rv.id} was marked by another reviewer at the same time: "
                           "另一位审查人刚刚标记了该审查，请刷新后查看") from None
        return {"review": rv.id, "confirmed": confirmed, **(new or {})}

    def links_confirmed(self, review_id: int | None = None) -> dict | None:
        """Who marked the review's links complete and when, or None: never marked, or marked on plan versions a
        revision has since replaced."""
        rv = self.review(review_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(S.link_confirmations).where(S.link_confirmations.c.review_id == rv.id)).first()
        if row is None or (row.child_plan, row.parent_plan) != (rv.child_plan, rv.parent_plan):
            return None
        return {"review": rv.id, "reviewer": row.reviewer, "confirmed_at": row.confirmed_at}

    def reviewed(self, docs) -> tuple[list[Document], str]:
        """Freshly extracted documents as the reviewers left them: the user lexicon applied to every plan, and the
        field corrections (split and merge included) of a plan the store holds applied to the clauses of the same
        text, in this version or a revision of it. Also returns a digest of the review state, which changes whenever
        a reviewer changes anything (the audit log is append-only), so cached outputs can tell they are stale.
        `extract --db`, `batch --db` and the app's task table read reviews through here."""
        lexicon = self.lexicon()
        out = []
        with self.engine.connect() as conn:
            last = conn.execute(select(func.max(S.audit.c.id), func.count()).select_from(S.audit)).first()
            for doc in docs:
                dj = doc.to_json()
                apply_lexicon(dj["clauses"], lexicon)
                series = self._find_series(conn, dj)
                if series is not None:
                    fixes = [{**r._asdict(), "value": json.loads(r.value)} for r in conn.execute(
                        select(S.corrections).where(S.corrections.c.series_id == series.id)
                        .order_by(S.corrections.c.id))]
                    dj["clauses"] = apply_corrections(dj["clauses"], fixes)
                out.append(Document.from_json(dj))
        return out, hashlib.sha1(f"{self.engine.url}|{last[0]}|{last[1]}".encode()).hexdigest()[:16]

    def plan_family(self, plan_id: int) -> str:
        with self.engine.connect() as conn:
            raw = conn.execute(select(S.plans.c.doc_json).where(S.plans.c.id == plan_id)).scalar()
        return json.loads(raw).get("family", "") if raw else ""

    def machine_clauses(self, plan_id: int) -> list[dict]:
        """The plan's clauses as the machine extracted them (CONTRACT.md clause JSON)."""
        with self.engine.connect() as conn:
            raw = conn.execute(select(S.plans.c.doc_json).where(S.plans.c.id == plan_id)).scalar()
        if raw is None:
            raise ReviewError(f"no plan {plan_id} in the review store")
        return json.loads(raw)["clauses"]

    def task_table(self, plan_id: int) -> list[dict]:
        """The plan's clauses as the reviewers see them: machine output, the user lexicon, then corrections."""
        clauses = self.machine_clauses(plan_id)
        apply_lexicon(clauses, self.lexicon())
        return apply_corrections(clauses, self.corrections(self.series_of(plan_id)))


def clause_from_json(d: dict):
    """A model Clause from clause JSON as the store keeps it (machine output with the reviewers' values)."""
    return Clause.from_json({**d, "path": d.get("path", [])})


def reviewed_documents(db: str | None, docs) -> tuple[list[Document], str]:
    """ReviewStore.reviewed on the store at `db`; a database file that does not exist is a ReviewError (it would
    otherwise be created empty and silently change nothing)."""
    if db and "://" not in db and not os.path.isfile(db):
        raise ReviewError(f"{db}: no review database there (give the file the app or `planlink review` uses)")
    store = ReviewStore(db)
    try:
        return store.reviewed(docs)
    finally:
        store.close()


def _link_state(lk) -> dict:
    return {"id": link_id(lk.id), "child": lk.child, "parent": lk.parent, "state": lk.state, "origin": lk.origin,
            "kind": lk.kind, "score": lk.score, "note": lk.note, "reviewer": lk.reviewer, "version": lk.version,
            "machine_parent": lk.machine_parent, "prior_state": lk.prior_state}


def action_codes(family: str | None = None) -> tuple[str, ...]:
    """The action codes a plan of this family may take (the 八大行动 + O/X by default)."""
    try:
        return families.load(family or None).codes
    except ValueError:
        return families.default().codes


def validate_field(field: str, value, family: str | None = None):
    """The value of a correction, checked against ANNOTATION.md; a bad one raises ReviewError naming the problem."""
    if field not in FIELDS:
        raise ReviewError(f"unknown field {field!r}: one of {', '.join(FIELDS)}")
    if isinstance(value, str) and field not in ("action",):
        try:
            value = json.loads(value)
        except ValueError:
            if field == "departments":
                value = [{"name": n.strip(), "role": "responsible"} for n in value.replace("，", "、").split("、")
                         if n.strip()]
            else:
                raise ReviewError(f"the {field} value must be JSON") from None
    if field == "is_task":
        if not isinstance(value, bool):
            raise ReviewError("is_task takes true or false")
    elif field == "action":
        if value in ("", None):
            value = None
        elif value not in action_codes(family):
            raise ReviewError(f"unknown action {value!r}: one of {', '.join(action_codes(family))}")
    elif field == "departments":
        out = []
        for d in _items(field, value):
            name = str(d.get("name") or d.get("text") or "").strip()
            role = d.get("role", "responsible")
            if not name:
                raise ReviewError("a department needs a name")
            if role not in ROLES:
                raise ReviewError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
            out.append({"text": str(d.get("text") or name), "name": name, "role": role})
        value = out
    elif field == "frequencies":
        for d in _items(field, value):
            if d.get("period") not in PERIODS or not isinstance(d.get("count", 1), int):
                raise ReviewError(f"a frequency needs a period ({', '.join(PERIODS)}) and a whole count")
            d.setdefault("count", 1)
            d.setdefault("at_least", False)
            d.setdefault("text", "")
    elif field == "deadlines":
        import re

        for d in _items(field, value):
            for k in ("start", "end"):
                if d.get(k) is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(d[k])):
                    raise ReviewError(f"deadline {k} must be a date YYYY-MM-DD, not {d[k]!r}")
            d.setdefault("start", None)
            d.setdefault("end", None)
            d.setdefault("ongoing", False)
            d.setdefault("text", "")
            if d["start"] is None and d["end"] is None and not d["ongoing"]:
                raise ReviewError("a deadline needs a start, an end or ongoing")
    elif field == "split":
        if not isinstance(value, list) or len(value) < 2 or not all(isinstance(t, str) and t.strip() for t in value):
            raise ReviewError("split takes two or more non-empty clause texts")
    elif field == "merge":
        if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
            raise ReviewError("merge takes the ids of the clauses to merge into this one")
    return value


def _items(field: str, value) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
        raise ReviewError(f"{field} takes a list of objects")
    return value


def scoped(doc, scope: str):
    """A document restricted to one kind of clause (body / table_row), as the linker's --parent-scope does."""
    return replace(doc, clauses=[c for c in doc.clauses if c.kind == scope]) if scope else doc
