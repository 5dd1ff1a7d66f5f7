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


def expand(pattern: str, pieces: dict[str, str]) -> str:
    """Replace each {NAME} by its piece, pieces may use other pieces; an unknown name is an error in the data."""
    for _ in range(10):
        new = _PIECE.sub(lambda m: "(?:" + pieces[m.group(1)] + ")", pattern)
        if new == pattern:
            return new
        pattern = new
    raise ValueError(f"rule pieces nest too deep: {pattern}")


@lru_cache(maxsize=None)
def compiled(name: str) -> dict[str, re.Pattern]:
    """Every rule of a file that has a `name` and a `pattern`, compiled with the file's pieces, by rule name."""
    data = load(name)
    pieces = data.get("pieces", {})
    return {r["name"]: re.compile(expand(r["pattern"], pieces)) for r in data.get("rules", []) if "pattern" in r}
