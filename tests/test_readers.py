"""Readers: .docx/.pdf/.doc fixtures give the .txt source's clauses; bad input gives one clear error."""
from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES
from extract.errors import ReadError
from extract.readers import read_file
from extract.readers.pdf import page_is_garbage
from extract.segment import segment
from extract.text import fold


def _clauses(path):
    docs = segment(read_file(path).blocks, str(path))
    assert len(docs) == 1
    return docs[0], [("/".join(c.path), fold(c.text)) for c in docs[0].clauses]


@pytest.mark.parametrize("name", ["tieshan_001", "youyang_000"])
@pytest.mark.parametrize("ext", ["docx", "pdf"])
def test_docx_and_pdf_give_the_clauses_of_the_text(name, ext):
    ref_doc, ref = _clauses(FIXTURES / f"{name}.txt")
    doc, got = _clauses(FIXTURES / f"{name}.{ext}")
    assert got == ref
    assert doc.title == ref_doc.title
    assert (doc.issuer, doc.doc_number, doc.date) == (ref_doc.issuer, ref_doc.doc_number, ref_doc.date)


def test_pdf_clauses_carry_their_page():
    doc, _ = _clauses(FIXTURES / "tieshan_001.pdf")
    pages = [c.page for c in doc.clauses]
    assert pages[0] == 1 and max(pages) >= 3 and pages == sorted(pages)


def test_docx_bordered_table_with_merged_cells():
    doc, _ = _clauses(FIXTURES / "youyang_000.docx")
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert len(rows) == 37
    assert rows[2].path == ["附件", "二", "2"]  # merged 行动名称 / 重点任务 cells inherited


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice is not installed (CI installs it)")
def test_legacy_doc_through_libreoffice():
    _, ref = _clauses(FIXTURES / "tieshan_001.txt")
    _, got = _clauses(FIXTURES / "tieshan_001.doc")
    assert got == ref


def test_doc_without_libreoffice_names_the_package(monkeypatch):
    import extract.readers.office as office

    monkeypatch.setattr(office, "find_soffice", lambda: None)
    with pytest.raises(ReadError, match="libreoffice-writer-nogui"):
        read_file(FIXTURES / "tieshan_001.doc")


BAD = [
    ("empty.txt", "empty"),
    ("empty.pdf", "empty"),
    ("truncated.pdf", "damaged or truncated"),
    ("encrypted.pdf", "encrypted"),
    ("binary.txt", "binary"),
    ("not-really.docx", "not a valid Word .docx"),
    ("corrupt.docx", "not a valid Word .docx"),
    ("unsupported.xyz", "unsupported file type"),
    ("scanned.pdf", "scan and needs OCR"),
]


@pytest.mark.parametrize("name,reason", BAD)
def test_bad_input_raises_one_clear_error(name, reason):
    with pytest.raises(ReadError) as err:
        read_file(FIXTURES / "bad" / name)
    assert reason in str(err.value)
    assert name in str(err.value)


def test_size_limit(tmp_path):
    with pytest.raises(ReadError, match="over the size limit"):
        read_file(FIXTURES / "tieshan_001.pdf", max_bytes=1000)


def test_missing_file():
    with pytest.raises(ReadError, match="no such file"):
        read_file(FIXTURES / "nope.pdf")


def test_misnamed_pdf_is_read_by_content(tmp_path):
    target = tmp_path / "plan.docx"
    target.write_bytes((FIXTURES / "tieshan_001.pdf").read_bytes())
    raw = read_file(target)
    assert any("is a PDF" in w for w in raw.warnings)


@pytest.mark.parametrize("text,garbage", [
    ("", True),
    ("(cid:12)(cid:34)(cid:56)(cid:78)", True),
    ("\ufffd\ufffd\ufffd\ufffd安全", True),
    ("为深入贯彻落实安全生产工作部署，制定本方案。", False),
])
def test_page_text_layer_check(text, garbage):
    assert page_is_garbage(text)[0] is garbage


