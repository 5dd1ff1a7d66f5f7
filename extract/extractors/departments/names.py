"""Unit names: departments.yaml compiled once, the organization-shape check, cleaning, and splitting lists."""
from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import ahocorasick

from ...rules import expand, read_yaml

RULES_FILE = Path(__file__).resolve().parent.parent.parent / "rules" / "departments.yaml"
_SPLIT_OR_BRACKET = re.compile(r"[、，,；;/（()）]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")
_BRACKETED = re.compile(r"[（(][^()（）]*[)）]")  # （待定）: a bracket and nothing else
_CJK_ONLY = re.compile(r"[\u4e00-\u9fff]+")
_POST_MODIFIER = re.compile(r"(?:主要|分管|实际)$")  # 管理单位(主要)负责人: the unit of a post
# a level of government (自治区、各地(市)文化和旅游部门: 自治区 is the level of the department, not a sector)
_LEVEL = re.compile(r"^(?:全?(?:自治区|省|地区|地市|市|州|盟|县|区|旗|乡|镇|街道|村)(?:级|直|属)?|(?:省|市|县|区)(?:级|直|属))$")
_BARE = {"系统", "场所", "平台", "机制", "体系"}


@lru_cache(maxsize=1)
def rules() -> dict:
    """departments.yaml with its word lists compiled (keys starting with _); shared, callers must not mutate it
    except to cache what they derive from it."""
    data = read_yaml(RULES_FILE)
    suffixes = sorted(data["actor_suffixes"], key=len, reverse=True)
    label_role = {lab: role for role, labs in data["labels"].items() for lab in labs}
    labels = sorted(label_role, key=len, reverse=True)
    alt = "|".join(re.escape(x) for x in labels)
    # 责任单位：… / 【责任单位】… / [牵头单位]…
    data["_label_re"] = re.compile(r"(?:(" + alt + r")\s*[：:]|[【\[](" + alt + r")[】\]]\s*[：:]?)\s*")
    # where a label can start: a label word or an opening bracket (each value its length). label_matches tries the
    # pattern only there; searched for, the alternation of the label words is tried at every position
    starts = ahocorasick.Automaton()
    for x in [*labels, "【", "["]:
        starts.add_word(x, len(x))
    starts.make_automaton()
    data["_label_starts"] = starts
    data["_label_role"] = label_role
    # what can end a label block, found by one scan from its start: a bracket, a sentence stop or a label that is no
    # role (完成时限：), the next label
    stops = "|".join(re.escape(x) for x in sorted(data["block_stop_labels"], key=len, reverse=True))
    data["_label_event_re"] = re.compile(r"([（(])|([)）])|([；;。\n]|\s*(?:" + stops + r")\s*[：:])|"
                                         + data["_label_re"].pattern)
    data["_suffix_re"] = re.compile("(" + "|".join(re.escape(s) for s in suffixes) + r")$")
    data["_suffixes_t"] = tuple(suffixes)
    # the suffixes by their last character: a name's last character picks the few it can end with (an endswith over
    # all of them tries every one)
    by_last: dict[str, list[str]] = {}
    for x in suffixes:
        by_last.setdefault(x[-1], []).append(x)
    data["_suffixes_by_last"] = {ch: tuple(xs) for ch, xs in by_last.items()}
    # where an organization word or a level of government occurs: a phrase without one holds no name. The words by
    # an Aho–Corasick automaton (an alternation of 130 words tries them in turn wherever one could start), each
    # word's value its length; the levels by a pattern (joined to the words they would cost twice as much)
    words = ahocorasick.Automaton()
    for x in suffixes:
        words.add_word(x, len(x))
    words.make_automaton()
    data["_hint_words"] = words
    data["_hint_levels_re"] = re.compile(_LEVEL_HINT)
    data["_suffix_any_re"] = re.compile("(?=(" + "|".join(re.escape(s) for s in suffixes) + "))")
    # 经 of 经济运行科, 从 of 从业人员 open a name, not an object phrase
    data["_object_re"] = re.compile("^(?!" + "|".join(re.escape(w) for w in data["object_verb_exceptions"]) + ")("
                                    + "|".join(re.escape(v) for v in data["object_verbs"]) + ")")
    data["_tails"] = sorted(data["list_tails"], key=len, reverse=True)
    # tuples for str.endswith, made once (building them per call cost more than the test)
    data["_list_tails_t"] = tuple(t for t in data["_tails"] if t != "等")
    data["_tails_t"] = tuple(data["_tails"])
    for key in ("not_actor_endings", "actor_endings", "person_suffixes", "shared_heads", "sector_heads"):
        data[f"_{key}_t"] = tuple(data[key])
    data["_prefix_re"] = re.compile("^(" + "|".join(re.escape(p) for p in data["name_prefixes"]) + ")+")
    admin = next(p["pattern"] for p in data["patterns"] if p["name"] == "admin_unit")
    # the Chinese characters of the level-of-government pattern: a name it matches holds at least one of them
    data["_admin_chars_re"] = re.compile("[" + "".join(sorted({ch for ch in admin if "\u4e00" <= ch <= "\u9fff"})) + "]")
    return data


