"""The linker's workload of issue 18 on its own: 1,000 child plans linked to one parent (the same child, and 1,000
different children), with the jieba calls linking makes. `--against REF` runs the same workload on a git ref of this
repository first (exported to a temporary folder), so before and after are measured in one run on the same machine.
Run on one core: taskset -c 0 python bench/link.py [--n 1000] [--against main]."""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def variant(docs, i: int):
    """A copy of the documents whose every clause ends in a character of its own (a different text each)."""
    from dataclasses import replace

    mark = chr(0x4E00 + 97 * i % 20000)
    return [replace(d, clauses=[replace(c, text=c.text + mark) for c in d.clauses]) for d in docs]


def workload(root: Path, n: int, label: str) -> None:
    sys.path.insert(0, str(root))
    from extract import words
    from extract.link.report import link_documents, task_clauses
    from extract.pipeline import process_file

    try:
        from extract.link.index import ParentIndex
    except ImportError:  # a tree from before the linker was split
        from extract.link.align import ParentIndex

    corpus = ROOT / "corpus"
    parent = process_file(corpus / "000_74f15ec52f85c6cf.txt", ocr=False)
    child = process_file(corpus / "001_6a215b8801cc0d63.txt", ocr=False)
    link_documents(parent, child)  # start-up: scikit-learn imported, caches warm
    index = ParentIndex(task_clauses(parent, False))
    t, c = time.perf_counter(), time.process_time()
    for _ in range(n):
        link_documents(child, parent, index)
    same, same_cpu = time.perf_counter() - t, time.process_time() - c
    # each child a different text, tokenized as its extraction would have (the classifier segments every clause):
    # what linking itself adds is measured, jieba calls included
    variants = [variant(child, i) for i in range(n)]
    for v in variants:
        for d in v:
            for c in d.clauses:
                words.cut(c.text)
    calls = words.Counter.calls
    t, c = time.perf_counter(), time.process_time()
    for v in variants:
        link_documents(v, parent, index)
    different, different_cpu = time.perf_counter() - t, time.process_time() - c
    # CPU seconds of this process beside wall seconds: on a machine shared with other work the wall clock also
    # counts the time the process waited for a core
    print(f"{label:<10} {n} x the same child: {same:6.2f} s wall {same_cpu:6.2f} s CPU   {n} different children: "
          f"{different:6.2f} s wall {different_cpu:6.2f} s CPU   jieba calls linking them: "
          f"{words.Counter.calls - calls}", flush=True)
    try:
        from extract.link.align import align
        from extract.link.config import DEFAULT
    except ImportError:  # a tree from before the linker had a configuration
        return
    # the same different children with the word passes reading each clause's cached segmentation
    config = DEFAULT.with_(words="clause")
    calls = words.Counter.calls
    t, c = time.perf_counter(), time.process_time()
    for v in variants:
        align(task_clauses(v, False), index, config)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    print(f"{'':<10} {n} different children, words=clause (align only): {wall:6.2f} s wall {cpu:6.2f} s CPU   "
          f"jieba calls: {words.Counter.calls - calls}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--against", help="a git ref measured first, in its own process")
    ap.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    ap.add_argument("--label", default="this tree", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.against:
        with tempfile.TemporaryDirectory(prefix="planlink-link-bench-") as tmp:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.against], check=True,
                                     capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
            subprocess.run([sys.executable, __file__, "--n", str(args.n), "--root", tmp, "--label", args.against],
                           check=True)
    workload(Path(args.root), args.n, args.label)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