def test_word_automatic_numbering_becomes_markers():
    import io

    import docx

    from extract.readers import read_bytes

    d = docx.Document()
    d.add_paragraph("某县安全生产治本攻坚三年行动实施方案")
    d.add_paragraph("为做好安全生产工作，结合实际，制定本方案。")
    for t in ["开展隐患排查。各乡镇要于2024年6月底前完成排查。", "加强宣传教育。县应急局每季度至少开展1次宣传。"]:
        d.add_paragraph(t, style="List Number")
    buf = io.BytesIO()
    d.save(buf)
    (doc,) = segment(read_bytes(buf.getvalue(), "numbered.docx").blocks)
    assert [c.path for c in doc.clauses] == [[], ["1"], ["2"]]
    assert doc.clauses[1].text.startswith("开展隐患排查")


@pytest.mark.parametrize("name", ["tieshan_001.pdf", "youyang_000.pdf", "annex_pagebreak.pdf"])
def test_pdfium_pages_read_the_same_as_pdfplumber(name, monkeypatch):
    """PDFium's characters and drawn edges (fed to pdfplumber's table finder) give the blocks and exactly the table
    rows that pdfplumber's own page objects (pdfminer's interpreter) give, tables across page breaks included
    (paragraph text white space aside: pdfminer's glyph boxes leave an odd space after a comma)."""
    import re as _re

    def blocks():
        doc = read_file(FIXTURES / name)
        return [(b.kind, _re.sub(r"\s+", "", b.text), b.page, b.table.rows if b.table else None) for b in doc.blocks]

    monkeypatch.setenv("PLANLINK_PDF_CHARS", "pdfplumber")
    slow = blocks()
    monkeypatch.delenv("PLANLINK_PDF_CHARS")
    fast = blocks()
    assert fast == slow
    assert any(rows for *_, rows in fast) == (name != "tieshan_001.pdf")


@pytest.mark.parametrize("name", ["tieshan_001.pdf", "youyang_000.pdf", "annex_pagebreak.pdf"])
def test_pdfium_pages_give_the_same_task_table_as_pdfplumber(name, monkeypatch):
    """The same clauses (ids, paths, pages, cells) and the same fields from either character source."""
    import re as _re

    from extract.pipeline import process_file

    def table():
        out = []
        for d in process_file(FIXTURES / name, ocr=False):
            for c in d.clauses:
                fields = [(k, sorted(_re.sub(r"\s+", "", x.text) for x in getattr(c, k)))
                          for k in ("deadlines", "frequencies", "departments", "targets")]
                out.append((c.id, c.path, c.page, c.kind, _re.sub(r"\s+", "", c.text), c.cells, c.is_task, c.action,
                            fields))
        return out

    monkeypatch.setenv("PLANLINK_PDF_CHARS", "pdfplumber")
    slow = table()
    monkeypatch.delenv("PLANLINK_PDF_CHARS")
    fast = table()
    assert len(fast) > 20 and fast == slow


def test_pdfium_reads_ruled_pages_without_pdfminer(monkeypatch):
    """Pages with drawn rules are read from PDFium too: pdfminer's interpreter is never run on them."""
    import pdfplumber.page

    from extract.readers.pdf.chars import PdfiumChars

    with open(FIXTURES / "youyang_000.pdf", "rb") as fh:
        fast = PdfiumChars.open(fh.read())
    try:
        pages = [fast.page(i) for i in range(len(fast))]
    finally:
        fast.close()
    assert all(p is not None for p in pages)
    ruled = [p for p in pages if p.paths >= 4]
    assert ruled and all({e["orientation"] for e in p.edges} == {"h", "v"} for p in ruled)
    assert {"text", "x0", "x1", "top", "bottom", "size", "upright"} <= set(pages[0].chars[0])

    def parse(self):
        raise AssertionError("pdfminer interpreted a page")

    monkeypatch.setattr(pdfplumber.page.Page, "parse_objects", parse)
    doc = read_file(FIXTURES / "youyang_000.pdf")
    assert any(b.table for b in doc.blocks)


