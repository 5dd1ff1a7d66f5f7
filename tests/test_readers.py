"""Readers: .docx/.pdf/.doc fixtures give the .txt source's clauses; bad input gives one clear error."""
from __future__ import annotations

import shutil

import pytest

from conftest import FIXTURES
from extract.errors import ReadError
from extract.readers import read_file
from extract.readers.pdf import page_is_garbage
from extract.segment import fold, segment


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


@pytest.mark.parametrize("name", ["tieshan_001.pdf", "youyang_000.pdf"])
def test_pdfium_characters_read_the_same_as_pdfplumber(name, monkeypatch):
    """Pages without drawn rules take their characters from PDFium; the blocks (and the annex table, whose page
    goes through pdfplumber) are the same as pdfplumber's, white space aside."""
    import re as _re

    def blocks():
        doc = read_file(FIXTURES / name)
        return [(_re.sub(r"\s+", "", b.text), b.table.rows if b.table else None) for b in doc.blocks]

    monkeypatch.setenv("PLANLINK_PDF_CHARS", "pdfplumber")
    slow = blocks()
    monkeypatch.delenv("PLANLINK_PDF_CHARS")
    fast = blocks()
    assert fast == slow
    assert any(rows for _, rows in fast) == (name == "youyang_000.pdf")


def test_pdfium_char_source_leaves_ruled_pages_to_pdfplumber():
    from extract.readers.pdf import _Pdfium

    with open(FIXTURES / "youyang_000.pdf", "rb") as fh:
        fast = _Pdfium.open(fh.read())
    try:
        per_page = [fast.page_chars(i) for i in range(len(fast.doc))]
    finally:
        fast.close()
    assert any(p is None for p in per_page), "the annex table's pages have drawn rules"
    assert any(p for p in per_page), "the body pages are read by PDFium"
    chars = next(p for p in per_page if p)
    assert {"text", "x0", "x1", "top", "bottom", "size", "upright"} <= set(chars[0])
