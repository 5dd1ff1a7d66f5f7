"""planlink batch: a folder of plans -> per-plan tables, one workbook, a coverage matrix, a graph, errors.csv;
resumable after a kill, local worker processes or a Dask distributed cluster; a worker that dies or runs over its
limits fails its file only; the summary outputs are rebuilt from the store at the end of every run."""
from __future__ import annotations

import csv
import hashlib
import json
import logging
import os
import select
import stat
import sys
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from . import families, guard
from .api import pick_document
from .errors import Code, OutputError, ReadError
from .export import COLUMNS, WIDTHS, csv_rows, fill_sheet, rows, write_xlsx
from .fileio import TEMP_PREFIX, atomic_path, write_text
from .guard import Child, close_in_child, failure, keep_in_child
from .limits import Limits
from .link.index import ParentIndex
from .link.graph import build_graph, export
from .link.report import link_documents, task_clauses
from .model import TIGHTENING, WEAKENING, Document
from .pipeline import process_file
from .readers import SUPPORTED
from .review.workflow import ReviewError, reviewed_documents
from .store import Store
from .text import fold

LOCK_NAME = ".planlink.lock"
STATE_NAME = ".planlink.state"  # digest of the store state the summary outputs were built from
OUTPUTS = ("summary.xlsx", "graph.graphml", "graph.json", "errors.csv")
_log = logging.getLogger("planlink.batch")


class BatchError(Exception):
    """A batch that cannot run at all (no scheduler, no workers, another batch on the same output)."""


# --- which files ------------------------------------------------------------------------------------------


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def scan(root: Path, include: list[str] | tuple = ()) -> tuple[list[Path], list[tuple[str, str]]]:
    """The regular files under `root` with a supported (or --include'd) extension, sorted; and the entries skipped
    with the reason: symbolic links leading outside the folder (or in a loop), FIFOs, devices, sockets."""
    real_root = root.resolve()
    wanted = {e.lower() if not e or e.startswith(".") else "." + e.lower() for e in include}
    files: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for dirpath, dirs, names in os.walk(root):
        for d in list(dirs):
            p = Path(dirpath) / d
            if p.is_symlink():  # never followed: inside the folder its files are reached by their real path
                target = _resolve(p)
                if target is None or not _inside(target, real_root):
                    skipped.append((str(p), f"symbolic link to a folder outside the input ({target or 'a loop'})"))
        dirs.sort()
        for name in sorted(names):
            if name.startswith((".", "~$")):
                continue
            p = Path(dirpath) / name
            ext = p.suffix.lower()
            if ext not in SUPPORTED and ext not in wanted:
                _log.debug("%s: ignored (extension %r is not read; --include %s to read it)", p, ext, ext or '""')
                continue
            if p.is_symlink():
                target = _resolve(p)
                if target is None:
                    skipped.append((str(p), "symbolic link that is broken or loops"))
                    continue
                if not _inside(target, real_root):
                    skipped.append((str(p), f"symbolic link leading outside the input folder ({target})"))
                    continue
            try:
                mode = p.stat().st_mode
            except OSError as exc:
                skipped.append((str(p), f"cannot be read ({exc.strerror})"))
                continue
            if not stat.S_ISREG(mode):
                skipped.append((str(p), "not a regular file (a FIFO, device or socket)"))
                continue
            files.append(p)
    return sorted(files), sorted(skipped)


def _resolve(p: Path) -> Path | None:
    try:
        return p.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


def file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- one file (runs in a worker) ----------------------------------------------------------------------------

_PARENT_CACHE: dict[tuple, tuple] = {}


@dataclass(frozen=True)
class ParentSpec:
    """The parent plan of a batch: a file, and the plan chosen in it when it is a compilation ("" = all)."""

    path: str
    title: str = ""


def _parent(spec: ParentSpec | str | None):
    """(parent documents, their index), read once per process."""
    if not spec:
        return None
    if isinstance(spec, str):
        spec = ParentSpec(spec)
    key = (spec.path, spec.title)
    if key not in _PARENT_CACHE:
        docs = process_file(spec.path)
        if spec.title:
            doc = pick_document(docs, spec.title)
            if doc is None:
                raise BatchError(f"{spec.path}: no plan titled {spec.title!r} in the file; its plans: "
                                 + "; ".join(d.title for d in docs))
            docs = [doc]
        _PARENT_CACHE[key] = (docs, ParentIndex(task_clauses(docs, len(docs) > 1)))
    return _PARENT_CACHE[key]


