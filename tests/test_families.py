"""Plan families as data: the default 八大行动 family, and a family made from a parent plan's own nine actions
(a derived city plan and two county plans written for this test), through the API, the CLI and the exports."""
from __future__ import annotations

import io
import json
from contextlib import redirect_stdout

import pytest

from conftest import FIXTURES
from extract import families
from extract.api import link_documents, process_file
from extract.cli import main
from extract.export import COLUMNS, rows
from extract.link.actions import family_from_parent
from extract.model import Document

CITY = FIXTURES / "families"


@pytest.fixture(scope="module")
def parent():
    return process_file(CITY / "city9_parent.txt", ocr=False)


def test_default_family_is_the_eight_national_actions():
    fam = families.default()
    assert fam.codes == ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "O", "X")
    assert len(fam.national) == 8 and fam.label("A3") == "A3 重大事故隐患动态清零"
    assert families.action_label("no-such-family", "A3") == "A3"
    with pytest.raises(ValueError, match="unknown plan family"):
        families.load("no-such-family")


def test_every_family_file_is_consistent():
    for name in families.names():
        fam = families.load(name)
        assert len(set(fam.codes)) == len(fam.codes)
        assert all(a.colour.startswith("#") and a.name for a in fam.actions)


def test_parent_plan_gives_its_nine_actions(parent):
    fam, code_of = family_from_parent(parent)
    own = [a for a in fam.actions if a.code.startswith("P")]
    assert [a.code for a in own] == [f"P{k}" for k in range(1, 10)]
    assert own[8].name == "城市生命线安全提升行动"
    assert fam.codes[-2:] == ("O", "X")
    assert code_of["c2.9.17"] == "P9" and code_of["c3.1"] == "O"


@pytest.mark.parametrize("child,expected", [
    # linked tasks take their parent's action; the local addition under the county's 城市生命线 section (c1.3.5,
    # about 老旧燃气管道) takes its section's action, not the action of a look-alike parent task
    ("city9_county_a.txt", {"c1.1.1": "P1", "c1.2.2": "P3", "c1.2.3": "P3", "c1.3.4": "P9", "c1.3.5": "P9",
                            "c1.4.6": "P7"}),
    ("city9_county_b.txt", {"c1.1": "P1", "c1.2": "P5", "c1.3": "P8", "c1.4": "P9"}),
])
def test_children_take_the_parent_actions(parent, child, expected):
    kids = process_file(CITY / child, ocr=False)
    national = {c.id: c.action for c in kids[0].tasks}
    assert national["c1.4" if "c1.4" in national else "c1.3.4"] in families.default().codes
    report = link_documents(kids, parent, actions_from_parent=True)
    assert report["child_actions"] == expected
    assert {c.id: c.action for c in kids[0].tasks} == expected
    assert report["family"]["actions"][8]["name"] == "城市生命线安全提升行动"
    counts = {a["code"]: a["tasks"] for a in report["actions"]}
    assert sum(counts.values()) == len(expected) and counts["P9"] == list(expected.values()).count("P9")
    # exports name the parent's action; the family survives the JSON round trip of the document
    k = COLUMNS.index("行动类别")
    assert "P9 城市生命线安全提升" in {r[k] for r in rows(kids)}
    back = Document.from_json(kids[0].to_json())
    assert back.family == kids[0].family and rows([back]) == rows(kids)


def test_cli_link_with_actions_from_parent():
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["link", str(CITY / "city9_county_a.txt"), "--parent", str(CITY / "city9_parent.txt"),
                     "--actions-from-parent"])
    assert code == 0
    report = json.loads(buf.getvalue())
    assert report["child_actions"]["c1.3.5"] == "P9"
    assert [a["code"] for a in report["family"]["actions"]][:9] == [f"P{k}" for k in range(1, 10)]


def test_extract_with_a_family_folder_classifies_by_its_keywords():
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["extract", str(CITY / "city9_county_a.txt"), "--family", str(CITY / "city9")])
    assert code == 0
    doc = json.loads(buf.getvalue())["documents"][0]
    actions = {c["id"]: c["action"] for c in doc["clauses"] if c["is_task"]}
    assert doc["family"] == "city9"
    # the heading 推进隐患动态清零 breaks the tie of 主要负责人 (P1) and 隐患排查 (P3) in c1.2.3's own text
    assert actions == {"c1.1.1": "P1", "c1.2.2": "P3", "c1.2.3": "P3", "c1.3.4": "P9", "c1.3.5": "P9", "c1.4.6": "P7"}


def test_extract_with_an_unknown_family_is_one_clear_error(capsys):
    assert main(["extract", str(CITY / "city9_county_a.txt"), "--family", "no-such-family"]) == 2
    err = capsys.readouterr().err
    assert "unknown plan family 'no-such-family'" in err and "Traceback" not in err
