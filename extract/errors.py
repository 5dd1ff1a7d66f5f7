"""The one exception type for input the toolkit cannot read, carrying the file and a plain reason."""
from __future__ import annotations


class ReadError(Exception):
    """A file that cannot be turned into a document; str() is the one line shown to the user."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
