"""OCR accuracy and speed on the scanned fixtures: character error rate against the text-layer source, seconds per
page, and extraction F1 of the scanned plan next to its text-layer figures. Run: python tools/ocr_accuracy.py"""
from __future__ import annotations

import sys
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def cer(ref: str, hyp: str) -> float:
    """Edit-based character error rate: (substitutions + deletions + insertions) / len(ref)."""
    sm = SequenceMatcher(None, ref, hyp, autojunk=False)
    errors = 0
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op != "equal":
            errors += max(i2 - i1, j2 - j1)
    return errors / max(1, len(ref))


def main() -> int:
    import pdfplumber

    from extract.pipeline import process_file
    from extract.text import fold

    fx = ROOT / "tests" / "fixtures"
    ref_docs = process_file(fx / "tieshan_001.pdf", ocr=False)
    ref = "".join(fold(c.text) for d in ref_docs for c in d.clauses)
    for name in ("tieshan_001_scan.pdf", "tieshan_001_mixed.pdf"):
        path = fx / "scans" / name
        with pdfplumber.open(path) as p:
            pages = len(p.pages)
        t = time.perf_counter()
        docs = process_file(path)
        dt = time.perf_counter() - t
        hyp = "".join(fold(c.text) for d in docs for c in d.clauses)
        ocr_pages = docs[0].pages_ocr if docs else []
        print(f"{name}: pages {pages}, OCR pages {len(ocr_pages)}, {dt:.1f} s total, "
              f"{dt / max(1, len(ocr_pages)):.2f} s per OCR page, CER {cer(ref, hyp):.4f}, "
              f"clauses {sum(len(d.clauses) for d in docs)} (text layer: {sum(len(d.clauses) for d in ref_docs)})")
    gold_path = ROOT / "corpus" / "gold" / "001_6a215b8801cc0d63.json"
    if gold_path.is_file():
        from extract.evaluate import score_document
        from extract.gold import load

        gold = load(gold_path)
        for label, path in (("text layer", fx / "tieshan_001.pdf"), ("scanned", fx / "scans" / "tieshan_001_scan.pdf")):
            (doc,) = process_file(path)
            s = score_document(gold, doc)
            print(f"extraction F1 on {label:>10}: clauses {s.clauses.f1:.3f}  is_task {s.is_task.f1:.3f}  "
                  f"deadlines {s.deadlines.f1:.3f}  frequencies {s.frequencies.f1:.3f}  "
                  f"departments {s.departments.f1:.3f}  action {s.action_acc:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