def check_parent(spec: ParentSpec, parent_all: bool = False) -> None:
    """A compilation as parent needs a chosen plan (or --parent-all): pooling 27 plans reports nearly all dropped."""
    docs = _parent(spec)[0]
    if len(docs) > 1 and not spec.title and not parent_all:
        raise BatchError(f"{spec.path}: the parent file holds {len(docs)} plans; choose one with --parent-title "
                         "TITLE (or use all of them with --parent-all): " + "; ".join(d.title for d in docs))


def process_one(path: str, parent_path: ParentSpec | str | None = None, limits: Limits | None = None,
                guarded: bool = False) -> dict:
    """Worker: one file -> its documents (as JSON) and their links to the parent, or the reason it failed.
    `guarded` runs the file in a child process under the limits (Dask workers); the local pool's workers are
    themselves watched by the batch, so they run it here."""
    limits = limits or Limits.from_env()
    t = time.perf_counter()
    try:
        if guarded:
            docs = guard.run_limited(guard.documents, path, limits=limits, max_bytes=limits.max_bytes)
        else:
            docs = guard.documents(path, max_bytes=limits.max_bytes)
    except ReadError as exc:
        return {"path": path, "error": exc.reason, "code": exc.code.value, "docs": [], "links": []}
    except MemoryError:
        return {"path": path, "error": "the file is too large to process in memory", "code": Code.MEMORY.value,
                "docs": [], "links": []}
    links = []
    parent = _parent(parent_path)
    if parent is not None:
        for d in docs:
            links.append(link_documents([d], parent[0], parent[1]))
    return {"path": path, "error": None, "code": None, "docs": [d.to_json() for d in docs], "links": links,
            "seconds": time.perf_counter() - t}


def fingerprint(doc) -> str:
    return hashlib.sha1("\n".join(fold(c.text) for c in doc.clauses).encode("utf-8")).hexdigest()


def _write_plan(out: Path, plan_id: str, doc) -> None:
    plans = out / "plans"
    write_xlsx([doc], plans / f"{plan_id}.xlsx")
    d = doc.to_json()
    d.pop("text", None)
    write_text(plans / f"{plan_id}.json", json.dumps({"documents": [d]}, ensure_ascii=False, indent=1))


# --- the run --------------------------------------------------------------------------------------------------


class _Lock:
    """An exclusive lock on --out held for the whole run (released by the OS if the run is killed)."""

    def __init__(self, out: Path):
        self.path = out / LOCK_NAME
        self.fh = None

    def __enter__(self):
        import fcntl

        try:
            self.fh = open(self.path, "a+")
        except OSError as exc:
            raise OutputError(str(self.path), exc.strerror or str(exc)) from None
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self.fh.seek(0)
            holder = self.fh.read().strip()
            self.fh.close()
            raise BatchError(f"{self.path.parent}: another planlink batch is writing to this folder"
                             + (f" (process {holder})" if holder else "") + "; wait for it or choose another --out")
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(str(os.getpid()))
        self.fh.flush()
        close_in_child(self.fh.fileno())
        return self

    def __exit__(self, *exc):
        if self.fh:
            keep_in_child(self.fh.fileno())
            self.fh.close()


def clean_temp(out: Path) -> int:
    """Remove temporary files a killed run left in the output folders."""
    n = 0
    for folder in (out, out / "plans"):
        if not folder.is_dir():
            continue
        for p in folder.iterdir():
            if p.name.startswith(TEMP_PREFIX) or (p.name.startswith(".") and p.name.endswith(".tmp")):
                try:
                    p.unlink()
                    n += 1
                except OSError:
                    pass
    if n:
        _log.info("removed %d temporary files left by an earlier run", n)
    return n


