"""List-marker forms of GB/T 9704 documents (ANNOTATION.md §1): markers.yaml compiled once, and path normalization."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import expand, load

_FILE = "markers.yaml"


@dataclass(frozen=True, slots=True)
class MarkerForm:
    name: str
    rank: int  # smaller is higher in the tree
    pattern: str  # pieces expanded
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


def _forms() -> tuple[MarkerForm, ...]:
    data = load(_FILE)
    return tuple(MarkerForm(f["name"], f["rank"], expand(f["pattern"], data["pieces"]), tuple(f["examples"]),
                            tuple(f.get("traps") or ())) for f in data["forms"])


FORMS: tuple[MarkerForm, ...] = _forms()

_GROUPS = "|".join(f"(?P<{f.name}>{f.pattern})" for f in FORMS)
#: anchored at the start of a paragraph
MARKER_RE = re.compile(rf"^(?:{_GROUPS})")
#: the same forms at any position (pattern.match(text, pos)), for items written inline
_MARKER_AT = re.compile(rf"(?:{_GROUPS})")
RANK = {f.name: f.rank for f in FORMS}

#: inline sub-items after sentence punctuation: "……。（1）……；（2）……"
INLINE_RE = re.compile(load(_FILE)["inline"]["pattern"])

_STRIP = re.compile(r"[\s　、．.]+$")


def match_marker(text: str, pos: int = 0) -> tuple[str, str, int] | None:
    """Return (form name, normalized marker, length of the marker incl. trailing space) of the marker that opens
    `text` (or starts at `pos`), or None."""
    m = _MARKER_AT.match(text, pos)
    if not m:
        return None
    name = m.lastgroup
    raw = m.group(0)
    if name == "arabic" and m.end() == len(text):
        return None  # a bare number line is not an item
    return name, normalize(name, raw), len(raw)


def normalize(name: str, raw: str) -> str:
    """Full-width path form: 一、->一, (一)->（一）, 1．->1, (1)->（1）."""
    core = _STRIP.sub("", raw.strip())
    if name in ("cn", "arabic"):
        return core.rstrip("、．.")
    if name in ("paren_cn", "paren_arabic"):
        inner = core.strip("（()）")
        return f"（{inner}）"
    return core
