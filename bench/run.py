"""make bench: wall time per stage, throughput and peak memory for each workload, with peer baselines.

Workloads: (a) the Tibet compilation end to end, warm and in a fresh process beside a bare jieba pass over the same
text; (b) a 30-page text-layer PDF; (c) 1,000 child plans linked to one parent; (d) cold start (planlink --version,
a one-page extract); (e) the regex extractors in characters per second; (f) OCR seconds per scanned page. Peers
(bench-only extras, never runtime dependencies): pypdfium2 and unstructured for raw PDF text, JioNLP's time parser for
deadlines. Prints a table and writes bench/results.json; bench/scaling.py draws the scaling curves."""
from __future__ import annotations

import json
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "corpus"
RESULTS: list[dict] = []


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def record(name: str, seconds: float, **extra) -> None:
    row = {"workload": name, "seconds": round(seconds, 3), "peak_mb": round(peak_mb(), 1), **extra}
    RESULTS.append(row)
    rest = "  ".join(f"{k}={v}" for k, v in extra.items())
    print(f"{name:<52}{seconds:>9.3f} s  {rest}", flush=True)


def skip(name: str, reason: str) -> None:
    """A peer that could not be measured: a row in the table and in results.json, with the reason."""
    RESULTS.append({"workload": name, "skipped": reason})
    print(f"{name:<52}{'-':>9}    skipped: {reason}", flush=True)


def nonspace(text: str) -> int:
    """Characters other than whitespace: extractors differ in the spaces and newlines they put between lines."""
    return sum(not c.isspace() for c in text)


def build_pdf_30() -> Path:
    """A 30-page text-layer PDF made once from corpus text with LibreOffice (cached under bench/data)."""
    target = ROOT / "bench" / "data" / "plan30.pdf"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    from tools.make_fixtures import build_docx, soffice_convert

    text = (CORPUS / "004_2c798045eb65f6c7.partial.txt").read_text(encoding="utf-8").split("\n")
    body = "\n".join(text[90:700])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "plan30.txt"
        src.write_text(body, encoding="utf-8")
        docx = Path(tmp) / "plan30.docx"
        build_docx(src, docx)
        pdf = soffice_convert(docx, "pdf", Path(tmp))
        from pypdf import PdfReader, PdfWriter

        reader = PdfReader(str(pdf))
        writer = PdfWriter()
        for page in reader.pages[:30]:
            writer.add_page(page)
        with open(target, "wb") as fh:
            writer.write(fh)
        print(f"(built a {min(30, len(reader.pages))}-page PDF)")
    return target


def stage_times(path: Path) -> dict:
    from extract.pipeline import Timer, process_file

    timer = Timer()
    t = time.perf_counter()
    docs = process_file(path, timer=timer, ocr=False)
    total = time.perf_counter() - t
    return {"total": total, "docs": docs, **{k: round(v, 3) for k, v in timer.seconds.items()}}


def workload_tibet() -> None:
    path = CORPUS / "004_2c798045eb65f6c7.partial.txt"
    stage_times(path)  # warm: models and dictionaries loaded once per process
    r = stage_times(path)
    record("(a) Tibet compilation end to end (warm process)", r["total"], plans=len(r["docs"]),
           chars_per_s=int(len(path.read_text(encoding="utf-8")) / r["total"]),
           read=r.get("read"), segment=r.get("segment"), extract=r.get("extract"), classify=r.get("classify"))


_BARE_JIEBA = ("import sys, jieba; jieba.setLogLevel(60); "
               "words = jieba.lcut(open(sys.argv[1], encoding='utf-8').read()); print(len(words))")


