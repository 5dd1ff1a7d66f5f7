"""The repository's text files hold no leftover merge-conflict markers (one once reached the README on main)."""
from __future__ import annotations

import re
import subprocess

import pytest

from conftest import ROOT

MARKER = re.compile(r"^(<{7}|>{7})( |$)|^={7}$", re.M)
TEXT = {".py", ".md", ".yaml", ".yml", ".toml", ".txt", ".json", ".cfg", ".ini", ".sh", ""}


def _tracked() -> list:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [ROOT / name for name in out.splitlines()]


def test_marker_pattern_finds_markers_and_not_headings():
    assert MARKER.search("a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> main\n")
    assert MARKER.search("x\n=======\ny")
    assert not MARKER.search("Title\n=====\n| a | b |\n<<<<<<<<<< ornament")


def test_no_conflict_markers_in_tracked_text_files():
    found = []
    for path in _tracked():
        if path.suffix not in TEXT or not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        m = MARKER.search(text)
        if m:
            found.append(f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}")
    assert not found, "merge-conflict markers left in: " + ", ".join(found)
