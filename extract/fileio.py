"""Writing output files atomically: a temporary file in the target's folder, renamed over the target when complete,
removed when writing fails, so a reader (or a rerun after a kill) never sees half a file."""
from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

TEMP_PREFIX = ".planlink-"


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it replaces `target`, on any error it is removed. An
    OSError or sqlite error (a folder in the way, no permission, disk full) becomes one OutputError naming
    `target`, never the temporary name."""
    target = Path(target)
    if target.is_dir():
        raise OutputError(str(target), "is a folder, not a file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=str(target.parent))
    except OSError as exc:
        raise OutputError(str(target), exc.strerror or str(exc)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(str(target), getattr(exc, "strerror", None) or str(exc)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text(target: str | Path, text: str, encoding: str = "utf-8") -> Path:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(target)


def clean_temp_files(folder: str | Path) -> int:
    """Remove temporary files an earlier killed run left in `folder`; how many were removed."""
    n = 0
    for p in Path(folder).glob(TEMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            p.unlink()
            n += 1
    return n
