"""planlink link CHILD --parent PARENT [--parent GRANDPARENT …]: links, coverage and reports."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import ReadError
from ..export import atomic_output


def main(args) -> int:
    from ..cli import _fail, limits_from, load_documents
    from .report import link_documents, to_html, to_markdown, write_xlsx

    limits = limits_from(args)
    try:
        child = load_documents(args.child, limits=limits)
        parents = [load_documents(p, limits=limits) for p in args.parent]
    except ReadError as exc:
        return _fail(str(exc))
    from ..evaluate import pick_document

    titles = list(getattr(args, "parent_title", []) or [])
    for k, docs in enumerate(parents):
        title = titles[k] if k < len(titles) else ""
        if title:
            doc = pick_document(docs, title)
            if doc is None:
                return _fail(f"{args.parent[k]}: no plan titled {title!r} in the file; its plans: "
                             + "; ".join(d.title for d in docs))
            parents[k] = [doc]
        elif len(docs) > 1 and not getattr(args, "parent_all", False):
            # pooling every plan of a compilation reports nearly all of them as dropped: make the user choose
            return _fail(f"{args.parent[k]}: the parent file holds {len(docs)} plans; choose one with "
                         "--parent-title TITLE (or link against all of them with --parent-all): "
                         + "; ".join(d.title for d in docs))
    reports = [link_documents(child, p) for p in parents]
    report = dict(reports[0])
    if len(reports) > 1:
        report["ancestors"] = [{"parent": str(path), **r} for path, r in zip(args.parent[1:], reports[1:])]
    child_title = child[0].title if child else args.child
    parent_title = parents[0][0].title if parents[0] else args.parent[0]
    fmt = args.format
    if fmt == "json":
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "table":
        cov = report["coverage"]
        print(f"{child_title} -> {parent_title}")
        print(f"parent tasks {cov['parent_clauses']}, covered {cov['covered']}, dropped {len(cov['dropped'])}, "
              f"novel {len(cov['novel_child_clauses'])}")
        if cov.get("unrelated"):
            print(f"the plans look unrelated: {cov['relatedness']:.0%} of the child's tasks resemble a parent task; "
                  "no links are made")
        for lk in report["links"]:
            print(f"{lk['child']:>12} -> {lk['parent']:<12} {lk['kind']:<11} {lk['score']:.2f} {','.join(lk['changes'])}")
    else:
        target = Path(args.out or Path(args.child).with_suffix(f".link.{fmt}"))
        if fmt == "xlsx":
            write_xlsx(report, target, child_title, parent_title)
        else:
            text = to_html(report, child_title, parent_title) if fmt == "html" else to_markdown(
                report, child_title, parent_title)
            with atomic_output(target) as tmp:
                tmp.write_text(text, encoding="utf-8")
        print(target)
    return 0
