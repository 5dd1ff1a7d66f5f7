"""Responsible departments of a clause with their role (lead / support / responsible), rules in departments.yaml."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..model import Department, Span
from ..rules import read_yaml

_RULES = Path(__file__).resolve().parent.parent / "rules" / "departments.yaml"
_SPLIT = re.compile(r"[、，,；;/]")
_SPLIT_OR_BRACKET = re.compile(r"[、，,；;/（()）]")
# 安全总监及以上领导 is one actor; 县消防救援大队—县住建局: a dash between two names joins a list, and so does a space
# (牵头股室：办公室 综合股), each only where both sides are names
_CONJ = re.compile(r"以及|和|及(?!以上|以下)|与|或|[—–－]+|[ 　]+")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_STOP = set("；;。\n")
# 各村（社区）, 交通运输各级单位(部门): the head word stands before a closing bracket
_TRAIL_BRACKET = re.compile(r"[（(][^()（）]{1,24}[)）]$")
# patterns of the name tests, compiled once
_NOT_A_NAME = re.compile(r"进一步|工作|任务|情况|问题|隐患|能力|水平|年|月")
_DIGIT = re.compile(r"\d")
_OPENING_WORD = re.compile(r"^(请|并|和|及|与|同时|另外|其中|此外|全年|每年|年内|今后|届时)")
_ROLE_WORD_END = re.compile(r"(负责|牵头|配合|主要负责)$")
_TIME_WORD = re.compile(r"\d{4}年|长期|月底|年底")
_LIST_JOINERS = re.compile(r"[、，,和及与或]")
# 725油库: a unit's number opens its name; 10家企业, 100%培训 are counts
_UNIT_NUMBER = re.compile(r"^\d{2,5}(?![\d家个项次条批名人%％年月日号.．])")


@lru_cache(maxsize=1)
def rules() -> dict:
    data = read_yaml(_RULES)
    suffixes = sorted(data["actor_suffixes"], key=len, reverse=True)
    label_role = {lab: role for role, labs in data["labels"].items() for lab in labs}
    labels = sorted(label_role, key=len, reverse=True)
    alt = "|".join(re.escape(x) for x in labels)
    # 责任单位：… / 【责任单位】… / [牵头单位]…
    data["_label_re"] = re.compile(r"(?:(" + alt + r")\s*[：:]|[【\[](" + alt + r")[】\]]\s*[：:]?)\s*")
    data["_label_role"] = label_role
    data["_suffix_re"] = re.compile("(" + "|".join(re.escape(s) for s in suffixes) + r")$")
    data["_suffix_any_re"] = re.compile("(?=(" + "|".join(re.escape(s) for s in suffixes) + "))")
    # 经 of 经济运行科, 从 of 从业人员 open a name, not an object phrase
    data["_object_re"] = re.compile("^(?!" + "|".join(re.escape(w) for w in data["object_verb_exceptions"]) + ")("
                                    + "|".join(re.escape(v) for v in data["object_verbs"]) + ")")
    # "企业主要负责人要认真组织" -> subject 企业主要负责人; 要 of 主要/重要, 应 of 应急 are not modals
    data["_modal_re"] = re.compile(data["subject_modal_pattern"])
    data["_verb_re"] = re.compile(data["subject_verb_pattern"])
    data["_support_verb_re"] = re.compile(data["support_verb_pattern"])
    data["_bare_modal_re"] = re.compile(data["bare_modal_pattern"])
    data["_governing_re"] = re.compile(data["governing_words"])
    data["_author_re"] = re.compile(data["author_sentence_pattern"])
    data["_tails"] = sorted(data["list_tails"], key=len, reverse=True)
    # tuples for str.endswith, made once (building them per call cost more than the test)
    data["_list_tails_t"] = tuple(t for t in data["_tails"] if t != "等")
    data["_tails_t"] = tuple(data["_tails"])
    for key in ("not_actor_endings", "actor_endings", "person_suffixes", "shared_heads"):
        data[f"_{key}_t"] = tuple(data[key])
    data["_prefix_re"] = re.compile("^(" + "|".join(re.escape(p) for p in data["name_prefixes"]) + ")+")
    data["_admin_re"] = re.compile(data["admin_unit_pattern"])
    # the Chinese characters of the level-of-government pattern: a name it matches holds at least one of them
    data["_admin_chars_re"] = re.compile("[" + "".join(sorted({ch for ch in data["admin_unit_pattern"]
                                                               if "\u4e00" <= ch <= "\u9fff"})) + "]")
    data["_opener_re"] = re.compile(data["supervising_openers"])
    data["_bad_start"] = re.compile(data["not_actor_starts"])
    data["_bad_inside"] = re.compile(data["not_actor_inside"])
    data["_fragment_re"] = re.compile(data["fragment_pattern"])
    return data


# 由委政工人事处牵头 / 政策法规科牵头， / （XX牵头，YY配合）
# 厅安委办牵头每年年初下达…… / 由主要负责同志牵头的……机制; 牵头部门/牵头单位 are nouns, not this verb
_LEAD = re.compile(r"(?:^|[，,；;。（(\s：:]|由)([^，,；;。（()）：:\s]{2,40}?)(?:分别|共同|统一)?(?:负责)?牵头(?!部门|单位|科室|处室|领导|人|作用)")
# ，YY配合） — 配合 as the last word of a phrase, not a verb with an object
_SUPPORT = re.compile(r"(?:^|[，,；;。（(\s])([^，,；;。（()）：:\s]{2,40}?)(?:等部门|等单位)?(?:配合|协助|参与)(?=[，,；;。）)\s]|$)")
# 县应急局为牵头单位，县公安局、县交通局为配合单位
_AS_ROLE = re.compile(r"(?:^|[，,；;。（(\s])([^，,；;。（()）：:\s]{2,40}?)(?:作)?为(牵头|配合|协助|参与|责任|负责)(?:单位|部门|科室|处室)")
# 由XX负责
_BY = re.compile(r"由([^，,；;。（()）：:\s]{2,40}?)(?:具体|统一|共同|严格|跟踪)?"
                 r"(?:负责(?!人|同志)|组织|开展|实施|承担|论证|督办|审核|进行|统筹|落实)")


def normalize_name(name: str) -> str:
    """The comparison form: leading 各级/各/有关/相关 dropped."""
    return rules()["_prefix_re"].sub("", name) or name


_BARE = {"系统", "场所", "平台", "机制", "体系"}


@lru_cache(maxsize=8192)
def is_fragment(name: str) -> bool:
    """A span that cannot be a unit name whatever it ends with (departments.yaml fragment_pattern): clause grammar,
    or an unbalanced or bare bracket. (A role label is no unit in a label line, but may be a subject: 牵头部门要……)"""
    r = rules()
    if name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        return True
    if re.fullmatch(r"[（(][^()（）]*[)）]", name):
        return True
    return bool(r["_fragment_re"].search(name))


@lru_cache(maxsize=8192)
def is_actor(name: str) -> bool:
    r = rules()
    if len(name) < 2 or len(name) > 40 or not _CJK.search(name):
        return False
    if name in _BARE or is_fragment(name):
        return False  # "系统" / "场所" alone names no one
    if r["_object_re"].match(name):
        return False
    if r["_modal_re"].search(name) or _NOT_A_NAME.search(name):
        return False
    if _DIGIT.search(_UNIT_NUMBER.sub("", name)):
        return False
    if (name.endswith(r["_not_actor_endings_t"]) and not name.endswith(r["_actor_endings_t"])) \
            or r["_bad_start"].match(name) or r["_bad_inside"].search(name):
        return False
    return bool(r["_suffix_re"].search(_TRAIL_BRACKET.sub("", name)) or r["_admin_re"].match(name))


def _same_actor(a: str, b: str) -> bool:
    """Two normalized names of one clause name the same actor: equal, or one containing the other (区应急管理厅 /
    自治区应急管理厅) — except a post of a unit (生产经营单位 / 生产经营单位主要负责人) and a bare category
    (各企业 / 重点企业), which are actors of their own."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if short not in long_:
        return False
    r = rules()
    return not (long_.endswith(r["_person_suffixes_t"]) and not short.endswith(r["_person_suffixes_t"])) \
        and short not in r["actor_suffixes"]


