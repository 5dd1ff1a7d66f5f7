"""Hostile inputs through `planlink extract`, each in a fresh process: wall time and peak resident memory (the
process and its per-file child), the exit code and the one-line message. Targets: < 10 s and < 500 MB each."""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "robustness"))
sys.path.insert(0, str(ROOT))

import inputs  # noqa: E402

CASES = [
    ("docx zip bomb, 1 GB unpacked", "bomb1g.docx", lambda p: inputs.docx_bomb(p, 1024), []),
    ("docx zip bomb, 4 GB unpacked", "bomb4g.docx", lambda p: inputs.docx_bomb(p, 4096), []),
    ("docx with 20000 members", "members.docx", inputs.docx_many_members, []),
    ("docx cell with gridSpan=10^8", "gridspan.docx", inputs.docx_gridspan, []),
    ("html cell with colspan=10^8", "colspan.html", inputs.colspan_page, []),
    ("html with 400k cells", "cells.html", lambda p: inputs.many_cells_page(p, 400), []),
    ("random CJK text", "noise.txt", inputs.random_cjk, []),
    ("OLE header + random bytes (.doc)", "noise.doc", inputs.ole_noise, []),
    ("long line 23 KB", "line23k.txt", lambda p: inputs.long_line(p, 23_000), ["--timeout", "10"]),
    ("long line 93 KB", "line93k.txt", lambda p: inputs.long_line(p, 93_000), ["--timeout", "10"]),
    ("long line 186 KB", "line186k.txt", lambda p: inputs.long_line(p, 186_000), ["--timeout", "10"]),
    # the 10 MB file without line breaks: stopped by the wall clock (8 s here), one clear line
    ("long line 10 MB", "line10m.txt", lambda p: inputs.long_line(p, 3_400_000), ["--timeout", "8"]),
]


def one(path: str, extra: list[str]) -> None:
    """Child mode: run the CLI on one file, print seconds, peak memory, exit code and stderr's last line."""
    import contextlib
    import io

    from extract.cli import main

    err = io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stderr(err):
        code = main(["extract", path, "--format", "csv", "--out", path + ".csv", *extra])
    seconds = time.perf_counter() - t
    peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    lines = [ln for ln in err.getvalue().splitlines() if ln.strip()]
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "code": code,
                      "message": lines[-1] if lines else ""}, ensure_ascii=False))


def main() -> int:
    only = sys.argv[1:]  # case labels containing any of these words (all cases when none is given)
    print(f"{'case':<36}{'size':>10}{'seconds':>9}{'peak MB':>9}{'exit':>6}  message")
    worst_s = worst_mb = 0.0
    with tempfile.TemporaryDirectory(prefix="planlink-bench-") as tmp:
        for label, name, make, extra in CASES:
            if only and not any(w in label for w in only):
                continue
            path = make(Path(tmp) / name)
            proc = subprocess.run([sys.executable, __file__, "--one", str(path), *extra], capture_output=True,
                                  text=True, cwd=ROOT, timeout=600)
            try:
                r = json.loads(proc.stdout.strip().splitlines()[-1])
            except (IndexError, json.JSONDecodeError):
                print(f"{label:<36} failed to run: {proc.stderr[-300:]}")
                continue
            worst_s, worst_mb = max(worst_s, r["seconds"]), max(worst_mb, r["peak_mb"])
            size = path.stat().st_size
            msg = r["message"].replace(str(path), name)[:110] or "(read)"
            print(f"{label:<36}{size / 1024:>8.0f}kB{r['seconds']:>9.2f}{r['peak_mb']:>9.0f}{r['code']:>6}  {msg}")
    print(f"worst: {worst_s:.2f} s, {worst_mb:.0f} MB (targets: < 10 s, < 500 MB)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        one(sys.argv[2], sys.argv[3:])
    else:
        raise SystemExit(main())