# --- issue 16: annex table rows across a PDF page break ---------------------------------------------------------

_HEAD = ["序号", "重点任务", "责任单位", "完成时限"]


def _pages(first_rows, next_rows, header=_HEAD):
    from extract.model import Block, Table
    from extract.readers.pdf.tables import merge_tables

    t1 = Table(rows=[header] + first_rows, header=header, page=1)
    t2 = Table(rows=next_rows, header=next_rows[0], page=2)
    out = merge_tables([Block(text="附件", page=1, bbox=(0, 0, 1, 1))], [(1, 10.0, t1), (2, 10.0, t2)])
    return [b.table.rows for b in out if b.kind == "table"]


@pytest.mark.parametrize("next_rows,want", [
    # the next page's first row has no 序号: the rest of the broken row
    ([["", "完成整改销号。", "", ""], ["23", "开展宣传。", "县应急局", "长期"]],
     [["22", "开展燃气安全排查，督促企业完成整改销号。", "县住建局", "2024年底前"], ["23", "开展宣传。", "县应急局", "长期"]]),
    # a numbered first row is a row of its own, even after a row that stops mid-sentence
    ([["23", "开展宣传进企业", "县应急局", "长期"]],
     [["22", "开展燃气安全排查，督促企业", "县住建局", "2024年底前"], ["23", "开展宣传进企业", "县应急局", "长期"]]),
    # the header repeated on the next page is dropped
    ([_HEAD, ["23", "开展宣传。", "县应急局", "长期"]],
     [["22", "开展燃气安全排查，督促企业", "县住建局", "2024年底前"], ["23", "开展宣传。", "县应急局", "长期"]]),
])
def test_table_row_across_a_page_break_joins_only_without_its_own_seq(next_rows, want):
    (rows,) = _pages([["21", "建立台账。", "县应急局", "长期"], ["22", "开展燃气安全排查，督促企业", "县住建局", "2024年底前"]],
                     next_rows)
    assert rows[2:] == want


def test_table_without_seq_column_keeps_the_sentence_rule():
    header = ["重点任务", "责任单位"]
    (rows,) = _pages([["开展燃气安全排查，督促企业", "县住建局"]], [["完成整改销号。", ""], ["2.开展宣传。", "县应急局"]],
                     header=header)
    assert rows[1:] == [["开展燃气安全排查，督促企业完成整改销号。", "县住建局"], ["2.开展宣传。", "县应急局"]]


def test_table_row_ids_follow_the_seq_column():
    from extract.model import Block, Table
    from extract.segment import segment

    rows = [_HEAD, ["7", "建立隐患台账。", "县应急局", "长期"], ["9", "开展专项检查。", "县公安局", "2024年底前"],
            ["10", "强化宣传教育。", "县委宣传部", "长期"]]
    blocks = [Block(text="某县安全生产工作方案"), Block(text="为做好工作，结合实际，制定本方案。"),
              Block(text="一、重点任务"), Block(text="（一）开展排查。各乡镇要开展排查。"), Block(text="附件：重点任务清单"),
              Block(kind="table", table=Table(rows=rows, header=_HEAD))]
    (doc,) = segment(blocks)
    table = [c for c in doc.clauses if c.kind == "table_row"]
    assert [(c.id, c.path) for c in table] == [("ca.7", ["附件", "7"]), ("ca.9", ["附件", "9"]), ("ca.10", ["附件", "10"])]


@pytest.mark.parametrize("ext", ["docx", "pdf"])
def test_annex_rows_broken_by_page_breaks_stay_23_rows_numbered_by_their_seq(ext):
    """tests/fixtures/annex_pagebreak.*: 23 numbered rows without a final 。 that LibreOffice breaks across pages; a
    page that starts with a numbered row starts a new row (joining by the sentence rule alone gave 22 rows)."""
    from extract.segment import segment

    path = FIXTURES / f"annex_pagebreak.{ext}"
    (doc,) = segment(read_file(path).blocks, str(path))
    rows = [c for c in doc.clauses if c.kind == "table_row"]
    assert [c.path for c in rows] == [["附件", str(i)] for i in range(1, 24)]
    assert all(c.text.startswith(f"第{i}项任务") for i, c in zip(range(1, 24), rows))
    assert all(c.text.count("项任务") == 1 for c in rows)  # no row holds the start of the next


