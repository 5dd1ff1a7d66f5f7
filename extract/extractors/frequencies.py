"""Frequencies of a clause (ANNOTATION.md §2): period, count per period and at_least; the forms are data in rules/frequencies.yaml."""
from __future__ import annotations

import re
from functools import lru_cache

from ..model import Frequency, Span
from ..rules import compiled, expand, load, pieces_of
from ..text import half_width, to_arabic
from .prefilter import Prefilter

_FILE = "frequencies.yaml"
_COUNT_REACH = 40  # how far after 每… its count may be written (每季度带队对本单位……至少开展1次)
_SAME_ACTIVITY_REACH = 10  # 每季度5日前报送: the activity a few characters after the explicit 每
_SAME_CYCLE_REACH = 40  # 季度报送机制，…于每季度5日前报送: one reporting cycle written twice
_PHRASE_END = "。；;，,"


@lru_cache(maxsize=1)
def rules() -> tuple[dict, dict[str, re.Pattern], re.Pattern]:
    """(the rule data, each rule's compiled regex by name, the compiled count of the `every` rule)."""
    data = load(_FILE)
    every = next(r for r in data["rules"] if r["name"] == "every")
    return data, compiled(_FILE), re.compile(expand(every["count"], data["pieces"]))


@lru_cache(maxsize=1)
def _event() -> re.Pattern:
    """One recurring event of a list after 每年 (汛期 / 秋收 / 春节, common.yaml): each is once a year."""
    return re.compile(expand("{EVENT}", pieces_of(_FILE)))


def _per(word: str) -> int:
    """How many of period word `word` fit in the period it means (旬: three a month; 1 for the rest)."""
    return rules()[0].get("per_period", {}).get(word, 1)


@lru_cache(maxsize=1)
def _not_after() -> re.Pattern:
    every = next(r for r in load(_FILE)["rules"] if r["name"] == "every")
    return re.compile(every["not_after"])


@lru_cache(maxsize=1)
def prefilter() -> Prefilter:
    """The literals each rule needs (每 and a period, 次/… and /, 全年 …): most clauses hold none, and skip every rule."""
    return Prefilter(compiled(_FILE))


def _at_least(span: str) -> bool:
    return any(w in span for w in ("至少", "不少于", "不低于", "最少"))


def _number(word: str) -> int:
    return int(word) if word.isdigit() else int(to_arabic(word))


def _count_after(text: str, start: int) -> tuple[int, bool, int, list[int]] | None:
    """(count, at_least, end, positions of 每 inside parentheses) of the count written after a 每… phrase.

    The count is looked for up to the end of the phrase, across parentheses (每季度（高危领域每月）……至少开展1次);
    a 每 outside parentheses starts a new frequency and stops the search."""
    _, _, count_re = rules()
    depth, inner = 0, []
    for i in range(start, min(len(text), start + _COUNT_REACH)):
        ch = text[i]
        if ch in "（(":
            depth += 1
            continue
        if ch in "）)":
            depth = max(0, depth - 1)
            continue
        if depth:
            if ch == "每":
                inner.append(i)
            continue
        if ch in "，," and not text[start:i].strip():
            continue  # 每季度，由县安委办……至少组织2次: the period is the topic of the clause after the comma
        if ch == "每" and not rules()[1]["every"].match(text, i):
            continue  # 每年每个乡镇至少开展2次: a 每 of a thing, not of a time
        if ch in _PHRASE_END or ch == "每":
            return None
        m = count_re.match(text, i)
        if m:
            at_least = bool(m.group(1) or m.group(3)) or _at_least(text[start:i])
            return _number(m.group(2)), at_least, m.end(), inner
    return None


def _sentence_end(text: str, pos: int) -> int:
    end = text.find("。", pos)
    return len(text) if end < 0 else end


def extract(text: str) -> list[Frequency]:
    """Every frequency of one clause's text, in text order, with offsets into `text`."""
    return list(_extract(text))