def run(root: Path, out: Path, *, parent: str | None = None, workers: int | None = None,
        scheduler: str | None = None, progress: bool = True, limits: Limits | None = None,
        retry_failed: bool = False, include: list[str] | tuple = (), wait_workers: float = 60.0,
        task=None, parent_title: str = "", parent_all: bool = False, review_db: str | None = None) -> int:
    """Process the folder; 1 when some file failed, 0 otherwise. `task` replaces process_one (fault-injection
    tests). With `review_db`, every plan is written as its reviewers left it (see reviewed_documents); the state
    of the reviews is part of the run's settings, so plans are processed again after a review changed."""
    limits = limits or Limits.from_env()
    settings = limits.settings()
    if review_db:
        settings["reviews"] = review_state(review_db)
    settings = json.dumps(settings, sort_keys=True)
    spec = ParentSpec(str(parent), parent_title or "") if parent else None
    if spec:
        check_parent(spec, parent_all)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(out), exc.strerror or str(exc)) from None
    with _Lock(out):
        clean_temp(out)
        (out / "plans").mkdir(exist_ok=True)
        store = Store(out / "planlink.db")
        try:
            files, skipped = scan(root, include)
            entries: list[tuple[str, str | None, str, str]] = [(p, None, Code.SKIPPED.value, reason)
                                                               for p, reason in skipped]
            todo: list[tuple[Path, str]] = []
            queued: set[str] = set()
            for p in files:  # sorted: the first path of identical files is the one processed
                try:
                    sha = file_sha(p)
                except OSError as exc:
                    entries.append((str(p), None, Code.UNREADABLE.value, f"cannot be read ({exc.strerror})"))
                    continue
                entries.append((str(p), sha, "", ""))
                if sha in queued:
                    continue
                queued.add(sha)
                if store.needs_run(sha, settings, retry_failed):
                    todo.append((p, sha))
            store.set_paths(entries)
            shas = {str(p): sha for p, sha in todo}
            bar = _progress(len(files), len(files) - len(todo)) if progress else None
            fn = task or process_one
            try:
                for result in _execute([str(p) for p, _ in todo], spec, workers, scheduler, limits, fn,
                                       wait_workers):
                    path = result["path"]
                    sha = shas[path]
                    if bar:
                        bar(path)
                    if result["error"]:
                        _log.info("%s: failed (%s)", path, result["error"])
                        store.save_error(sha, path, result["error"], result.get("code") or Code.UNREADABLE.value,
                                         settings)
                        continue
                    docs = [Document.from_json(d) for d in result["docs"]]
                    if review_db:
                        docs, _ = reviewed_documents(review_db, docs)
                    for d in docs:
                        _write_plan(out, f"{sha[:12]}_{d.index}", d)
                    fps = [fingerprint(d) for d in docs]
                    links = [(f"{sha[:16]}:{d.index}", r) for d, r in zip(docs, result["links"])]
                    store.save_file(sha, path, docs, fps, links, result.get("seconds", 0.0), settings)
            finally:
                if bar:
                    bar(None)
            # every run rebuilds the outputs unless they were completed from this very state of the store: the
            # state's digest is written after the last output, so a run killed while writing them rebuilds them all
            state = store.state_digest(repr(spec))
            if not _outputs_current(out, state):
                (out / STATE_NAME).unlink(missing_ok=True)
                write_summary(store, out, spec)
                write_text(out / STATE_NAME, state)
            failed = len(store.failed_paths())  # failed files and skipped entries: errors.csv is not empty
        finally:
            store.close()
    return 1 if failed else 0


