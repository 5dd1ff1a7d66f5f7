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
    plain = _plain_numerals(span)
    if plain is not None:
        return plain
    import cn2an  # rare forms only (百, 零, 点, 分之…): see _plain_numerals

    try:
        return cn2an.transform(span, "cn2an")
    except Exception:  # noqa: BLE001 - a span cn2an cannot read keeps its numerals
        return span


_SMALL = re.compile(r"[一二三四五六七八九]|[二三四五六七八九]?十[一二三四五六七八九]?")
_SMALL_RUN = re.compile(r"[一二三四五六七八九十]+")
_DIGIT_VALUE = {c: i for i, c in enumerate("一二三四五六七八九", 1)}
# every character cn2an.transform reads as a numeral, a unit or a numeral's context, beside 一…十 (cn2an.conf; the
# test compares the two); a span holding any of these, or a numeral after a digit (5十年), goes to cn2an
_CN2AN_FORMS = re.compile(r"[零〇幺壹贰貳两兩叁參肆伍陆陸柒捌玖拾百佰千仟万萬亿億点负半廿]|分之|摄氏度|[\d.][一二三四五六七八九十]")


def small_numeral(word: str) -> int | None:
    """一 -> 1, 十二 -> 12, 四十 -> 40 (1-99, as cn2an reads them); None for any other text. Markers, deadlines and
    counts nearly always use only these, and importing cn2an costs 0.15 s of every cold start."""
    if not _SMALL.fullmatch(word):
        return None
    tens, ten, ones = word.rpartition("十")
    return 10 * _DIGIT_VALUE.get(tens, 1) + _DIGIT_VALUE.get(ones, 0) if ten else _DIGIT_VALUE[word]


def _plain_numerals(span: str) -> str | None:
    """The span with each numeral 1-99 (六, 十二, 三十) as digits, as cn2an.transform writes it; None when the span
    holds any other form."""
    if _CN2AN_FORMS.search(span):
        return None
    out, pos = [], 0
    for m in _SMALL_RUN.finditer(span):
        value = small_numeral(m.group(0))
        if value is None:
            return None
        out += [span[pos:m.start()], str(value)]
        pos = m.end()
    return "".join(out) + span[pos:]


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


_QUOTES = re.compile(r'[“”"]')


def balance_quotes(text: str) -> str:
    """Double quotes set to open and close in turn (“…”“…”) when the text holds an even number of them: OCR loses
    their direction (“五进“), and a paragraph of a plan closes every quote it opens."""
    quotes = _QUOTES.findall(text)
    if not quotes or len(quotes) % 2:
        return text
    it = iter("“”" * (len(quotes) // 2))
    return _QUOTES.sub(lambda m: next(it), text)