# a level of government long enough to be a name (admin_unit: 各县, 相关地市, 乡镇, 街道, 县（区）, 区县)
_LEVEL_HINT = "(?:各|全区|全县|全市|全省|相关|有关)[地县市区乡镇街州]|乡镇|街道|[地县市区乡镇州][（(县区市]"


def label_matches(text: str) -> list[re.Match]:
    """The matches of the label pattern (_label_re) in text, as its finditer gives them: a match starts with a label
    word or a bracket, so the pattern is tried only where one starts, leftmost first, the next after its end."""
    r = rules()
    label_re = r["_label_re"]
    out: list[re.Match] = []
    after = 0
    for at in sorted({e + 1 - n for e, n in r["_label_starts"].iter(text)}):
        if at < after:
            continue
        m = label_re.match(text, at)
        if m:
            out.append(m)
            after = m.end()
    return out


def name_hints(text: str, start: int = 0, end: int | None = None) -> list[int]:
    """Where an organization word or a level of government starts in text[start:end], in order."""
    end = len(text) if end is None else end
    r = rules()
    piece = text[start:end] if start or end != len(text) else text
    # every word found, as (its start, minus its length): sorted, the longest word at each start comes first. The
    # starts kept are those an alternation of the words, longest first, finds: the leftmost, then the next one after
    # the longest word there ends (tests/test_departments.py checks the two agree)
    hits = sorted([(e + 1 - n, -n) for e, n in r["_hint_words"].iter(piece)])
    found: list[int] = []
    after = 0
    for at, minus_len in hits:
        if at >= after:
            found.append(start + at)
            after = at - minus_len
    more = [m.start() for m in r["_hint_levels_re"].finditer(text, start, end)]  # rare: most clauses name none so
    return sorted(found + more) if more else found


@lru_cache(maxsize=1)
def patterns() -> SimpleNamespace:
    """The `patterns` of departments.yaml compiled, as attributes by name (P.lead, P.subject_modal, …)."""
    data = rules()
    return SimpleNamespace(**{p["name"]: re.compile(expand(p["pattern"], data.get("pieces", {})))
                              for p in data["patterns"]})


def normalize_name(name: str) -> str:
    """The comparison form: leading 各级/各/有关/相关 dropped."""
    return rules()["_prefix_re"].sub("", name) or name


@lru_cache(maxsize=8192)
def is_fragment(name: str) -> bool:
    """A span that cannot be a unit name whatever it ends with (pattern `fragment`): clause grammar, or an unbalanced
    or bare bracket. (A role label is no unit in a label line, but may be a subject: 牵头部门要……)"""
    if name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        return True
    if _BRACKETED.fullmatch(name):
        return True
    if name.count("“") > name.count("”"):
        return True  # 采取“文博单位常态自查、…相关部门: a quotation opened and not closed (“五职”矿长 lost its “ to cleaning)
    return bool(patterns().fragment.search(name))


