"""Learning from reviews: the user lexicon of department names, corrections applied to a task table, confirmed
task tables exported as gold files (ANNOTATION.md §3), and `planlink train --with-reviews`."""
from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from ..classify.train import split_names, train
from ..extractors.departments import rules
from ..gold import resolve_source
from ..text import fold
from .store import fingerprint

# a lexicon name found in a clause takes the role written right after it (X牵头 / X配合), else the reviewer's
_AFTER_ROLE = [(re.compile(r"^(?:分别|共同|统一)?牵头"), "lead"), (re.compile(r"^(?:积极|主动)?(?:配合|协助|参与)"), "support")]


def learn_departments(machine: list[dict], corrected: list[dict]) -> list[dict]:
    """Lexicon entries taught by one department correction: every name the reviewer wrote that the machine did not
    find; when exactly one machine name was replaced by one new name, the new name also replaces that wrong name
    (`seen_as`) wherever the machine finds it."""
    had = {d.get("name") or d.get("text") for d in machine}
    now = {d["name"] for d in corrected}
    added = [d for d in corrected if d["name"] not in had]
    removed = [n for n in had - now if n]
    out = [{"name": d["name"], "seen_as": "", "role": d["role"]} for d in added if len(d["name"]) >= 2]
    if len(added) == 1 and len(removed) == 1:
        out.append({"name": added[0]["name"], "seen_as": removed[0], "role": added[0]["role"]})
    return out


def _object_before(text: str, pos: int) -> bool:
    """Whether the words right before `pos` make a name there the object of supervision (督促X / 配合X)."""
    before = text[max(0, pos - 4):pos]
    return any(before.endswith(v) for v in rules()["object_verbs"])


def apply_lexicon(clauses: list[dict], entries: list[dict]) -> list[dict]:
    """Apply the user lexicon to clause JSON in place: a wrong machine name a reviewer replaced is renamed, and a
    reviewer's name written in a clause but missed by the machine is added (unless it is the object of 督促/配合…).
    Added or renamed departments carry "origin": "lexicon"."""
    if not entries:
        return clauses
    renames = {e["seen_as"]: e for e in entries if e["seen_as"]}
    names = sorted({e["name"]: e for e in entries if not e["seen_as"]}.values(), key=lambda e: -len(e["name"]))
    for c in clauses:
        deps = []
        for d in c.get("departments", []):
            e = renames.get(d.get("name")) or renames.get(d.get("text"))
            if e is not None:
                d = {**d, "name": e["name"], "origin": "lexicon"}
                if e["name"] in c["text"]:
                    d["text"] = e["name"]
            deps.append(d)
        text = fold(c["text"])
        for e in names:
            key = fold(e["name"])
            pos = text.find(key)
            if pos < 0 or _object_before(text, pos):
                continue
            have = [fold(d.get("name") or d.get("text") or "") for d in deps]
            # a longer name already found covers this one (县应急管理局 covers 应急管理局), and the other way round
            # the machine's shorter piece is replaced by the reviewer's full name
            if any(key in h for h in have):
                continue
            role = next((r for pat, r in _AFTER_ROLE if pat.match(text[pos + len(key):])), e["role"])
            deps = [d for d in deps if not (fold(d.get("name") or "") and fold(d.get("name") or "") in key)]
            deps.append({"text": e["name"], "name": e["name"], "role": role, "origin": "lexicon"})
        c["departments"] = deps
    return clauses


def apply_corrections(clauses: list[dict], corrections: list[dict]) -> list[dict]:
    """The task table with the reviewers' corrections winning over the machine's values. Each clause gets its
    "fingerprint", the list of "corrected" fields and the "machine" values of those fields."""
    by_fp: dict[str, dict[str, dict]] = {}
    for cor in corrections:
        by_fp.setdefault(cor["clause_fp"], {})[cor["field"]] = cor
    for c in clauses:
        c["fingerprint"] = fingerprint(c["text"])
        c.setdefault("corrected", [])
        c.setdefault("machine", {})
    out: list[dict] = []
    for c in clauses:
        fixes = by_fp.get(c["fingerprint"], {})
        if "split" in fixes:
            pieces = fixes["split"]["value"]
            for k, piece in enumerate(pieces, 1):
                part = {**c, "id": f"{c['id']}/{k}", "text": piece, "fingerprint": fingerprint(piece),
                        "corrected": ["split"], "machine": {"text": c["text"]}, "split_of": c["id"]}
                out.append(_apply_fields(part, by_fp.get(part["fingerprint"], {})))
            continue
        out.append(_apply_fields(c, fixes))
    merged_away: set[str] = set()
    by_id = {c["id"]: c for c in out}
    for c in out:
        fix = by_fp.get(c["fingerprint"], {}).get("merge")
        if fix is None or c["id"] in merged_away:
            continue
        others = [by_id[i] for i in fix["value"] if i in by_id and i != c["id"]]
        c["machine"]["text"] = c["text"]
        c["text"] = "".join([c["text"]] + [o["text"] for o in others])
        for key in ("deadlines", "frequencies", "departments", "targets"):
            seen = {json.dumps(x, sort_keys=True, ensure_ascii=False) for x in c.get(key, [])}
            for o in others:
                for x in o.get(key, []):
                    k = json.dumps(x, sort_keys=True, ensure_ascii=False)
                    if k not in seen:
                        seen.add(k)
                        c.setdefault(key, []).append(x)
        c["is_task"] = c.get("is_task") or any(o.get("is_task") for o in others)
        c["merged"] = [o["id"] for o in others]
        c["corrected"].append("merge")
        merged_away.update(o["id"] for o in others)
    return [c for c in out if c["id"] not in merged_away]


