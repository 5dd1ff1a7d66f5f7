"""Whether decoded text is language or noise: share of Chinese characters, share of them inside dictionary words
(jieba's dictionary), control characters. Used on PDF text layers, OLE documents and every reader's output."""
from __future__ import annotations

import re
from functools import lru_cache

from .. import words

_CJK = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")

# Calibrated on the corpus and the fixtures (real plans: >= 0.55 of CJK characters inside a dictionary word of
# two or more characters, control characters none) against random CJK code points (0.05-0.15) and text layers of
# fonts without a Unicode map (no CJK, or CJK at random).
MIN_WORD_SHARE = 0.35
MAX_CONTROL_SHARE = 0.01
MIN_CJK_SHARE = 0.15
SAMPLE = 20000


@lru_cache(maxsize=1)
def _dictionary() -> dict:
    """The word frequencies of the segmentation dictionary the classifiers use (words.tokenizer): one dictionary
    load per process. Loading jieba's own dictionary here first made the pipeline load two (0.3-0.8 s each); the
    trained one keeps jieba's common words, and the shares of the corpus plans move by at most 0.015 with it."""
    return words.tokenizer().dt.FREQ


def word_share(text: str) -> float:
    """Share of the CJK characters of `text` that fall inside a dictionary word of two or more characters,
    by greedy longest match (noise rarely forms words; Chinese prose mostly does)."""
    freq = _dictionary()
    covered = total = 0
    for run in _CJK_RUN.findall(text):
        total += len(run)
        i = 0
        while i < len(run):
            for n in (4, 3, 2):
                if i + n <= len(run) and freq.get(run[i:i + n]):
                    covered += n
                    i += n
                    break
            else:
                i += 1
    singles = len(_CJK.findall(text)) - total
    return covered / max(1, total + singles)


def noise_reason(text: str) -> str:
    """Why `text` looks like noise rather than a plan ('' when it looks like language)."""
    sample = re.sub(r"\s+", "", text[:SAMPLE])
    if len(sample) < 40:
        return ""  # too little to judge; the "no text" checks handle the empty cases
    control = sum(1 for ch in sample if ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or 0xE000 <= ord(ch) <= 0xF8FF)
    if control / len(sample) > MAX_CONTROL_SHARE:
        return f"{control / len(sample):.0%} control or private-use characters"
    cjk = len(_CJK.findall(sample))
    if cjk / len(sample) < MIN_CJK_SHARE:
        return f"only {cjk / len(sample):.0%} Chinese characters"
    share = word_share(sample)
    if share < MIN_WORD_SHARE:
        return f"only {share:.0%} of the Chinese characters form dictionary words"
    return ""
