"""Logging for planlink: the `planlink` logger tree, --verbose set-up, and fallbacks reported once per process."""
from __future__ import annotations

import logging
import threading

log = logging.getLogger("planlink")
_seen: set[str] = set()
_lock = threading.Lock()


def fallback(key: str, message: str, *args) -> None:
    """Log a fallback (a slower or weaker path taken) once per process: a warning the first time, nothing after."""
    with _lock:
        if key in _seen:
            return
        _seen.add(key)
    log.warning("fallback: " + message, *args)


def setup(verbose: bool = False) -> None:
    """Warnings (the fallbacks) on stderr by default; --verbose adds the steps of each file."""
    level = logging.DEBUG if verbose else logging.WARNING
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("planlink: %(levelname)s: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.setLevel(level)
