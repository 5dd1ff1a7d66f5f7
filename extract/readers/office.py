"""Legacy Word .doc and WPS .wps files, converted to .docx by LibreOffice running headless."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Code, ReadError
from ..model import Block
from .docx import read_docx

_CANDIDATES = ("soffice", "libreoffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice")


def find_soffice() -> str | None:
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def read_office(data: bytes, path: str, *, timeout: float = 120.0) -> list[Block]:
    soffice = find_soffice()
    if soffice is None:
        raise ReadError(path, "reading .doc/.wps files needs LibreOffice, which is not installed "
                              "(Debian/Ubuntu: apt-get install libreoffice-writer-nogui)", Code.NEEDS_LIBREOFFICE)
    suffix = Path(path).suffix.lower() or ".doc"
    with tempfile.TemporaryDirectory(prefix="planlink-office-") as tmp:
        src = Path(tmp) / f"input{suffix}"  # never a name taken from the user
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", tmp, str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError(path, f"LibreOffice did not finish converting the file within {timeout:.0f} s",
                            Code.TIMEOUT) from None
        out = Path(tmp) / "input.docx"
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            raise ReadError(path, "LibreOffice could not convert the file (corrupt or not a Word/WPS document)",
                            Code.UNREADABLE)
        return read_docx(out.read_bytes(), path)
