"""Hostile and unlucky inputs, generated at test time (nothing large is committed): zip bombs, span bombs, long
lines, noise, payloads. Shared by the robustness tests and bench/robustness.py."""
from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FIXTURES = ROOT / "tests" / "fixtures"
PLAN = CORPUS / "001_6a215b8801cc0d63.txt"

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
       'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
       '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
         'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="word/document.xml"/></Relationships>')
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(body_xml: str) -> bytes:
    """A minimal valid .docx whose body is `body_xml`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'
                                        f"{body_xml}</w:body></w:document>")
    return buf.getvalue()


def para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def docx_bomb(path: Path, unpacked_mb: int = 1024) -> Path:
    """A .docx whose document.xml unpacks to `unpacked_mb` MB of (valid, repeated) paragraphs: small on disk."""
    chunk = (para("安全生产") * 4096).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode())
            for _ in range(unpacked_mb * 1024 * 1024 // len(chunk)):
                fh.write(chunk)
            fh.write(b"</w:body></w:document>")
    return path


def docx_many_members(path: Path, members: int = 20000) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", f'<w:document {_W}><w:body>{para("一、总体要求")}</w:body></w:document>')
        for i in range(members):
            z.writestr(f"word/media/x{i}.bin", b"")
    return path


def docx_gridspan(path: Path, span: int = 100_000_000) -> Path:
    """A table cell spanning 10^8 grid columns (python-docx would expand it once per column)."""
    cell = (f"<w:tc><w:tcPr><w:gridSpan w:val=\"{span}\"/></w:tcPr>{para('牵头单位')}</w:tc>"
            f"<w:tc>{para('县应急局')}</w:tc>")
    body = para("一、重点任务") + para("（一）开展隐患排查整治，县应急局牵头，2024年底前完成。") + \
        f"<w:tbl><w:tr>{cell}</w:tr><w:tr>{cell}</w:tr></w:tbl>"
    path.write_bytes(docx_bytes(body))
    return path


def colspan_page(path: Path, span: int = 100_000_000) -> Path:
    """A page like the 96-byte one of the issue: one cell spanning 10^8 columns."""
    cell = f"<td colspan={span}>开展隐患排查</td>"
    path.write_text(f"<html><body><p>一、重点任务</p><table><tr>{cell}</tr></table></body></html>", encoding="utf-8")
    return path


def many_cells_page(path: Path, rows: int = 400) -> Path:
    """Rows of cells at the browser's maximum colspan: more cells than any plan's table."""
    row = "<tr><td colspan=1000>任务</td></tr>"
    path.write_text("<html><body><p>一、重点任务</p><table>" + row * rows + "</table></body></html>", encoding="utf-8")
    return path


def long_line(path: Path, size: int = 200_000) -> Path:
    """A plan's text with its line breaks removed, repeated to `size` characters: one clause of that length."""
    base = PLAN.read_text(encoding="utf-8").replace("\n", "")
    path.write_text((base * (size // len(base) + 1))[:size], encoding="utf-8")
    return path


def random_cjk(path: Path, n: int = 5000, seed: int = 7) -> Path:
    rnd = random.Random(seed)
    path.write_text("".join(chr(rnd.randint(0x4E00, 0x9FA5)) for _ in range(n)), encoding="utf-8")
    return path


def ole_noise(path: Path, size: int = 20000, seed: int = 7) -> Path:
    """An OLE compound-file header followed by random bytes, named .doc."""
    rnd = random.Random(seed)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rnd.getrandbits(8) for _ in range(size)))
    return path


PAYLOAD = '<img src=x onerror="alert(1)">人民政府'
FORMULA = '=HYPERLINK("http://evil.example/","点击")'
