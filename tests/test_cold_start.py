"""Cold start of `planlink extract`: the process that forks the worker imports neither the pipeline, numpy nor jieba
(the worker loads them and exits without freeing them), and prints what the pipeline run in one process prints."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import CORPUS, ROOT

_MAIN = """
import contextlib, io, json, sys
sys.argv = ["planlink", "extract", sys.argv[1], "--format", "json"]
from extract.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main()
heavy = [m for m in ("numpy", "jieba", "extract.pipeline", "extract.classify", "cn2an") if m in sys.modules]
print(json.dumps({"code": code, "heavy": heavy, "out": out.getvalue()}))
"""


def _run(path, **env) -> dict:
    out = subprocess.run([sys.executable, "-c", _MAIN, str(path)], capture_output=True, text=True, cwd=ROOT,
                         check=True, env={**os.environ, **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_extract_parent_imports_no_pipeline_and_prints_the_in_process_result():
    path = CORPUS / "003_c1a48ebb466ecfa9.txt"
    forked = _run(path)
    assert forked["code"] == 0 and forked["heavy"] == []
    alone = _run(path, PLANLINK_IN_PROCESS="1")
    assert {"numpy", "jieba", "extract.pipeline"} <= set(alone["heavy"])  # the check sees these modules
    assert forked["out"] == alone["out"]
    docs = json.loads(forked["out"])["documents"]
    assert docs and any(c.get("is_task") for c in docs[0]["clauses"])