@lru_cache(maxsize=2048)
def _extract(text: str) -> tuple[Frequency, ...]:
    """extract(), memoized: the targets extractor asks for the same clause's frequencies again (fields are frozen,
    so the cached ones can be shared)."""
    data, rx, _ = rules()
    periods = data["periods"]
    folded = half_width(text)  # same length: offsets stay valid
    allowed = prefilter().allowed(folded)

    def scan(name: str):
        """The matches of rule `name`; none, without a search, when the clause lacks a literal the rule needs."""
        return rx[name].finditer(folded) if name in allowed else ()

    out: list[Frequency] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, period: str, count: int, at_least: bool, *, inside: bool = False) -> None:
        if not inside and any(a < e and s < b for a, b in taken):
            return
        taken.append((s, e))
        out.append(Frequency(text[s:e], Span(s, e), period=period, count=max(1, count), at_least=at_least))

    for m in scan("listed_dates"):
        add(m.start(), m.end(), "year", len(re.findall("月", m.group(0))), False)
    for m in scan("listed_events"):
        # 每年汛期前、秋收前: one a year for each event named; 各开展1次 after the list counts for each
        events = len(_event().findall(m.group(0)[:m.start(2) - m.start() if m.group(2) else None]))
        add(m.start(), m.end(), "year", events * (_number(m.group(2)) if m.group(2) else 1), _at_least(m.group(0)))
    for m in scan("season"):
        add(m.start(), m.end(), "year", 1, False)
    for m in scan("parts_each"):
        # the parts named: 上 and 下 of the halves, 春 夏 秋 冬 of the seasons (春秋两季 / 春季和秋季 both two)
        parts = len(set(re.findall("[上下春夏秋冬]", m.group(1))))
        add(m.start(), m.end(), "year", parts * _number(m.group(3)), _at_least(m.group(0)))
    for m in scan("slash"):
        add(m.start(), m.end(), periods[m.group(3)], _number(m.group(2)) * _per(m.group(3)), bool(m.group(1)))
    for m in scan("one_period"):
        add(m.start(), m.end(), periods[m.group(1)], _number(m.group(3)), _at_least(m.group(0)))
    for m in scan("whole_year"):
        add(m.start(), m.end(), "year", _number(m.group(2)), _at_least(m.group(0)))
    for m in scan("cycle"):
        word = m.group(1) or m.group(2)
        add(m.start(), m.end(), periods[word], _per(word), False)
    for m in scan("half_month"):
        add(m.start(), m.end(), "month", 2, False)
    for m in scan("every_n"):
        # once every N weeks or months: the whole count a year (52 weeks, 12 months) times the count written after
        per_year = (52 if m.group(3) == "周" else 12) // _number(m.group(2))
        found = _count_after(folded, m.end())
        count, at_least, end = (found[0], found[1], found[2]) if found else (1, False, m.end())
        add(m.start(), end, "year", per_year * count, at_least or bool(m.group(1)))
    for m in rx["one_per"].finditer(folded):
        # 一月一调度 / 半年一总结 (period words of the rules) / 半月一调度: twice a month
        add(m.start(), min(len(folded), m.end() + 2), *(("month", 2) if m.group(2) == "半月" else (periods[m.group(1) or m.group(2)], 1)),
            False)

    every: list[tuple[int, str]] = []
    for m in scan("every"):
        if any(a <= m.start() < b for a, b in taken):
            continue  # a 每 inside a parenthesis already read with its outer 每
        if _not_after().match(folded, m.end()):
            continue  # 事故起数每年下降5%: a target's yearly change
        period, before, per = periods[m.group(2)], bool(m.group(1)), _per(m.group(2))
        found = _count_after(folded, m.end())
        every.append((m.start(), period))
        if not found:
            add(m.start(), m.end(), period, per, before)
            continue
        count, at_least, end, inner = found
        add(m.start(), end, period, count * per, at_least or before)
        for pos in inner:  # 每季度（高危行业领域每月）……至少开展1次: the inner 每 shares the count
            im = rx["every"].match(folded, pos)
            if im:
                add(im.start(), im.end(), periods[im.group(2)], count * _per(im.group(2)), at_least, inside=True)
                every.append((im.start(), periods[im.group(2)]))
    for m in scan("yearly_words"):
        add(m.start(), m.end(), "year", 1, False)

    named: list[tuple[int, str]] = []
    for m in scan("named_cycle"):
        period = periods[m.group(1)]
        act_len = len(m.group(2)) if m.group(2) else 2  # 排查 / 检 of 日检
        activity = folded[m.end():m.end() + act_len]
        tail = folded[m.end():m.end() + _SAME_CYCLE_REACH]
        cut = min((tail.find(c) for c in "。；;" if c in tail), default=len(tail))
        sentence_end = m.end() + cut
        if any(p == period and m.end() <= pos <= sentence_end
               and activity in folded[pos:min(sentence_end, pos + _SAME_ACTIVITY_REACH)] for pos, p in every):
            continue  # 季度报送机制，各单位于每季度5日前报送: the explicit 每季度 says the same cycle again
        if any(p == period and pos < m.start() and activity in folded[pos:min(m.start(), pos + _SAME_CYCLE_REACH)]
               for pos, p in every):
            continue  # 每季度5日前报送……，形成季度报送机制: the named cycle restates an explicit one
        add(m.start(), m.end() + act_len, period, 1, False)
        named.append((m.start(), period))
    for m in scan("period_adjective"):
        period = periods[m.group(1) or m.group(2)]
        sentence = (folded.rfind("。", 0, m.start()) + 1, _sentence_end(folded, m.end()))
        if any(p == period and sentence[0] <= pos < sentence[1] for pos, p in every):
            continue  # 每月召开调度会……月度调度会: the explicit 每月 already says it
        add(m.start(), m.end(), period, 1, False)
    for k_triple, m in enumerate(scan("triple")):
        # 班组日排查、部门周排查、厂长月排查的“日周月”制度 names the same three once more; and a clause that names
        # its “日周月” mechanism, its list and its checks (“日周月”机制、“日周月”清单) has one set of three
        near = {p for pos, p in named if m.start() - _SAME_CYCLE_REACH <= pos < m.start()}
        if {"day", "week", "month"} <= near or k_triple > 0:
            continue
        for k, ch in enumerate("日周月"):
            add(m.start() + k, m.start() + k + 1, periods[ch], 1, False)
    out.sort(key=lambda s: s.span.start)
    return tuple(out)
