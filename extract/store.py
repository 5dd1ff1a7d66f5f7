"""SQLite store of processed files, documents, clauses and links, keyed by content hash (one transaction per file),
and the paths of the last scan, from which every summary output is derived."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OutputError
from .model import Document

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
  sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, status TEXT NOT NULL, error TEXT, documents INTEGER DEFAULT 0,
  seconds REAL, finished REAL);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, idx INTEGER NOT NULL, title TEXT, issuer TEXT, doc_number TEXT,
  date TEXT, source TEXT, fingerprint TEXT, duplicate_of TEXT, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clauses (
  doc_id TEXT NOT NULL, clause_id TEXT NOT NULL, path TEXT, text TEXT, is_task INTEGER, action TEXT,
  deadlines TEXT, frequencies TEXT, departments TEXT, PRIMARY KEY (doc_id, clause_id));
CREATE TABLE IF NOT EXISTS links (
  doc_id TEXT NOT NULL, parent_doc TEXT NOT NULL, child TEXT NOT NULL, parent TEXT NOT NULL, kind TEXT,
  score REAL, changes TEXT, PRIMARY KEY (doc_id, parent_doc, child, parent));
CREATE TABLE IF NOT EXISTS paths (
  path TEXT PRIMARY KEY, sha256 TEXT, code TEXT, reason TEXT);
CREATE INDEX IF NOT EXISTS documents_fp ON documents(fingerprint);
"""
# columns added after the first release: (table, column, type)
_ADDED = (("files", "code", "TEXT"), ("files", "settings", "TEXT"))


