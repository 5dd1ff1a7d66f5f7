"""The arguments of `planlink review …`, apart from the commands themselves, so that building the command line's
parser (every `planlink` run, `--version` included) does not import the review store (SQLAlchemy, the linker)."""
from __future__ import annotations

from ..model import LinkKind


def add_parser(sub) -> None:
    """The `review` sub-command and its own sub-commands, for extract/cli.py's parser."""
    r = sub.add_parser("review", help="review links and task tables; decisions persist in a database")
    rs = r.add_subparsers(dest="review_command", metavar="REVIEW_COMMAND")

    def cmd(name, help_):
        p = rs.add_parser(name, help=help_)
        p.add_argument("--db", default=None, help="database URL or SQLite path (default: PLANLINK_DB, else "
                                                   "planlink-review.db in the current folder)")
        return p

    o = cmd("open", "ingest a child plan and its parent (a revision of a stored plan is recognised) and print the queue")
    o.add_argument("child")
    o.add_argument("--parent", required=True)
    o.add_argument("--child-title", default=None, help="the plan to review when CHILD is a compilation")
    o.add_argument("--parent-title", default=None, help="the plan to link against when PARENT is a compilation")
    o.add_argument("--parent-scope", choices=("body", "table_row"), default=None,
                   help="only the parent's body clauses or only its annex task-table rows")
    o.add_argument("--child-scope", choices=("body", "table_row"), default=None,
                   help="only the child's body clauses or only its annex task-table rows: with CHILD and PARENT the "
                        "same plan, --child-scope table_row --parent-scope body reviews its annex against its body")
    o.add_argument("--format", choices=("table", "json"), default="table")

    q = cmd("queue", "print the review queue, most uncertain first")
    q.add_argument("--review", type=int, default=None, help="review id (default: the last opened)")
    q.add_argument("--format", choices=("table", "json"), default="table")

    d = cmd("decide", "confirm or reject a link")
    d.add_argument("link")
    d.add_argument("verdict", choices=("confirm", "reject"))
    d.add_argument("--note", default=None)
    d.add_argument("--reviewer", default=None)
    d.add_argument("--version", type=int, default=None, help="the link version you saw (a newer one is a conflict)")

    nt = cmd("note", "write a note on a link without deciding it")
    nt.add_argument("link")
    nt.add_argument("text")
    nt.add_argument("--reviewer", default=None)
    nt.add_argument("--version", type=int, default=None)

    rl = cmd("relink", "link a child clause to another parent clause")
    rl.add_argument("link")
    rl.add_argument("parent_clause")
    rl.add_argument("--note", default=None)
    rl.add_argument("--reviewer", default=None)
    rl.add_argument("--version", type=int, default=None)

    a = cmd("add", "add a link the linker missed")
    a.add_argument("child_clause")
    a.add_argument("parent_clause")
    a.add_argument("--kind", default="paraphrased", choices=[k.value for k in LinkKind])
    a.add_argument("--note", default="")
    a.add_argument("--reviewer", default=None)
    a.add_argument("--review", type=int, default=None)

    c = cmd("cover", "mark a parent task as carried out by another document")
    c.add_argument("parent_clause")
    c.add_argument("--by", required=True, help="the document that carries it out")
    c.add_argument("--note", default="")
    c.add_argument("--reviewer", default=None)
    c.add_argument("--review", type=int, default=None)

    f = cmd("correct", "correct a field of a clause of the task table (departments, deadlines, frequencies, action, "
                       "is_task, split, merge)")
    f.add_argument("clause")
    f.add_argument("field", choices=("departments", "deadlines", "frequencies", "action", "is_task", "split", "merge"))
    f.add_argument("value", help="JSON (departments may also be names joined by 、)")
    f.add_argument("--plan", choices=("child", "parent"), default="child")
    f.add_argument("--review", type=int, default=None)
    f.add_argument("--reviewer", default=None)
    f.add_argument("--version", type=int, default=None)

    ct = cmd("confirm-table", "mark the corrected task table as checked (it then exports as a gold file)")
    ct.add_argument("--plan", choices=("child", "parent"), default="child")
    ct.add_argument("--review", type=int, default=None)
    ct.add_argument("--reviewer", default=None)

    cl = cmd("confirm-links", "mark the review's links complete (every link decided); it then exports as linkage "
                              "gold (export --format link-gold)")
    cl.add_argument("--review", type=int, default=None)
    cl.add_argument("--reviewer", default=None)
    cl.add_argument("--withdraw", action="store_true", help="withdraw the mark")

    s = cmd("status", "counts of links by state")
    s.add_argument("--review", type=int, default=None)
    s.add_argument("--format", choices=("table", "json"), default="table")

    e = cmd("export", "the reviewed state as a report (docx, xlsx), decisions (json), the corrected task table "
                      "(tasks), gold files of confirmed task tables (gold) or linkage gold of reviews whose links "
                      "are marked complete (link-gold); for gold and link-gold --out is a folder")
    e.add_argument("--format", choices=("docx", "xlsx", "json", "tasks", "gold", "link-gold"), required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--review", type=int, default=None)
    e.add_argument("--reviewer", default=None, help="name printed as 审查人 on the report")

    lg = cmd("log", "the audit log (who, when, what, old -> new)")
    lg.add_argument("--target", default=None)