# 按职责分工 / 依照各自职责 / 各司其职: the manner of the work, after a name or a list of subjects
_DUTY_MANNER = r"(?:按照?|根据|依据|依照?)(?:各自)?(?:工作)?职责(?:分工)?|依法依规|各司其职|各负其责"
_BY_DUTY = re.compile(r"(?:" + _DUTY_MANNER + r")(?:负责|落实)?$|分别负责$")
# 责任单位：县应急局（牵头）、县公安局: a role written after a name in a list
_ROLE_MARK = re.compile(r"[（(](牵头|配合|协助|参与|负责)[)）]$")
_ROLE_OF_MARK = {"牵头": "lead", "配合": "support", "协助": "support", "参与": "support", "负责": "responsible",
                 "责任": "responsible"}
_DUTY_BRACKET = re.compile(r"[（(][^（）()]*?(?:牵头|负责(?!人|同志)|配合|协助)[^（）()]*[)）]")
_DONE_PART = re.compile(r"(?:负责(?!人|同志)|牵头)[、]")
_IS_DUTY = re.compile(r"^(.{2,30}?)是[^，,。；;]{0,20}?(?:第一)?责任(?:人|主体)")
_COLON_ROLE = re.compile(r"[：:]\s*(?:主要)?(牵头|配合|协助|参与)")
_CATEGORY_TAIL = re.compile(r"(?<=.)等[^等、，,]{0,14}(?:部门|单位|机构)$")
_REMARK = re.compile(r"(?<=.)[（(](?:以下|含|包括|注|不含|其中)[^()（）]*[)）]$|(?<=.)[（(][^()（）]*[，,；;。][^()（）]*[)）]$")


