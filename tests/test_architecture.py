"""Layers point down: the import graph of extract/ (every import, at module top or inside a function) has no cycle,
and no module uses another module's private names."""
from __future__ import annotations

import ast

import networkx as nx

from conftest import ROOT

PACKAGE = ROOT / "extract"


def _module_name(path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(p): ast.parse(p.read_text(encoding="utf-8")) for p in PACKAGE.rglob("*.py")}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _graph() -> tuple[nx.DiGraph, list[tuple[str, str, str]]]:
    mods = _modules()
    packages = {_module_name(p) for p in PACKAGE.rglob("__init__.py")}
    g = nx.DiGraph()
    private: list[tuple[str, str, str]] = []
    for name, tree in mods.items():
        g.add_node(name)
        for node in ast.walk(tree):
            targets: list[tuple[str, list[str]]] = []
            if isinstance(node, ast.ImportFrom):
                src = _resolve(name, name in packages, node)
                names = [a.name for a in node.names]
                # "from . import families" imports a submodule
                subs = [f"{src}.{n}" for n in names if f"{src}.{n}" in mods]
                targets = [(s, []) for s in subs] + [(src, [n for n in names if f"{src}.{n}" not in mods])]
            elif isinstance(node, ast.Import):
                targets = [(a.name, []) for a in node.names]
            for target, imported in targets:
                if target.startswith("extract") and target in mods and target != name:
                    g.add_edge(name, target)
                    private += [(name, target, n) for n in imported if n.startswith("_") and n != "__version__"]
    return g, private


def test_no_import_cycles():
    g, _ = _graph()
    assert g.number_of_edges() > 40  # the walk really found the package's imports
    cycles = list(nx.simple_cycles(g))
    assert cycles == [], cycles


def test_no_module_imports_another_modules_private_names():
    _, private = _graph()
    assert private == []


def test_nothing_imports_the_command_line():
    g, _ = _graph()
    assert [u for u, _ in g.in_edges("extract.cli")] == []