def _apply_fields(c: dict, fixes: dict[str, dict]) -> dict:
    c = {**c, "corrected": list(c["corrected"]), "machine": dict(c["machine"])}
    for field in ("departments", "deadlines", "frequencies", "action", "is_task"):
        if field in fixes:
            c["machine"][field] = c.get(field)
            c[field] = fixes[field]["value"]
            c["corrected"].append(field)
            c.setdefault("versions", {})[field] = fixes[field]["version"]
    return c


def unique_anchor(text: str, others: list[str]) -> str | None:
    """A verbatim run of at least 12 characters of `text` found in no other clause (ANNOTATION.md §3)."""
    body = text.strip()
    folded = [fold(o) for o in others]
    for size in (16, 20, 30, 12):
        for start in range(0, max(1, len(body) - size + 1), 4):
            run = body[start:start + size]
            if len(fold(run)) >= 12 and not any(fold(run) in o for o in folded):
                return run
    return body if len(fold(body)) >= 12 and not any(fold(body) in o for o in folded) else None


def gold_file(store, plan_id: int, source: str) -> dict:
    """The reviewed task table of a plan as a gold file of ANNOTATION.md §3 (source: the plan text written beside it).
    Gold names only what the text writes: a reviewer's value whose text is not in its clause is left out and listed
    under "skipped"."""
    doc = store.plan_document(plan_id)
    table = store.task_table(plan_id)
    texts = [c["text"] for c in table]
    clauses, skipped = [], []

    def written(c: dict, items: list[dict], keys: tuple[str, ...], field: str) -> list[dict]:
        out = []
        for d in items:
            t = d.get("text") or d.get("name") or ""
            if t and fold(t) in fold(c["text"]):
                out.append({"text": t, **{k: d[k] for k in keys if k in d and k != "text"}})
            else:
                skipped.append({"clause": c["id"], "field": field, "value": d})
        return out

    for k, c in enumerate(table):
        anchor = unique_anchor(c["text"], texts[:k] + texts[k + 1:])
        if anchor is None:
            continue  # a clause too short to be named uniquely cannot be scored (nor can it be in hand-made gold)
        clauses.append({
            "anchor": anchor, "path": c.get("path", []), "is_task": bool(c.get("is_task")),
            "action": [c["action"]] if c.get("action") else [],
            "deadlines": written(c, c.get("deadlines", []), ("start", "end", "ongoing", "optional"), "deadlines"),
            "frequencies": written(c, c.get("frequencies", []), ("period", "count", "at_least"), "frequencies"),
            "departments": written(c, c.get("departments", []), ("role",), "departments"),
        })
    return {"doc": f"review_{plan_id}", "source": source, "title": doc.title, "clauses": clauses,
            "note": "exported from the review store: a reviewer confirmed this task table", "skipped": skipped}


def export_gold(store, out_dir: str | Path) -> list[Path]:
    """Every confirmed task table as `review_<plan>.json` plus its text `review_<plan>.txt` in out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for p in store.plans():
        if p["table_confirmed_at"] is None:
            continue
        doc = store.plan_document(p["id"])
        name = f"review_{p['id']}"
        (out / f"{name}.txt").write_text(doc.text or "\n".join(c.text for c in doc.clauses), encoding="utf-8")
        gold = gold_file(store, p["id"], f"{name}.txt")
        path = out / f"{name}.json"
        path.write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        written.append(path)
    return written


def train_with_reviews(store, gold_dir: Path, out_dir: Path) -> dict:
    """Retrain the classifiers on corpus gold plus every confirmed task table of the review store."""
    with tempfile.TemporaryDirectory(prefix="planlink-train-") as tmp:
        tmp_gold = Path(tmp)
        for f in gold_dir.glob("*.json"):
            if f.name != "split.json":
                g = json.loads(f.read_text(encoding="utf-8"))
                src = resolve_source(g, f)
                if src is not None:
                    g["source"] = str(src.resolve())
                (tmp_gold / f.name).write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
        reviewed = export_gold(store, tmp_gold)
        split = split_names(gold_dir)
        split["train"] = list(split["train"]) + [p.stem for p in reviewed]
        (tmp_gold / "split.json").write_text(json.dumps(split, ensure_ascii=False), encoding="utf-8")
        meta = train(tmp_gold, out_dir)
        meta["review_gold_files"] = [p.name for p in reviewed]
        (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return meta
