"""Build the committed test fixtures from corpus/ once: .docx (python-docx, annex as a bordered Word table),
.pdf (LibreOffice from that .docx), .doc (LibreOffice), and the bad-input files. Run: python tools/make_fixtures.py"""
from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.readers.txt import text_to_blocks  # noqa: E402
from extract.rules.markers import match_marker  # noqa: E402
from extract.segment.lines import clean_line  # noqa: E402

OUT = ROOT / "tests" / "fixtures"


def build_docx(txt: Path, target: Path) -> None:
    """Write a 公文-like .docx: 仿宋 body with first-line indent, centred title, tables with borders,
    vertically merged cells where the flattened table left a cell empty."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    blocks = text_to_blocks(txt.read_text(encoding="utf-8"))
    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "FangSong"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    style.font.size = Pt(14)
    first_title = True
    for b in blocks:
        if b.kind == "table":
            rows = [list(r) for r in b.table.rows]
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            header_short = len(b.table.rows[0]) < width
            if header_short:
                # the flattened header has one name over the task title and content columns: 重点任务
                h = list(b.table.rows[0])
                rows[0] = h[:2] + [""] + h[2:]
            t = d.add_table(rows=len(rows), cols=width)
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j, cell in enumerate(r):
                    t.cell(i, j).text = cell
            if header_short:
                t.cell(0, 1).merge(t.cell(0, 2))
                t.cell(0, 1).text = rows[0][1]
            # Merge runs of empty cells in the first two columns into the cell above (real merged cells).
            for j in range(min(2, width)):
                top = None
                for i in range(1, len(rows)):
                    if rows[i][j]:
                        top = i
                    elif top is not None and any(rows[i]):
                        t.cell(top, j).merge(t.cell(i, j))
                        t.cell(top, j).text = rows[top][j]
            continue
        text = clean_line(b.text)
        if not text:
            continue
        p = d.add_paragraph(text)
        is_title = first_title and len(text) < 60 and "。" not in text
        if is_title:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in p.runs:
                run.font.size = Pt(20)
            first_title = False
        elif match_marker(text) is None or len(text) > 30:
            p.paragraph_format.first_line_indent = Pt(28)
    target.parent.mkdir(parents=True, exist_ok=True)
    d.save(target)


def soffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice is needed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run([soffice, f"-env:UserInstallation=file://{prof}", "--headless", "--convert-to", fmt,
                        "--outdir", str(outdir), str(src)], check=True, capture_output=True, timeout=300)
    return outdir / (src.stem + "." + fmt.split(":")[0])


def bad_inputs(pdf: Path) -> None:
    bad = OUT / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "empty.pdf").write_bytes(b"")
    data = pdf.read_bytes()
    (bad / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (bad / "not-really.docx").write_text("这不是一个Word文件，只是改了扩展名的文本。\n", encoding="utf-8")
    (bad / "corrupt.docx").write_bytes(b"PK\x03\x04" + b"\x00garbage" * 200)
    (bad / "unsupported.xyz").write_text("安全生产", encoding="utf-8")
    # An encrypted PDF, made with pypdf if present, else qpdf.
    enc = bad / "encrypted.pdf"
    try:
        from pypdf import PdfReader, PdfWriter

        w = PdfWriter()
        for page in PdfReader(io.BytesIO(data)).pages:
            w.add_page(page)
        w.encrypt("secret", "owner-secret")
        with open(enc, "wb") as fh:
            w.write(fh)
    except ImportError:
        subprocess.run(["qpdf", "--encrypt", "secret", "owner-secret", "256", "--", str(pdf), str(enc)], check=True)
    # A scan: one page that is only an image (no text layer).
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(img).rectangle((200, 200, 1000, 260), fill="black")
    img.save(bad / "scanned.pdf", "PDF", resolution=150)


# Issue 16: an annex task table of 23 numbered rows whose long rows break across PDF pages.
PAGEBREAK_TASKS = ["组织开展危险化学品企业主要负责人安全生产知识和管理能力考核，对考核不合格的责令限期重新参加培训",
                   "督促企业对照重大事故隐患判定标准开展全面自查，建立隐患台账并实行动态更新和闭环销号管理",
                   "推动重点企业安装安全风险监测预警系统，实现重大危险源温度、压力、液位等关键参数实时监测",
                   "开展城镇燃气、液化石油气充装和经营场所专项执法检查，严厉打击非法经营和违规充装等行为"]


def build_pagebreak_annex(target: Path) -> None:
    """A county plan whose annex is one Word table (序号 / 重点任务 / 牵头股室 / 配合股室 / 完成时限) of 23 rows, long
    enough that LibreOffice breaks rows across pages."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "FangSong"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    style.font.size = Pt(14)
    for line in ["白河县应急管理局安全生产治本攻坚三年行动实施方案", "为推进安全生产治本攻坚，结合我县实际，制定本方案。",
                 "一、主要任务", "（一）压实企业主体责任。各企业要落实全员安全生产责任制。", "附件：重点任务清单"]:
        d.add_paragraph(line)
    header = ["序号", "重点任务", "牵头股室", "配合股室", "完成时限"]
    t = d.add_table(rows=24, cols=5)
    t.style = "Table Grid"
    for j, h in enumerate(header):
        t.cell(0, j).text = h
    for i in range(1, 24):
        task = "；".join(PAGEBREAK_TASKS[(i + k) % 4] for k in range(1 + i % 3))  # cells without a final 。
        for j, cell in enumerate([str(i), f"第{i}项任务：{task}", "危化股", "执法大队", f"{2024 + i % 3}年底前"]):
            t.cell(i, j).text = cell
    d.save(target)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    build_pagebreak_annex(OUT / "annex_pagebreak.docx")
    soffice_convert(OUT / "annex_pagebreak.docx", "pdf", OUT)
    sources = {"tieshan_001": ROOT / "corpus" / "001_6a215b8801cc0d63.txt",
               "youyang_000": ROOT / "corpus" / "000_74f15ec52f85c6cf.txt"}
    for name, txt in sources.items():
        shutil.copy(txt, OUT / f"{name}.txt")
        docx_path = OUT / f"{name}.docx"
        build_docx(txt, docx_path)
        soffice_convert(docx_path, "pdf", OUT)
    soffice_convert(OUT / "tieshan_001.docx", "doc:MS Word 97", OUT)
    bad_inputs(OUT / "tieshan_001.pdf")
    print("fixtures written to", OUT)


if __name__ == "__main__":
    main()
