"""make bench, scaling curves: time and peak memory against document size (1x, 10x, 50x a plan, each in a fresh
process) and against the number of plans (100, 1,000 [, 10,000] small plans through `planlink batch` with 2 worker
processes and through a Dask LocalCluster of 2 workers). Prints a table, writes bench/scaling.json and plots both
curves to bench/scaling.png. Run: python bench/scaling.py [--plans 100,1000,10000] [--sizes 1,10,50]

10,000 plans take about a quarter of an hour per scheduler on this 2-core machine, so the default stops at 1,000;
pass --plans 100,1000,10000 for the full curve."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "corpus"
PLAN = CORPUS / "001_6a215b8801cc0d63.txt"
WARM = CORPUS / "003_c1a48ebb466ecfa9.txt"  # another plan: loads models and dictionary, fills no cache PLAN needs


def sized_plan(factor: int, target: Path) -> int:
    """One plan whose body is written `factor` times under its title (a plan `factor` times as long). Each copy ends
    its lines with a character of its own, so that no copy's clauses are found in a cache filled by another."""
    lines = PLAN.read_text(encoding="utf-8").split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith("铁峰乡安全生产治本攻坚三年行动工作方案"))
    head, body = lines[: start + 1], lines[start + 1:]
    copies = [[ln + chr(0x4E00 + 211 * k % 20000) if ln.strip() else ln for ln in body] for k in range(factor)]
    text = "\n".join(head + [ln for copy in copies for ln in copy])
    target.write_text(text, encoding="utf-8")
    return len(text)


