"""Keyword prefilters of the rule extractors: the literals every match of a rule must contain, derived from its regex,
found in a clause by one Aho–Corasick pass, so that a rule runs only on a clause that holds them."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import ahocorasick

# the standard library's regex parser (the one re.compile uses): the literals are read off the parsed rule. Its
# module holds the opcodes too.
try:
    from re import _parser as _sre  # Python 3.11+
except ImportError:  # Python 3.10
    import sre_parse as _sre

_C = _sre
# at most this many strings in a set of exact alternatives (20\d\d|二〇…, 年底|年末): beyond it the set is cut at a
# shorter piece of the rule
_LIMIT = 16
_KEEP = 3  # needs kept per rule
_REPEATS = (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", _C.MAX_REPEAT))


@dataclass(frozen=True)
class _Info:
    """What a piece of a regex needs of the text: `exact`, when known, is every string the piece can match (a small
    set); `needs` is a conjunction of disjunctions: every set of `needs` has a member in any text the piece matches
    in (lookarounds add theirs though they match nothing)."""
    exact: frozenset[str] | None
    needs: tuple[frozenset[str], ...] = ()

    def clauses(self) -> tuple[frozenset[str], ...]:
        if self.exact is not None and "" not in self.exact:
            return (*self.needs, self.exact)
        return self.needs


_NOTHING = _Info(frozenset({""}))  # matches the empty string: needs nothing
_ANY = _Info(None)  # matches what we cannot tell: needs nothing


def _best(clauses: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The most selective of a piece's needs: longest shortest string, then fewest strings."""
    return max(clauses, key=_selectivity)


def _sequence(items: list[_Info]) -> _Info:
    run, needs, exact = frozenset({""}), [], True
    for info in items:
        needs += info.needs
        if info.exact is not None and len(run) * len(info.exact) <= _LIMIT:
            run = frozenset(a + b for a in run for b in info.exact)
            continue
        exact = False
        if "" not in run:
            needs.append(run)
        run = info.exact if info.exact is not None else frozenset({""})
    if exact:
        return _Info(run, tuple(needs))
    if "" not in run:
        needs.append(run)
    return _Info(None, tuple(needs))


def _alternatives(branches: list[_Info]) -> _Info:
    if all(b.exact is not None for b in branches) and sum(len(b.exact) for b in branches) <= _LIMIT:
        return _Info(frozenset().union(*(b.exact for b in branches)))  # the branches' lookarounds are dropped: looser
    chosen = [b.clauses() for b in branches]
    if not all(chosen):
        return _ANY  # a branch that needs nothing: the alternation needs nothing
    return _Info(None, (frozenset().union(*(_best(c) for c in chosen)),))


def _repeat(low: int, high: int, inner: _Info) -> _Info:
    if high == 0:
        return _NOTHING
    if low == 0:
        if high == 1 and inner.exact is not None and len(inner.exact) < _LIMIT:
            return _Info(inner.exact | {""})
        return _ANY
    if low == high == 1:
        return inner
    if low == high and inner.exact is not None and len(inner.exact) ** low <= _LIMIT:
        return _sequence([inner] * low)
    return _Info(None, inner.clauses())  # at least one repetition: what it needs once holds


def _charset(items) -> _Info:
    chars: set[str] = set()
    for op, av in items:
        if op == _C.LITERAL:
            chars.add(chr(av))
        elif op == _C.RANGE and av[1] - av[0] < _LIMIT:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:  # a negation, a category (\d, \s), a wide range
            return _ANY
    return _Info(frozenset(chars)) if 0 < len(chars) <= _LIMIT else _ANY


def _info(parsed) -> _Info:
    items = []
    for op, av in parsed:
        if op == _C.LITERAL:
            items.append(_Info(frozenset({chr(av)})))
        elif op == _C.IN:
            items.append(_charset(av))
        elif op == _C.AT or op == _C.ASSERT_NOT:
            items.append(_NOTHING)
        elif op == _C.ASSERT:  # (?=…) / (?<=…): the text holds what it looks for, outside the match
            items.append(_Info(frozenset({""}), _info(av[1]).clauses()))
        elif op == _C.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            items.append(_ANY if add_flags & re.IGNORECASE else _info(sub))
        elif op == getattr(_C, "ATOMIC_GROUP", None):
            items.append(_info(av))
        elif op == _C.BRANCH:
            items.append(_alternatives([_info(b) for b in av[1]]))
        elif op in _REPEATS:
            items.append(_repeat(av[0], av[1], _info(av[2])))
        else:  # ANY, NOT_LITERAL, a back reference, a conditional group: anything
            items.append(_ANY)
    return _sequence(items)