@lru_cache(maxsize=8192)
def _clean(name: str) -> str:
    name = name.strip(" 　\t:：,，.。、\"“”—–－~～")
    # brackets are stripped from the ends only when unbalanced: 各地(市) keeps its (市)
    while name and name[-1] in ")）" and name.count("(") + name.count("（") < name.count(")") + name.count("）"):
        name = name[:-1]
    while name and name[0] in "(（" and name.count("(") + name.count("（") > name.count(")") + name.count("）"):
        name = name[1:]
    # 各乡镇政府(以下均需各地〈县〉政府落实,不再列出): a remark in brackets after the name is not part of it
    name = _REMARK.sub("", name)
    r = rules()
    # the loop runs only when some tail ends the name (one C-level test for all of them first)
    for tail in r["_tails"] if name.endswith(r["_tails_t"]) else ():
        if name.endswith(tail) and len(name) > len(tail):
            name = name[: -len(tail)]
            break
    else:
        # 县市场监管局等县安委会成员单位: a list tail naming the category the list belongs to
        m = _CATEGORY_TAIL.search(name) if "等" in name else None
        if m and is_actor(name[: m.start()]):
            name = name[: m.start()]
    if "由" in name:
        name = name[name.rindex("由") + 1:]
    name = _OPENING_WORD.sub("", name)
    name = _ROLE_WORD_END.sub("", name) if not name.endswith("负责人") else name
    # 城市建设处、城市管理监督处按职责分工负责 in a 责任部门 block: the manner of the work is no part of a name
    name = _BY_DUTY.sub("", name)
    return name.strip()


