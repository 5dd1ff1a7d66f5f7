"""Record every rule extractor's output on every clause of the corpus plans (all sources of corpus/gold, train, dev
and test; every plan of corpus/, corpus/written/ and corpus/links/derived/) and on every example and counter-example
of the rule files into tests/data/extractor_snapshot.json.gz, so tests/test_extractor_snapshot.py can check that speeding up the
extractors (prefilters, shared scans) leaves every output as it was. The clause texts are stored with the outputs:
the test reruns the extractors on the stored texts, whatever later changes to segmentation do to the clauses.

Run from the repository root: python tools/extractor_snapshot.py [OUT]  (only when an output changes on purpose,
after review; OUT defaults to the snapshot the test reads)."""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.api import process_file
from extract.extractors import deadlines, departments, frequencies, targets
from extract.rules import HERE, load

TARGET = ROOT / "tests" / "data" / "extractor_snapshot.json.gz"
EXTRACTORS = {"deadlines": deadlines.extract, "frequencies": frequencies.extract, "targets": targets.extract,
              "departments": departments.extract}
_PLAN_SUFFIXES = {".txt", ".docx", ".html", ".htm", ".pdf"}


def plan_files() -> list[Path]:
    """Every plan the gold files are read from, and every plan file of corpus/, corpus/written/, corpus/links/derived/."""
    found = {ROOT / json.loads(p.read_text(encoding="utf-8"))["source"]
             for p in (ROOT / "corpus" / "gold").glob("*.json") if p.name != "split.json"}
    for folder in (ROOT / "corpus", ROOT / "corpus" / "written", ROOT / "corpus" / "links" / "derived"):
        found |= {p for p in folder.iterdir() if p.suffix in _PLAN_SUFFIXES and p.name != "README.md"}
    return sorted(p for p in found if p.is_file())


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for x in node for s in _strings(x)]
    if isinstance(node, dict):
        return [s for x in node.values() for s in _strings(x)]
    return []


def rule_texts() -> list[str]:
    """The texts of every `examples` / `counter_examples` entry of every rule file (an example may be a string or
    a {text, expect} mapping)."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("examples", "counter_examples", "traps"):
                    for item in value if isinstance(value, list) else [value]:
                        out.extend([item] if isinstance(item, str) else
                                   [item["text"]] if isinstance(item, dict) and isinstance(item.get("text"), str)
                                   else _strings(item)[:1])
                else:
                    walk(value)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    for path in sorted(HERE.glob("*.yaml")):
        walk(load(path.name))
    return out


def corpus_texts() -> list[str]:
    """The clause texts (and inherited texts) of every corpus plan, in order, each once."""
    seen: dict[str, None] = {}
    for path in plan_files():
        for doc in process_file(path, ocr=False):
            for clause in doc.clauses:
                for text in (clause.text, clause.inherited):
                    if text:
                        seen.setdefault(text, None)
    return list(seen)


def outputs(text: str) -> dict:
    return {name: [x.to_json() for x in fn(text)] for name, fn in EXTRACTORS.items()}


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else TARGET
    texts = list(dict.fromkeys(corpus_texts() + rule_texts()))
    rows = [{"text": t, **outputs(t)} for t in texts]
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        json.dump(rows, fh, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(rows)} texts ({sum(map(len, texts))} characters) -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
