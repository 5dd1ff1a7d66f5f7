"""Build the .docx of a written plan as tools/make_annex_docx.py --title does (a centred title, indented paragraphs,
pipe lines as a bordered Word table), laid out as a 公文 page (A4, margins 3.7/3.5/2.8/2.6 cm, a "— N —" page number
at the foot, the annex on a new page, its table in 11-point type with a narrow 序号 column and a wide 具体措施 one), for
printing to PDF with LibreOffice:
    python tools/make_annex_pdf.py corpus/written/FILE.txt
    soffice --headless --convert-to pdf --outdir corpus/written corpus/written/FILE.docx
The PDF, not the .docx, is then the plan's source (a plan whose annex table runs over a page break)."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_annex_docx import build  # noqa: E402


def _page_number_footer(section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    run = para.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text.strip() == "PAGE" else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    para.add_run(" —")


def _annex_table_layout(table, width) -> None:
    from docx.shared import Pt

    head = [c.text.strip() for c in table.rows[0].cells]
    share = {"序号": 0.07, "具体措施": 0.42}
    fixed = sum(share.get(h, 0) for h in head)
    rest = [h for h in head if h not in share]
    shares = [share.get(h, (1 - fixed) / max(len(rest), 1)) for h in head]
    table.autofit = False
    for row in table.rows:
        for cell, f in zip(row.cells, shares):
            cell.width = int(width * f)
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(11)
    for col, f in zip(table.columns, shares):
        col.width = int(width * f)


def make(txt: Path) -> Path:
    import docx
    from docx.shared import Cm

    target = txt.with_suffix(".docx")
    build(txt, target, title=True)
    d = docx.Document(str(target))
    for section in d.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        _page_number_footer(section)
    width = Cm(21.0 - 2.8 - 2.6)
    for para in d.paragraphs:
        if para.text.strip() == "附件":          # the annex's own heading (not the 附件：… line) opens a new page
            para.paragraph_format.page_break_before = True
    for table in d.tables:
        _annex_table_layout(table, width)
    d.save(str(target))
    return target


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(make(Path(name)))