def _split_names(text: str, offset: int, *, check: bool) -> list[tuple[str, int]]:
    """Split a list of names on 、，和及或 — but not inside brackets (各地(市)、县(市、区)自然资源主管部门), and not where
    the items share one head word (特种设备生产、使用单位 / 电力、通讯、充电桩经营企业 / 乡所属办、站、所、中心)."""
    if not offset:
        return list(_split_names_at0(text, check))
    return [(name, offset + pos) for name, pos in _split_names_at0(text, check)]


@lru_cache(maxsize=16384)
def _split_names_at0(text: str, check: bool) -> tuple[tuple[str, int], ...]:
    """_split_names at offset 0, memoized: the subject rules ask about the same phrase several times (is it a list of
    names, does it cover the subject, …) and plans repeat their phrases."""
    offset = 0
    r = rules()
    if check and not r["_suffix_any_re"].search(text) and not r["_admin_chars_re"].search(text) \
            and not text.rstrip("。，, ").endswith(r["_list_tails_t"]):
        # every name kept with check=True passes is_actor, which needs an actor suffix or a level of government
        # (admin_unit_pattern) in it: a phrase with neither holds no name, and most phrases of a clause are such
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
    for s, e in pieces:
        cut = s
        for m in _CONJ.finditer(text, s, e):
            if is_actor(_clean(text[cut:m.start()])) and is_actor(_clean(text[m.end():e])):
                refined.append((cut, m.start()))
                cut = m.end()
        refined.append((cut, e))
    for s, e, joined in _group_shared_heads(text, refined):
        name = _clean(text[s:e])
        if not name:
            continue
        pos = text.find(name, s)
        if check and not joined and not is_actor(name):
            continue
        if not _CJK.search(name) or len(name) < 2:
            continue
        out.append((name, offset + (pos if pos >= 0 else s)))
    return tuple(out)


_OWN_LEVEL = re.compile(r"^(?:各|全)?(?:自治区|省|市|州|盟|县|区|旗|乡|镇)?(?:级|直|属)")


def _group_shared_heads(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int, bool]]:
    """Join list items that are not names to the name that follows them when they share its head word
    (ANNOTATION.md §4: a compound stays one name when splitting would leave pieces that are not names).
    Returns (start, end, joined) with joined true for a compound made of several items."""
    r = rules()
    if len(pieces) < 2:
        return [(s, e, False) for s, e in pieces]
    names = [_clean(text[s:e]) for s, e in pieces]
    whole = (pieces[0][0], pieces[-1][1], True)
    # 乡所属办、站、所、中心: one-character head words share the modifier in front of the list
    if any(len(n) == 1 and n in r["actor_suffixes"] for n in names) and is_actor(_clean(text[whole[0]:whole[1]])):
        return [whole]
    out: list[tuple[int, int, bool]] = []
    pending: list[tuple[int, int]] = []  # items waiting for their head: 特种设备生产、(使用单位)
    for (s, e), name in zip(pieces, names):
        admin = bool(r["_admin_re"].match(name))
        # 各乡镇（街道）、县级有关部门: a name opened by its own level (县级/市直/各级) shares no head with the items before
        shares = pending and not admin and not _OWN_LEVEL.match(name) and (name.endswith(r["_shared_heads_t"])
                                            or all(r["_admin_re"].match(_clean(text[a:b])) for a, b in pending))
        if shares and is_actor(_clean(text[pending[0][0]:e])):
            out.append((pending[0][0], e, True))  # 各地(市)、县(区)林草局 / 特种设备生产、使用单位
            pending = []
        elif is_actor(name) and not admin:
            out += [(a, b, False) for a, b in pending]
            out.append((s, e, False))
            pending = []
        else:
            pending.append((s, e))
    if pending and len(pending) == len(pieces) and all(r["_admin_re"].match(n) for n in names):
        return [whole]  # 各地(市)、县(区)要……: levels of government as one subject
    return out + [(a, b, False) for a, b in pending]


