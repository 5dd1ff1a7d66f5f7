"""Batch faults: dead and runaway workers (process pool and Dask), unreachable schedulers, kills during the summary,
stale outputs, duplicates, retries of failures, the lock, and a scan that never reads outside the folder."""
from __future__ import annotations

import csv
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import faults
import inputs
from extract.batch import LOCK_NAME, run
from extract.cli import main
from extract.limits import Limits

pytestmark = pytest.mark.robustness  # pytest -m robustness runs this suite alone

PLANS = [inputs.CORPUS / "001_6a215b8801cc0d63.txt", inputs.CORPUS / "003_c1a48ebb466ecfa9.txt",
         inputs.FIXTURES / "youyang_000.txt"]


def folder(tmp_path: Path, victim: bool = False) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for k, p in enumerate(PLANS):
        shutil.copy(p, src / f"plan{k}{p.suffix}")
    if victim:
        shutil.copy(PLANS[0], src / "victim.txt")
        with open(src / "victim.txt", "a", encoding="utf-8") as fh:
            fh.write("\n")  # other bytes than plan0: processed on its own
    return src


def errors(out: Path) -> dict[str, dict]:
    with open(out / "errors.csv", encoding="utf-8-sig") as fh:
        return {os.path.basename(r["file"]): r for r in csv.DictReader(fh)}


def kill_victim_when_it_starts(marker: Path, times: int = 1):
    def watch():
        for _ in range(times):
            deadline = time.time() + 120
            while time.time() < deadline and not marker.exists():
                time.sleep(0.05)
            if not marker.exists():
                return
            pid = int(marker.read_text())
            marker.unlink()
            os.kill(pid, signal.SIGKILL)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


def test_a_killed_pool_worker_fails_its_file_and_the_run_completes(tmp_path):
    src, out = folder(tmp_path, victim=True), tmp_path / "out"
    watcher = kill_victim_when_it_starts(tmp_path / "victim.pid")
    code = run(src, out, workers=2, progress=False, task=faults.hang_on_victim)
    watcher.join(5)
    assert code == 1
    errs = errors(out)
    assert list(errs) == ["victim.txt"] and errs["victim.txt"]["code"] == "killed"
    assert len(list((out / "plans").glob("*.json"))) == 3


def test_a_runaway_file_is_stopped_by_the_wall_clock(tmp_path):
    src, out = folder(tmp_path, victim=True), tmp_path / "out"
    code = run(src, out, workers=2, progress=False, task=faults.sleep_on_victim, limits=Limits(timeout=8))
    assert code == 1 and errors(out)["victim.txt"]["code"] == "timeout"
    assert len(list((out / "plans").glob("*.json"))) == 3


def test_a_file_that_eats_memory_is_stopped(tmp_path):
    src, out = folder(tmp_path, victim=True), tmp_path / "out"
    code = run(src, out, workers=1, progress=False, task=faults.eat_memory_on_victim,
               limits=Limits(max_memory_mb=1500))
    assert code == 1 and errors(out)["victim.txt"]["code"] == "memory"


def run_on_dask_killing_the_victim(src: Path, out: Path, n_workers: int, saturation) -> int:
    """The batch on a local Dask cluster that allows no retries (Dask retries 3 times by default; planlink runs a file
    whose worker died once more itself), the victim's worker killed each time the victim starts (twice: its first run
    and planlink's second)."""
    distributed = pytest.importorskip("dask.distributed")
    import cloudpickle
    import dask

    cloudpickle.register_pickle_by_value(faults)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.scheduler.worker-saturation": saturation}):
        cluster = distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, host="127.0.0.1",
                                           dashboard_address=None, processes=True)
    try:
        watcher = kill_victim_when_it_starts(src.parent / "victim.pid", times=2)
        code = run(src, out, scheduler=cluster.scheduler_address, progress=False, task=faults.hang_on_victim)
        watcher.join(5)
    finally:
        cluster.close()
    return code


def test_dask_killed_worker_fails_its_file_and_the_run_completes(tmp_path):
    src, out = folder(tmp_path, victim=True), tmp_path / "out"
    # one task per worker thread: no other file waits queued on the worker that dies
    assert run_on_dask_killing_the_victim(src, out, n_workers=2, saturation=1.0) == 1
    errs = errors(out)
    assert list(errs) == ["victim.txt"] and errs["victim.txt"]["code"] == "killed"
    assert len(list((out / "plans").glob("*.json"))) == 3


def test_dask_files_that_shared_a_killed_worker_run_again_and_only_the_culprit_fails(tmp_path):
    src, out = folder(tmp_path, victim=True), tmp_path / "out"
    # a file after the victim in the run's order: it waits on the worker while the victim runs
    shutil.copy(src / "plan1.txt", src / "zplan.txt")
    with open(src / "zplan.txt", "a", encoding="utf-8") as fh:
        fh.write("\n\n")  # other bytes than plan1: processed on its own
    # one worker given every file at once (no queuing on the scheduler): when the victim kills it, the files it held
    # die with it, and Dask fails them all
    assert run_on_dask_killing_the_victim(src, out, n_workers=1, saturation="inf") == 1
    errs = errors(out)
    assert list(errs) == ["victim.txt"] and errs["victim.txt"]["code"] == "killed"
    assert len(list((out / "plans").glob("*.json"))) == 4


