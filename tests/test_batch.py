"""Batch mode: outputs, bad files in errors.csv, kill -9 and resume without duplicates, a Dask LocalCluster run."""
from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import CORPUS, FIXTURES, ROOT
from extract.cli import main


@pytest.fixture()
def folder(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    shutil.copy(CORPUS / "001_6a215b8801cc0d63.txt", src / "tieshan.txt")
    shutil.copy(CORPUS / "003_c1a48ebb466ecfa9.txt", src / "sub" / "zhoucun.txt")
    shutil.copy(FIXTURES / "youyang_000.docx", src / "youyang.docx")
    shutil.copy(CORPUS / "001_6a215b8801cc0d63.txt", src / "sub" / "tieshan-copy.txt")  # identical: once
    shutil.copy(FIXTURES / "bad" / "truncated.pdf", src / "broken.pdf")
    shutil.copy(FIXTURES / "bad" / "encrypted.pdf", src / "locked.pdf")
    return src


def rows(db, table):
    with sqlite3.connect(db) as con:
        try:
            return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # the run has created the file but not yet its tables


def test_batch_outputs_and_bad_files(folder, tmp_path):
    out = tmp_path / "out"
    code = main(["batch", str(folder), "--out", str(out), "--workers", "1",
                 "--parent", str(CORPUS / "000_74f15ec52f85c6cf.txt")])
    assert code == 1  # some files failed, and the exit status says so
    plans = sorted(p.name for p in (out / "plans").glob("*.json"))
    assert len(plans) == 3 and len(list((out / "plans").glob("*.xlsx"))) == 3
    with open(out / "errors.csv", encoding="utf-8-sig") as fh:
        errs = list(csv.DictReader(fh))
    assert sorted(os.path.basename(e["file"]) for e in errs) == ["broken.pdf", "locked.pdf"]
    assert any("encrypted" in e["reason"] for e in errs)
    from openpyxl import load_workbook

    wb = load_workbook(out / "summary.xlsx")
    assert {"全部任务", "八大行动覆盖", "上级任务覆盖"} <= set(wb.sheetnames)
    assert wb["八大行动覆盖"].max_row == 1 + 3
    import networkx as nx

    g = nx.read_graphml(out / "graph.graphml")
    assert any(d.get("kind") == "document" for _, d in g.nodes(data=True))
    assert rows(out / "planlink.db", "documents") == 3


def test_resume_after_kill_has_no_duplicates(folder, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "extract.cli", "batch", str(folder), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = out / "planlink.db"
    deadline = time.time() + 120
    while time.time() < deadline:
        if db.exists() and rows(db, "files") >= 1:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = rows(db, "files")
    assert done_before >= 1
    code = subprocess.run(cmd, env=env, capture_output=True).returncode
    assert code == 1
    with sqlite3.connect(db) as con:
        paths = [r[0] for r in con.execute("SELECT path FROM files")]
        ids = [r[0] for r in con.execute("SELECT id FROM documents")]
    assert len(paths) == len(set(paths)) and len(ids) == len(set(ids))
    assert rows(db, "documents") == 3
    assert not list((out / "plans").glob(".*tmp*"))
    # a third run has nothing left to do and changes nothing
    before = rows(db, "clauses")
    subprocess.run(cmd, env=env, capture_output=True)
    assert rows(db, "clauses") == before


def test_dask_local_cluster(folder, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                       processes=True)
    try:
        out = tmp_path / "out"
        code = main(["batch", str(folder), "--out", str(out), "--scheduler", cluster.scheduler_address])
        assert code == 1
        assert len(list((out / "plans").glob("*.json"))) == 3
    finally:
        cluster.close()
