"""The planlink command: extract, evaluate, train, link, batch, review; main(argv) is what tests call.

Each subcommand imports what it needs when it runs (deliberately, not at module top), so that `planlink --version`
and `--help` start without loading the pipeline, spaCy or the models."""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from . import __version__
from .errors import ModelMissing, OutputError
from .fileio import write_text
from .limits import Limits

FORMATS = ("json", "table", "xlsx", "csv")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planlink", description="Turn Chinese policy plans (实施方案/子方案) into "
                                "structured task tables and link them to their parent plans.")
    p.add_argument("--version", action="version", version=f"planlink {__version__}")
    p.add_argument("-v", "--verbose", dest="log_verbose", action="store_true",
                   help="log each step and every fallback to stderr")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    e = sub.add_parser("extract", help="read a plan (.pdf .docx .doc .wps .txt .html) and print its task table")
    e.add_argument("file")
    e.add_argument("--format", choices=FORMATS, default="json")
    e.add_argument("--out", help="output file for xlsx/csv (default: next to the input, or stdout for csv)")
    e.add_argument("--max-bytes", type=int, default=None, help="refuse files larger than this")
    e.add_argument("--no-ocr", action="store_true", help="never run OCR on scanned pages")
    e.add_argument("--text", action="store_true", help="include each document's full text in the JSON")
    e.add_argument("--family", default=None,
                   help="plan family whose actions the tasks are classified against: a name under extract/families "
                        "or a folder holding a family.yaml (default: the 2024 安全生产治本攻坚 八大行动)")
    e.add_argument("--db", default=None, help="apply what reviewers did in this review store: the department names "
                   "they taught, and their corrections of this plan's fields")
    _common(e)

    ev = sub.add_parser("evaluate", help="score the pipeline against gold files (ANNOTATION.md)")
    ev.add_argument("gold_dir")
    ev.add_argument("--split", choices=("dev", "train", "test", "all"), default="all",
                    help="which part of corpus/split.json to score (default: every gold file in the folder); test holds plans "
                         "written after the rules, scored once and never tuned on")
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    ev.add_argument("--links", action="store_true", help="GOLD_DIR holds linkage gold: score links")
    ev.add_argument("--verbose", action="store_true", help="list every miss and false hit")

    t = sub.add_parser("train", help="retrain the is_task and action classifiers from corpus/gold")
    t.add_argument("--gold", default=None)
    t.add_argument("--out", default=None)
    t.add_argument("--with-reviews", action="store_true",
                   help="also train on the task tables reviewers confirmed in the review store (--db)")
    t.add_argument("--db", default=None, help="review database for --with-reviews (default: PLANLINK_DB, else "
                                               "planlink-review.db)")

    lk = sub.add_parser("link", help="link a child plan's clauses to its parent plan(s)")
    lk.add_argument("child")
    lk.add_argument("--parent", action="append", required=True)
    lk.add_argument("--parent-title", action="append", default=[],
                    help="the plan to link against when a parent file is a compilation (once per --parent, in order)")
    lk.add_argument("--parent-all", action="store_true",
                    help="a compilation given as --parent: link against all of its plans together")
    lk.add_argument("--actions-from-parent", action="store_true",
                    help="classify the child's tasks by the actions the parent groups its tasks under (e.g. a city's 九大行动)")
    lk.add_argument("--format", choices=("json", "table", "xlsx", "md", "html"), default="json")
    lk.add_argument("--out")
    _common(lk)

    pe = sub.add_parser("peers", help="align plans of the same system to each other: shared and missing tasks")
    pe.add_argument("files", nargs="+")
    pe.add_argument("--title", action="append", default=[],
                    help="pick the plan with this title from a compilation (once per file, in order)")
    _common(pe)

    b = sub.add_parser("batch", help="process a whole folder of plans")
    b.add_argument("dir")
    b.add_argument("--out", required=True)
    b.add_argument("--parent")
    b.add_argument("--parent-title", default="", help="the plan to use when the parent file is a compilation")
    b.add_argument("--parent-all", action="store_true", help="a compilation as --parent: use all of its plans")
    b.add_argument("--workers", type=int, default=None)
    b.add_argument("--scheduler", default=None, help="tcp://HOST:PORT of a Dask distributed scheduler")
    b.add_argument("--wait-workers", type=float, default=60.0,
                   help="seconds to wait for the Dask scheduler and its first worker (default 60)")
    b.add_argument("--max-bytes", type=int, default=None, help="refuse files larger than this")
    b.add_argument("--retry-failed", action="store_true", help="process again the files that failed before")
    b.add_argument("--include", action="append", default=[], metavar="EXT",
                   help="also read files with this extension (e.g. --include .text); by default only "
                        ".pdf .docx .doc .wps .txt .html .htm are read")
    b.add_argument("--db", default=None, help="apply what reviewers did in this review store (department names "
                   "they taught, corrections of the plans it holds) to every output; a later review re-runs the plans")
    _common(b)

    from .review.args import add_parser as review_parser

    review_parser(sub)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    """Options every file-processing command takes."""
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds one file may take (default 600, or PLANLINK_TIMEOUT)")
    p.add_argument("--max-memory", type=int, default=None, metavar="MB",
                   help="memory one file may take, in MB (default 2048, or PLANLINK_MAX_MEMORY_MB)")
    p.add_argument("--verbose", dest="log_verbose", action="store_true", default=argparse.SUPPRESS,
                   help="log each step and every fallback to stderr")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    from . import log

    log.setup(getattr(args, "log_verbose", False))
    handler = {"extract": _extract, "evaluate": _evaluate, "train": _train, "link": _link, "batch": _batch,
               "peers": _peers, "review": _review}
    try:
        return handler[args.command](args)
    except ModelMissing as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("planlink: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OutputError as exc:
        return _fail(str(exc))
    except sqlite3.Error as exc:
        return _fail(f"{getattr(exc, 'planlink_path', 'the batch store')}: {exc}")
    except OSError as exc:
        where = exc.filename or "output"
        return _fail(f"{where}: {exc.strerror or exc}")


def _fail(message: str, code: int = 2) -> int:
    print(f"planlink: error: {message}", file=sys.stderr)
    return code


def _load(path: str, args, **kw):
    """One file through the pipeline in a child process under the per-file limits (time, memory)."""
    from .guard import process_file_limited

    return process_file_limited(path, limits=Limits.from_args(args), **kw)


def _extract(args) -> int:
    from . import families
    from .errors import ReadError

    try:
        families.load(args.family)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        docs = _load(args.file, args, ocr=not args.no_ocr, family=args.family, preload=False)
    except ReadError as exc:
        return _fail(str(exc))
    if not docs:
        return _fail(f"{args.file}: no plan text was found in the file")
    if args.db:
        from .review.workflow import ReviewError, reviewed_documents

        try:
            docs, _ = reviewed_documents(args.db, docs)
        except ReviewError as exc:
            return _fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - an unreachable database is one line, not a traceback
            return _fail(f"review database {args.db}: {str(exc).strip().splitlines()[0]}")
    if args.format == "json":
        out = {"documents": [_doc_json(d, args.text) for d in docs]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return 0
    if args.format == "table":
        from .export import print_table

        print_table(docs)
        return 0
    from .export import write_csv, write_xlsx

    target = args.out
    if args.format == "xlsx":
        target = target or str(Path(args.file).with_suffix(".xlsx"))
        write_xlsx(docs, target)
        print(target)
    else:
        if target:
            write_csv(docs, target)
            print(target)
        else:
            write_csv(docs, sys.stdout)
    return 0


def _doc_json(doc, with_text: bool) -> dict:
    d = doc.to_json()
    if not with_text:
        d.pop("text", None)
    return d


def _evaluate(args) -> int:
    if args.links:
        from .link.evaluate import main as link_evaluate

        return link_evaluate(args)
    from .evaluate import main as evaluate_main

    return evaluate_main(args)


def _train(args) -> int:
    if getattr(args, "with_reviews", False):
        from .classify.train import GOLD, MODELS
        from .review.learn import train_with_reviews
        from .review.workflow import ReviewStore

        store = ReviewStore(args.db)
        try:
            meta = train_with_reviews(store, Path(args.gold) if args.gold else GOLD,
                                      Path(args.out) if args.out else MODELS)
        finally:
            store.close()
        print(json.dumps(meta, ensure_ascii=False, indent=1))
        return 0
    from .classify.train import main as train_main

    return train_main(args)


def _link(args) -> int:
    from .api import ReadError, link_documents, pick_document
    from .link.report import to_html, to_markdown, write_xlsx

    try:
        child = _load(args.child, args)
        parents = [_load(p, args) for p in args.parent]
    except ReadError as exc:
        return _fail(str(exc))
    titles = list(getattr(args, "parent_title", []) or [])
    for k, docs in enumerate(parents):
        title = titles[k] if k < len(titles) else ""
        if title:
            doc = pick_document(docs, title)
            if doc is None:
                return _fail(f"{args.parent[k]}: no plan titled {title!r} in the file; its plans: "
                             + "; ".join(d.title for d in docs))
            parents[k] = [doc]
        elif len(docs) > 1 and not args.parent_all:
            # pooling every plan of a compilation reports nearly all of them as dropped: make the user choose
            return _fail(f"{args.parent[k]}: the parent file holds {len(docs)} plans; choose one with "
                         "--parent-title TITLE (or link against all of them with --parent-all): "
                         + "; ".join(d.title for d in docs))
    reports = [link_documents(child, p, actions_from_parent=args.actions_from_parent and k == 0)
               for k, p in enumerate(parents)]
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
            write_text(target, text)
        print(target)
    return 0


def _peers(args) -> int:
    from .api import ReadError, pick_document
    from .link.report import compare_peers

    plans = []
    for k, path in enumerate(args.files):
        try:
            docs = _load(path, args)
        except ReadError as exc:
            return _fail(str(exc))
        if k < len(args.title) and args.title[k]:
            doc = pick_document(docs, args.title[k])
            if doc is None:
                return _fail(f"{path}: no plan titled {args.title[k]!r} in the file")
            docs = [doc]
        plans.append(docs)
    sys.stdout.write(json.dumps(compare_peers(plans), ensure_ascii=False, indent=1) + "\n")
    return 0


def _review(args) -> int:
    from .review.cli import main as review_main

    return review_main(args)


def _batch(args) -> int:
    from .batch import main as batch_main

    return batch_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