@dataclass
class View:
    """What the outputs show: the scan's documents (originals in path order), duplicates, errors."""

    originals: list[tuple[str, Document]] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)  # path, title, original, kind
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # path, code, reason


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(self.path), timeout=60)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            have = {(t, r[1]) for t in ("files",) for r in self.db.execute(f"PRAGMA table_info({t})")}
            for table, column, kind in _ADDED:
                if (table, column) not in have:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            self.db.commit()
        except (sqlite3.Error, OSError) as exc:
            raise OutputError(str(self.path), getattr(exc, "strerror", None) or str(exc)) from None

    def close(self) -> None:
        self.db.close()

    def needs_run(self, sha: str, settings: str, retry_failed: bool = False) -> bool:
        """A file not seen before, one that failed under other limits (or --retry-failed), or one done under
        another state of the review store (`reviews` in the settings: --db given, not given, or reviewed since)."""
        row = self.db.execute("SELECT status, settings FROM files WHERE sha256=?", (sha,)).fetchone()
        if row is None or row[0] not in ("done", "failed"):
            return True
        if row[0] == "done":
            return _reviews(row[1]) != _reviews(settings)
        return retry_failed or row[1] != settings

    def set_paths(self, entries: list[tuple[str, str | None, str, str]]) -> None:
        """The scan of this run: (path, sha or None, and for a path not read: the code and the reason)."""
        with self._write():
            self.db.execute("DELETE FROM paths")
            self.db.executemany("INSERT OR REPLACE INTO paths VALUES (?,?,?,?)",
                                [(p, sha, code or None, reason or None) for p, sha, code, reason in entries])

    def save_file(self, sha: str, path: str, docs: list[Document], fingerprints: list[str],
                  links: list[tuple[str, dict]] | None, seconds: float, settings: str | None = None) -> None:
        """Everything of one file in one transaction: a kill leaves either all of it or none."""
        with self._write():
            self.db.execute("DELETE FROM clauses WHERE doc_id LIKE ?", (f"{sha[:16]}:%",))
            self.db.execute("DELETE FROM links WHERE doc_id LIKE ?", (f"{sha[:16]}:%",))
            self.db.execute("DELETE FROM documents WHERE sha256=?", (sha,))
            for d, fp in zip(docs, fingerprints):
                doc_id = f"{sha[:16]}:{d.index}"
                self.db.execute(
                    "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (doc_id, sha, d.index, d.title, d.issuer, d.doc_number, d.date, path, fp, None,
                     json.dumps(d.to_json(), ensure_ascii=False)))
                self.db.executemany(
                    "INSERT OR REPLACE INTO clauses VALUES (?,?,?,?,?,?,?,?,?)",
                    [(doc_id, c.id, "/".join(c.path), c.text, int(c.is_task), c.action,
                      json.dumps([s.to_json() for s in c.deadlines], ensure_ascii=False),
                      json.dumps([s.to_json() for s in c.frequencies], ensure_ascii=False),
                      json.dumps([s.to_json() for s in c.departments], ensure_ascii=False)) for c in d.clauses])
            for doc_id, report in links or []:
                self.db.executemany(
                    "INSERT OR REPLACE INTO links VALUES (?,?,?,?,?,?,?)",
                    [(doc_id, "parent", lk["child"], lk["parent"], lk["kind"], lk["score"], ",".join(lk["changes"]))
                     for lk in report["links"]])
            self.db.execute("INSERT OR REPLACE INTO files (sha256, path, status, error, documents, seconds, finished,"
                            " code, settings) VALUES (?,?,?,?,?,?,?,?,?)",
                            (sha, path, "done", None, len(docs), seconds, time.time(), None, settings))

    def save_error(self, sha: str, path: str, reason: str, code: str = "unreadable", settings: str = "") -> None:
        """A failed file, with the limits it failed under (a rerun with other limits tries it again)."""
        with self._write():
            self.db.execute("INSERT OR REPLACE INTO files (sha256, path, status, error, documents, seconds, finished,"
                            " code, settings) VALUES (?,?,?,?,?,?,?,?,?)",
                            (sha, path, "failed", reason, 0, 0.0, time.time(), code, settings))

    def _write(self):
        return _Tx(self)

    def current(self) -> View:
        """The documents, duplicates and errors of the last scan's paths, in sorted path order."""
        view = View()
        paths = self.db.execute("SELECT path, sha256, code, reason FROM paths ORDER BY path").fetchall()
        files = {r[0]: r[1:] for r in self.db.execute("SELECT sha256, status, error, code FROM files")}
        first_path: dict[str, str] = {}
        for path, sha, code, reason in paths:
            if sha is None:
                view.errors.append((path, code or "unreadable", reason or ""))
                continue
            status = files.get(sha)
            if status and status[0] == "failed":
                view.errors.append((path, status[2] or "unreadable", status[1] or ""))
                continue
            if sha in first_path:
                continue
            first_path[sha] = path
        docs_by_sha: dict[str, list[tuple]] = {}
        for row in self.db.execute("SELECT id, sha256, idx, title, fingerprint, json FROM documents ORDER BY idx"):
            docs_by_sha.setdefault(row[1], []).append(row)
        title_of: dict[str, str] = {}
        seen_fp: dict[str, tuple[str, str]] = {}
        for path, sha, _code, _reason in paths:
            if sha is None or sha not in first_path or (files.get(sha) or ("",))[0] != "done":
                continue
            if first_path[sha] != path:  # the same bytes under another name
                rows = docs_by_sha.get(sha, [])
                view.duplicates.append([path, rows[0][3] if rows else "", first_path[sha], "相同文件"])
                continue
            for doc_id, _sha, _idx, title, fp, data in docs_by_sha.get(sha, []):
                title_of[doc_id] = title
                if fp in seen_fp:  # the same plan text inside another file
                    orig_path, orig_title = seen_fp[fp]
                    view.duplicates.append([path, title, f"{orig_path}（{orig_title}）", "相同方案"])
                    continue
                seen_fp[fp] = (path, title)
                view.originals.append((doc_id, Document.from_json(json.loads(data))))
        return view

    def state_digest(self, extra: str = "") -> str:
        """A digest of everything the summary outputs are derived from (the scan, each file's outcome, the
        documents and links): equal digests give equal outputs."""
        h = hashlib.sha256(extra.encode("utf-8"))
        for query in ("SELECT path, sha256, code, reason FROM paths ORDER BY path",
                      "SELECT sha256, status, error, code, finished FROM files ORDER BY sha256",
                      "SELECT id, fingerprint, length(json) FROM documents ORDER BY id",
                      "SELECT doc_id, child, parent, kind, score, changes FROM links ORDER BY doc_id, child, parent"):
            for row in self.db.execute(query):
                h.update(repr(row).encode("utf-8"))
        return h.hexdigest()

    def links(self) -> list[tuple]:
        return self.db.execute("SELECT doc_id, child, parent, kind, score, changes FROM links "
                               "ORDER BY doc_id, child, parent").fetchall()

    def failed_paths(self) -> list[str]:
        return [p for p, _code, _reason in self.current().errors]


class _Tx:
    """One transaction; an sqlite error (read-only folder, disk full) becomes an OutputError naming the store."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self):
        return self.store.db.__enter__()

    def __exit__(self, kind, exc, tb):
        self.store.db.__exit__(kind, exc, tb)
        if isinstance(exc, sqlite3.Error):
            raise OutputError(str(self.store.path), str(exc)) from None
        return False


def _reviews(settings: str | None) -> str:
    """The review-state digest recorded in a run's settings ("" without --db)."""
    try:
        return (json.loads(settings) or {}).get("reviews", "") if settings else ""
    except ValueError:
        return ""
