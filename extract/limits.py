"""Resource limits per file (sizes, zip members, table spans, wall clock, memory): the numbers, read from the
environment, and the structural checks made before a parser is trusted with a file."""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, replace

from .errors import Code, ReadError


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        return float(value) if value else default
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """What one file may cost. Each default is far above what a real plan needs (the corpus's largest .docx
    unpacks to under 5 MB; its largest table has under 2,000 cells; its slowest file takes under 30 s)."""

    max_bytes: int = 100 * 1024 * 1024          # the file itself (PLANLINK_MAX_BYTES, --max-bytes)
    max_unzipped: int = 300_000_000             # all members of a .docx/.xlsx package, unpacked
    max_xml_part: int = 40_000_000              # one XML member (word/document.xml …), unpacked
    max_zip_members: int = 5000
    max_span: int = 1000                        # colspan/rowspan/gridSpan (HTML caps colspan at 1000 as well)
    max_table_cells: int = 200_000              # cells of one table once spans are expanded
    timeout: float = 600.0                      # wall-clock seconds per file (PLANLINK_TIMEOUT, --timeout)
    max_memory_mb: int = 2048                   # resident memory of the process working on one file

    @classmethod
    def from_env(cls, **overrides) -> "Limits":
        d = cls()
        limits = cls(
            max_bytes=_env_int("PLANLINK_MAX_BYTES", d.max_bytes),
            max_unzipped=_env_int("PLANLINK_MAX_UNZIPPED_BYTES", d.max_unzipped),
            max_xml_part=_env_int("PLANLINK_MAX_XML_BYTES", d.max_xml_part),
            max_zip_members=_env_int("PLANLINK_MAX_ZIP_MEMBERS", d.max_zip_members),
            max_span=_env_int("PLANLINK_MAX_SPAN", d.max_span),
            max_table_cells=_env_int("PLANLINK_MAX_TABLE_CELLS", d.max_table_cells),
            timeout=_env_float("PLANLINK_TIMEOUT", d.timeout),
            max_memory_mb=_env_int("PLANLINK_MAX_MEMORY_MB", d.max_memory_mb),
        )
        return replace(limits, **{k: v for k, v in overrides.items() if v is not None})

    @classmethod
    def from_args(cls, args) -> "Limits":
        """The environment, then a command's flags (--max-bytes, --timeout, --max-memory) where given."""
        return cls.from_env(max_bytes=getattr(args, "max_bytes", None), timeout=getattr(args, "timeout", None),
                            max_memory_mb=getattr(args, "max_memory", None))

    def settings(self) -> dict:
        """The limits as recorded with a failure: a failure caused by a limit is retried when the limit changes."""
        return {"max_bytes": self.max_bytes, "max_unzipped": self.max_unzipped, "max_xml_part": self.max_xml_part,
                "max_zip_members": self.max_zip_members, "max_span": self.max_span,
                "max_table_cells": self.max_table_cells, "timeout": self.timeout,
                "max_memory_mb": self.max_memory_mb}


def _mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def check_zip(data: bytes, path: str, limits: Limits | None = None) -> None:
    """Refuse a zip package whose members would unpack past the limits, before any parser opens it. The sizes
    come from the central directory; zipfile never unpacks a member past its recorded size (the CRC check fails
    first), so a package that lies about its sizes fails to parse instead of filling the memory."""
    limits = limits or Limits.from_env()
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(path, f"not a valid ZIP package ({exc})", Code.UNREADABLE) from None
    if len(infos) > limits.max_zip_members:
        raise ReadError(path, f"the package has {len(infos)} members, over the limit of {limits.max_zip_members} "
                              "(PLANLINK_MAX_ZIP_MEMBERS)", Code.TOO_LARGE,
                        f"压缩包内有 {len(infos)} 个文件，超过上限 {limits.max_zip_members}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped:
        raise ReadError(path, f"the package unpacks to {_mb(total)}, over the limit of {_mb(limits.max_unzipped)} "
                              "(PLANLINK_MAX_UNZIPPED_BYTES): a zip bomb or an abnormal file", Code.TOO_LARGE,
                        f"解压后 {_mb(total)}，超过上限 {_mb(limits.max_unzipped)}")
    for i in infos:
        if i.filename.lower().endswith((".xml", ".rels")) and i.file_size > limits.max_xml_part:
            raise ReadError(path, f"{i.filename} unpacks to {_mb(i.file_size)}, over the limit of "
                                  f"{_mb(limits.max_xml_part)} (PLANLINK_MAX_XML_BYTES)", Code.TOO_LARGE,
                            f"{i.filename} 解压后 {_mb(i.file_size)}，超过上限 {_mb(limits.max_xml_part)}")


def check_table(path: str, cells: int, limits: Limits | None = None) -> None:
    """A table whose expanded cell count is beyond any real plan's (spans beyond max_span are clamped by the
    readers first, as browsers and Word do)."""
    limits = limits or Limits.from_env()
    if cells > limits.max_table_cells:
        raise ReadError(path, f"the tables expand to {cells} cells, over the limit of {limits.max_table_cells} "
                              "(PLANLINK_MAX_TABLE_CELLS)", Code.TOO_LARGE,
                        f"表格展开后共 {cells} 个单元格，超过上限 {limits.max_table_cells}")
