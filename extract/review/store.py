"""The review store's schema (SQLAlchemy Core), its numbered migrations and the engine for a --db URL."""
from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.engine import Engine

from ..text import fold

DEFAULT_DB = "planlink-review.db"

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(32), nullable=False),
)

reviewers = Table(
    "reviewers", metadata,
    Column("name", String(200), primary_key=True),
    Column("first_seen", String(32), nullable=False),
)

# A plan series is one plan across its revisions, recognised by 文号 or title.
series = Table(
    "series", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title_key", String(500), nullable=False),
    Column("doc_number", String(200), nullable=False, default=""),
    Column("scope", String(40), nullable=False, default=""),
    Column("title", Text, nullable=False),
    Column("table_confirmed_by", String(200)),
    Column("table_confirmed_at", String(32)),
    Column("version", Integer, nullable=False, default=1),  # optimistic lock for the confirmation
)

plans = Table(
    "plans", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("series_id", Integer, ForeignKey("series.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("title", Text, nullable=False),
    Column("doc_number", String(200), nullable=False, default=""),
    Column("issuer", Text, nullable=False, default=""),
    Column("source", Text, nullable=False, default=""),
    Column("doc_json", Text, nullable=False),  # the machine's document, never rewritten
    Column("ingested_at", String(32), nullable=False),
    UniqueConstraint("series_id", "version"),
)

clauses = Table(
    "clauses", metadata,
    Column("plan_id", Integer, ForeignKey("plans.id"), primary_key=True),
    Column("clause_id", String(80), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("is_task", Boolean, nullable=False),
    Column("task_score", Float, nullable=False, default=0.0),
)
Index("clauses_fp", clauses.c.plan_id, clauses.c.fingerprint)

# A review: one child series checked against one parent series; it follows both to their latest versions.
reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("child_series", Integer, ForeignKey("series.id"), nullable=False),
    Column("parent_series", Integer, ForeignKey("series.id"), nullable=False),
    Column("child_plan", Integer, ForeignKey("plans.id"), nullable=False),
    Column("parent_plan", Integer, ForeignKey("plans.id"), nullable=False),
    Column("opened_at", String(32), nullable=False),
    UniqueConstraint("child_series", "parent_series"),
)

links = Table(
    "links", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", Integer, ForeignKey("reviews.id"), nullable=False),
    Column("child", String(80), nullable=False),
    Column("parent", String(80), nullable=False),
    Column("child_fp", String(32), nullable=False),
    Column("parent_fp", String(32), nullable=False),
    Column("origin", String(20), nullable=False),  # machine | reviewer
    Column("machine_parent", String(80)),  # what the linker said, kept when a reviewer re-links
    Column("kind", String(20), nullable=False),
    Column("score", Float, nullable=False),
    Column("changes", Text, nullable=False, default="[]"),
    Column("state", String(20), nullable=False),
    Column("prior_state", String(20)),  # the decision a suspect/orphan link had before the revision
    Column("note", Text, nullable=False, default=""),
    Column("reviewer", String(200)),
    Column("decided_at", String(32)),
    Column("version", Integer, nullable=False, default=1),
)
Index("links_review", links.c.review_id, links.c.state)

# Reviews whose links a reviewer marked complete: every link decided, the coverage as it stands checked. The mark
# holds for the plan versions it was made on; a revision of either plan lets it lapse.
link_confirmations = Table(
    "link_confirmations", metadata,
    Column("review_id", Integer, ForeignKey("reviews.id"), primary_key=True),
    Column("child_plan", Integer, ForeignKey("plans.id"), nullable=False),
    Column("parent_plan", Integer, ForeignKey("plans.id"), nullable=False),
    Column("reviewer", String(200)),
    Column("confirmed_at", String(32), nullable=False),
)

# Parent tasks a reviewer marks as carried out by another document than the child under review.
parent_marks = Table(
    "parent_marks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", Integer, ForeignKey("reviews.id"), nullable=False),
    Column("parent", String(80), nullable=False),
    Column("parent_fp", String(32), nullable=False),
    Column("covered_by", Text, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("reviewer", String(200)),
    Column("active", Boolean, nullable=False, default=True),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("review_id", "parent"),
)

# Field corrections of a clause, beside the machine output; keyed by the clause's fingerprint so they carry over
# to a revised version in which the clause text is unchanged.
corrections = Table(
    "corrections", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("series_id", Integer, ForeignKey("series.id"), nullable=False),
    Column("clause_fp", String(32), nullable=False),
    Column("clause_id", String(80), nullable=False),  # where it was made (for people reading the table)
    Column("field", String(30), nullable=False),
    Column("value", Text, nullable=False),
    Column("reviewer", String(200)),
    Column("corrected_at", String(32), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("series_id", "clause_fp", "field"),
)

notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target", String(120), nullable=False),  # "link:12", "clause:3:c7", "review:1"
    Column("text", Text, nullable=False),
    Column("reviewer", String(200)),
    Column("written_at", String(32), nullable=False),
)

# Department names reviewers wrote: applied to the extraction of every plan.
lexicon = Table(
    "lexicon", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("seen_as", String(200), nullable=False, default=""),  # the wrong machine name it replaces, if any
    Column("role", String(20), nullable=False),
    Column("reviewer", String(200)),
    Column("added_at", String(32), nullable=False),
    UniqueConstraint("name", "seen_as"),
)

audit = Table(
    "audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("reviewer", String(200)),
    Column("action", String(40), nullable=False),
    Column("target", String(120), nullable=False),
    Column("old", Text),
    Column("new", Text),
)

_AUDIT_GUARD_SQLITE = [
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
]
_AUDIT_GUARD_PG = [
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
]


def _m1_tables(conn) -> None:
    metadata.create_all(conn, tables=[t for t in metadata.sorted_tables if t.name != "schema_version"])


def _m2_audit_guard(conn) -> None:
    for stmt in (_AUDIT_GUARD_PG if conn.dialect.name == "postgresql" else _AUDIT_GUARD_SQLITE):
        conn.execute(text(stmt))


def _m3_link_confirmations(conn) -> None:
    # a database made before this table has every other one; a new database already has it from migration 1
    link_confirmations.create(conn, checkfirst=True)


#: numbered migrations, applied in order once each; append, never edit a released one
MIGRATIONS = [(1, "tables", _m1_tables), (2, "append-only audit log", _m2_audit_guard),
              (3, "link confirmations", _m3_link_confirmations)]


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def database_url(db: str | None = None) -> str:
    """--db URL, else PLANLINK_DB, else planlink-review.db in the current folder; a bare path means SQLite."""
    db = db or os.environ.get("PLANLINK_DB") or DEFAULT_DB
    if "://" in db:
        if db.startswith(("postgresql://", "postgres://")):
            # psycopg 3 is the driver installed with planlink
            db = "postgresql+psycopg://" + db.split("://", 1)[1]
        return db
    return f"sqlite:///{Path(db).resolve()}"


def connect(db: str | None = None) -> Engine:
    """An engine on the review database, migrated to the latest schema; SQLite runs in WAL mode."""
    url = database_url(db)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
    else:
        engine = create_engine(url, pool_pre_ping=True)
    migrate(engine)
    return engine


def migrate(engine: Engine) -> int:
    """Apply the migrations the database lacks, each in its own transaction; returns the schema version."""
    schema_version.create(engine, checkfirst=True)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # two processes opening a fresh database at once must not both create the tables
            conn.execute(text("SELECT pg_advisory_xact_lock(7210514)"))
        done = set(conn.execute(select(schema_version.c.version)).scalars())
        for number, _name, step in MIGRATIONS:
            if number not in done:
                step(conn)
                conn.execute(schema_version.insert().values(version=number, applied_at=now()))
                done.add(number)
    return max(done)


def fingerprint(text: str) -> str:
    """The fingerprint of a clause text: width-folded, white space dropped, hashed."""
    import hashlib


    return hashlib.sha256(fold(text).encode("utf-8")).hexdigest()[:16]


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
