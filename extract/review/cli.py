"""`planlink review …`: open a child/parent pair into the review store, decide links, correct fields, export."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..api import pick_document
from ..errors import ReadError
from ..guard import process_file_limited
from . import report
from .learn import export_gold
from .linkgold import export_link_gold
from .workflow import STATE_ZH, Conflict, ReviewError, ReviewStore, scoped


def main(args) -> int:
    from sqlalchemy.exc import SQLAlchemyError


    if not getattr(args, "review_command", None):
        print("planlink: error: review needs a command: open, queue, decide, note, relink, add, cover, correct, "
              "confirm-table, confirm-links, status, export, log", file=sys.stderr)
        return 2
    try:
        return _HANDLERS[args.review_command](args)
    except ReviewError as exc:
        print(f"planlink: error: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, Conflict) else 2
    except SQLAlchemyError as exc:
        # a database that cannot be reached or refuses the request is one line naming it, not a traceback
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"planlink: error: review database {args.db or 'planlink-review.db'}: {reason}", file=sys.stderr)
        return 2


def _store(args):
    return ReviewStore(args.db)


def _pick(path: str, title: str | None, role: str):
    docs = process_file_limited(path)
    if not docs:
        raise ReviewError(f"{path}: no plan text was found in the file")
    if title:
        doc = pick_document(docs, title)
        if doc is None:
            raise ReviewError(f"{path}: no plan titled {title!r} in the file")
        return doc
    if len(docs) > 1:
        raise ReviewError(f"{path} holds {len(docs)} plans; choose one with --{role}-title "
                          f"(e.g. {docs[0].title!r})")
    return docs[0]


def _open(args) -> int:
    try:
        child = _pick(args.child, args.child_title, "child")
        parent = _pick(args.parent, args.parent_title, "parent")
    except ReadError as exc:
        print(f"planlink: error: {exc}", file=sys.stderr)
        return 2
    scope, child_scope = args.parent_scope or "", args.child_scope or ""
    if child.title == parent.title and (not scope or not child_scope or scope == child_scope):
        raise ReviewError(f"the child and the parent are the same plan ({child.title}): review its annex against its "
                          "body with --child-scope table_row --parent-scope body")
    child, parent = scoped(child, child_scope), scoped(parent, scope)
    for doc, side, s in ((child, "child", child_scope), (parent, "parent", scope)):
        if not doc.tasks:
            raise ReviewError(f"the {side} plan has no task clauses" + (f" in its {s} scope" if s else ""))
    store = _store(args)
    rid = store.open(child, parent, parent_scope=scope, child_scope=child_scope)
    return _print_queue(store, rid, args.format)


def _print_queue(store, rid, fmt) -> int:
    queue = store.queue(rid)
    if fmt == "json":
        keys = ("id", "child", "child_text", "parent", "parent_text", "kind", "score", "state", "changes", "origin",
                "note", "reviewer", "version")
        sys.stdout.write(json.dumps([{k: q[k] for k in keys} for q in queue], ensure_ascii=False, indent=1) + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table


    t = Table(title=f"审查队列（review {rid}）")
    for h in ("编号", "状态", "分数", "关系", "下级条款", "上级条款"):
        t.add_column(h)
    for q in queue:
        t.add_row(q["id"], STATE_ZH[q["state"]], f"{q['score']:.2f}", q["kind"],
                  f"{q['child']} {q['child_text'][:30]}", f"{q['parent']} {q['parent_text'][:30]}")
    Console().print(t)
    return 0


def _queue(args) -> int:
    store = _store(args)
    return _print_queue(store, store.review(args.review).id, args.format)


def _print(obj) -> int:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=1) + "\n")
    return 0


def _decide(args) -> int:
    return _print(_store(args).decide(args.link, args.verdict, reviewer=args.reviewer, note=args.note,
                                      expected_version=args.version))


def _note(args) -> int:
    return _print(_store(args).annotate(args.link, args.text, reviewer=args.reviewer, expected_version=args.version))


def _relink(args) -> int:
    return _print(_store(args).relink(args.link, args.parent_clause, reviewer=args.reviewer, note=args.note,
                                      expected_version=args.version))


def _add(args) -> int:
    return _print(_store(args).add(args.child_clause, args.parent_clause, review_id=args.review, kind=args.kind,
                                   reviewer=args.reviewer, note=args.note))


def _cover(args) -> int:
    return _print(_store(args).cover_elsewhere(args.parent_clause, args.by, review_id=args.review,
                                               reviewer=args.reviewer, note=args.note))


def _plan_of(store, args) -> int:
    rv = store.review(args.review)
    return rv.child_plan if args.plan == "child" else rv.parent_plan


def _correct(args) -> int:
    store = _store(args)
    value = args.value
    if args.field == "is_task":
        value = {"true": True, "false": False, "是": True, "否": False}.get(value.strip().lower(), value)
    return _print(store.correct(_plan_of(store, args), args.clause, args.field, value, reviewer=args.reviewer,
                                expected_version=args.version))


def _confirm_table(args) -> int:
    store = _store(args)
    plan = _plan_of(store, args)
    store.confirm_table(plan, reviewer=args.reviewer)
    return _print({"plan": plan, "confirmed_by": args.reviewer})


def _confirm_links(args) -> int:
    return _print(_store(args).confirm_links(args.review, reviewer=args.reviewer, confirmed=not args.withdraw))


def _status(args) -> int:
    counts = _store(args).status(args.review)
    if args.format == "json":
        return _print(counts)
    for state, zh in STATE_ZH.items():
        print(f"{state:<11}{zh:<8}{counts[state]:>5}")
    print(f"{'total':<11}{'合计':<8}{counts['total']:>5}")
    return 0


def _export(args) -> int:
    store = _store(args)
    out = Path(args.out)
    if args.format == "gold":
        paths = export_gold(store, out)
        print("\n".join(str(p) for p in paths) or "no confirmed task table yet (planlink review confirm-table)")
        return 0
    if args.format == "link-gold":
        paths = export_link_gold(store, out)
        print("\n".join(str(p) for p in paths) or "no review has its links marked complete yet "
              "(planlink review confirm-links)")
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    if args.format == "docx":
        report.write_docx(store, out, args.review, reviewer=args.reviewer)
    elif args.format == "xlsx":
        report.write_xlsx(store, out, args.review)
    elif args.format == "json":
        report.write_json(store, out, args.review)
    else:
        report.write_task_table(store, store.review(args.review).child_plan, out)
    print(out)
    return 0


def _log(args) -> int:
    return _print(_store(args).audit_log(args.target))


_HANDLERS = {"open": _open, "queue": _queue, "decide": _decide, "note": _note, "relink": _relink, "add": _add,
             "cover": _cover, "correct": _correct, "confirm-table": _confirm_table,
             "confirm-links": _confirm_links, "status": _status,
             "export": _export, "log": _log}


if __name__ == "__main__":
    from .args import add_parser

    p = argparse.ArgumentParser(prog="planlink")
    add_parser(p.add_subparsers(dest="command"))
    raise SystemExit(main(p.parse_args()))
