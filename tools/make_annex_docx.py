"""Build the .docx of a written plan whose annex task table is kept in its .txt as pipe-separated lines
(`序号 | 重点任务 | … `): paragraphs as 公文 paragraphs, each run of pipe lines as a bordered Word table, an empty
task-title cell merged into the cell above (a real merged cell). Run: python tools/make_annex_docx.py TXT [TXT …]
(writes TXT with the suffix .docx beside it); --title centres the first line as the title and indents paragraphs."""
from __future__ import annotations

import sys
from pathlib import Path


def build(txt: Path, target: Path, title: bool = False) -> None:
    """title: style the first line as a centred title and indent the paragraphs' first lines (the first written
    plans were built without, and are kept as built)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    style = d.styles["Normal"]
    style.font.name = "FangSong"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    style.font.size = Pt(14)
    lines = [ln.rstrip() for ln in txt.read_text(encoding="utf-8").splitlines()]
    k = 0
    titled = not title
    while k < len(lines):
        if " | " not in lines[k]:
            if lines[k].strip():
                para = d.add_paragraph(lines[k].strip())
                if not titled:
                    # the first line is the plan's title, centred in a larger type as a 公文 title is
                    titled = True
                    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in para.runs:
                        run.font.size = Pt(22)
                        run.bold = True
                else:
                    para.paragraph_format.first_line_indent = Pt(28)
            k += 1
            continue
        rows = []
        while k < len(lines) and " | " in lines[k]:
            rows.append([c.strip() for c in lines[k].split(" | ")])
            k += 1
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        t = d.add_table(rows=len(rows), cols=width)
        t.style = "Table Grid"
        for i, r in enumerate(rows):
            for j, cell in enumerate(r):
                t.cell(i, j).text = cell
        # the task-title column (the second): an empty cell continues the task of the row above
        top = None
        for i in range(1, len(rows)):
            if rows[i][1]:
                top = i
            elif top is not None:
                t.cell(top, 1).merge(t.cell(i, 1))
                t.cell(top, 1).text = rows[top][1]
    d.save(target)


def main(argv: list[str]) -> int:
    title = "--title" in argv
    for name in (a for a in argv if a != "--title"):
        src = Path(name)
        build(src, src.with_suffix(".docx"), title=title)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