def _child_cpu() -> float:
    """User + system CPU seconds of every child process waited for so far (their own children included)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def workload_tibet_cold(runs: int = 3) -> None:
    """The issue's floor: `planlink extract` of the compilation in a fresh process against a fresh process that only
    segments the same text with jieba (its own dictionary, as a user of jieba would); best of `runs` each. Beside the
    wall time, the CPU seconds of each process (its worker included): other agents on the machine stretch wall
    time far more than CPU time, so the CPU ratio is the steadier of the two."""
    path = CORPUS / "004_2c798045eb65f6c7.partial.txt"
    exe = ROOT / ".venv" / "bin" / "planlink"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "extract.cli"]
    ours, bare, ours_cpu, bare_cpu = [], [], [], []
    for _ in range(runs):  # interleaved, so that both see the same load of the machine
        t, c = time.perf_counter(), _child_cpu()
        subprocess.run(cmd + ["extract", str(path), "--format", "json"], check=True, capture_output=True, cwd=ROOT)
        ours.append(time.perf_counter() - t)
        ours_cpu.append(_child_cpu() - c)
        t, c = time.perf_counter(), _child_cpu()
        subprocess.run([sys.executable, "-c", _BARE_JIEBA, str(path)], check=True, capture_output=True)
        bare.append(time.perf_counter() - t)
        bare_cpu.append(_child_cpu() - c)
    record("(a) Tibet compilation, fresh process: planlink", min(ours), runs=[round(x, 2) for x in ours],
           cpu_s=[round(x, 2) for x in ours_cpu])
    record("    bare jieba pass over the same text, fresh process", min(bare), runs=[round(x, 2) for x in bare],
           cpu_s=[round(x, 2) for x in bare_cpu], ratio=round(min(ours) / min(bare), 2),
           cpu_ratio=round(min(ours_cpu) / min(bare_cpu), 2), target_ratio=1.2)


def workload_pdf(pdf: Path) -> None:
    import pdfplumber

    with pdfplumber.open(pdf) as p:
        pages = len(p.pages)
    r = stage_times(pdf)
    record("(b) 30-page PDF to task table", r["total"], pages=pages, pages_per_s=round(pages / r["total"], 1),
           read=r.get("read"), segment=r.get("segment"), extract=r.get("extract"), classify=r.get("classify"))
    peers_pdf(pdf, pages)


def peers_pdf(pdf: Path, pages: int) -> None:
    """Raw text of the same PDF by each reader, timed the same way: one call, time.perf_counter around it,
    chars = non-whitespace characters of the text it returned."""
    from extract.readers import read_file

    def timed(name: str, extract) -> None:
        t = time.perf_counter()
        text = extract()
        dt = time.perf_counter() - t
        record(name, dt, pages_per_s=round(pages / dt, 1), chars=nonspace(text))

    timed("    planlink reader (paragraphs+tables)", lambda: "\n".join(b.text for b in read_file(pdf).blocks))

    def plumber() -> str:
        import pdfplumber

        with pdfplumber.open(pdf) as p:
            return "\n".join(page.extract_text() or "" for page in p.pages)

    timed("    peer: pdfplumber extract_text", plumber)
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:
        skip("    peer: pypdfium2 get_text_range (no order/tables)", f"pypdfium2 not installed ({exc})")
    else:
        def pdfium_text() -> str:
            doc = pdfium.PdfDocument(str(pdf))
            return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))

        timed("    peer: pypdfium2 get_text_range (no order/tables)", pdfium_text)
    peer_unstructured(pdf, pages)


class _Captured(logging.Handler):
    """Keeps unstructured's log records: partition_pdf catches its own text-extraction errors, logs them at DEBUG
    and returns no elements, so the log is the only place the reason shows."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def reason(self) -> str:
        errors = [r for r in self.records if isinstance(r.msg, BaseException)]
        if errors:
            exc = errors[-1].msg
            return f"{type(exc).__name__}: {exc}"
        said = [r.getMessage() for r in self.records if r.levelno >= logging.INFO]
        return said[-1] if said else "no reason logged"


