"""Shared paths for the test suite."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
TIBET = CORPUS / "004_2c798045eb65f6c7.partial.txt"


@pytest.fixture(scope="session")
def tibet_docs():
    from extract.readers import read_file
    from extract.segment import segment

    return segment(read_file(TIBET).blocks, str(TIBET))


@pytest.fixture(autouse=True, scope="session")
def _review_db(tmp_path_factory):
    """The app and the CLI keep review decisions in PLANLINK_DB: a temporary database, never one in the checkout
    (session-wide, so the app servers that module fixtures start inherit it too)."""
    import os

    old = os.environ.get("PLANLINK_DB")
    os.environ["PLANLINK_DB"] = str(tmp_path_factory.getbasetemp() / "planlink-review.db")
    yield
    if old is None:
        os.environ.pop("PLANLINK_DB", None)
    else:
        os.environ["PLANLINK_DB"] = old