@lru_cache(maxsize=8192)
def is_actor(name: str) -> bool:
    """A name with the shape of an organization or a post: an actor suffix (or a level of government), and none of
    the grammar of a clause."""
    r, p = rules(), patterns()
    if len(name) < 2 or len(name) > 40:
        return False
    # the shape first: most phrases asked about end in no organization word, and this test is the cheapest
    if not (ends_like_unit(name) or p.admin_unit.match(name)) or not _CJK.search(name):
        return False
    if name in _BARE or is_fragment(name):
        return False  # "系统" / "场所" alone names no one
    if r["_object_re"].match(name):
        return False
    if p.subject_modal.search(name) or p.not_a_name.search(name):
        return False
    if _DIGIT.search(p.unit_number.sub("", name)):
        return False
    if (name.endswith(r["_not_actor_endings_t"]) and not name.endswith(r["_actor_endings_t"])) \
            or p.not_actor_start.match(name) or p.not_actor_inside.search(name):
        return False
    return True


# the last characters a level of government can end with (admin_unit: 各乡镇, 相关地市, 各街道, 各县（区）)
_LEVEL_END = frozenset("地县市区乡镇州道)）")


def may_hold_names(text: str, share: float, length: int) -> bool:
    """A cheap necessary test for split_names(text, check=True) to return names whose lengths add up to `share` of
    `length`: names do not overlap, so the last of them ends at or after that share, and every name ends in an
    organization word, a bracket or a level of government. Most phrases of a clause fail it at once."""
    by_last = rules()["_suffixes_by_last"]
    for pos in range(len(text), max(1, math.ceil(share * length)) - 1, -1):
        ch = text[pos - 1]
        if ch in _LEVEL_END or ch in by_last and text.endswith(by_last[ch], 0, pos):
            return True
    return False


def unit_end_at(text: str, pos: int) -> bool:
    """A name could end at `pos` of `text`: the character before it closes an organization word, a level of government
    or a bracket. (A cheap filter before is_actor; every name is_actor accepts ends so.)"""
    ch = text[pos - 1]
    by_last = rules()["_suffixes_by_last"]
    return ch in _LEVEL_END or ch in by_last and text.endswith(by_last[ch], 0, pos)


def ends_like_unit(name: str) -> bool:
    """The name ends in an organization word (actor_suffixes), a bracket after it allowed: 各村（社区）."""
    if name[-1:] in (")", "）"):
        name = patterns().trail_bracket.sub("", name)
    suffixes = rules()["_suffixes_by_last"].get(name[-1:])
    return suffixes is not None and name.endswith(suffixes)


# 分管副镇长 李某某: a post and the person holding it, one item of a 责任人 list (the name written as given)
POST_AND_PERSON = re.compile(r"(\S{2,20}?)[ \u3000]+([\u4e00-\u9fff]{2,4})")


def post_and_person(name: str) -> tuple[str, str]:
    """(post, person) of 分管副镇长 李某某; (name, "") of a name that is no post followed by a person."""
    m = POST_AND_PERSON.fullmatch(name)
    return (m.group(1), m.group(2)) if m and is_actor(m.group(1)) else (name, "")


def same_actor(a: str, b: str) -> bool:
    """Two normalized names of one clause name the same actor: equal, or one containing the other (区应急管理厅 /
    自治区应急管理厅) — except a post of a unit (生产经营单位 / 生产经营单位主要负责人) and a bare category
    (各企业 / 重点企业), which are actors of their own."""
    if a == b:
        return True
    (post_a, person_a), (post_b, person_b) = post_and_person(a), post_and_person(b)
    if person_a or person_b:
        # 分管副镇长 李某某: the post decides (镇派出所 / 镇派出所所长 赵某某 are a unit and a person); two persons are two
        return not (person_a and person_b and person_a != person_b) and same_actor(post_a, post_b)
    short, long_ = sorted((a, b), key=len)
    if short not in long_:
        return False
    r = rules()
    if long_.startswith(short) and is_actor(long_[len(short):]):
        return False  # 领导小组 / 领导小组办公室, 县应急局 / 县应急局综合股: a unit and a unit inside it
    return not (long_.endswith(r["_person_suffixes_t"]) and not short.endswith(r["_person_suffixes_t"])) \
        and short not in r["actor_suffixes"]


