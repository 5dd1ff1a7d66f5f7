"""Word segmentation (jieba with the trained dictionary): one pass per distinct text, cached by content and shared
by the classifiers, the linker's word passes and anything else that needs words."""
from __future__ import annotations

import logging
import re
import sys
from functools import lru_cache
from pathlib import Path

# models/ at the top of the source tree (the project's layout); an installed wheel carries the same files as the
# package data folder extract/models (pyproject maps one onto the other)
_HERE = Path(__file__).resolve().parent
MODELS = next((p for p in (_HERE.parent / "models", _HERE / "models") if (p / "meta.json").is_file()), _HERE.parent / "models")
DICTIONARY = "jieba_dict.txt"  # the segmentation dictionary the models were trained with (made by planlink train)
log = logging.getLogger(__name__)

# jieba cuts a text block by block: runs of these characters are segmented on their own (jieba.re_han_default), so
# the words of a prefix are the words of the whole text up to the block the prefix ends in.
_HAN_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")


class Counter:
    """How many texts were handed to jieba (cache misses), for the test that a text is segmented once."""
    calls = 0
    chars = 0


def _import_jieba():
    """jieba 0.42 imports pkg_resources (75 ms of a cold start, deprecated by setuptools) only to open its bundled
    files, and opens them by path when pkg_resources is missing: import it with pkg_resources hidden, unless either
    is loaded already."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import pkg_resources raises ImportError
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


@lru_cache(maxsize=1)
def _jieba():
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    _configure(jieba)
    jieba.initialize()
    return jieba


def _configure(jieba) -> None:
    """Point jieba at the trained dictionary once, unless use_dictionary() chose one already."""
    if jieba.dt.dictionary == jieba.DEFAULT_DICT:
        path = MODELS / DICTIONARY
        if path.is_file():
            jieba.set_dictionary(str(path))
        else:
            log.warning("segmentation dictionary %s is missing: jieba's own dictionary is used", path)


def tokenizer():
    """jieba, configured with the trained dictionary and initialized."""
    return _jieba()


def use_dictionary(path: Path | None = None) -> None:
    """Segment with `path` (default: the trained dictionary when it exists, else jieba's own dictionary).
    jieba's full dictionary (349,046 words) takes 0.8 s to load; the trained one keeps its common words and every
    word of the training plans, and loads in a quarter of that."""
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    path = path or MODELS / DICTIONARY
    if path.is_file():
        jieba.set_dictionary(str(path))
    _jieba.cache_clear()
    cut.cache_clear()
    _prefix_words.cache_clear()


@lru_cache(maxsize=1 << 16)
def cut(text: str) -> tuple[str, ...]:
    """jieba.cut(text, cut_all=False) as a tuple, white space included (the pieces join to `text`); each distinct
    text is segmented once per process."""
    Counter.calls += 1
    Counter.chars += len(text)
    return tuple(_jieba().cut(text, cut_all=False))


def words(text: str) -> list[str]:
    """The words of a text without white space (what spaCy's zh tokenizer with segmenter=jieba gives)."""
    return [w for w in cut(text) if w.strip()]


def prefix_words(text: str, limit: int) -> list[str]:
    """words(text[:limit]) from the segmentation of the whole text: blocks before the cut are taken as they are,
    only the block the cut falls into is segmented again (its words may change where it is cut short)."""
    if len(text) <= limit:
        return words(text)
    return list(_prefix_words(text, limit))


@lru_cache(maxsize=4096)
def _prefix_words(text: str, limit: int) -> tuple[str, ...]:
    block = next((m for m in _HAN_BLOCK.finditer(text) if m.start() < limit < m.end()), None)
    stop = block.start() if block else limit
    out, pos = [], 0
    for w in cut(text):
        if pos + len(w) > stop:
            break
        out.append(w)
        pos += len(w)
    if block:
        Counter.calls += 1
        Counter.chars += limit - stop
        out += _jieba().cut(text[stop:limit], cut_all=False)
    return tuple(w for w in out if w.strip())
