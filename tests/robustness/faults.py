"""Batch tasks that misbehave on purpose (fault injection): importable by worker processes and Dask workers."""
from __future__ import annotations

import os
import time
from pathlib import Path

from extract.batch import process_one


def _marker(path: str) -> Path:
    return Path(path).parent.parent / "victim.pid"


def hang_on_victim(path: str, parent_path=None, limits=None, **kw) -> dict:
    """Process every file normally, except one named victim.*: record the worker's pid, then wait to be killed."""
    if Path(path).stem == "victim":
        _marker(path).write_text(str(os.getpid()))
        time.sleep(120)
    return process_one(path, parent_path, limits)


def sleep_on_victim(path: str, parent_path=None, limits=None, **kw) -> dict:
    """A file that never finishes (the wall clock must stop it)."""
    if Path(path).stem == "victim":
        time.sleep(120)
    return process_one(path, parent_path, limits)


def eat_memory_on_victim(path: str, parent_path=None, limits=None, **kw) -> dict:
    """A file whose processing takes ever more memory (the memory limit must stop it)."""
    if Path(path).stem == "victim":
        hog = []
        for _ in range(100):
            hog.append(bytearray(50 * 1024 * 1024))
            time.sleep(0.02)
    return process_one(path, parent_path, limits)