def _label_blocks(text: str):
    """Yield (role, list text, offset, label offset) for 责任单位：… / 牵头单位：… / 配合单位：… blocks."""
    r = rules()
    for m in r["_label_re"].finditer(text):
        role = r["_label_role"][m.group(1) or m.group(2)]
        i = m.end()
        depth = 0
        j = i
        while j < len(text):
            ch = text[j]
            if ch in "（(":
                depth += 1
            elif ch in "）)":
                if depth == 0:
                    break
                depth -= 1
            elif ch in _STOP and depth == 0:
                break
            nxt = r["_label_re"].match(text, j)
            if nxt and j > i and depth == 0:
                break
            j += 1
        block = text[i:j].rstrip("，,、 ")
        yield role, block, i, m.start()


def extract(text: str) -> list[Department]:
    """All responsible actors of a clause, each once per role. A table row's 责任/牵头/配合 cells reach this as
    label blocks of the row text (segment.py writes them so)."""
    found: list[tuple[str, int, str]] = []
    covered: list[tuple[int, int]] = []

    for role, block, off, label_at in _label_blocks(text):
        covered.append((label_at, off + len(block)))
        for name, pos in _split_names(block, off, check=False):
            if _TIME_WORD.search(name) or is_fragment(name) or name in rules()["_label_role"]:
                continue
            mark = _ROLE_MARK.search(name)
            if mark and len(name) > mark.end() - mark.start() + 1:
                found.append((name[: mark.start()], pos, _ROLE_OF_MARK[mark.group(1)]))
                continue
            found.append((name, pos, role))

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in covered)

    for m in _AS_ROLE.finditer(text):
        if inside(m.start(1)):
            continue
        role = _ROLE_OF_MARK[m.group(2)]
        names = _split_names(m.group(1), m.start(1), check=True)
        found += [(name, pos, role) for name, pos in names]
        if names:
            covered.append((m.start(1), m.end()))
    for rx, role in ((_LEAD, "lead"), (_SUPPORT, "support"), (_BY, "responsible")):
        for m in rx.finditer(text):
            if inside(m.start(1)):
                continue
            group, at = m.group(1), m.start(1)
            if rx is _SUPPORT:
                # 由镇应急办负责、镇派出所配合: the support list starts after the responsible part
                cut = max((k.end() for k in _DONE_PART.finditer(group)), default=0)
                group, at = group[cut:], at + cut
            names = _split_names(group, at, check=True)
            for name, pos in names:
                found.append((name, pos, role))
            if names:
                covered.append((at - 1, m.end()))
    found += _subjects(text, covered)

    spans: list[Department] = []
    kept: list[tuple[str, str]] = []
    for name, pos, role in sorted(found, key=lambda x: x[1]):
        norm = normalize_name(name)
        # the same name in the same role once per clause
        if any(r == role and _same_actor(norm, n) for n, r in kept):
            continue
        kept.append((norm, role))
        spans.append(Department(name, Span(pos, pos + len(name)), name=norm, role=role))
    return spans


# Segments start after sentence punctuation or a comma: "2024年6月底前，生产经营单位要……"
_SEGMENT = re.compile(r"[^。；;！!？?\n，,：:]+")
# Words before a subject: times (2024年6月底前 / 2024年), enumerators (四是), linking words, and 务必/坚持
_LEADING = re.compile(r"^(?:(?:20\d\d|[二][〇零][一二三四五六七八九〇零]{2})年[^，,]{0,8}?(?:年?底前|年?末前|之前|以前|前|起|内|底|末|开始)"
                      r"|20\d\d年(?:[至到—\-－]20\d\d年)?(?!度|[底末前内起])"
                      r"|[一二三四五六七八九十]是|同时|另外|此外|并|其中|对此|为此|届时|今后|年内|全年|每年|原则上|请|由|务必|坚持|一律|均)*")


