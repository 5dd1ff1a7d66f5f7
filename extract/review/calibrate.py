"""Auto-accept threshold: the lowest link score above which the linker's links reach the target precision on gold."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from ..api import link_documents
from ..gold import fold
from ..link.evaluate import find_anchor, gold_pairs

ROOT = Path(__file__).resolve().parent.parent.parent
LINKS = ROOT / "corpus" / "links"
CALIBRATION = Path(__file__).resolve().parent / "calibration.json"
TARGET = 0.98
#: fewer links than this above a threshold make its precision meaningless
MIN_SUPPORT = 30


def labelled_links(gold_dir: Path = LINKS, split: str = "train") -> list[tuple[float, str, bool]]:
    """(score, kind, correct) for every link the linker makes on the gold pairs of one split; a link is correct
    when a gold link's anchors name its child and parent clauses (matched once, as `planlink evaluate --links`)."""
    names = json.loads((gold_dir / "split.json").read_text(encoding="utf-8"))
    wanted = names["train"] + names["dev"] if split == "all" else names[split]
    out: list[tuple[float, str, bool]] = []
    for _f, gold, child, parent in gold_pairs([gold_dir / f"{stem}.json" for stem in sorted(wanted)]):
        links = link_documents(child, parent)["links"]
        child_texts = sorted({(lk["child"], fold(lk["child_text"])) for lk in links})
        parent_texts = sorted({(lk["parent"], fold(lk["parent_text"])) for lk in links})
        correct: set[int] = set()
        for g in gold.get("links", []):
            cids, pids = find_anchor(g["child_anchor"], child_texts), find_anchor(g["parent_anchor"], parent_texts)
            hit = next((k for k, lk in enumerate(links)
                        if k not in correct and lk["child"] in cids and lk["parent"] in pids), None)
            if hit is not None:
                correct.add(hit)
        out += [(lk["score"], lk["kind"], k in correct) for k, lk in enumerate(links)]
    return out


def precision_above(links: list[tuple[float, str, bool]], threshold: float) -> tuple[float, float, int]:
    """(precision, share of links, count) of the links scoring at least `threshold`."""
    above = [ok for s, _, ok in links if s >= threshold]
    if not above:
        return 1.0, 0.0, 0
    return sum(above) / len(above), len(above) / len(links), len(above)


def lower_bound(correct: int, n: int, confidence: float = 0.95) -> float:
    """One-sided Clopper-Pearson lower bound of a precision of correct/n."""
    from scipy.stats import beta

    return float(beta.ppf(1 - confidence, correct, n - correct + 1)) if correct else 0.0


def calibrate(links: list[tuple[float, str, bool]], target: float = TARGET) -> float:
    """The lowest score t such that the precision of the links scoring >= t is at least `target` with 95%
    confidence (its one-sided Clopper-Pearson lower bound), so a small gold set cannot pass by luck."""
    for t in sorted({s for s, _, _ in links}):
        above = [ok for s, _, ok in links if s >= t]
        if len(above) >= MIN_SUPPORT and lower_bound(sum(above), len(above)) >= target:
            return t
    return 1.01  # nothing reaches the target: accept nothing automatically


def main(argv: list[str] | None = None) -> int:
    """Fit on the train and dev gold pairs together, write calibration.json and print the figures per split."""
    train = labelled_links(LINKS, "train")
    dev = labelled_links(LINKS, "dev")
    t = calibrate(train + dev)
    result = {"threshold": round(t, 4), "target_precision": TARGET, "confidence": 0.95,
              "command": "python -m extract.review.calibrate"}
    for name, links in (("train", train), ("dev", dev), ("all", train + dev)):
        p, share, n = precision_above(links, t)
        result[name] = {"links": len(links), "above": n, "share_above": round(share, 4),
                        "precision_above": round(p, 4),
                        "precision_lower_bound": round(lower_bound(round(p * n), n), 4)}
    if "--no-write" not in (argv or sys.argv[1:]):
        CALIBRATION.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


def threshold() -> float:
    """The committed auto-accept threshold (links scoring at least this are accepted without review)."""
    try:
        return float(json.loads(CALIBRATION.read_text(encoding="utf-8"))["threshold"])
    except (OSError, ValueError, KeyError):
        return 1.01


if __name__ == "__main__":
    raise SystemExit(main())