def review_state(db: str) -> str:
    """The digest of a review store's state; a store that cannot be opened is a BatchError naming it."""
    try:
        return reviewed_documents(db, [])[1]
    except ReviewError as exc:
        raise BatchError(f"review database {db}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - an unreachable or foreign database is one line, not a traceback
        raise BatchError(f"review database {db}: {str(exc).strip().splitlines()[0]}") from None


def _outputs_current(out: Path, state: str) -> bool:
    try:
        recorded = (out / STATE_NAME).read_text(encoding="utf-8")
    except OSError:
        return False
    return recorded == state and all((out / name).is_file() for name in OUTPUTS)


def _progress(total: int, already: int):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

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


def _failed(path: str, err: ReadError) -> dict:
    return {"path": path, "error": err.reason, "code": err.code.value, "docs": [], "links": []}


OCR_WORKERS = "PLANLINK_OCR_WORKERS"


def _execute(paths: list[str], parent: ParentSpec | None, workers: int | None, scheduler: str | None, limits: Limits,
             fn, wait_workers: float = 60.0):
    if not paths:
        return
    if scheduler:
        yield from _execute_dask(paths, parent, scheduler, limits, fn, wait_workers)
        return

    workers = max(1, min(workers or os.cpu_count() or 2, len(paths)))
    if not guard.available():
        for p in paths:
            yield fn(p, parent, limits)
        return
    guard.warm()
    _parent(parent)  # read once here: every worker starts with it
    # the file workers keep the cores busy: a scanned file's pages are recognized one at a time in its worker, not
    # on page threads of their own (forked workers inherit the setting)
    saved = os.environ.get(OCR_WORKERS)
    if workers > 1 and saved is None:
        os.environ[OCR_WORKERS] = "1"
    try:
        yield from _execute_local(paths, parent, workers, limits, fn)
    finally:
        if saved is None:
            os.environ.pop(OCR_WORKERS, None)


def _execute_local(paths: list[str], parent: ParentSpec | None, workers: int, limits: Limits, fn):
    """A pool of forked workers, one file at a time each. A worker that dies fails its file (killed) and is
    replaced; one over the wall clock or the memory limit is killed and fails its file (timeout, memory)."""
    pending = deque(paths)
    pool: list[Child] = []
    try:
        while pending or any(c.started for c in pool):
            while pending and (len(pool) < workers or any(not c.started for c in pool)):
                idle = next((c for c in pool if not c.started), None)
                if idle is None:
                    idle = Child.start()
                    pool.append(idle)
                path = pending.popleft()
                idle.submit(fn, (path, parent, limits), {}, label=path)
            busy = [c for c in pool if c.started]
            ready, _, _ = select.select([c.answers for c in busy], [], [], 0.05)
            for c in busy:
                if c.answers in ready:
                    messages = c.read()
                    if messages is None:  # the worker died with its file
                        how = c.reap()
                        _log.warning("%s: worker %d died (%s)", c.label, c.pid, how)
                        pool.remove(c)
                        yield _failed(c.label, failure(c.label, Code.KILLED, limits, how))
                        continue
                    for kind, payload in messages:
                        if kind == "result":
                            c.started = 0.0
                            yield payload
                        elif kind == "error":
                            c.started = 0.0
                            if not isinstance(payload, ReadError):
                                raise payload  # no file's fault (a missing model): the run stops with one line
                            yield _failed(c.label, payload)
                over = c.over_limit(limits)
                if over and c in pool:
                    c.kill()
                    c.reap()
                    pool.remove(c)
                    _log.warning("%s: stopped (%s)", c.label, over.value)
                    yield _failed(c.label, failure(c.label, over, limits))
    finally:
        for c in pool:
            if c.started:
                c.kill()
                c.reap()
            else:
                c.close()


def _execute_dask(paths: list[str], parent: ParentSpec | None, scheduler: str, limits: Limits, fn,
                  wait_workers: float):
    """The files as Dask tasks. Each task runs its file in a child process under the limits. A file whose worker dies
    (KilledWorker once Dask's own retries are spent) runs once more, alone, after the others, since the worker may
    have died of another file it held; a second death fails that file only."""
    try:
        from dask.distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise BatchError("--scheduler needs Dask: pip install 'planlink[batch]'") from None
    try:
        client = Client(scheduler, timeout=wait_workers)
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"{scheduler}: cannot reach the Dask scheduler within {wait_workers:g} s "
                         f"({type(exc).__name__})") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=wait_workers)
        except (TimeoutError, OSError):
            raise BatchError(f"{scheduler}: the Dask scheduler has no workers (waited {wait_workers:g} s)") from None
        extra = {"guarded": True} if fn is process_one else {}
        futures = client.map(fn, paths, parent_path=parent, limits=limits, pure=False, **extra)
        where = {f.key: p for f, p in zip(futures, paths)}
        again: list[str] = []
        for fut in as_completed(futures):
            path = where[fut.key]
            outcome = _dask_outcome(fut, path, KilledWorker)
            if outcome is None:
                # the worker may have died of another file it held (a worker runs and keeps several files): this
                # file runs once more, alone, once the others are done
                again.append(path)
            else:
                yield outcome
        for path in again:
            try:
                client.wait_for_workers(1, timeout=wait_workers)  # a worker that died is restarted by its nanny
            except (TimeoutError, OSError):
                yield _failed(path, ReadError(path, "the Dask worker running the file died and no worker is left",
                                              Code.KILLED))
                continue
            fut = client.submit(fn, path, parent_path=parent, limits=limits, pure=False, **extra)
            yield _dask_outcome(fut, path, KilledWorker) or _failed(
                path, ReadError(path, "the Dask worker running the file died, on its own too (KilledWorker)",
                                Code.KILLED))


