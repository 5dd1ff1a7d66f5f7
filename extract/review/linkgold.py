"""Reviewed links as linkage gold. A review whose links a reviewer marked complete (`planlink review confirm-links`)
exports as a linkage gold file of the corpus/links/ form, beside the two plans as the reviewers left them (their
field corrections, splits and merges applied), so `planlink evaluate --links DIR` scores the linker against the
reviewers' decisions and the linker can be calibrated on real pairs an office has checked.

The gold is the reviewed report (report.py) written as anchors: its links (confirmed, re-linked, added, and machine
links accepted above the threshold; rejected ones left out), its 遗漏 as `dropped` and its 新增 as `novel`. Parent
tasks marked as carried out by another document are listed under `covered_elsewhere`: not dropped, and not scored
as dropped either way (the linker sees one child plan only)."""
from __future__ import annotations

import json
from pathlib import Path

from ..fileio import write_text
from ..model import Document
from .learn import unique_anchor
from .report import held_by, reviewed_report

PLANS = "plans"  # the exported plans' folder beside the gold files: evaluate reads every *.json of the gold folder


def reviewed_document(store, plan_id: int) -> Document:
    """A stored plan with its task table as the reviewers left it (user lexicon, corrections, splits, merges)."""
    dj = store.plan_document(plan_id).to_json()
    return Document.from_json({**dj, "clauses": store.task_table(plan_id)})


def link_gold(store, review_id: int, child: Document, parent: Document) -> dict:
    """The reviewed state of a review as a linkage gold dict (sources left for the caller to name). Anchors are
    verbatim runs naming one clause of its plan; a clause too short to be named so is listed under "skipped". A link
    made before a reviewer split its clause holds for each piece; one made before a merge, for the merged clause."""
    rep = reviewed_report(store, review_id)
    rv = store.review(review_id)
    docs = {"child": child, "parent": parent}
    where = {"child": held_by(store.task_table(rv.child_plan)), "parent": held_by(store.task_table(rv.parent_plan))}
    found: dict[tuple[str, str], str | None] = {}
    skipped: list[dict] = []

    def anchors(side: str, clause_id: str, what: str) -> list[str]:
        out = []
        for cid in where[side].get(clause_id, [clause_id]):
            if (side, cid) not in found:
                clauses = docs[side].clauses
                mine = [c.text for c in clauses if c.id == cid]
                others = [c.text for c in clauses if c.id != cid]
                found[(side, cid)] = unique_anchor(mine[0], others) if mine else None
            if found[(side, cid)] is None:
                skipped.append({"side": side, "clause": cid, "what": what,
                                "reason": "no run of 12 characters names this clause alone"})
            else:
                out.append(found[(side, cid)])
        return out

    links, seen = [], set()
    for lk in rep["links"]:
        for a in anchors("child", lk["child"], f"link {lk['id']}"):
            for b in anchors("parent", lk["parent"], f"link {lk['id']}"):
                if (a, b) not in seen:
                    seen.add((a, b))
                    links.append({"child_anchor": a, "parent_anchor": b, "kind": lk["kind"],
                                  "changes": list(lk["changes"]), "review_link": lk["id"], "state": lk["state"]})
    cov = rep["coverage"]
    dropped = [x for d in cov["dropped"] for x in anchors("parent", d["id"], "dropped")]
    novel = [x for n in cov["novel_child_clauses"] for x in anchors("child", n["id"], "novel")]
    elsewhere = [{"parent_anchor": x, "covered_by": e["covered_by"]} for e in cov["covered_elsewhere"]
                 for x in anchors("parent", e["id"], "covered elsewhere")]
    confirmed = store.links_confirmed(review_id) or {}
    r = rep["review"]
    return {"links": links, "dropped": dropped, "novel": novel, "covered_elsewhere": elsewhere,
            "notes": (f"exported from the review store: review {r['id']} ({r['child_title']} against "
                      f"{r['parent_title']}), links marked complete by {confirmed.get('reviewer') or '?'} on "
                      f"{confirmed.get('confirmed_at') or '?'}; reviewers: {', '.join(r['reviewers']) or '-'}"),
            "skipped": skipped}


def export_link_gold(store, out_dir: str | Path, review_id: int | None = None) -> list[Path]:
    """Every review whose links are marked complete (or only `review_id`) as `review_links_<id>.json` in out_dir,
    its two plans (as planlink document JSON, corrections applied) in out_dir/plans/. Returns the gold files."""
    out = Path(out_dir)
    written = []
    for r in store.reviews():
        if (review_id is not None and r["id"] != review_id) or store.links_confirmed(r["id"]) is None:
            continue
        child, parent = reviewed_document(store, r["child_plan"]), reviewed_document(store, r["parent_plan"])
        names = {}
        for side, doc in (("child", child), ("parent", parent)):
            names[side] = f"{PLANS}/review_links_{r['id']}_{side}.json"
            write_text(out / names[side], json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
        gold = {"child": names["child"], "parent": names["parent"], **link_gold(store, r["id"], child, parent)}
        path = out / f"review_links_{r['id']}.json"
        write_text(path, json.dumps(gold, ensure_ascii=False, indent=1) + "\n")
        written.append(path)
    return written