_SENTENCE_END = set("。；;！!？?\n")
_SENTENCE_END_RE = re.compile("[。；;！!？?\n]")
# adverbs between a subject and its modal: 主要负责人和“五职”矿长每年必须…… / 单位全部建成……
_TRAILING = re.compile(r"(?:每年|每半年|每季度|每月|每周|定期|原则上|主要|具体|统一|共同|分别|切实|都|也|更|还|均|全部|按要求|"
                       + _DUTY_MANNER + r")+$")
_STRONG = ("要", "应", "须", "必须", "应当")


def _is_subject(phrase: str) -> bool:
    """A phrase that is a name or a list of names, adverbs at its end dropped."""
    phrase = _TRAILING.sub("", phrase)
    phrase = rules()["_object_re"].sub("", phrase, count=1)  # 推动各级生态环境部门在……: the caller weighs the verb
    if is_actor(phrase):
        return True
    names = _split_names(phrase, 0, check=True) if len(phrase) <= 40 else []
    return len(names) > 1 and len("".join(n for n, _ in names)) >= 0.9 * len(_LIST_JOINERS.sub("", phrase))


def _head(body: str):
    """Where the predicate of a segment starts: the first modal (…要/应/须/负责) or the first verb after an actor
    opening the segment ("各级卫生健康委定期组织……"), whichever comes first. None when there is neither."""
    r = rules()
    mm = r["_modal_re"].search(body, 0, 32)
    if mm and mm.start() < 2:
        mm = None
    for vm in r["_verb_re"].finditer(body, 2, 28):
        if mm and vm.start() >= mm.start():
            break
        if _is_subject(body[: vm.start()]):
            return vm
    return mm


def _subject_role(body: str, head) -> str:
    """配合/协助/参与 as the verb of a subject makes it a supporting actor: 各村（社区）配合乡所属办、站、所、中心."""
    at = head.end() if head.group(1) in rules()["subject_modals"] else head.start()
    return "support" if rules()["_support_verb_re"].match(body, at) else "responsible"


def _depth(text: str, pos: int) -> int:
    """How many brackets are open at pos."""
    return _Depth(text).at(pos)


class _Depth:
    """How many brackets are open at a position, for positions asked in increasing order: one pass over the text
    in all (asking _depth at every segment would rescan the clause from its start each time)."""

    def __init__(self, text: str):
        self.text, self.pos, self.depth = text, 0, 0

    def at(self, pos: int) -> int:
        if pos < self.pos:
            self.pos, self.depth = 0, 0
        depth = self.depth
        for ch in self.text[self.pos:pos]:
            if ch in "（(":
                depth += 1
            elif ch in "）)" and depth:
                depth -= 1
        self.pos, self.depth = pos, depth
        return depth


def _supervises(sentence: str) -> bool:
    """督促工贸企业开展自查，…: a sentence opened by a supervising verb whose object is an actor. 推动重大隐患动态清零，
    民爆企业主要负责人每月…… supervises no one: its object is no actor."""
    r = rules()
    if not r["_opener_re"].match(sentence):
        return False
    rest = sentence
    while (m := r["_opener_re"].match(rest)) is not None:  # 督促指导…
        rest = rest[m.end():]
    return any(is_actor(_clean(rest[:k])) for k in range(2, min(len(rest), 30) + 1))


