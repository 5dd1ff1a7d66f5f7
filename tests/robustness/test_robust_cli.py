"""Clean one-line errors on output (folders in the way, paths that cannot exist, disk full), logging, injection-safe
exports, escaped app values, and no silent loss in compilations and links."""
from __future__ import annotations

import ast
import csv
import errno
import io
from pathlib import Path

import inputs
import pytest

from extract.cli import main
from extract.export import csv_safe, write_csv, write_xlsx
from extract.present import esc, meta_cell
from extract.readers import read_file
from extract.segment import segment

pytestmark = pytest.mark.robustness  # pytest -m robustness runs this suite alone


PLAN = str(inputs.PLAN)
PARENT = str(inputs.CORPUS / "000_74f15ec52f85c6cf.txt")
COMPILATION = str(inputs.CORPUS / "004_2c798045eb65f6c7.partial.txt")


def one_line(capsys) -> str:
    err = [ln for ln in capsys.readouterr().err.splitlines() if not ln.startswith("planlink: WARNING")]
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def test_csv_out_that_is_a_folder(tmp_path, capsys):
    assert main(["extract", PLAN, "--format", "csv", "--out", str(tmp_path)]) == 2
    line = one_line(capsys)
    assert str(tmp_path) in line and "folder" in line


def test_out_under_a_file(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    target = blocker / "t.xlsx"
    assert main(["extract", PLAN, "--format", "xlsx", "--out", str(target)]) == 2
    assert str(target) in one_line(capsys)


def test_disk_full_names_the_output_and_leaves_no_temp_file(tmp_path, capsys, monkeypatch):
    import openpyxl.workbook.workbook as wbmod

    def full(self, filename):
        Path(filename).write_bytes(b"PK")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(wbmod.Workbook, "save", full)
    target = tmp_path / "t.xlsx"
    assert main(["extract", PLAN, "--format", "xlsx", "--out", str(target)]) == 2
    line = one_line(capsys)
    assert str(target) in line and "No space left" in line
    assert list(tmp_path.iterdir()) == []


def test_batch_disk_full_is_one_line(tmp_path, capsys, monkeypatch):
    import openpyxl.workbook.workbook as wbmod

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(inputs.PLAN.read_text(encoding="utf-8"), encoding="utf-8")

    def full(self, filename):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(wbmod.Workbook, "save", full)
    assert main(["batch", str(src), "--out", str(tmp_path / "out"), "--workers", "1"]) == 2
    assert "No space left" in one_line(capsys)
    assert not [p for p in (tmp_path / "out").rglob(".planlink-*")]


def test_verbose_logs_steps_and_fallbacks(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PLANLINK_IN_PROCESS", "1")
    import extract.log as log

    log._seen.discard("no-child")
    assert main(["--verbose", "extract", PLAN, "--format", "csv", "--out", str(tmp_path / "t.csv")]) == 0
    err = capsys.readouterr().err
    assert "fallback: files are processed in this process" in err
    assert main(["extract", PLAN, "--format", "csv", "--out", str(tmp_path / "t.csv")]) == 0
    assert "fallback" not in capsys.readouterr().err  # once per process


def test_formula_cells_are_text_in_xlsx_and_prefixed_in_csv(tmp_path):
    from openpyxl import load_workbook

    doc = segment(read_file(inputs.PLAN).blocks, PLAN)[0]
    doc.title, doc.issuer = inputs.FORMULA, "@SUM(A1)"
    doc.clauses[0].text = inputs.FORMULA  # a clause beginning with a formula, as a hostile file would give
    write_xlsx([doc], tmp_path / "t.xlsx")
    wb = load_workbook(tmp_path / "t.xlsx")
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if isinstance(c.value, str)
             and c.value.startswith(("=", "@"))]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for ws in wb.worksheets for r in ws.iter_rows() for c in r)
    write_csv([doc], tmp_path / "t.csv")
    with open(tmp_path / "t.csv", encoding="utf-8-sig") as fh:
        values = [v for r in csv.reader(fh) for v in r]
    assert "'" + inputs.FORMULA in values and not any(v.startswith(("=", "+", "@")) for v in values)
    buf = io.StringIO()
    write_csv([doc], buf)
    assert "'" + inputs.FORMULA in [v for r in csv.reader(io.StringIO(buf.getvalue())) for v in r]


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@x", "\tx", "\rx"])
def test_csv_safe_prefixes_every_owasp_start(value):
    assert csv_safe(value) == "'" + value and csv_safe("县应急局") == "县应急局" and csv_safe(3) == 3


@pytest.mark.parametrize("field", ["issuer", "doc_number", "date"])
def test_metadata_payload_is_escaped(field):
    html = meta_cell("发文机关", inputs.PAYLOAD)
    assert "<img" not in html and "&lt;img" in html and esc(None) == ""
    doc = segment(read_file(inputs.PLAN).blocks, PLAN)[0]
    setattr(doc, field, inputs.PAYLOAD)
    assert "<img" not in meta_cell(field, getattr(doc, field))