def peer_unstructured(pdf: Path, pages: int) -> None:
    """unstructured's partition_pdf(strategy="fast") (pdfminer text layer plus its element classifier).

    Not in the bench extra. unstructured 0.27 imports unstructured-inference (hence torch) from partition.pdf; on
    these machines install it with torch pinned so pip keeps the CPU wheel on disk instead of a CUDA build:
        pip install torch==2.13.0 && pip install "unstructured[pdf]" torch==2.13.0
    Even so, the fast strategy classifies every element with spaCy's en_core_web_sm 3.8.0, which unstructured
    downloads from github.com on first use (unstructured/nlp/tokenize.py). Where that cannot be reached,
    partition_pdf logs the error at DEBUG and returns no elements: that is reported as a skipped row with the error.
    """
    name = "    peer: unstructured partition_pdf(fast)"
    os.environ.setdefault("SCARF_NO_ANALYTICS", "true")  # no usage ping on import
    os.environ.setdefault("UNSTRUCTURED_DISABLE_NOTICE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the fast strategy needs no hub model; never fetch one
    try:
        from unstructured.partition.pdf import partition_pdf
    except ImportError as exc:
        skip(name, f"unstructured[pdf] not installed ({exc}); not in the bench extra: its fast strategy downloads "
                   "spaCy en_core_web_sm from github.com at run time, which this network does not reach")
        return
    except Exception as exc:  # noqa: BLE001 - e.g. a torch that does not load: reported, not fatal
        skip(name, f"importing unstructured.partition.pdf raised {type(exc).__name__}: {exc}")
        return
    log = logging.getLogger("unstructured")
    captured, level = _Captured(), log.level
    log.addHandler(captured)
    log.setLevel(logging.DEBUG)
    try:
        t = time.perf_counter()
        elements = partition_pdf(filename=str(pdf), strategy="fast")
        dt = time.perf_counter() - t
    except Exception as exc:  # noqa: BLE001 - a peer that fails is reported, not fatal
        skip(name, f"partition_pdf(fast) raised {type(exc).__name__}: {exc}")
        return
    finally:
        log.removeHandler(captured)
        log.setLevel(level)
    text = "\n".join(e.text for e in elements)
    if not text.strip():
        skip(name, f"partition_pdf(fast) returned {len(elements)} elements after {dt:.3f} s: {captured.reason()}")
        return
    record(name, dt, pages_per_s=round(pages / dt, 1), chars=nonspace(text), elements=len(elements))


def workload_link(n: int = 1000) -> None:
    from extract.link.index import ParentIndex
    from extract.link.report import link_documents, task_clauses
    from extract.pipeline import process_file

    parent = process_file(CORPUS / "000_74f15ec52f85c6cf.txt", ocr=False)
    child = process_file(CORPUS / "001_6a215b8801cc0d63.txt", ocr=False)
    link_documents(parent, child)  # start-up: scikit-learn imported, caches warm
    t = time.perf_counter()
    link_documents(child, parent)
    record("(c0) one child vs one parent (after start-up)", time.perf_counter() - t,
           child_tasks=len(child[0].tasks), parent_tasks=len(parent[0].tasks))
    index = ParentIndex(task_clauses(parent, False))
    t, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        link_documents(child, parent, index)
    dt = time.perf_counter() - t
    # CPU seconds beside wall seconds: on a shared machine the wall clock also counts waiting for a core
    record(f"(c) {n} child plans vs one parent", dt, plans_per_s=round(n / dt, 1), target_s=15,
           cpu_s=round(time.process_time() - cpu, 2))
    # the same child 1,000 times finds its words cached after the first; here every child is a different text (one
    # character of its own added to each clause), so each is masked, vectorized and segmented afresh
    variants = [_variant(child, i) for i in range(n)]
    t, cpu = time.perf_counter(), time.process_time()
    for v in variants:
        link_documents(v, parent, index)
    dt = time.perf_counter() - t
    record(f"    {n} different child plans vs one parent", dt, plans_per_s=round(n / dt, 1),
           cpu_s=round(time.process_time() - cpu, 2))


def _variant(docs, i: int):
    """A copy of the documents whose every clause ends in a character of its own (a different text each)."""
    from dataclasses import replace

    mark = chr(0x4E00 + 97 * i % 20000)
    return [replace(d, clauses=[replace(c, text=c.text + mark) for c in d.clauses]) for d in docs]


def workload_cold() -> None:
    exe = ROOT / ".venv" / "bin" / "planlink"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "extract.cli"]
    t = time.perf_counter()
    subprocess.run(cmd + ["--version"], check=True, capture_output=True)
    record("(d) cold start: planlink --version", time.perf_counter() - t)
    one = ROOT / "bench" / "data" / "one_page.txt"
    one.parent.mkdir(parents=True, exist_ok=True)
    one.write_text("\n".join((CORPUS / "003_c1a48ebb466ecfa9.txt").read_text(encoding="utf-8").split("\n")[:40]),
                   encoding="utf-8")
    t = time.perf_counter()
    subprocess.run(cmd + ["extract", str(one), "--format", "json"], check=True, capture_output=True)
    record("(d) cold start: one-page extract incl. models", time.perf_counter() - t, target_s=0.7)


