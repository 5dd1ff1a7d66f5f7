"""File -> blocks: picks the reader by content (magic bytes) and extension, with one clear error for bad input."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Code, ReadError
from ..limits import Limits
from ..model import Block
from .quality import noise_reason

SUPPORTED = (".pdf", ".docx", ".doc", ".wps", ".txt", ".html", ".htm")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(slots=True)
class RawDocument:
    """What a reader hands to segmentation."""

    blocks: list[Block]
    source: str
    data: bytes = b""
    kind: str = ""
    pages: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def sniff(data: bytes) -> str:
    head = data[:1024]
    if b"%PDF" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(_OLE):
        return "ole"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "image"
    return "text"


def read_file(path: str | os.PathLike, *, max_bytes: int | None = None, ocr=None, progress=None) -> RawDocument:
    p = Path(path)
    name = str(path)
    limit = Limits.from_env().max_bytes if max_bytes is None else max_bytes
    if not p.exists():
        raise ReadError(name, "no such file", Code.NOT_FOUND)
    if p.is_dir():
        raise ReadError(name, "is a folder, not a file", Code.IS_DIR)
    size = p.stat().st_size
    if size == 0:
        raise ReadError(name, "the file is empty", Code.EMPTY)
    if size > limit:
        raise ReadError(name, f"the file is {size / 1e6:.1f} MB, over the size limit of {limit / 1e6:.1f} MB "
                              "(set PLANLINK_MAX_BYTES or --max-bytes to raise it)", Code.TOO_LARGE,
                          f"文件 {size / 1e6:.1f} MB，超过上限 {limit / 1e6:.1f} MB（可用 PLANLINK_MAX_BYTES 或 --max-bytes 调整）")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(name, f"cannot be read ({exc.strerror})", Code.UNREADABLE) from None
    return read_bytes(data, name, ocr=ocr, progress=progress)


def read_bytes(data: bytes, name: str, *, ocr=None, progress=None) -> RawDocument:
    ext = Path(name).suffix.lower()
    kind = sniff(data)
    warnings: list[str] = []
    pages: list = []
    if ext and ext not in SUPPORTED:
        raise ReadError(name, f"unsupported file type {ext!r} (supported: {', '.join(SUPPORTED)})",
                          Code.UNSUPPORTED, ext)
    if kind == "pdf":
        if ext not in ("", ".pdf"):
            warnings.append(f"named {ext} but is a PDF; read as PDF")
        from .pdf import read_pdf

        blocks, pages = read_pdf(data, name, ocr=ocr, progress=progress)
        bad = [r.number for r in pages if r.garbage]
        if bad:
            warnings.append("pages without a usable text layer: " + ", ".join(map(str, bad)))
    elif kind == "zip":
        if ext not in ("", ".docx", ".doc", ".wps"):
            warnings.append(f"named {ext} but is a Word .docx package; read as .docx")
        from .docx import read_docx

        blocks = read_docx(data, name)
    elif kind == "ole":
        from .office import read_office

        blocks = read_office(data, name)
    elif kind == "image":
        raise ReadError(name, "this is an image, not a document; save the scan as a PDF", Code.IMAGE)
    else:
        if ext == ".pdf":
            raise ReadError(name, "not a valid PDF (no %PDF header; corrupt, truncated or mis-named)",
                            Code.UNREADABLE)
        if ext == ".docx":
            raise ReadError(name, "not a valid Word .docx file (it is not a ZIP package; corrupt or mis-named)",
                            Code.UNREADABLE)
        if ext in (".doc", ".wps"):
            raise ReadError(name, f"not a valid {ext} file (no Word/WPS binary header; corrupt or mis-named)",
                            Code.UNREADABLE)
        from .txt import read_html, read_txt

        blocks = read_html(data, name) if ext in (".html", ".htm") else read_txt(data, name)
    if not blocks:
        raise ReadError(name, "no text found in the file", Code.NO_TEXT)
    noise = noise_reason(_plain_text(blocks))
    if noise:
        raise ReadError(name, f"the text decodes to noise ({noise}): not a readable plan", Code.GARBAGE)
    return RawDocument(blocks=blocks, source=name, data=data, kind=kind, pages=pages, warnings=warnings)


def _plain_text(blocks: list[Block], limit: int = 20000) -> str:
    """The first characters of a document's text, table cells included, for the noise check."""
    parts: list[str] = []
    size = 0
    for b in blocks:
        text = b.text or "".join("".join(r) for r in (b.table.rows if b.table else []))
        parts.append(text)
        size += len(text)
        if size >= limit:
            break
    return "\n".join(parts)