def required(rx: re.Pattern) -> tuple[frozenset[str], ...]:
    """The literal needs of a compiled regex: a text it finds a match in holds a member of each set (no set: the rule
    needs nothing we can tell, and always runs). A case-insensitive regex needs nothing."""
    if rx.flags & re.IGNORECASE:
        return ()
    needs = _info(_sre.parse(rx.pattern, rx.flags)).clauses()
    out: dict[frozenset[str], None] = {}
    for clause in needs:
        if "" in clause:
            continue
        # a string holding another of the set adds nothing (今年底 beside 年底)
        out[frozenset(s for s in clause if not any(t != s and t in s for t in clause))] = None
    # the most selective few: any part of the needs is sound, and a set of digits or dashes that nearly every dated
    # clause holds only adds hits to the scan
    return tuple(sorted(out, key=_selectivity, reverse=True)[:_KEEP])


def _selectivity(clause: frozenset[str]) -> tuple[int, int]:
    return min(map(len, clause)), -len(clause)


class Prefilter:
    """Which of a set of named regexes can match a text. One Aho–Corasick pass finds the literals of each rule's most
    selective need; the other needs of the rules it lets through are checked with `in`. A rule whose needs are not
    all met is skipped. Sound by construction (tests/test_prefilter.py checks it on the corpus): it never skips a rule
    that would match."""

    def __init__(self, patterns: Mapping[str, re.Pattern]):
        self.needs = {name: required(rx) for name, rx in patterns.items()}
        # only the first need in the automaton: the weaker ones (年, 人, 个 …) are in most clauses, and every hit of
        # the scan costs a step of Python
        first = sorted({s for needs in self.needs.values() if needs for s in needs[0]})
        rest = sorted({s for needs in self.needs.values() for clause in needs[1:] for s in clause})
        bit = {s: 1 << i for i, s in enumerate(first)}
        self._more_bit = {s: 1 << i for i, s in enumerate(rest)}
        self._automaton = ahocorasick.Automaton()
        for s in first:
            self._automaton.add_word(s, bit[s])
        if first:
            self._automaton.make_automaton()
        self._rules = tuple((name, sum(bit[s] for s in needs[0]),
                             tuple(sum(self._more_bit[s] for s in clause) for clause in needs[1:]))
                            for name, needs in self.needs.items() if needs)
        self._always = frozenset(name for name, needs in self.needs.items() if not needs)
        # by the literals the scan found: the other literals to look for, the rules it lets through, and the rules
        # let through by each combination of those others found. Few combinations recur: each is worked out once.
        self._by_found: dict[int, tuple[tuple[tuple[str, int], ...], tuple, dict[int, frozenset[str]]]] = {}

    def _entry(self, found: int) -> tuple[tuple[tuple[str, int], ...], tuple, dict[int, frozenset[str]]]:
        candidates = tuple((name, masks) for name, mask, masks in self._rules if found & mask)
        checks = tuple((s, b) for s, b in self._more_bit.items() if any(b & m for _, masks in candidates for m in masks))
        entry = (checks, candidates, {})
        if len(self._by_found) < 65536:
            self._by_found[found] = entry
        return entry

    def clear(self) -> None:
        """Forget the combinations worked out (a benchmark's first pass starts without them)."""
        self._by_found.clear()

    def allowed(self, text: str) -> frozenset[str]:
        """The names of the rules that may match `text`."""
        found = 0
        if self._rules:
            for _, b in self._automaton.iter(text):
                found |= b
        checks, candidates, by_more = self._by_found.get(found) or self._entry(found)
        more = 0
        for s, b in checks:
            if s in text:
                more |= b
        rules = by_more.get(more)
        if rules is None:
            rules = self._always.union(name for name, masks in candidates if all(more & m for m in masks))
            by_more[more] = rules
        return rules