def deadlines_vs_jionlp() -> None:
    """Deadline extraction against JioNLP's time parser on the annotated dev set: accuracy and speed."""
    from extract.extractors import deadlines

    golds = sorted((CORPUS / "gold").glob("*.json"))
    items = []
    for g in golds:
        if g.name == "split.json":
            continue
        data = json.loads(g.read_text(encoding="utf-8"))
        for c in data["clauses"]:
            for d in c.get("deadlines", []):
                if not d.get("optional"):
                    items.append((d["text"], d.get("end"), d.get("start"), bool(d.get("ongoing"))))
    if not items:
        print("    no gold deadlines yet")
        return
    t = time.perf_counter()
    ok = 0
    for text, end, start, ongoing in items:
        got = deadlines.extract(text)
        ok += bool(got) and (got[0].end, got[0].start, got[0].ongoing) == (end, start, ongoing)
    record("    planlink deadlines on gold deadline texts", time.perf_counter() - t, accuracy=round(ok / len(items), 3),
           n=len(items))
    try:
        import jionlp
    except ImportError:
        print("    peer jionlp not installed")
        return
    t = time.perf_counter()
    ok = 0
    for text, end, start, ongoing in items:
        try:
            r = jionlp.parse_time(text, time_base=time.mktime((2024, 1, 1, 0, 0, 0, 0, 0, 0)))
            got_end = r["time"][1][:10] if r and r.get("time") else None
            ok += (not ongoing) and got_end == end
        except Exception:  # noqa: BLE001 - a parse failure is a miss
            pass
    record("    peer: jionlp.parse_time on the same texts", time.perf_counter() - t, accuracy=round(ok / len(items), 3))


def _clear_memo(module, name: str) -> None:
    fn = getattr(module, name, None)  # absent in older versions of the extractors (bench runs against them too)
    if fn is not None:
        fn.cache_clear()


def _clear_memos() -> None:
    from extract import text
    from extract.extractors import deadlines, departments, frequencies, targets

    names = getattr(departments, "names", departments)  # a package of modules since the split (issue 13)
    for module, name in ((text, "to_arabic"), (names, "is_actor"), (names, "is_fragment"), (names, "clean"),
                         (names, "_clean"), (names, "_split_names_at0"), (frequencies, "_extract")):
        _clear_memo(module, name)
    # the keyword prefilters (issue 18) keep the rules each combination of literals lets through: forgotten too
    for module in (deadlines, frequencies, targets, getattr(departments, "labels", None)):
        prefilter = getattr(module, "prefilter", None)
        if prefilter is not None:
            prefilter().clear()


def extractors_tibet() -> None:
    """(e) Each rule extractor over every clause of the Tibet compilation, in characters of clause text per second;
    the memo caches are emptied first, so that the figure is that of a first pass (the rules are compiled). Then all
    four as the pipeline runs them, each clause through the four in turn after the caches are emptied once: the work
    they share on a clause (the frequencies the targets extractor asks for again) is done and counted once; the sum
    of the four separate rows, which counts it twice, is printed beside it."""
    from extract.extractors import deadlines, departments, frequencies, targets
    from extract.readers import read_file
    from extract.segment import segment

    texts = [c.text for d in segment(read_file(CORPUS / "004_2c798045eb65f6c7.partial.txt").blocks)
             for c in d.clauses]
    chars = sum(map(len, texts))
    modules = (deadlines, frequencies, targets, departments)
    separate = 0.0
    for module in modules:
        module.extract("2024年6月底前，县应急局牵头，每月至少开展1次检查，合格率达到100%。")  # rules compiled
        _clear_memos()
        t = time.perf_counter()
        for x in texts:
            module.extract(x)
        dt = time.perf_counter() - t
        separate += dt
        record(f"(e) {module.__name__.rsplit('.', 1)[-1]} extractor on the Tibet clauses", dt,
               chars=chars, chars_per_s=int(chars / dt))
    _clear_memos()
    t = time.perf_counter()
    for x in texts:
        for module in modules:
            module.extract(x)
    total = time.perf_counter() - t
    record("(e) all four extractors on the Tibet clauses", total, chars=chars, chars_per_s=int(chars / total),
           target_chars_per_s=1_000_000, sum_of_rows_s=round(separate, 3))


