"""Correction of OCR confusables against the domain lexicon (rules/ocr_lexicon.yaml), only where it is unique."""
from __future__ import annotations

from functools import lru_cache

from ..rules import load

_FILE = "ocr_lexicon.yaml"
_MIN = 4  # shorter phrases are too easily near a real word


@lru_cache(maxsize=1)
def _lexicon() -> tuple[list[str], frozenset[frozenset[str]], frozenset[str], frozenset[str]]:
    data = load(_FILE)
    phrases = sorted({p for p in data["phrases"] + data["corpus_units"] if len(p) >= _MIN}, key=len, reverse=True)
    pairs = frozenset(frozenset(str(x) for x in p) for p in data["confusables"])
    # a lost character is restored only in the family's own long phrases: unit names vary (乡人民政府 / 乡镇人民政府)
    droppable = frozenset(p for p in data["phrases"] if len(p) >= 7)
    return phrases, pairs, frozenset(data["extra"]), droppable


def _max_subs(n: int) -> int:
    return 1 if n <= 4 else 2 if n <= 6 else 3


def _subs(window: str, phrase: str, pairs) -> int | None:
    """How many confusable substitutions turn `window` into `phrase` (same length); None when another difference."""
    k = 0
    for a, b in zip(window, phrase):
        if a != b:
            if frozenset((a, b)) not in pairs:
                return None
            k += 1
    return k


def _match(text: str, i: int, phrase: str, pairs, extra, droppable) -> int | None:
    """The end of a run starting at i that is `phrase` misread (confusables, one added mark such as the dot of 7.024,
    or one dropped inner character); None when there is none or the run is the phrase already."""
    n = len(phrase)
    window = text[i:i + n]
    if len(window) == n and window != phrase:
        k = _subs(window, phrase, pairs)
        if k is not None and k <= _max_subs(n) and n - k >= (n + 1) // 2:
            return i + n
    window = text[i:i + n + 1]
    if len(window) == n + 1:
        for j in range(1, n):
            if window[j] in extra:
                k = _subs(window[:j] + window[j + 1:], phrase, pairs)
                if k is not None and k < _max_subs(n):
                    return i + n + 1
    if phrase in droppable:
        window = text[i:i + n - 1]
        if len(window) == n - 1:
            for j in range(1, n - 1):  # an inner character lost: 治本攻三年 for 治本攻坚三年
                if window == phrase[:j] + phrase[j + 1:]:
                    return i + n - 1
    return None


def correct(text: str) -> str:
    """`text` with each run that is a confusable misreading of exactly one lexicon phrase replaced by that phrase.
    Two candidates that overlap and are not one inside the other make the run ambiguous: neither is applied."""
    phrases, pairs, extra, droppable = _lexicon()
    if len(text) < _MIN:
        return text
    chars = set(text)
    known = set(phrases)
    found: list[tuple[int, int, str]] = []
    for phrase in phrases:
        n = len(phrase)
        if sum(ch in chars for ch in set(phrase)) < (len(set(phrase)) + 1) // 2:
            continue  # too few of its characters in the line to be a misreading of it
        for i in range(0, len(text) - n + 2):
            if text[i] != phrase[0] and frozenset((text[i], phrase[0])) not in pairs \
                    and phrase[1] not in text[i + 1:i + 3]:
                continue  # a misreading keeps (or confuses) its first character, or keeps its second
            end = _match(text, i, phrase, pairs, extra, droppable)
            if end is not None and text[i:end] not in known:  # a run that is a phrase itself is read right
                found.append((i, end, phrase))
    if not found:
        return text
    kept = []
    for s, e, p in found:
        rivals = [(s2, e2, p2) for s2, e2, p2 in found if s2 < e and s < e2 and (s2, e2, p2) != (s, e, p)]
        if any(p2 not in p and p not in p2 for _, _, p2 in rivals):
            continue  # two phrases claim the run
        if any(p in p2 for _, _, p2 in rivals if p2 != p):
            continue  # a longer phrase covers it
        kept.append((s, e, p))
    out, pos = [], 0
    for s, e, p in sorted(kept):
        if s < pos:
            continue
        out.append(text[pos:s])
        out.append(p)
        pos = e
    out.append(text[pos:])
    return "".join(out)