def is_sector(name: str) -> bool:
    """A short word naming a sector (住建, 城管, 纪检, 安全 in 各级住建、城管部门): 2-4 characters with no name's shape."""
    core = normalize_name(name)
    return 2 <= len(core) <= 4 and bool(_CJK_ONLY.fullmatch(core)) and not is_actor(name) \
        and not _LEVEL.match(core) and not patterns().admin_unit.match(name) \
        and not patterns().not_a_name.search(core) and not patterns().not_actor_start.match(core) \
        and not rules()["_object_re"].match(core)


def _two_names(text: str, conj: re.Match, left: str, right: str) -> bool:
    """Whether a 和/及/与/或 (or a dash, a space) between `left` and `right` joins two names: both sides are names
    (住房和城乡建设厅 stays whole), and a post after the second of two alternative units is not shared by both
    (生产经营单位或管理单位主要负责人 is one name); or a sector before a department (各级住建和城管部门), unless the two
    form an official name (住房和城乡建设部门)."""
    r = rules()
    if is_actor(left) and is_actor(right):
        # 或 offers alternatives of one kind: the post is theirs both; 各级文物部门和文物博物馆单位主要负责人 are two
        post = next((x for x in r["person_suffixes"] if right.endswith(x)), None) if conj.group() == "或" else None
        unit = _POST_MODIFIER.sub("", right[: -len(post)]) if post else ""
        return not (unit and not left.endswith(r["_person_suffixes_t"]) and is_actor(unit))
    if conj.group() in ("和", "及", "与") and right.endswith(r["_sector_heads_t"]) and is_actor(right) \
            and is_sector(left):
        return not any(text.startswith(j, conj.start() - j.index("和")) for j in r["joined_sectors"] if "和" in j)
    return False


@lru_cache(maxsize=8192)
def clean(name: str) -> str:
    """The name inside a list item: punctuation, list tails (等部门), remarks in brackets, opening words, a role word
    after it and the manner of the work (按职责分工负责) dropped."""
    name = name.strip(" 　\t:：,，.。、\"“”—–－~～")
    # brackets are stripped from the ends only when unbalanced: 各地(市) keeps its (市)
    while name and name[-1] in ")）" and name.count("(") + name.count("（") < name.count(")") + name.count("）"):
        name = name[:-1]
    while name and name[0] in "(（" and name.count("(") + name.count("（") > name.count(")") + name.count("）"):
        name = name[1:]
    p = patterns()
    name = p.remark.sub("", name)
    r = rules()
    # the loop runs only when some tail ends the name (one C-level test for all of them first)
    for tail in r["_tails"] if name.endswith(r["_tails_t"]) else ():
        if name.endswith(tail) and len(name) > len(tail):
            name = name[: -len(tail)]
            break
    else:
        m = p.category_tail.search(name) if "等" in name else None
        if m and is_actor(name[: m.start()]):
            name = name[: m.start()]
    if "由" in name:
        name = name[name.rindex("由") + 1:]
    name = p.opening_word.sub("", name)
    name = p.role_word_end.sub("", name) if not name.endswith("负责人") else name
    name = p.by_duty.sub("", name)
    return name.strip()


def split_names(text: str, offset: int, *, check: bool) -> list[tuple[str, int]]:
    """(name, position) of the names of a list, split on 、，和及或 — but not inside brackets (各地(市)、县(市、区)自然资源
    主管部门), and not where the items share one head word (特种设备生产、使用单位 / 电力、通讯、充电桩经营企业 /
    乡所属办、站、所、中心). With check, only items with the shape of a name are kept."""
    if not offset:
        return list(_split_names_at0(text, check))
    return [(name, offset + pos) for name, pos in _split_names_at0(text, check)]