def workload_ocr() -> None:
    """(f) A scanned 8-page plan (180 dpi, skew, noise, a red seal) through the pipeline in a fresh process: seconds
    per page with everything included (imports, engine start-up), then the same plan again in that process (engine
    made), and the cores it kept busy (CPU seconds / wall seconds of each run), in both modes: the default page
    threads (one per core) and one page at a time (PLANLINK_OCR_WORKERS=1). The modes alternate (ABBA) so that load
    from other jobs falls on both alike; each mode's better round is printed. CER with tools/ocr_accuracy.py."""
    from extract.readers.ocr import available

    scan = ROOT / "tests" / "fixtures" / "scans" / "tieshan_001_scan.pdf"
    if not available() or not scan.is_file():
        skip("(f) OCR of a scanned 8-page plan", "no OCR engine installed or no scanned fixture")
        return
    code = ("import json, sys, time; sys.path.insert(0, sys.argv[2]); cpu = time.process_time; "
            "t0, c0 = time.perf_counter(), cpu(); "
            "from extract.pipeline import process_file; docs = process_file(sys.argv[1]); "
            "t1, c1 = time.perf_counter(), cpu(); process_file(sys.argv[1]); t2, c2 = time.perf_counter(), cpu(); "
            "print(json.dumps({'first': t1 - t0, 'again': t2 - t1, 'cores_first': (c1 - c0) / (t1 - t0), "
            "'cores_again': (c2 - c1) / (t2 - t1), 'pages': len(docs[0].pages_ocr)}))")
    modes = {"page threads": None, "one page at a time": "1"}
    runs: dict[str, list[dict]] = {m: [] for m in modes}
    for mode in (*modes, *reversed(modes)):
        env = {k: v for k, v in os.environ.items() if k != "PLANLINK_OCR_WORKERS"}
        if modes[mode]:
            env["PLANLINK_OCR_WORKERS"] = modes[mode]
        out = subprocess.run([sys.executable, "-c", code, str(scan), str(ROOT)], check=True, capture_output=True,
                             text=True, env=env)
        runs[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))
    load = os.getloadavg()[0]
    for mode, rs in runs.items():
        pages = max(1, rs[0]["pages"])
        best = min(rs, key=lambda r: r["first"])
        again = min(rs, key=lambda r: r["again"])
        record(f"(f) OCR, scanned 8-page plan, per page, {mode}", best["first"] / pages, pages=pages,
               cores=round(best["cores_first"], 2), per_page_again_s=round(again["again"] / pages, 2),
               cores_again=round(again["cores_again"], 2), load_1min=round(load, 1), target_s=1.5)


def extractors_5000() -> None:
    """The regex extractors on 5,000 clauses each (the figure was once a wall-clock assertion in the unit tests)."""
    from extract.extractors import deadlines, frequencies, targets

    cases = (
        (deadlines, "2024年6月底前，生产经营单位要对照判定标准开展自查，每月至少1次，2025—2026年持续巩固。"),
        (frequencies, "企业主要负责人每季度带队检查至少1次（高危行业领域每月至少1次），落实“日周月”排查，2024年底前完成。"),
        (targets, "2026年底前，高危行业从业人员培训考核合格率达到100%，现场操作人员不大于3人，每年至少开展1次演练。"),
    )
    for module, clause in cases:
        module.extract(clause)  # compile the patterns outside the timing
        t = time.perf_counter()
        for _ in range(5000):
            _clear_memo(frequencies, "_extract")  # the same clause 5,000 times: each run must do the work
            module.extract(clause)
        dt = time.perf_counter() - t
        record(f"    {module.__name__.rsplit('.', 1)[-1]} extractor, 5,000 dense clauses", dt,
               chars_per_s=int(5000 * len(clause) / dt))


def main() -> int:
    print(f"{'workload':<52}{'time':>11}")
    workload_cold()
    workload_tibet()
    workload_tibet_cold()
    workload_pdf(build_pdf_30())
    workload_link()
    extractors_tibet()
    extractors_5000()
    workload_ocr()
    deadlines_vs_jionlp()
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps({"cpu_count": os.cpu_count(), "results": RESULTS}, ensure_ascii=False, indent=1),
                   encoding="utf-8")
    print(f"peak memory {peak_mb():.0f} MB; results in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