def _wrap(paragraphs: list[str], width: int, indent: str = "") -> str:
    """The paragraphs as a PDF viewer's copy gives them: broken every `width` characters, the first line indented."""
    lines = []
    for p in paragraphs:
        first = True
        while p:
            lines.append((indent if first else "") + p[:width])
            p, first = p[width:], False
    return "\n".join(lines) + "\n"


_PARAGRAPHS = [
    "为扎实推进安全生产治本攻坚三年行动，根据县级实施方案要求，结合我镇实际，制定本方案，请各村（社区）认真抓好落实。",
    "一、主要任务",
    "1、组织辖区企业主要负责人参加县级安全培训，2024年底前实现全覆盖，培训考核结果纳入企业安全生产信用评价，长期坚持。",
    "2、各村（社区）要落实网格员巡查制度，网格员每周至少巡查1次出租房和沿街店铺，发现隐患及时劝阻并报告镇应急办。",
    "3、镇安监所对辖区工贸企业开展隐患排查指导，督促企业建立隐患整改台账，对重大事故隐患实行挂牌督办、闭环销号。",
    "4、2024年5月至10月，开展农村自建房安全隐患整治，对经营性自建房逐户排查，2025年底前完成整治，并长期坚持。",
]


@pytest.mark.parametrize("text", [_wrap(_PARAGRAPHS, 20, "\u3000\u3000"), _wrap(_PARAGRAPHS, 26, "\u3000\u3000"),
                                  _wrap(_PARAGRAPHS, 22)], ids=["indented-20", "indented-26", "flush-22"])
def test_hard_wrapped_text_is_joined_back_into_its_paragraphs(text):
    from extract.readers.txt import text_to_blocks

    assert [b.text for b in text_to_blocks(text)] == _PARAGRAPHS


def test_whole_paragraph_lines_are_left_alone():
    from extract.readers.txt import unwrap

    lines = ["某县安全生产工作方案", *(p[:n] for p, n in zip(_PARAGRAPHS * 2, [30, 41, 25, 52, 38, 47, 33, 44, 29, 50]))]
    assert unwrap(lines) == lines


def _line(text: str, top: float, x1: float = 520.0, x0: float = 72.0):
    from extract.readers.pdf.layout import Line

    return Line(text, x0, x1, top, top + 16, 16.0, 1)


@pytest.mark.parametrize("last", [
    ("确保各项任务落到实处并按时报送认真认真认真认真认真认真认真。", 520.0),  # the paragraph ends flush right
    ("确保各项任务落到实处。", 250.0),  # the paragraph ends short
])
def test_a_signature_and_date_printed_flush_left_are_paragraphs_of_their_own(last):
    """A plain-text plan printed without indents: the organ's signature under the last paragraph and the 成文日期 line
    under it are neither joined to that paragraph nor to each other (the date's digits are no number run cut at the
    line end)."""
    from extract.readers.pdf.layout import paragraphs

    body = [_line("各股室要加强组织领导，压实工作责任，统筹推进各项重点任务，", 80.0 + 18 * k) for k in range(3)]
    lines = [_line("二、保障措施", 60.0, 180.0), *body, _line(last[0], 134.0, last[1]),
             _line("青山县应急管理局", 152.0, 200.0), _line("2024年3月15日", 170.0, 180.0)]
    texts = [b.text for b in paragraphs(lines)]
    assert texts[-2:] == ["青山县应急管理局", "2024年3月15日"]
    assert texts[-3].endswith(last[0])