# names app.py builds only from escaped values, numbers and fixed strings before it interpolates them into HTML
SAFE_NAMES = {"a", "b",  # highlight_pair() output: escaped texts with <del>/<ins>
              "extra",  # 另见 lines: every part through html.escape
              "bar", "style",  # the coverage bar: fixed kind names, colours and counts
              }
SAFE_CALLS = {"esc", "meta_cell", "highlight", "html.escape", "len"}  # len: a number


def _safe(node) -> bool:
    if isinstance(node, ast.Call):
        return ast.unparse(node.func) in SAFE_CALLS
    if isinstance(node, ast.Name):
        return node.id in SAFE_NAMES
    if isinstance(node, ast.Subscript):  # r['_html'] is highlight() output
        return ast.unparse(node) == "r['_html']"
    return False


def test_every_value_the_app_puts_into_unsafe_html_is_escaped():
    """Each f-string passed to a call with unsafe_allow_html=True interpolates only escaped values (esc(),
    meta_cell(), html.escape(), highlight() output) or names built from them (SAFE_NAMES); numbers formatted with a
    format spec are allowed too. Read from app.py's syntax tree, one call at a time."""
    tree = ast.parse((inputs.ROOT / "app.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and any(k.arg == "unsafe_allow_html" and getattr(k.value, "value", False) is True for k in n.keywords)]
    assert len(calls) >= 6
    for call in calls:
        for arg in call.args:
            for part in ast.walk(arg):
                if isinstance(part, ast.FormattedValue):
                    numeric = part.format_spec is not None and "f" in ast.unparse(part.format_spec)
                    assert numeric or _safe(part.value), f"unescaped value in app.py line {part.lineno}: " \
                                                         f"{{{ast.unparse(part.value)}}}"


def test_the_escape_check_catches_a_raw_value():
    bad = ast.parse("st.markdown(f'<b>{doc.issuer}</b>', unsafe_allow_html=True)").body[0].value
    value = next(n for n in ast.walk(bad) if isinstance(n, ast.FormattedValue)).value
    assert not _safe(value)
    assert _safe(ast.parse("esc(doc.issuer)").body[0].value)


def test_repeated_title_in_a_compilation_is_kept_with_a_suffix(tmp_path):
    plan = inputs.PLAN.read_text(encoding="utf-8")
    other = plan.replace("隐患", "风险")  # another plan under the same title
    path = tmp_path / "compilation.txt"
    path.write_text(plan + "\n" + other + "\n" + plan + "\n", encoding="utf-8")
    docs = segment(read_file(path).blocks, str(path))
    assert len(docs) == 2
    assert docs[1].title == docs[0].title + "（2）" and any("second plan titled" in w for w in docs[1].warnings)
    assert any("appears 2 times" in w for w in docs[0].warnings)  # the identical copy: reported, kept once


def test_compilation_as_parent_needs_a_choice(capsys):
    assert main(["link", PLAN, "--parent", COMPILATION]) == 2
    line = one_line(capsys)
    assert "--parent-title" in line and "--parent-all" in line and "教育系统" in line


def test_parent_all_links_against_the_whole_compilation(capsys):
    import json

    assert main(["link", PLAN, "--parent", COMPILATION, "--parent-all"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["coverage"]["parent_clauses"] > 100


UNRELATED = """关于推进全民阅读工作的实施方案
一、总体目标
到2025年，全县居民综合阅读率明显提升，公共图书馆和农家书屋服务效能持续增强。
二、主要任务
（一）建设书香机关。各单位每年组织读书分享活动不少于2次，推荐优秀图书书目。
（二）推进农家书屋提质增效。县文化馆牵头，定期更新出版物，开展送书下乡和流动借阅服务。
（三）开展少儿阅读推广。县教育局负责，在中小学开设阅读课，举办亲子共读和经典诵读比赛。
（四）打造数字阅读平台。县融媒体中心负责，上线电子书借阅和有声读物栏目，每月更新内容。
（五）培育阅读推广人队伍。每年培训阅读推广志愿者100名，组织进社区、进乡村开展讲座。
三、保障措施
（一）加强组织领导。成立全民阅读工作领导小组，统筹协调阅读推广工作。
"""


def test_unrelated_plans_get_no_links(tmp_path, capsys):
    import json

    child = tmp_path / "reading.txt"
    child.write_text(UNRELATED, encoding="utf-8")
    assert main(["link", str(child), "--parent", PARENT]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["links"] == [] and report["coverage"]["unrelated"] is True


def test_related_plans_keep_their_links(capsys):
    import json

    assert main(["link", PLAN, "--parent", PARENT]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["links"] and report["coverage"]["unrelated"] is False
