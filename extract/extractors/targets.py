"""Quantitative targets of a clause (达到100%, 不大于3人, 下降12%): value, unit, comparison; the forms are data in rules/targets.yaml."""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Span, Target
from ..rules import compiled, load
from ..text import half_width, to_arabic
from . import frequencies
from .prefilter import Prefilter

_FILE = "targets.yaml"
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_COUNT_UNITS = {"次", "场"}
_REQUIREMENT = {"要求", "标准", "目标", "规定"}  # 不超过6人的要求: the quantity is the requirement itself
_PHRASE_END = "，,。；;：:）)、"  # units a frequency may own (每年开展不少于2次)


@lru_cache(maxsize=1)
def rules() -> tuple[dict, dict[str, re.Pattern], re.Pattern]:
    data = load(_FILE)
    return data, compiled(_FILE), re.compile(data["prohibition_before"])


@lru_cache(maxsize=1)
def prefilter() -> Prefilter:
    """The literals each rule needs (%, 分之, a comparison word and a unit …): most clauses hold no quantity."""
    return Prefilter(compiled(_FILE))


def _number(word: str) -> float:
    return float(word) if _DECIMAL.fullmatch(word) else float(to_arabic(word))


def extract(text: str) -> list[Target]:
    """Every quantitative target of one clause's text, in text order, with offsets into `text`."""
    data, rx, prohibition = rules()
    cmp_of = data["comparators"]
    folded = half_width(text).replace("％", "%")  # same length: offsets stay valid
    allowed = prefilter().allowed(folded)

    def scan(name: str):
        """The matches of rule `name`; none, without a search, when the clause lacks a literal the rule needs."""
        return rx[name].finditer(folded) if name in allowed else ()

    out: list[Target] = []
    taken: list[tuple[int, int]] = []
    counted = [(s.span.start, s.span.end) for s in frequencies.extract(text)]

    def free(s: int, e: int) -> bool:
        return not any(a < e and s < b for a, b in taken)

    def add(s: int, e: int, value: float, unit: str, comparison: str, **extra) -> None:
        taken.append((s, e))
        out.append(Target(text[s:e], Span(s, e), value=round(value, 2), unit=unit, comparison=comparison, **extra))

    def scoping(e: int, unit: str) -> bool:
        """30人以下的小微企业: a quantity before 的 describes a noun; a share (各3%的指标) and 不超过6人的要求 stay targets."""
        return unit != "%" and folded[e:e + 1] == "的" and folded[e + 1:e + 3] not in _REQUIREMENT

    def more(e: int, comparison: str) -> None:
        """分别达到95%、85%: later values of the list, with the first value's comparison."""
        while True:
            m = rx["list_more"].match(folded, e)
            if not m:
                return
            add(m.start(1), m.end(), float(m.group(1)), "%", comparison)
            e = m.end()

    for m in scan("change"):
        word, value, unit, tail = m.groups()
        add(m.start(), m.end(), float(value), unit, cmp_of[tail] if tail else "=",
            change=data["changes"][word])
    for m in scan("fraction"):
        word, denominator, numerator, tail = m.groups()
        if free(m.start(), m.end()) and (word or tail):
            add(m.start(), m.end(), 100 * _number(numerator) / _number(denominator), "%", cmp_of[tail or word])
    for m in scan("tenths"):
        word, tenths, tail = m.groups()
        if free(m.start(), m.end()) and (word or tail):
            add(m.start(), m.end(), 10 * _number(tenths), "%", cmp_of[tail or word])
    for m in scan("compare"):
        word, value, unit, tail = m.groups()
        s, e = m.start(), m.end()
        if not free(s, e) or scoping(e, unit):
            continue
        if unit in _COUNT_UNITS and any(a < e and s < b for a, b in counted):
            continue  # 每年开展不少于2次: the frequency extractor owns it
        comparison = cmp_of[tail] if tail and tail != "以上" else cmp_of[word]
        add(s, e, _number(value), unit, comparison)
        more(e, comparison)
    for m in scan("after"):
        value, unit, tail = m.groups()
        s, e = m.start(), m.end()
        if not free(s, e) or scoping(e, unit) or prohibition.search(folded[max(0, s - 6):s]):
            continue
        if unit != "%" and folded[e:e + 1] and folded[e] not in _PHRASE_END:
            continue  # 2个以上不同开采主体: without a comparison word, a count before a noun describes the noun
        if unit in _COUNT_UNITS and any(a < e and s < b for a, b in counted):
            continue
        add(s, e, _number(value), unit, cmp_of[tail])
    for m in scan("percent"):
        if free(m.start(), m.end()):
            add(m.start(), m.end(), float(m.group(1)), "%", "=")
            more(m.end(), "=")
    out.sort(key=lambda sp: sp.span.start)
    return out