_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from extract.pipeline import process_file
process_file({warm!r}, ocr=False)  # imports, models and dictionary loaded before the clock starts
t = time.perf_counter()
docs = process_file({path!r}, ocr=False)
clauses = sum(len(d.clauses) for d in docs)
print(json.dumps({{"seconds": time.perf_counter() - t, "clauses": clauses,
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def doc_size_curve(factors: list[int], tmp: Path) -> list[dict]:
    rows = []
    for f in factors:
        path = tmp / f"plan_x{f}.txt"
        chars = sized_plan(f, path)
        out = subprocess.run([sys.executable, "-c", _CHILD.format(root=str(ROOT), path=str(path), warm=str(WARM))],
                             capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append({"factor": f, "chars": chars, **{k: round(v, 3) if isinstance(v, float) else v
                                                      for k, v in r.items()}})
        print(f"  document {f:>3}x  {chars:>9,} chars  {r['clauses']:>6} clauses  {r['seconds']:8.2f} s  "
              f"peak {r['peak_mb']:7.1f} MB  ({r['seconds'] / chars * 1e6:.1f} s per M chars)", flush=True)
    return rows


def small_plans(n: int, target: Path) -> None:
    """n different one-page plans: a title, a window of 24 clause lines of the corpus plans (a different window for
    each file) and the file's number, so that no two files are identical."""
    pool = []
    for p in sorted(CORPUS.glob("00[0-3]_*.txt")):
        pool += [ln for ln in p.read_text(encoding="utf-8").split("\n") if len(ln) > 30]
    target.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        k = (i * 37) % (len(pool) - 24)
        body = ["一、主要任务"] + [f"{j + 1}. {pool[k + j]}" for j in range(24)]
        (target / f"plan_{i:05d}.txt").write_text(f"某县第{i}号安全生产专项工作方案\n" + "\n".join(body)
                                                  + f"\n（第{i}份）\n", encoding="utf-8")


class PeakRSS:
    """Peak resident memory of a set of process trees, sampled every 50 ms (psutil)."""

    def __init__(self, pids):
        import psutil

        self.roots = [psutil.Process(p) for p in pids]
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        import psutil

        while not self._stop.is_set():
            total = 0
            for root in self.roots:
                try:
                    procs = [root] + root.children(recursive=True)
                except psutil.Error:
                    continue
                for p in procs:
                    try:
                        total += p.memory_info().rss
                    except psutil.Error:
                        pass
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_batch(folder: Path, out: Path, *, scheduler: str | None, cluster_pids: list[int]) -> tuple[float, float, int]:
    cmd = [sys.executable, "-m", "extract.cli", "batch", str(folder), "--out", str(out)]
    cmd += ["--scheduler", scheduler] if scheduler else ["--workers", "2"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    with PeakRSS([proc.pid, *cluster_pids]) as mem:
        _, err = proc.communicate()
    dt = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"batch failed ({proc.returncode}): {err.decode()[-2000:]}")
    import sqlite3

    with sqlite3.connect(out / "planlink.db") as con:
        done = con.execute("SELECT COUNT(*) FROM files WHERE status != 'failed'").fetchone()[0]
    return dt, mem.peak, done


def plans_curve(counts: list[int], tmp: Path) -> list[dict]:
    rows = []
    cluster = None
    try:
        for n in counts:
            folder = tmp / f"plans_{n}"
            small_plans(n, folder)
            for mode in ("2 workers", "Dask LocalCluster"):
                scheduler, pids = None, []
                if mode.startswith("Dask"):
                    if cluster is None:
                        from distributed import LocalCluster

                        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                               dashboard_address=":0")
                    scheduler = cluster.scheduler_address
                    pids = [w.pid for w in cluster.workers.values() if getattr(w, "pid", None)]
                out = tmp / f"out_{n}_{mode[:4].strip()}"
                dt, peak, done = run_batch(folder, out, scheduler=scheduler, cluster_pids=pids)
                rows.append({"plans": n, "mode": mode, "seconds": round(dt, 2), "peak_mb": round(peak, 1),
                             "files_per_min": round(60 * n / dt, 1), "done": done})
                print(f"  {n:>6} plans  {mode:<18} {dt:8.1f} s  {60 * n / dt:7.1f} files/min  peak {peak:7.1f} MB  "
                      f"({done} done)", flush=True)
                shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        if cluster is not None:
            cluster.close()
    return rows


def plot(sizes: list[dict], plans: list[dict], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    if sizes:
        x = [r["chars"] / 1000 for r in sizes]
        axes[0][0].plot(x, [r["seconds"] for r in sizes], "o-")
        axes[0][0].set(xlabel="document size (thousand characters)", ylabel="seconds",
                       title="extract one plan: time vs size (1x, 10x, 50x)")
        axes[0][1].plot(x, [r["peak_mb"] for r in sizes], "o-", color="tab:red")
        axes[0][1].set(xlabel="document size (thousand characters)", ylabel="peak MB",
                       title="extract one plan: peak memory vs size")
    for mode, style in (("2 workers", "o-"), ("Dask LocalCluster", "s--")):
        rows = [r for r in plans if r["mode"] == mode]
        if rows:
            axes[1][0].plot([r["plans"] for r in rows], [r["seconds"] for r in rows], style, label=mode)
            axes[1][1].plot([r["plans"] for r in rows], [r["peak_mb"] for r in rows], style, label=mode)
    axes[1][0].set(xlabel="small plans in the batch", ylabel="seconds", title="planlink batch: time vs plans")
    axes[1][1].set(xlabel="small plans in the batch", ylabel="peak MB (batch + workers)",
                   title="planlink batch: peak memory vs plans")
    for ax in axes[1]:
        if plans:
            ax.legend()
    for ax in axes.flat:
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)


def linear_check(xs: list[float], ys: list[float]) -> float:
    """Cost per unit at the largest point over cost per unit at the smallest (1.0: perfectly linear)."""
    return (ys[-1] / xs[-1]) / (ys[0] / xs[0]) if xs and ys[0] else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,50")
    ap.add_argument("--plans", default="100,1000", help="plan counts; add 10000 for the full curve (~15 min each)")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    counts = [int(x) for x in args.plans.split(",") if x]
    tmp = Path(tempfile.mkdtemp(prefix="planlink-scaling-"))
    try:
        print("scaling: document size (a fresh process per point; time of process_file after one warm-up plan)")
        size_rows = doc_size_curve(sizes, tmp)
        print("scaling: number of plans (planlink batch)")
        plan_rows = plans_curve(counts, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if len(size_rows) > 1:
        print(f"  document size: time per character at {sizes[-1]}x / at {sizes[0]}x = "
              f"{linear_check([r['chars'] for r in size_rows], [r['seconds'] for r in size_rows]):.2f}")
    for mode in ("2 workers", "Dask LocalCluster"):
        rows = [r for r in plan_rows if r["mode"] == mode]
        if len(rows) > 1:
            print(f"  {mode}: time per plan at {rows[-1]['plans']} / at {rows[0]['plans']} = "
                  f"{linear_check([r['plans'] for r in rows], [r['seconds'] for r in rows]):.2f}")
    result = {"cpu_count": os.cpu_count(), "document_size": size_rows, "plans": plan_rows}
    (ROOT / "bench" / "scaling.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    plot(size_rows, plan_rows, ROOT / "bench" / "scaling.png")
    print(f"wrote {ROOT / 'bench' / 'scaling.json'} and {ROOT / 'bench' / 'scaling.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