def _subjects(text: str, covered: list[tuple[int, int]]):
    """(name, position, role) of the grammatical subjects of the clause's sentences."""
    r = rules()
    supervised = False
    prev_names: list[tuple[str, int]] = []
    objects: list[tuple[str, int]] = []  # 推动各级生态环境部门在……时，要……: the object carries the later 要
    author = False
    duty_brackets = [m.span() for m in _DUTY_BRACKET.finditer(text)]
    depth = _Depth(text)
    for seg in _SEGMENT.finditer(text):
        s = seg.group(0)
        base = seg.start()
        opens_sentence = base == 0 or text[base - 1] in _SENTENCE_END
        stripped = s.strip()
        if stripped[:1] in "（(" and _depth(stripped, len(stripped)) + (stripped[-1] in ")）") == 1:
            # （区应急管理厅、区公安厅按职责分工负责）: a bracket around the segment (or closed after it)
            s = s.replace(stripped[0], " ", 1)
            stripped = stripped[1:].rstrip(")）")
        if opens_sentence:
            supervised = _supervises(stripped)
            objects = []
            found_end = _SENTENCE_END_RE.search(text, base)
            end = found_end.start() if found_end else len(text)
            # "……，区商务厅结合实际制定本方案。": the plan's author, not an actor of a task
            author = bool(r["_author_re"].search(text, base, end))
        if author or (depth.at(base) > 0 and not any(a <= base < b for a, b in duty_brackets)):
            # the plan's author, or a parenthesis: (……，企业对标自评和深度评估2个评估，……); a parenthesis that
            # assigns the work is read: （省应急厅牵头，各设区市应急管理局按职责分工负责）
            continue
        # "灾害严重矿井、发生较大及以上事故的矿山，必须……": a segment that is only a list of names, followed by
        # a segment that opens with a modal; or "各级商务部门，结合本地实际……" opening a sentence
        is_label = stripped in r["_label_role"] or any(a <= base < b for a, b in covered)
        only = _split_names(stripped, base + len(s) - len(s.lstrip()), check=True) \
            if len(stripped) <= 40 and not is_label else []
        is_list = bool(only) and len("".join(n for n, _ in only)) >= 0.9 * len(stripped.replace("、", ""))
        if prev_names and r["_modal_re"].match(stripped) and not supervised:
            yield from ((n, p, "responsible") for n, p in prev_names)
        if objects and r["_bare_modal_re"].match(stripped):
            yield from ((n, p, "responsible") for n, p in objects)
            objects = []
        prev_names = only if is_list else []
        if is_list and opens_sentence and not supervised:
            # 生产运行处：牵头组织…… / 设备部：配合做好……: the word after the colon gives the role
            after = _COLON_ROLE.match(text, seg.end())
            role = _ROLE_OF_MARK[after.group(1)] if after else "responsible"
            yield from ((n, p, role) for n, p in only)
            prev_names = []
            continue
        lead = len(s) - len(s.lstrip())
        m0 = _LEADING.match(stripped)
        skip = m0.end() if m0 else 0
        body = stripped[skip:]
        if r["_governing_re"].match(body):
            supervised = True  # ……，确保所有车辆车况良好，所有司乘人员严格遵守……: the rest of the sentence is governed
        mm = _head(body)
        if (not mm or not _names_cover(body[: mm.start()])) and opens_sentence and not supervised:
            # "各电信企业抓安全要……" / "2024年底前各级X部门依托现有渠道……": a 各… name opening the sentence,
            # followed by a predicate the verb list does not know
            found = _opening_name(body)
            if found and not any(a <= base + lead + skip < b for a, b in covered):
                yield found, base + lead + skip, "responsible"
                continue
        if not mm:
            # 企业法定代表人和实际控制人是安全生产第一责任人: the subject of a 是……责任人/责任主体 sentence
            duty = _IS_DUTY.match(body)
            if duty and opens_sentence and not supervised and _names_cover(duty.group(1)):
                start = base + lead + skip
                if not any(a <= start < b for a, b in covered):
                    yield from ((n, p, "responsible") for n, p in _split_names(duty.group(1), start, check=True))
            continue
        subject = body[: mm.start()]
        modal = mm.group(1)
        strong = modal in _STRONG
        start = base + lead + skip
        if r["_object_re"].match(subject):
            if not strong:
                if supervised and opens_sentence:  # 推动X在……，要……: keep X for a later 要
                    obj = r["_object_re"].sub("", subject, count=1)
                    objects = _split_names(_TRAILING.sub("", obj), start + len(subject) - len(obj), check=True)
                continue
            obj = r["_object_re"].sub("", subject, count=1)
            start += len(subject) - len(obj)
            subject = obj
        elif supervised and not opens_sentence and not strong:
            continue  # 督促工贸企业……，主要负责人每季度……: the supervised party
        subject = _TRAILING.sub("", subject)
        if modal == "负责" and subject.endswith("主要"):
            continue
        if any(a <= start < b for a, b in covered):
            continue
        names = _split_names(subject, start, check=True)
        if names and len("".join(n for n, _ in names)) >= len(subject) * 0.6:
            role = _subject_role(body, mm)
            for name, pos in names:
                yield name, pos, role
                # 牵头部门要……: a subject named by its role word is that role too
                if r["_label_role"].get(name, role) != role:
                    yield name, pos, r["_label_role"][name]
            yield from _post_clauses(body, mm.end(), base + lead + skip)


