"""The planlink command: extract, evaluate, train, link, batch; main(argv) is what tests call."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__

FORMATS = ("json", "table", "xlsx", "csv")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="planlink", description="Turn Chinese policy plans (实施方案/子方案) into "
                                "structured task tables and link them to their parent plans.")
    p.add_argument("--version", action="version", version=f"planlink {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    e = sub.add_parser("extract", help="read a plan (.pdf .docx .doc .wps .txt .html) and print its task table")
    e.add_argument("file")
    e.add_argument("--format", choices=FORMATS, default="json")
    e.add_argument("--out", help="output file for xlsx/csv (default: next to the input, or stdout for csv)")
    e.add_argument("--max-bytes", type=int, default=None, help="refuse files larger than this")
    e.add_argument("--no-ocr", action="store_true", help="never run OCR on scanned pages")
    e.add_argument("--text", action="store_true", help="include each document's full text in the JSON")
    e.add_argument("--db", default=None, help="apply the department names reviewers taught in this review store")

    ev = sub.add_parser("evaluate", help="score the pipeline against gold files (ANNOTATION.md)")
    ev.add_argument("gold_dir")
    ev.add_argument("--split", choices=("dev", "train", "all"), default="all",
                    help="which part of corpus/split.json to score (default: every gold file in the folder)")
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
    lk.add_argument("--format", choices=("json", "table", "xlsx", "md", "html"), default="json")
    lk.add_argument("--out")

    pe = sub.add_parser("peers", help="align plans of the same system to each other: shared and missing tasks")
    pe.add_argument("files", nargs="+")
    pe.add_argument("--title", action="append", default=[],
                    help="pick the plan with this title from a compilation (once per file, in order)")

    b = sub.add_parser("batch", help="process a whole folder of plans")
    b.add_argument("dir")
    b.add_argument("--out", required=True)
    b.add_argument("--parent")
    b.add_argument("--workers", type=int, default=None)
    b.add_argument("--scheduler", default=None, help="tcp://HOST:PORT of a Dask distributed scheduler")

    from .review.cli import add_parser as review_parser

    review_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    handler = {"extract": _extract, "evaluate": _evaluate, "train": _train, "link": _link, "batch": _batch,
               "peers": _peers, "review": _review}
    try:
        return handler[args.command](args)
    except KeyboardInterrupt:
        print("planlink: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def _fail(message: str, code: int = 2) -> int:
    print(f"planlink: error: {message}", file=sys.stderr)
    return code


def load_documents(path: str, *, max_bytes=None, ocr=True, progress=None):
    """Run the pipeline, turning every failure into ReadError so callers print one line."""
    from .errors import ReadError
    from .pipeline import process_file

    try:
        return process_file(path, max_bytes=max_bytes, ocr=ocr, progress=progress)
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(path, "the file is too large to process in memory") from None
    except Exception as exc:  # noqa: BLE001 - bad input must never end in a traceback
        raise ReadError(path, f"could not be processed ({type(exc).__name__}: {exc})") from None


def _extract(args) -> int:
    from .errors import ReadError

    try:
        docs = load_documents(args.file, max_bytes=args.max_bytes, ocr=not args.no_ocr)
    except ReadError as exc:
        return _fail(str(exc))
    if not docs:
        return _fail(f"{args.file}: no plan text was found in the file")
    if args.db:
        from .review.learn import lexicon_from_db

        try:
            lexicon_from_db(args.db).apply(docs)
        except Exception as exc:  # noqa: BLE001 - an unreachable database is one line, not a traceback
            return _fail(f"review database {args.db}: {str(exc).splitlines()[0]}")
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
    from .evaluate import main as evaluate_main

    return evaluate_main(args)


def _train(args) -> int:
    if getattr(args, "with_reviews", False):
        from .classify.train import GOLD, MODELS
        from .review.learn import train_with_reviews

        meta = train_with_reviews(args.db, Path(args.gold) if args.gold else GOLD,
                                  Path(args.out) if args.out else MODELS)
        print(json.dumps(meta, ensure_ascii=False, indent=1))
        return 0
    from .classify.train import main as train_main

    return train_main(args)


def _link(args) -> int:
    from .link.cli import main as link_main

    return link_main(args)


def _peers(args) -> int:
    from .errors import ReadError
    from .evaluate import pick_document
    from .link.report import compare_peers

    plans = []
    for k, path in enumerate(args.files):
        try:
            docs = load_documents(path)
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
