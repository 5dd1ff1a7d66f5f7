"""Plan families as data: the action taxonomy (codes, names, colours) a plan is classified against, read from
families/<name>/family.yaml; the 2024 安全生产治本攻坚 family is the default. A family can also be made from a parent
plan whose 主要任务 are grouped under actions of its own (see `from_parent`)."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Role

HERE = Path(__file__).resolve().parent
DEFAULT = "safety2024"


@dataclass(frozen=True, slots=True)
class Action:
    code: str
    name: str
    short: str
    colour: str
    national: bool = True
    keywords: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What a table cell or an axis shows: the code and the short name (A3 重大事故隐患动态清零)."""
        return f"{self.code} {self.short}"


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    title: str
    actions: tuple[Action, ...]
    columns: dict[str, str] = field(default_factory=dict)
    rules: dict = field(default_factory=dict)  # family-specific settings (actions_from_parent, action_heading, …)

    @property
    def from_parent(self) -> bool:
        return bool(self.rules.get("actions_from_parent"))

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title,
                "actions": [{"code": a.code, "name": a.name, "short": a.short, "colour": a.colour,
                             "national": a.national} for a in self.actions]}

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.actions)

    @property
    def national(self) -> dict[str, str]:
        """Code -> full name of the parent plan's own actions (the 八大行动 for the default family)."""
        return {a.code: a.name for a in self.actions if a.national}

    def action(self, code: str | None) -> Action | None:
        return next((a for a in self.actions if a.code == code), None)

    def label(self, code: str | None) -> str:
        a = self.action(code)
        return a.label if a else ""

    def colour(self, code: str | None) -> str:
        a = self.action(code)
        return a.colour if a else "#cccccc"


def names() -> list[str]:
    return sorted(p.parent.name for p in HERE.glob("*/family.yaml"))


def _from_data(data: dict) -> Family:
    actions = tuple(Action(code=str(a["code"]), name=a["name"], short=a.get("short", a["name"]),
                           colour=a.get("colour", "#cccccc"), national=bool(a.get("national", True)),
                           keywords=tuple(a.get("keywords", ()))) for a in data["actions"])
    codes = [a.code for a in actions]
    if len(set(codes)) != len(codes):
        raise ValueError(f"family {data.get('name')!r}: action codes repeat: {codes}")
    rules = {k: v for k, v in data.items() if k not in ("name", "title", "actions", "columns", "default")}
    return Family(name=data["name"], title=data.get("title", data["name"]), actions=actions,
                  columns=dict(data.get("columns", {r.value: f"{r.label}单位" for r in Role})),
                  rules=rules)


_REGISTERED: dict[str, Family] = {}


def register(family: Family) -> Family:
    """Make a family made at run time (from a parent plan) known to `load` in this process."""
    _REGISTERED[family.name] = family
    return family


def from_json(data: dict) -> Family:
    """A family as `Family.to_json` wrote it (a link report carries the family its actions came from)."""
    return register(_from_data(data))


def load(name: str | None = None) -> Family:
    """The family `name` (default: PLANLINK_FAMILY, else the 2024 安全生产治本攻坚 family); a folder path works too."""
    name = name or os.environ.get("PLANLINK_FAMILY") or DEFAULT
    if name in _REGISTERED:
        return _REGISTERED[name]
    path = Path(name) / "family.yaml" if Path(name).is_dir() else HERE / name / "family.yaml"
    if not path.is_file():
        raise ValueError(f"unknown plan family {name!r}: known families are {', '.join(names())}")
    return _read(str(path))


@lru_cache(maxsize=None)
def _read(path: str) -> Family:
    with open(path, encoding="utf-8") as fh:
        return _from_data(yaml.safe_load(fh))


def default() -> Family:
    return load(None)


def action_label(family: str | None, code: str | None) -> str:
    """The label of an action code in a document's family; a family not known to this process shows the code."""
    if not code:
        return ""
    try:
        fam = load(family or None)
    except ValueError:
        return code
    return fam.label(code) or code