def test_unreachable_scheduler_is_one_line(tmp_path, capsys):
    pytest.importorskip("dask.distributed")
    t = time.monotonic()
    code = main(["batch", str(folder(tmp_path)), "--out", str(tmp_path / "out"),
                 "--scheduler", "tcp://127.0.0.1:9", "--wait-workers", "2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "cannot reach the Dask scheduler" in err[0]
    assert time.monotonic() - t < 30


def test_scheduler_without_workers_is_one_line(tmp_path, capsys):
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None, processes=True)
    try:
        code = main(["batch", str(folder(tmp_path)), "--out", str(tmp_path / "out"),
                     "--scheduler", cluster.scheduler_address, "--wait-workers", "2"])
    finally:
        cluster.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "has no workers" in err[0]


_KILL_DURING_SUMMARY = """
import os, signal, sys
sys.path.insert(0, {root!r})
from pathlib import Path
import openpyxl.workbook.workbook as wbmod
from extract.cli import main

real_save = wbmod.Workbook.save
def save(self, filename):
    if Path(filename).parent.name == "plans":  # the per-plan tables are written as usual
        return real_save(self, filename)
    with open(filename, "wb") as fh:  # the summary: half written, then the process is killed
        fh.write(b"PK partial")
    os.kill(os.getpid(), signal.SIGKILL)
wbmod.Workbook.save = save
sys.exit(main(["batch", {src!r}, "--out", {out!r}, "--workers", "1"]))
"""


def sheets(path: Path) -> dict:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in wb.worksheets}


def snapshot(out: Path) -> dict:
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    return {"summary": sheets(out / "summary.xlsx"), "errors": (out / "errors.csv").read_text(encoding="utf-8-sig"),
            "graph": sorted(json.dumps(n, sort_keys=True, ensure_ascii=False) for n in graph["nodes"]),
            "edges": sorted(json.dumps(e, sort_keys=True, ensure_ascii=False) for e in graph["links"])}


def test_kill_during_summary_then_rerun_equals_a_clean_run(tmp_path):
    src = folder(tmp_path)
    shutil.copy(inputs.FIXTURES / "bad" / "encrypted.pdf", src / "locked.pdf")
    shutil.copy(PLANS[1], src / "copy-of-plan1.txt")
    out = tmp_path / "out"
    # an earlier run on part of the folder, then more files, then a kill while the summary is written
    (src / "later").mkdir()
    assert main(["batch", str(src), "--out", str(out), "--workers", "1"]) == 1
    shutil.copy(inputs.FIXTURES / "bad" / "truncated.pdf", src / "later" / "broken.pdf")
    shutil.copy(inputs.FIXTURES / "youyang_000.docx", src / "later" / "youyang.docx")
    script = _KILL_DURING_SUMMARY.format(root=str(inputs.ROOT), src=str(src), out=str(out))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    assert list(out.glob(".planlink-*"))  # the killed write left its temporary file
    assert main(["batch", str(src), "--out", str(out), "--workers", "1"]) == 1
    assert not list(out.glob(".planlink-*")) and not list((out / "plans").glob(".planlink-*"))
    clean = tmp_path / "clean"
    assert main(["batch", str(src), "--out", str(clean), "--workers", "1"]) == 1
    assert snapshot(out) == snapshot(clean)
    assert set(errors(out)) == {"locked.pdf", "broken.pdf"}


