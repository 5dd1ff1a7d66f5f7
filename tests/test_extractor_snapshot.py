"""The rule extractors give, on every corpus clause and rule example, the output recorded in
tests/data/extractor_snapshot.json.gz (tools/extractor_snapshot.py): speed work must not change what they find."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from extract.extractors import deadlines, departments, frequencies, targets

SNAPSHOT = Path(__file__).resolve().parent / "data" / "extractor_snapshot.json.gz"
EXTRACTORS = {"deadlines": deadlines.extract, "frequencies": frequencies.extract, "targets": targets.extract,
              "departments": departments.extract}


def _rows() -> list[dict]:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@pytest.mark.parametrize("name", sorted(EXTRACTORS))
def test_outputs_unchanged(name):
    rows = _rows()
    assert len(rows) > 2000  # every corpus clause and rule example, not a sample
    fn = EXTRACTORS[name]
    changed = [(row["text"], row[name], got) for row in rows
               if (got := [x.to_json() for x in fn(row["text"])]) != row[name]]
    assert not changed, (f"{len(changed)} texts changed, first: {changed[0]} (a change made on purpose, after review: "
                         "python tools/extractor_snapshot.py)")


def test_snapshot_has_findings():
    """The snapshot records real findings of every extractor (a snapshot of empty lists would check nothing)."""
    rows = _rows()
    for name in EXTRACTORS:
        assert sum(bool(row[name]) for row in rows) > 50, name
