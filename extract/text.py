"""Text helpers shared by the extractors: width folding and Chinese numerals (via cn2an, on a matched span only)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
_YEAR_CN = re.compile(r"[二][〇零○O][一二三四五六七八九〇零○][〇零○一二三四五六七八九]")
_DIGIT = {"〇": "0", "零": "0", "○": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
          "六": "6", "七": "7", "八": "8", "九": "9"}


def fold(text: str) -> str:
    """Full-width to half-width, white space dropped: the form texts are compared in."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4096)
def to_arabic(span: str) -> str:
    """Chinese numerals of a short matched span to Arabic digits (二〇二四年六月 -> 2024年6月, 两次 -> 2次).
    Never run over a whole text: cn2an would also turn （十二） into （12）."""
    span = unicodedata.normalize("NFKC", span)
    span = _YEAR_CN.sub(lambda m: "".join(_DIGIT[c] for c in m.group(0)), span)
    span = span.replace("两", "二")
    if not re.search(r"[一二三四五六七八九十百〇零]", span):
        return span
    import cn2an

    try:
        return cn2an.transform(span, "cn2an")
    except Exception:  # noqa: BLE001 - a span cn2an cannot read keeps its numerals
        return span


# Full-width ASCII (Ａ-ｚ, ０-９, ＋…) to half-width, one character for one, so offsets stay valid.
_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_HALF[0x3000] = 0x20


# runs of full-width characters: only they are translated. Most characters of a clause are Chinese, and a translate
# looks each one up in the dict; one regex scan and a translate per run costs a half of that on a plan written with
# full-width punctuation, and a sixth on one written without
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]+")


def _fold_run(m: re.Match) -> str:
    return m.group().translate(_HALF)


def half_width(text: str) -> str:
    """Full-width digits and Latin letters as ASCII, the same length as the input."""
    return _FULL_WIDTH.sub(_fold_run, text)