def _dask_outcome(fut, path: str, killed: type) -> dict | None:
    """A finished Dask future as the file's result or its failure; None when its worker died (KilledWorker)."""
    try:
        return fut.result()
    except killed as exc:
        _log.warning("%s: Dask worker died (%s)", path, exc)
        return None
    except ReadError as exc:
        return _failed(path, exc)
    except Exception as exc:  # noqa: BLE001 - one file's failure must not end the run
        return _failed(path, ReadError(path, f"could not be processed ({type(exc).__name__}: {exc})", Code.INTERNAL))
    finally:
        fut.release()


# --- outputs from the store -----------------------------------------------------------------------------


def write_summary(store, out: Path, parent: ParentSpec | str | None) -> None:
    """summary.xlsx, graph.graphml/json and errors.csv, each rebuilt from the store and written atomically.
    Documents come in path order; of identical files or plans the first path in sorted order is the original."""
    from openpyxl import Workbook


    view = store.current()
    docs = [d for _, d in view.originals]
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
    if parent:
        _parent_matrix(wb, store, view, _parent(parent)[0])
    if view.duplicates:
        fill_sheet(wb.create_sheet("重复文件"), ["文件", "标题", "与之重复", "类型"], view.duplicates,
                   [50, 50, 50, 12])
    with atomic_path(out / "summary.xlsx") as tmp:
        wb.save(tmp)

    export(build_graph(docs), out / "graph.graphml", out / "graph.json")

    with atomic_path(out / "errors.csv") as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["file", "code", "reason"])
            w.writerows(csv_rows(view.errors))


def _parent_matrix(wb, store, view, parent_docs) -> None:
    status: dict[str, dict[str, str]] = {}
    for doc_id, _child, parent, _kind, _score, changes in store.links():
        ch = set(filter(None, (changes or "").split(",")))
        mark = "弱化" if ch & WEAKENING else "强化" if ch & TIGHTENING else "落实"
        cur = status.setdefault(doc_id, {}).get(parent)
        if cur != "弱化":
            status[doc_id][parent] = mark
    # every parent task is a column, linked or not, headed by its id and the start of its text
    cols = list(task_clauses(parent_docs, len(parent_docs) > 1))
    data = [[d.title] + [status.get(doc_id, {}).get(c.id, "遗漏") for c in cols] for doc_id, d in view.originals]
    fill_sheet(wb.create_sheet("上级任务覆盖"), ["文件", *[f"{c.id} {c.text[:16]}" for c in cols]], data,
               [50] + [12] * len(cols))


def main(args) -> int:
    root = Path(args.dir)
    if not root.is_dir():
        print(f"planlink: error: {root}: not a folder", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        code = run(root, out, parent=args.parent, workers=args.workers, scheduler=args.scheduler,
                   parent_title=getattr(args, "parent_title", "") or "", parent_all=getattr(args, "parent_all", False),
                   limits=Limits.from_args(args), retry_failed=getattr(args, "retry_failed", False),
                   include=getattr(args, "include", []) or [], wait_workers=getattr(args, "wait_workers", 60.0),
                   review_db=getattr(args, "db", None))
    except BatchError as exc:
        print(f"planlink: error: {exc}", file=sys.stderr)
        return 2
    except ReadError as exc:  # the parent plan
        print(f"planlink: error: {exc}", file=sys.stderr)
        return 2

    store = Store(out / "planlink.db")
    try:
        view = store.current()
    finally:
        store.close()
    print(f"{len(view.originals)} plans, {len(view.errors)} files failed or skipped; outputs in {out}")
    for path, err_code, reason in view.errors:
        print(f"planlink: error: {path}: {reason} [{err_code}]", file=sys.stderr)
    return code
