"""SQLite store of processed files, documents, clauses and links, keyed by content hash (one transaction per file)."""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

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
CREATE INDEX IF NOT EXISTS documents_fp ON documents(fingerprint);
"""


class Store:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(self.path), timeout=60)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def done(self, sha: str) -> bool:
        row = self.db.execute("SELECT status FROM files WHERE sha256=?", (sha,)).fetchone()
        return row is not None and row[0] in ("done", "failed")

    def find_fingerprint(self, fp: str) -> str | None:
        row = self.db.execute("SELECT id FROM documents WHERE fingerprint=? AND duplicate_of IS NULL", (fp,)).fetchone()
        return row[0] if row else None

    def save_file(self, sha: str, path: str, docs: list[Document], fingerprints: list[str],
                  duplicates: list[str | None], links: list[tuple[str, dict]] | None, seconds: float) -> None:
        """Everything of one file in one transaction: a kill leaves either all of it or none."""
        with self.db:
            for d, fp, dup in zip(docs, fingerprints, duplicates):
                doc_id = f"{sha[:16]}:{d.index}"
                self.db.execute("DELETE FROM clauses WHERE doc_id=?", (doc_id,))
                self.db.execute("DELETE FROM links WHERE doc_id=?", (doc_id,))
                self.db.execute(
                    "INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (doc_id, sha, d.index, d.title, d.issuer, d.doc_number, d.date, path, fp, dup,
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
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                            (sha, path, "done", None, len(docs), seconds, time.time()))

    def save_error(self, sha: str, path: str, reason: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)",
                            (sha, path, "failed", reason, 0, 0.0, time.time()))

    def documents(self) -> list[Document]:
        rows = self.db.execute("SELECT json, duplicate_of FROM documents ORDER BY source, idx").fetchall()
        return [Document.from_json(json.loads(r[0])) for r in rows if r[1] is None]

    def document_rows(self) -> list[tuple]:
        return self.db.execute("SELECT id, title, source, duplicate_of FROM documents ORDER BY source, idx").fetchall()

    def errors(self) -> list[tuple[str, str]]:
        return self.db.execute("SELECT path, error FROM files WHERE status='failed' ORDER BY path").fetchall()

    def links(self) -> list[tuple]:
        return self.db.execute("SELECT doc_id, child, parent, kind, score, changes FROM links").fetchall()
