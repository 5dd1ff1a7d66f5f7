"""The corpus graph (networkx): documents, clauses, the eight national actions; contains, derived_from,
implements_action and cites edges; ancestry queries; GraphML and node-link JSON export."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import networkx as nx

from .. import families
from ..fileio import atomic_path
from ..model import Document

_LEVELS = [("国务院", 0), ("部", 1), ("自治区", 2), ("省", 2), ("市", 3), ("州", 3), ("县", 4), ("区", 4), ("乡", 5),
           ("镇", 5), ("街道", 5)]


def title_key(title: str) -> str:
    """Titles compared fuzzy on punctuation and year ranges: 《…方案（2024—2026年）》 == …方案(2024-2026)."""
    t = unicodedata.normalize("NFKC", title)
    t = re.sub(r"[（(]\s*\d{4}\s*[-—–－~至]\s*\d{4}\s*年?\s*[）)]", "", t)
    t = re.sub(r"[\s《》〈〉<>“”\"'()（）\-—–、，,。.]", "", t)
    return t


def doc_node(d: Document) -> str:
    return f"doc:{d.sha256[:12]}:{d.index}"


def clause_node(d: Document, clause_id: str) -> str:
    return f"{doc_node(d)}/{clause_id}"


def level_of(d: Document) -> int:
    name = d.issuer or d.title
    for word, lvl in _LEVELS:
        if word in name[:12]:
            return lvl
    return 9


def build_graph(docs: list[Document], links: list[tuple[Document, Document, dict]] | None = None) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    national = families.default().national
    for code, name in national.items():
        g.add_node(f"action:{code}", kind="action", label=f"{code} {name}")
    by_title: dict[str, Document] = {}
    for d in docs:
        dn = doc_node(d)
        g.add_node(dn, kind="document", label=d.title, issuer=d.issuer, doc_number=d.doc_number, date=d.date or "",
                   source=d.source, level=level_of(d))
        by_title.setdefault(title_key(d.title), d)
        for c in d.clauses:
            cn = clause_node(d, c.id)
            g.add_node(cn, kind="clause", label=c.text[:60], text=c.text, is_task=c.is_task, action=c.action or "",
                       path="/".join(c.path))
            g.add_edge(dn, cn, key="contains", kind="contains")
            if c.is_task and c.action in national:
                g.add_edge(cn, f"action:{c.action}", key="implements_action", kind="implements_action")
    for d in docs:
        for cit in d.citations:
            key = title_key(cit.title)
            target = by_title.get(key) or next((v for k, v in by_title.items() if key and (key in k or k in key)), None)
            if target is not None and target is not d:
                g.add_edge(doc_node(d), doc_node(target), key="cites", kind="cites", title=cit.title,
                           doc_number=cit.doc_number)
    for child, parent, report in links or []:
        for lk in report["links"]:
            g.add_edge(clause_node(child, lk["child"]), clause_node(parent, lk["parent"]), key="derived_from",
                       kind="derived_from", link_kind=lk["kind"], score=lk["score"], changes=",".join(lk["changes"]))
        g.add_edge(doc_node(child), doc_node(parent), key="derived_from", kind="derived_from")
    return g


def ancestry(g: nx.MultiDiGraph, node: str) -> list[str]:
    """A clause's chain of parent clauses across levels (national -> province -> ... -> township), nearest first."""
    out, seen, frontier = [], {node}, [node]
    while frontier:
        nxt = []
        for n in frontier:
            for _, target, data in g.out_edges(n, data=True):
                if data.get("kind") == "derived_from" and target not in seen:
                    seen.add(target)
                    out.append(target)
                    nxt.append(target)
        frontier = nxt
    return out


def export(g: nx.MultiDiGraph, graphml: str | Path, node_link: str | Path) -> None:
    """GraphML (Gephi opens it) and node-link JSON; attribute values are kept to GraphML's scalar types."""

    clean = nx.MultiDiGraph()
    for n, data in g.nodes(data=True):
        clean.add_node(n, **{k: (v if isinstance(v, (str, int, float, bool)) else str(v)) for k, v in data.items()})
    for u, v, k, data in g.edges(keys=True, data=True):
        clean.add_edge(u, v, key=k, **{a: (b if isinstance(b, (str, int, float, bool)) else str(b))
                                       for a, b in data.items()})
    for target, writer in ((graphml, lambda p: nx.write_graphml(clean, p)),
                           (node_link, lambda p: Path(p).write_text(
                               json.dumps(nx.node_link_data(clean, edges="links"), ensure_ascii=False), encoding="utf-8"))):
        with atomic_path(target) as tmp:
            writer(tmp)
