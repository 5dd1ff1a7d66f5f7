"""planlink batch: a folder of plans -> per-plan tables, one workbook, a coverage matrix, a graph, errors.csv;
resumable after a kill, local worker processes or a Dask distributed cluster."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from . import families
from .fileio import atomic_path, write_text
from .readers import SUPPORTED



def find_files(root: Path) -> list[Path]:
    out = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith((".", "~$")):
                continue
            p = Path(dirpath) / name
            if p.suffix.lower() in SUPPORTED or p.suffix == "":
                out.append(p)
    return sorted(out)


def file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


_PARENT_CACHE: dict[str, tuple] = {}


def _parent(parent_path: str | None):
    if not parent_path:
        return None
    if parent_path not in _PARENT_CACHE:
        from .link.align import ParentIndex
        from .link.report import task_clauses
        from .pipeline import process_file

        docs = process_file(parent_path)
        _PARENT_CACHE[parent_path] = (docs, ParentIndex(task_clauses(docs, len(docs) > 1)))
    return _PARENT_CACHE[parent_path]


def process_one(path: str, parent_path: str | None = None) -> dict:
    """Worker: one file -> its documents (as JSON) and their links to the parent, or the reason it failed."""
    from .api import load_documents
    from .errors import ReadError

    t = time.perf_counter()
    try:
        docs = load_documents(path)
        if not docs:
            raise ReadError(path, "no plan text was found in the file")
    except ReadError as exc:
        return {"path": path, "error": exc.reason, "docs": [], "links": []}
    links = []
    parent = _parent(parent_path)
    if parent is not None:
        from .link.report import link_documents

        for d in docs:
            links.append(link_documents([d], parent[0], parent[1]))
    return {"path": path, "error": None, "docs": [d.to_json() for d in docs], "links": links,
            "seconds": time.perf_counter() - t}


def fingerprint(doc) -> str:
    from .segment import fold

    return hashlib.sha1("\n".join(fold(c.text) for c in doc.clauses).encode("utf-8")).hexdigest()


def _write_plan(out: Path, plan_id: str, doc) -> None:
    from .export import write_xlsx

    plans = out / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    write_xlsx([doc], plans / f"{plan_id}.xlsx")
    d = doc.to_json()
    d.pop("text", None)
    write_text(plans / f"{plan_id}.json", json.dumps({"documents": [d]}, ensure_ascii=False, indent=1))


def run(root: Path, out: Path, *, parent: str | None = None, workers: int | None = None,
        scheduler: str | None = None, progress: bool = True) -> int:
    from .model import Document
    from .store import Store

    out.mkdir(parents=True, exist_ok=True)
    store = Store(out / "planlink.db")
    files = find_files(root)
    todo: list[tuple[Path, str]] = []
    queued: set[str] = set()
    for p in files:
        try:
            sha = file_sha(p)
        except OSError as exc:
            store.save_error(hashlib.sha256(str(p).encode()).hexdigest(), str(p), f"cannot be read ({exc.strerror})")
            continue
        if not store.done(sha) and sha not in queued:  # an identical file is processed once
            queued.add(sha)
            todo.append((p, sha))
    shas = {str(p): sha for p, sha in todo}
    bar = _progress(len(files), len(files) - len(todo)) if progress else None
    for result in _execute([str(p) for p, _ in todo], parent, workers, scheduler):
        path = result["path"]
        sha = shas[path]
        if bar:
            bar(path)
        if result["error"]:
            store.save_error(sha, path, result["error"])
            continue
        docs = [Document.from_json(d) for d in result["docs"]]
        fps, dups = [], []
        for d in docs:
            fp = fingerprint(d)
            fps.append(fp)
            dup = store.find_fingerprint(fp)
            dups.append(dup if dup != f"{sha[:16]}:{d.index}" else None)
            if dups[-1] is None:
                _write_plan(out, f"{sha[:12]}_{d.index}", d)
        links = [(f"{sha[:16]}:{d.index}", r) for d, r in zip(docs, result["links"])]
        store.save_file(sha, path, docs, fps, dups, links, result.get("seconds", 0.0))
    if bar:
        bar(None)
    fresh = all((out / name).is_file() for name in ("summary.xlsx", "graph.graphml", "graph.json", "errors.csv"))
    if todo or not fresh:  # a rerun with nothing left to do keeps the summary it already wrote
        write_summary(store, out, parent)
    failed = len(store.errors())
    store.close()
    return 1 if failed else 0


def _progress(total: int, already: int):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn("[bold]处理中"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                    TextColumn("{task.description}"), transient=False, disable=not sys.stderr.isatty())
    prog.start()
    task = prog.add_task("", total=total, completed=already)

    def step(path):
        if path is None:
            prog.stop()
            return
        prog.update(task, advance=1, description=Path(path).name[:40])

    return step


def _execute(paths: list[str], parent: str | None, workers: int | None, scheduler: str | None):
    if not paths:
        return
    if scheduler:
        from dask.distributed import Client, as_completed

        with Client(scheduler) as client:
            futures = client.map(process_one, paths, parent_path=parent, pure=False)
            for fut in as_completed(futures):
                yield fut.result()
        return
    workers = workers or max(1, (os.cpu_count() or 2))
    if workers == 1:
        for p in paths:
            yield process_one(p, parent)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed as cf_completed

    with ProcessPoolExecutor(max_workers=workers) as pool:
        futs = [pool.submit(process_one, p, parent) for p in paths]
        for fut in cf_completed(futs):
            yield fut.result()


def write_summary(store, out: Path, parent: str | None) -> None:
    """summary.xlsx, graph.graphml/json and errors.csv from the store, each written atomically."""
    from openpyxl import Workbook

    from .export import COLUMNS, WIDTHS, fill_sheet, rows
    from .link.graph import build_graph, export

    docs = store.documents()
    wb = Workbook()
    ws = wb.active
    ws.title = "全部任务"
    fill_sheet(ws, COLUMNS, rows(docs, tasks_only=True), WIDTHS)
    cov = wb.create_sheet("八大行动覆盖")
    matrix = []
    for d in docs:
        counts = {k: 0 for k in families.default().codes}
        for c in d.tasks:
            if c.action in counts:
                counts[c.action] += 1
        matrix.append([d.title, d.issuer] + [counts[k] for k in families.default().codes] + [len(d.tasks)])
    fill_sheet(cov, ["文件", "发文机关", *families.default().codes, "任务合计"], matrix, [50, 24] + [6] * 10 + [8])
    link_rows = store.links()
    if parent:
        _parent_matrix(wb, store, link_rows, _parent(parent)[0])
    dups = [r for r in store.document_rows() if r[3]]
    if dups:
        fill_sheet(wb.create_sheet("重复文件"), ["文件", "标题", "与之重复"], [[r[2], r[1], r[3]] for r in dups],
                   [50, 50, 24])
    with atomic_path(out / "summary.xlsx") as tmp:
        wb.save(tmp)

    g = build_graph(docs)
    export(g, out / "graph.graphml", out / "graph.json")

    with atomic_path(out / "errors.csv") as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "reason"])
        w.writerows(store.errors())


def _parent_matrix(wb, store, link_rows, parent_docs) -> None:
    from .export import fill_sheet
    from .model import TIGHTENING, WEAKENING

    status: dict[str, dict[str, str]] = {}
    parents: set[str] = set()
    for doc_id, _child, parent, _kind, _score, changes in link_rows:
        parents.add(parent)
        ch = set(filter(None, (changes or "").split(",")))
        mark = "弱化" if ch & WEAKENING else "强化" if ch & TIGHTENING else "落实"
        cur = status.setdefault(doc_id, {}).get(parent)
        if cur != "弱化":
            status[doc_id][parent] = mark
    titles = {r[0]: r[1] for r in store.document_rows() if not r[3]}
    from .link.report import task_clauses

    # every parent task is a column, linked or not, headed by its id and the start of its text
    cols = [c for c in task_clauses(parent_docs, len(parent_docs) > 1)]
    data = [[titles[d]] + [status.get(d, {}).get(c.id, "遗漏") for c in cols] for d in titles]
    fill_sheet(wb.create_sheet("上级任务覆盖"), ["文件", *[f"{c.id} {c.text[:16]}" for c in cols]], data,
               [50] + [12] * len(cols))


def main(args) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        print(f"planlink: error: {root}: not a folder", file=sys.stderr)
        return 2
    code = run(root, Path(args.out), parent=args.parent, workers=args.workers, scheduler=args.scheduler)
    from .store import Store

    store = Store(Path(args.out) / "planlink.db")
    errs = store.errors()
    n_docs = len(store.document_rows())
    store.close()
    print(f"{n_docs} plans, {len(errs)} files failed; outputs in {args.out}")
    for path, reason in errs:
        print(f"planlink: error: {path}: {reason}", file=sys.stderr)
    return code