def _names_cover(subject: str) -> bool:
    subject = _TRAILING.sub("", rules()["_object_re"].sub("", subject, count=1))
    names = _split_names(subject, 0, check=True)
    return bool(names) and len("".join(n for n, _ in names)) >= len(subject) * 0.6


_OPENING = re.compile(r"^(?:(?:全区|全县|全市|全省|全乡|全镇)?各|[镇县区乡]属|自治区|[省市县区乡镇村](?!域|场|内|外|直))")
_NOT_AFTER_NAME = set("的和及与、，,或等之（(“\"")


def _opening_name(body: str) -> str | None:
    """The longest actor name that opens `body` with 各 (各级X部门, 各电信企业) and is followed by a predicate, not by
    的/和/、 (which would make it part of a longer noun phrase); None when there is none."""
    r = rules()
    if not _OPENING.match(body):
        return None
    best = None
    for m in r["_suffix_any_re"].finditer(body[:24]):
        k = m.start() + len(m.group(1))
        if k < len(body) and body[k] in _NOT_AFTER_NAME:
            continue
        name = body[:k]
        if name.count("“") != name.count("”"):
            continue  # 村“两委: a quotation cut in the middle
        if "的" not in name and is_actor(name) and not r["_admin_re"].match(name):
            best = name
    return best


def _post_clauses(body: str, after: int, offset: int):
    """主要负责同志亲自研究、分管负责同志具体主抓: a people's post opening a clause joined by 、 to the predicate."""
    r = rules()
    prev = after
    for m in re.finditer("、", body[after:]):
        chunk = body[prev: after + m.start()]
        prev = after + m.end()
        if r["_suffix_re"].search(_TRAIL_BRACKET.sub("", chunk)):
            continue  # inside a list of names: 推动经营单位、公共文化单位主要负责人……
        rest = body[prev:]
        head = _head(rest)
        if head is None:
            continue
        subject = _TRAILING.sub("", rest[: head.start()])
        if subject.endswith(r["_person_suffixes_t"]) and is_actor(subject):
            yield subject, offset + prev, _subject_role(rest, head)


# "领导小组职责:" / "各部门职责" / "县应急局主要职责": a heading that says whose duties the items under it are
_DUTIES = re.compile(r"^(.{2,24}?)(?:的)?(?:主要|工作)?(?:职责|责任分工)[：:]?$")


def from_heading(heading: str) -> list[Department]:
    """The actor a clause's nearest heading names as holding the duties listed under it (responsible), as a table's
    责任 column does for its rows. The span has no place in the clause text (start == end == 0)."""
    last = heading.rsplit(" / ", 1)[-1].strip() if heading else ""
    m = _DUTIES.match(last)
    if not m:
        return []
    name = _clean(m.group(1))
    if not is_actor(name):
        return []
    return [Department(name, name=normalize_name(name), role="responsible", origin="heading")]
