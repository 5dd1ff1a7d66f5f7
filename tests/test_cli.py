"""The planlink command: the JSON contract, exports, bad input without tracebacks."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CORPUS, FIXTURES, ROOT
from extract import __version__
from extract.cli import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "extract.cli", *args], capture_output=True, text=True,
                          cwd=str(ROOT), env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert __version__ in capsys.readouterr().out


def test_extract_json_contract(capsys):
    assert main(["extract", str(CORPUS / "001_6a215b8801cc0d63.txt"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (doc,) = out["documents"]
    for key in ("title", "issuer", "doc_number", "date", "clauses"):
        assert key in doc
    c = next(c for c in doc["clauses"] if c["path"] == ["二", "（二）", "3"])
    assert set(c) >= {"id", "path", "text", "is_task", "action", "deadlines", "frequencies", "departments"}
    assert c["is_task"] is True
    assert any(d["end"] == "2024-06-30" for d in c["deadlines"])
    for d in c["deadlines"]:
        assert set(d) >= {"text", "start", "end", "ongoing"}
    for f in c["frequencies"]:
        assert f["period"] in ("day", "week", "month", "quarter", "half_year", "year") and f["count"] >= 1
    for d in c["departments"]:
        assert set(d) >= {"text", "name", "role"}


def test_compilation_gives_one_entry_per_plan(capsys):
    assert main(["extract", str(CORPUS / "004_2c798045eb65f6c7.partial.txt")]) == 0
    docs = json.loads(capsys.readouterr().out)["documents"]
    assert len(docs) == 27


def test_xlsx_and_csv(tmp_path):
    target = tmp_path / "t.xlsx"
    assert main(["extract", str(FIXTURES / "youyang_000.pdf"), "--format", "xlsx", "--out", str(target)]) == 0
    from openpyxl import load_workbook

    ws = load_workbook(target)["任务清单"]
    header = [c.value for c in ws[1]]
    for col in ("序号", "章节", "任务内容", "完成时限（原文）", "完成时限（规范）", "频次", "牵头单位", "责任单位", "配合单位",
                "量化指标", "行动类别"):
        assert col in header
    assert ws.freeze_panes == "A2" and ws.max_row > 50
    csv_target = tmp_path / "t.csv"
    assert main(["extract", str(FIXTURES / "tieshan_001.docx"), "--format", "csv", "--out", str(csv_target)]) == 0
    assert csv_target.read_text(encoding="utf-8-sig").startswith("序号,")


@pytest.mark.parametrize("name", ["empty.txt", "truncated.pdf", "encrypted.pdf", "binary.txt", "not-really.docx",
                                  "corrupt.docx", "unsupported.xyz", "scanned.pdf"])
def test_bad_input_one_line_no_traceback(name):
    r = run_cli("extract", str(FIXTURES / "bad" / name), "--no-ocr")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "Traceback" not in r.stderr
    assert r.stdout == ""


def test_link_command(capsys):
    assert main(["link", str(FIXTURES / "tieshan_001.pdf"), "--parent", str(CORPUS / "000_74f15ec52f85c6cf.txt")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["links"] and out["coverage"]["parent_clauses"] > 0
    lk = out["links"][0]
    assert lk["kind"] in ("verbatim", "localized", "paraphrased", "merged", "split")