@lru_cache(maxsize=16384)
def _split_names_at0(text: str, check: bool) -> tuple[tuple[str, int], ...]:
    """split_names at offset 0, memoized: the subject rules ask about the same phrase several times (is it a list of
    names, does it cover the subject, …) and plans repeat their phrases."""
    r = rules()
    if check and not r["_suffix_any_re"].search(text) and not r["_admin_chars_re"].search(text) \
            and not text.rstrip("。，, ").endswith(r["_list_tails_t"]):
        # every name kept with check=True passes is_actor, which needs an actor suffix or a level of government
        # (admin_unit) in it: a phrase with neither holds no name, and most phrases of a clause are such
        return ()
    out: list[tuple[str, int]] = []
    # "消防等相关部门": the tail says the list holds departments, so its items need no actor suffix
    if check and text.rstrip("。，, ").endswith(r["_list_tails_t"]):
        check = False
    depth = 0
    start = 0
    pieces: list[tuple[int, int]] = []
    for m in _SPLIT_OR_BRACKET.finditer(text):  # only brackets and separators change anything
        ch = m.group()
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            pieces.append((start, m.start()))
            start = m.end()
    pieces.append((start, len(text)))
    # 和/及/与/或 join two names only when the left part is a name itself: 住房和城乡建设厅 stays whole.
    refined: list[tuple[int, int]] = []
    conj = patterns().conjunction
    for s, e in pieces:
        cut = s
        for m in conj.finditer(text, s, e):
            if _two_names(text, m, clean(text[cut:m.start()]), clean(text[m.end():e])):
                refined.append((cut, m.start()))
                cut = m.end()
        refined.append((cut, e))
    for s, e, joined in _group_shared_heads(text, refined):
        name = clean(text[s:e])
        if not name:
            continue
        pos = text.find(name, s)
        if check and not joined and not is_actor(name):
            continue
        if not _CJK.search(name) or len(name) < 2:
            continue
        out.append((name, pos if pos >= 0 else s))
    return tuple(out)


def _group_shared_heads(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """Join list items that are not names to the name that follows them when they share its head word
    (ANNOTATION.md §4: a compound stays one name when splitting would leave pieces that are not names).
    Returns (start, end, joined) with joined true for a compound made of several items."""
    r, p = rules(), patterns()
    if len(pieces) < 2:
        return [(s, e, False) for s, e in pieces]
    names = [clean(text[s:e]) for s, e in pieces]
    whole = (pieces[0][0], pieces[-1][1], True)
    # 乡所属办、站、所、中心: one-character head words share the modifier in front of the list
    if any(len(n) == 1 and n in r["actor_suffixes"] for n in names) and is_actor(clean(text[whole[0]:whole[1]])):
        return [whole]
    out: list[tuple[int, int, bool]] = []
    pending: list[tuple[int, int]] = []  # items waiting for their head: 特种设备生产、(使用单位)
    for (s, e), name in zip(pieces, names, strict=True):
        admin = bool(p.admin_unit.match(name))
        # 各乡镇（街道）、县级有关部门: a name opened by its own level (县级/市直/各级) shares no head with the items before
        shares = pending and not admin and not p.own_level.match(name) and (name.endswith(r["_shared_heads_t"])
                                            or all(p.admin_unit.match(clean(text[a:b])) for a, b in pending))
        if shares and name.endswith(r["_sector_heads_t"]) and all(is_sector(clean(text[a:b])) for a, b in pending):
            out += [(a, b, True) for a, b in pending]  # 各级住建、城管部门: each sector names a department
            out.append((s, e, False))
            pending = []
        elif name in r["actor_suffixes"] and not pending and out and clean(text[out[-1][0]:out[-1][1]]).startswith("各"):
            out[-1] = (out[-1][0], e, True)  # 各单位、部门: a bare head shares the 各 of the name before it
        elif shares and is_actor(clean(text[pending[0][0]:e])):
            out.append((pending[0][0], e, True))  # 各地(市)、县(区)林草局 / 特种设备生产、使用单位
            pending = []
        elif is_actor(name) and not admin:
            out += [(a, b, False) for a, b in pending]
            out.append((s, e, False))
            pending = []
        else:
            pending.append((s, e))
    if pending and len(pending) == len(pieces) and all(p.admin_unit.match(n) for n in names):
        return [whole]  # 各地(市)、县(区)要……: levels of government as one subject
    return out + [(a, b, False) for a, b in pending]
