"""Rule data of the extractors: the YAML files of this folder, each read and compiled once per process."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
_PIECE = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


# libyaml's parser when PyYAML was built with it (the same safe constructor, a fifth of the start-up time)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    """A YAML file parsed with the safe loader."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """The parsed rule file `name` (e.g. "deadlines.yaml"). Cached and shared: callers must not mutate it."""
    return read_yaml(HERE / name)


def _alternation(piece: str | list[str]) -> str:
    """A piece as regex text: a word list becomes its words, escaped, longest first (主汛期 before 汛期)."""
    if isinstance(piece, list):
        return "|".join(re.escape(w) for w in sorted(piece, key=len, reverse=True))
    return piece


def pieces_of(name: str) -> dict[str, str | list[str]]:
    """The pieces rule file `name` may use: common.yaml's, then the file's own (which win)."""
    return {**load("common.yaml").get("pieces", {}), **load(name).get("pieces", {})}


def expand(pattern: str, pieces: dict[str, str | list[str]]) -> str:
    """Replace each {NAME} by its piece, pieces may use other pieces; an unknown name is an error in the data."""
    for _ in range(10):
        new = _PIECE.sub(lambda m: "(?:" + _alternation(pieces[m.group(1)]) + ")", pattern)
        if new == pattern:
            return new
        pattern = new
    raise ValueError(f"rule pieces nest too deep: {pattern}")


@lru_cache(maxsize=None)
def compiled(name: str) -> dict[str, re.Pattern]:
    """Every rule of a file that has a `name` and a `pattern`, compiled with the file's pieces, by rule name."""
    data = load(name)
    pieces = pieces_of(name)
    return {r["name"]: re.compile(expand(r["pattern"], pieces)) for r in data.get("rules", []) if "pattern" in r}