def test_identical_files_all_listed_and_the_original_is_the_first_path(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for name in ("b.txt", "a.txt", "c.txt"):
        shutil.copy(PLANS[0], src / name)
    for name in ("z-bad.pdf", "y-bad.pdf"):
        shutil.copy(inputs.FIXTURES / "bad" / "encrypted.pdf", src / name)
    out = tmp_path / "out"
    assert run(src, out, workers=2, progress=False) == 1
    assert set(errors(out)) == {"z-bad.pdf", "y-bad.pdf"}
    dups = sheets(out / "summary.xlsx")["重复文件"][1:]
    assert sorted((os.path.basename(r[0]), os.path.basename(r[2])) for r in dups) == [("b.txt", "a.txt"),
                                                                                      ("c.txt", "a.txt")]
    assert len(sheets(out / "summary.xlsx")["八大行动覆盖"]) == 2  # header + one plan


def test_failure_from_a_setting_is_retried_when_the_setting_changes(tmp_path, monkeypatch):
    src, out = folder(tmp_path), tmp_path / "out"
    monkeypatch.setenv("PLANLINK_MAX_BYTES", "1000")
    assert run(src, out, workers=1, progress=False) == 1
    assert {e["code"] for e in errors(out).values()} == {"too_large"}
    monkeypatch.delenv("PLANLINK_MAX_BYTES")
    assert run(src, out, workers=1, progress=False) == 0
    assert errors(out) == {}


def test_retry_failed_processes_failures_again(tmp_path):
    src, out = folder(tmp_path), tmp_path / "out"
    bad = src / "late.txt"
    bad.write_bytes(b"")
    assert run(src, out, workers=1, progress=False) == 1
    assert errors(out)["late.txt"]["code"] in ("empty",)
    assert run(src, out, workers=1, progress=False) == 1  # same settings: not tried again, still listed
    from extract.store import Store

    store = Store(out / "planlink.db")
    store.db.execute("UPDATE files SET error='stale' WHERE status='failed'")
    store.db.commit()
    store.close()
    assert errors(out)["late.txt"]["reason"] != "stale"
    assert run(src, out, workers=1, progress=False, retry_failed=False) == 1
    assert errors(out)["late.txt"]["reason"] == "stale"  # the store's answer, not re-derived
    assert run(src, out, workers=1, progress=False, retry_failed=True) == 1
    assert errors(out)["late.txt"]["reason"] == "the file is empty"


def test_second_batch_on_the_same_out_is_refused(tmp_path, capsys):
    src, out = folder(tmp_path), tmp_path / "out"
    out.mkdir()
    with open(out / LOCK_NAME, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code = main(["batch", str(src), "--out", str(out), "--workers", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "another planlink batch" in err[0]
    assert not (out / "planlink.db").exists()


def test_scan_skips_links_out_of_the_folder_fifos_and_unknown_extensions(tmp_path):
    src, out = folder(tmp_path), tmp_path / "out"
    secret = tmp_path / "secret.txt"
    secret.write_text("一、总体要求\n机密内容：口令 hunter2，由县应急局负责。\n", encoding="utf-8")
    (src / "passwd.txt").symlink_to(secret)
    (src / "outside").symlink_to(tmp_path, target_is_directory=True)
    (src / "inside.txt").symlink_to(src / "plan0.txt")
    os.mkfifo(src / "pipe.txt")
    shutil.copy(PLANS[2], src / "notes.md")
    assert run(src, out, workers=1, progress=False) == 1
    errs = errors(out)
    assert {k: v["code"] for k, v in errs.items()} == {"passwd.txt": "skipped", "outside": "skipped",
                                                       "pipe.txt": "skipped"}
    from extract.store import Store

    store = Store(out / "planlink.db")
    texts = " ".join(r[0] for r in store.db.execute("SELECT json FROM documents"))
    paths = [r[0] for r in store.db.execute("SELECT path FROM paths")]
    store.close()
    assert "hunter2" not in texts and not any(p.endswith("notes.md") for p in paths)
    assert run(src, out, workers=1, progress=False, include=[".md"]) == 1
    store = Store(out / "planlink.db")
    assert any(r[0].endswith("notes.md") for r in store.db.execute("SELECT path FROM paths WHERE sha256 IS NOT NULL"))
    store.close()


def test_read_only_store_is_one_line(tmp_path, capsys, monkeypatch):
    import sqlite3

    import extract.store as store_mod

    def refuse(*a, **k):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store_mod.sqlite3, "connect", refuse)
    code = main(["batch", str(folder(tmp_path)), "--out", str(tmp_path / "out"), "--workers", "1"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "planlink.db" in err[0] and "readonly" in err[0]


def test_batch_with_a_compilation_as_parent_needs_a_choice(tmp_path, capsys):
    src = folder(tmp_path)
    compilation = str(inputs.CORPUS / "004_2c798045eb65f6c7.partial.txt")
    code = main(["batch", str(src), "--out", str(tmp_path / "out"), "--parent", compilation])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "--parent-title" in err[0] and "教育系统" in err[0]
    code = main(["batch", str(src), "--out", str(tmp_path / "out"), "--workers", "1", "--parent", compilation,
                 "--parent-title", "教育系统安全生产治本攻坚三年行动方案(2024-2026年)"])
    assert code == 0
    cols = sheets(tmp_path / "out" / "summary.xlsx")["上级任务覆盖"][0]
    assert 1 < len(cols) < 60  # one plan's tasks, not the 27 plans pooled


def test_outputs_are_rebuilt_unless_built_from_the_same_store_state(tmp_path):
    src, out = folder(tmp_path), tmp_path / "out"
    assert run(src, out, workers=1, progress=False) == 0
    stamp = (out / "summary.xlsx").stat().st_mtime_ns
    assert run(src, out, workers=1, progress=False) == 0
    assert (out / "summary.xlsx").stat().st_mtime_ns == stamp  # nothing changed: the outputs stand
    (out / "errors.csv").unlink()
    assert run(src, out, workers=1, progress=False) == 0
    assert (out / "errors.csv").is_file() and (out / "summary.xlsx").stat().st_mtime_ns != stamp
    (src / "empty.txt").write_bytes(b"")
    assert run(src, out, workers=1, progress=False) == 1
    assert "empty.txt" in errors(out)
