"""Batch benchmark: 300 plans built from corpus/ (text, .docx and text-layer .pdf mixed, 5% corrupt), run with
2 workers; prints plans per minute and peak memory, then kills a second run with SIGKILL once 90% of the files are
done and times the resumed run. Run: python bench/batch_bench.py"""
from __future__ import annotations

import io
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
N = 300


def build_folder(target: Path) -> dict:
    """Unique files (a batch processes identical bytes once, so every copy differs)."""
    from docx import Document as Docx
    from pypdf import PdfReader, PdfWriter

    from extract.readers import read_file
    from extract.segment import segment

    target.mkdir(parents=True)
    texts = []
    for p in sorted((ROOT / "corpus").glob("00[0-3]_*.txt")):
        texts.append(p.read_text(encoding="utf-8"))
    tibet = ROOT / "corpus" / "004_2c798045eb65f6c7.partial.txt"
    for d in segment(read_file(tibet).blocks):
        texts.append(d.title + "\n" + "\n".join(
            ("".join(c.path[-1:]) + ("、" if c.path and c.path[-1].isdigit() is False and len(c.path) == 1 else "")
             if c.marker else "") + c.text for c in d.clauses))
    fx = ROOT / "tests" / "fixtures"
    docx_src = [fx / "tieshan_001.docx", fx / "youyang_000.docx"]
    pdf_src = [fx / "tieshan_001.pdf", fx / "youyang_000.pdf"]
    counts = {"txt": 0, "docx": 0, "pdf": 0, "corrupt": 0}
    for i in range(N):
        kind = "corrupt" if i % 20 == 19 else ("pdf" if i % 4 == 1 else "docx" if i % 4 == 2 else "txt")
        counts[kind] += 1
        if kind == "txt":
            (target / f"plan_{i:03d}.txt").write_text(texts[i % len(texts)] + f"\n（第{i}份）\n", encoding="utf-8")
        elif kind == "docx":
            d = Docx(str(docx_src[i % 2]))
            d.core_properties.subject = f"copy {i}"
            d.save(str(target / f"plan_{i:03d}.docx"))
        elif kind == "pdf":
            w = PdfWriter(clone_from=PdfReader(str(pdf_src[i % 2])))
            w.add_metadata({"/Subject": f"copy {i}"})
            buf = io.BytesIO()
            w.write(buf)
            (target / f"plan_{i:03d}.pdf").write_bytes(buf.getvalue())
        else:
            data = pdf_src[i % 2].read_bytes()
            (target / f"plan_{i:03d}.pdf").write_bytes(data[: len(data) // 4] + f"{i}".encode())
    return counts


def run(folder: Path, out: Path, workers: int = 2) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "extract.cli", "batch", str(folder), "--out", str(out), "--workers",
                    str(workers)], env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, check=False)
    return time.perf_counter() - t


def files_done(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="planlink-batch-bench-"))
    try:
        counts = build_folder(tmp / "in")
        full = run(tmp / "in", tmp / "out")
        peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with sqlite3.connect(tmp / "out" / "planlink.db") as con:
            plans = con.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            failed = con.execute("SELECT COUNT(*) FROM files WHERE status='failed'").fetchone()[0]
        rate = 60 * N / full
        # kill -9 a second run once 90% of the files are done, then resume
        out2 = tmp / "out2"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "extract.cli", "batch", str(tmp / "in"), "--out", str(out2),
                                 "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        while proc.poll() is None and files_done(out2 / "planlink.db") < int(0.9 * N):
            time.sleep(0.05)
        done_at_kill = files_done(out2 / "planlink.db")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        resume = run(tmp / "in", out2)
        again = run(tmp / "in", out2)
        result = {"files": N, "mix": counts, "plans": plans, "failed_files": failed, "full_seconds": round(full, 2),
                  "files_per_minute": round(rate, 1), "peak_worker_mb": round(peak_children, 1),
                  "killed_after_files": done_at_kill, "resume_seconds": round(resume, 2),
                  "resume_share_of_full": round(resume / full, 3),
                  # what resuming costs beyond the unfinished files themselves (at the full run's rate)
                  "resume_overhead_share_of_full": round((resume - full * (N - done_at_kill) / N) / full, 3),
                  "rerun_nothing_to_do_seconds": round(again, 2)}
        print(json.dumps(result, ensure_ascii=False, indent=1))
        (ROOT / "bench" / "batch_results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