def test_a_paragraphs_short_last_line_above_a_date_stays_in_its_paragraph():
    from extract.readers.pdf.layout import paragraphs

    lines = [_line("各股室要加强组织领导，压实工作责任，统筹推进各项重点任务，确保", 80.0), _line("落到实处。", 98.0, 160.0),
             _line("2024年3月15日", 116.0, 180.0)]
    assert [b.text for b in paragraphs(lines)] == ["各股室要加强组织领导，压实工作责任，统筹推进各项重点任务，确保落到实处。",
                                                   "2024年3月15日"]
# A plan printed from unindented plain text (LibreOffice prints a .txt flush left): its closing signature and date
# lines must stay paragraphs of their own, not be joined into the last clause.
_SIGNED_PLAN = """青溪县应急管理局2024年安全生产专项整治实施方案
为深入推进安全生产专项整治，切实防范化解重大安全风险，结合我县实际，制定本方案。
一、工作目标
到2024年底，全县安全生产形势持续稳定向好，生产安全事故起数和死亡人数实现双下降。
二、重点任务
（一）开展危险化学品专项检查。县应急管理局牵头，每季度对全县危险化学品企业开展一次全覆盖检查，2024年6月底前完成首轮检查。
（二）推进消防安全隐患排查。县消防救援大队负责，对人员密集场所开展隐患排查整治，建立问题清单和整改台账。
1.加强宣传教育培训。各乡镇每月开展一次安全生产宣传活动。
2.强化执法检查。县应急管理局每月开展一次执法检查。
三、保障措施
各部门要高度重视，加强组织领导，确保各项任务落到实处，{tail}
{sign}
"""


@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice not installed")
@pytest.mark.parametrize("tail,sign", [
    ("按时报送工作进展。", "青溪县应急管理局\n2024年3月15日"),
    ("按时报送工作进展情况，并于年底前报送全年工作总结。", "青溪县应急管理局\n青溪县安全生产委员会办公室\n二〇二四年三月十五日"),
    ("按时报送工作进展。", "青溪县应急管理局"),
], ids=["organ-date", "two-organs-cn-date", "organ-only"])
def test_pdf_of_unindented_text_keeps_its_signature_apart(tmp_path, tail, sign):
    import sys

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "tools"))
    from make_fixtures import soffice_convert

    txt = tmp_path / "plan.txt"
    txt.write_text(_SIGNED_PLAN.format(tail=tail, sign=sign), encoding="utf-8")
    ref_doc, ref = _clauses(txt)
    doc, got = _clauses(soffice_convert(txt, "pdf", tmp_path))
    assert got == ref
    assert (doc.issuer, doc.date) == (ref_doc.issuer, ref_doc.date)
    assert not any("落实到位" in t and "青溪县" in t for _, t in got)  # the signature is not in the last clause
    if sign.endswith("日"):
        assert ref_doc.issuer and ref_doc.date is not None


def test_pdf_signature_lines_are_not_joined_to_a_full_last_line():
    """A last body line running to the right edge, then a flush-left organ and date: three paragraphs; lines of a
    paragraph that merely wrap (a short last line included) are still joined."""
    from extract.readers.pdf.layout import Line, paragraphs

    def ln(text, x1, k):
        return Line(text, 90.0, x1, 100.0 + 24 * k, 116.0 + 24 * k, 16.0, 1)

    body = ["各部门要高度重视加强组织领导确保各项任务落到实处按时报", "送工作进展情况并于年底前报送全年工作总结和下年度工作打",
            "算。"]
    lines = [ln(body[0], 506, 0), ln(body[1], 506, 1), ln(body[2], 122, 2),
             ln("县应急管理局要牵头组织相关部门开展联合检查并建立台账", 506, 3), ln("青溪县应急管理局", 218, 4),
             ln("2024年3月15日", 200, 5)]
    assert [b.text for b in paragraphs(lines)] == [
        "".join(body), "县应急管理局要牵头组织相关部门开展联合检查并建立台账", "青溪县应急管理局", "2024年3月15日"]
