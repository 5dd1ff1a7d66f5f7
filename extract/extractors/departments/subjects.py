"""Sentence subjects: the actors of 要/应/负责 sentences and of verbs after an opening actor, minus supervised ones."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from .labels import ROLE_OF_MARK
from .names import (clean, ends_like_unit, is_actor, may_hold_names, name_hints, patterns, rules, split_names,
                    unit_end_at)

# Segments start after sentence punctuation or a comma: "2024年6月底前，生产经营单位要……"
_SEGMENT = re.compile(r"[^。；;！!？?\n，,：:]+")
_SENTENCE_END = set("。；;！!？?\n")
_SENTENCE_END_RE = re.compile("[。；;！!？?\n]")
_LIST_JOINERS = re.compile(r"[、，,和及与或]")
_BRACKET = re.compile(r"[（()）]")
_GOVERNING_HINT = re.compile("确保|保证|做到")  # the words of the `governing` pattern
# a frequency as a predicate: the parallel items of a supervised list (推动X每年至少……，Y至少每半年……)
_FREQUENCY = re.compile(r"至少|不少于|每(?:年|半年|季度?|月|旬|周|日|天)")
_STRONG = ("要", "应", "须", "必须", "应当")
_APPOINTED = re.compile("任(?:常务)?(?:副)?(?:组长|主任|指挥长|成员)|为成员")
_NOT_AFTER_NAME = set("的和及与、，,或等之（(“\"")


def _is_subject(phrase: str) -> bool:
    """A phrase that is a name or a list of names, adverbs at its end dropped."""
    p = patterns()
    phrase = p.trailing.sub("", phrase)
    phrase = rules()["_object_re"].sub("", phrase, count=1)  # 推动各级生态环境部门在……: the caller weighs the verb
    if is_actor(phrase):
        return True
    share = len(_LIST_JOINERS.sub("", phrase))
    names = split_names(phrase, 0, check=True) if len(phrase) <= 40 and may_hold_names(phrase, 0.9, share) else []
    return len(names) > 1 and len("".join(n for n, _ in names)) >= 0.9 * share


def _head(body: str, first_end: int | None = None):
    """Where the predicate of a segment starts: the first modal (…要/应/须/负责) or the first verb after an actor
    opening the segment ("各级卫生健康委定期组织……"), whichever comes first. None when there is neither.
    `first_end`: a position no name opening the body ends before, when the caller knows it."""
    p = patterns()
    mm = p.subject_modal.search(body, 0, 32)
    if mm and mm.start() < 2:
        mm = None
    # a verb before the first place a name can end has no subject: the search starts there
    if first_end is None:
        first_end = _first_unit_end(body, 28)
    for vm in p.subject_verb.finditer(body, max(2, first_end), 28):
        if mm and vm.start() >= mm.start():
            break
        if _is_subject(body[: vm.start()]):
            return vm
    return mm


def _first_unit_end(body: str, limit: int) -> int:
    """A position no name opening `body` can end before: one past the first organization word or level (up to
    `limit`), or past `limit` when there is none."""
    hints = name_hints(body, 0, limit)
    return hints[0] + 1 if hints else limit + 1


def _subject_role(body: str, head) -> str:
    """配合/协助/参与 as the verb of a subject makes it a supporting actor: 各村（社区）配合乡所属办、站、所、中心."""
    at = head.end() if head.group(1) in rules()["subject_modals"] else head.start()
    return "support" if patterns().support_verb.match(body, at) else "responsible"


def _open_brackets(text: str, pos: int = -1) -> int:
    """How many brackets are open at pos (at the end by default)."""
    depth = 0
    for ch in text if pos < 0 else text[:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)" and depth:
            depth -= 1
    return depth


class _Depth:
    """How many brackets are open at a position of the clause: the brackets found once (one C-level scan), the depth
    at a position looked up by bisection (asking at every segment from the clause start would rescan it)."""

    def __init__(self, text: str):
        self.pos: list[int] = []
        self.depth: list[int] = []
        depth = 0
        for m in _BRACKET.finditer(text):
            depth = depth + 1 if m.group() in "（(" else max(0, depth - 1)
            self.pos.append(m.end())
            self.depth.append(depth)

    def at(self, pos: int) -> int:
        k = bisect_right(self.pos, pos)
        return self.depth[k - 1] if k else 0


def _supervises(sentence: str) -> bool:
    """督促工贸企业开展自查，…: a sentence opened by a supervising verb whose object is an actor. 推动重大隐患动态清零，
    民爆企业主要负责人每月…… supervises no one: its object is no actor."""
    opener = patterns().supervising_opener
    if not opener.match(sentence):
        return False
    rest = sentence
    while (m := opener.match(rest)) is not None:  # 督促指导…
        rest = rest[m.end():]
    # a name cleaned out of rest[:k] ends where an organization word, a level or a bracket ends: only those k are asked
    return any(is_actor(clean(rest[:k])) for k in range(2, min(len(rest), 30) + 1) if unit_end_at(rest, k))


def subjects(text: str, covered: list[tuple[int, int]]):
    """(name, position, role) of the grammatical subjects of the clause's sentences, outside the covered spans."""
    r, p = rules(), patterns()
    supervised = False
    prev_names: list[tuple[str, int]] = []
    objects: list[tuple[str, int]] = []  # 推动各级生态环境部门在……时，要……: the object carries the later 要
    author: bool | None = False
    sentence_start = 0
    listed = False  # inside a list of parties supervised by a verb in the middle of the sentence
    duty_brackets = [m.span() for m in p.duty_bracket.finditer(text)] if "(" in text or "（" in text else []
    depth = _Depth(text)
    # where an organization word or a level starts, for the whole clause in one scan
    hints = name_hints(text)
    for seg in _SEGMENT.finditer(text):
        s = seg.group(0)
        base = seg.start()
        opens_sentence = base == 0 or text[base - 1] in _SENTENCE_END
        stripped = s.strip()
        if stripped[:1] in "（(" and _open_brackets(stripped) + (stripped[-1] in ")）") == 1:
            # （区应急管理厅、区公安厅按职责分工负责）: a bracket around the segment (or closed after it)
            s = s.replace(stripped[0], " ", 1)
            stripped = stripped[1:].rstrip(")）")
        k = bisect_left(hints, base)
        next_hint = hints[k] if k < len(hints) else len(text)
        hint = next_hint < seg.end()
        if opens_sentence:
            supervised = hint and _supervises(stripped)
            listed = False
            objects = []
            sentence_start, author = base, None  # read when a segment of the sentence needs it
        if not (hint or prev_names or objects or listed) and not _GOVERNING_HINT.search(s):
            continue  # no name can be found here, and nothing before waits for this segment
        if author is None:
            found_end = _SENTENCE_END_RE.search(text, sentence_start)
            end = found_end.start() if found_end else len(text)
            # "……，区商务厅结合实际制定本方案。": the plan's author, not an actor of a task
            author = bool(p.author_sentence.search(text, sentence_start, end))
        if author or (depth.at(base) > 0 and not any(a <= base < b for a, b in duty_brackets)):
            # the plan's author, or a parenthesis: (……，企业对标自评和深度评估2个评估，……); a parenthesis that
            # assigns the work is read: （省应急厅牵头，各设区市应急管理局按职责分工负责）
            continue
        # "灾害严重矿井、发生较大及以上事故的矿山，必须……": a segment that is only a list of names, followed by
        # a segment that opens with a modal; or "各级商务部门，结合本地实际……" opening a sentence
        is_label = stripped in r["_label_role"] or any(a <= base < b for a, b in covered)
        share = len(stripped) - stripped.count("、")
        only = split_names(stripped, base + len(s) - len(s.lstrip()), check=True) \
            if len(stripped) <= 40 and not is_label and may_hold_names(stripped, 0.9, share) else []
        is_list = bool(only) and len("".join(n for n, _ in only)) >= 0.9 * share
        if prev_names and p.subject_modal.match(stripped) and not supervised:
            yield from ((n, q, "responsible") for n, q in prev_names)
        if objects and p.bare_modal.match(stripped):
            yield from ((n, q, "responsible") for n, q in objects)
            objects = []
        prev_names = only if is_list else []
        if not is_list and not is_label:
            # 领导小组办公室设在县应急管理局，负责……: the body before 设在 waits for a modal of the next segment
            prev_names = _seated(stripped, base + len(s) - len(s.lstrip())) or prev_names
        if is_list and opens_sentence and not supervised:
            # 生产运行处：牵头组织…… / 设备部：配合做好……: the word after the colon gives the role
            after = p.colon_role.match(text, seg.end())
            role = ROLE_OF_MARK[after.group(1)] if after else "responsible"
            yield from ((n, q, role) for n, q in only)
            prev_names = []
            continue
        lead = len(s) - len(s.lstrip())
        m0 = p.leading.match(stripped)
        skip = m0.end() if m0 else 0
        body = stripped[skip:]
        if p.governing.match(body):
            supervised = True  # ……，确保所有车辆车况良好，所有司乘人员严格遵守……: the rest of the sentence is governed
        # one past the first organization word or level in the body (a lower bound when a match began before it)
        mm = _head(body, next_hint - (base + lead + skip) + 1)
        if listed and not (mm and _names_cover(body[: mm.start()])):
            listed = False  # a segment without a subject of its own ends the list of supervised parties
        if not opens_sentence and not supervised and _FREQUENCY.search(body) and _supervises(body):
            # ……，推动X每年至少……，Y至少每半年……，Z至少每季度……: parties listed after a supervising verb inside the
            # sentence, each with its own frequency as X has, are supervised as X is
            listed = True
        if opens_sentence and not supervised and (not mm or not _names_cover(body[: mm.start()])):
            # "各电信企业抓安全要……" / "2024年底前各级X部门依托现有渠道……": a 各… name opening the sentence,
            # followed by a predicate the verb list does not know
            found = _opening_name(body)
            if found and not any(a <= base + lead + skip < b for a, b in covered):
                yield found, base + lead + skip, "responsible"
                continue
        if not mm:
            # 企业法定代表人和实际控制人是安全生产第一责任人: the subject of a 是……责任人/责任主体 sentence
            duty = p.is_duty.match(body)
            if duty and opens_sentence and not supervised and _names_cover(duty.group(1)):
                start = base + lead + skip
                if not any(a <= start < b for a, b in covered):
                    yield from ((n, q, "responsible") for n, q in split_names(duty.group(1), start, check=True))
            continue
        subject = body[: mm.start()]
        modal = mm.group(1)
        strong = modal in _STRONG
        start = base + lead + skip
        object_phrase = bool(r["_object_re"].match(subject))
        if object_phrase:
            if not strong:
                if supervised and opens_sentence:  # 推动X在……，要……: keep X for a later 要
                    obj = r["_object_re"].sub("", subject, count=1)
                    objects = split_names(p.trailing.sub("", obj), start + len(subject) - len(obj), check=True)
                continue
            obj = r["_object_re"].sub("", subject, count=1)
            start += len(subject) - len(obj)
            subject = obj
        elif (supervised or listed and _FREQUENCY.match(body, mm.start())) and not opens_sentence and not strong:
            continue  # 督促工贸企业……，主要负责人每季度……: the supervised party
        subject = p.trailing.sub("", subject)
        if modal == "负责" and subject.endswith("主要"):
            continue
        if any(a <= start < b for a, b in covered):
            continue
        names = split_names(subject, start, check=True)
        if not names and (seated := _seated(subject, start)):
            names, subject = seated, seated[0][0]  # 专班办公室设在镇应急办负责……
        if not names and strong and not object_phrase and "的" in subject \
                and is_actor(subject[subject.rindex("的") + 1:]):
            # 以中石油和中石化为代表的中央油气储存企业要……: the name after its modifier
            cut = subject.rindex("的") + 1
            names, subject = [(subject[cut:], start + cut)], subject[cut:]
        if names and len("".join(n for n, _ in names)) >= len(subject) * 0.6:
            role = _subject_role(body, mm)
            for name, q in names:
                yield name, q, role
                # 牵头部门要……: a subject named by its role word is that role too
                if r["_label_role"].get(name, role) != role:
                    yield name, q, r["_label_role"][name]
            yield from _post_clauses(body, mm.end(), base + lead + skip)


def _seated(phrase: str, offset: int) -> list[tuple[str, int]]:
    """领导小组办公室设在县应急管理局: the body that sits in a unit (pattern seated_at), when both are names; its
    subject's name and position, or nothing."""
    m = patterns().seated_at.match(phrase)
    if not m or not is_actor(clean(m.group(2))):
        return []
    names = split_names(m.group(1), offset, check=True)
    return names if len(names) == 1 and names[0][0] == m.group(1) else []


def _names_cover(subject: str) -> bool:
    subject = patterns().trailing.sub("", rules()["_object_re"].sub("", subject, count=1))
    if not may_hold_names(subject, 0.6, len(subject)):
        return False
    names = split_names(subject, 0, check=True)
    return bool(names) and len("".join(n for n, _ in names)) >= len(subject) * 0.6


def _opening_name(body: str) -> str | None:
    """The longest actor name that opens `body` with 各 (各级X部门, 各电信企业) and is followed by a predicate, not by
    的/和/、 (which would make it part of a longer noun phrase); None when there is none."""
    r, p = rules(), patterns()
    if not p.opening.match(body):
        return None
    best = None
    for m in r["_suffix_any_re"].finditer(body[:24]):
        k = m.start() + len(m.group(1))
        if k < len(body) and body[k] in _NOT_AFTER_NAME:
            continue
        name = body[:k]
        if name.count("“") != name.count("”"):
            continue  # 村“两委: a quotation cut in the middle
        if _APPOINTED.match(body, k):
            return None  # 由县长任组长、镇长任常务副组长: a post named to a leading group (§4: a member list, no actor)
        if "的" not in name and is_actor(name) and not p.admin_unit.match(name):
            best = name
    return best


def _post_clauses(body: str, after: int, offset: int):
    """主要负责同志亲自研究、分管负责同志具体主抓: a people's post opening a clause joined by 、 to the predicate."""
    r, p = rules(), patterns()
    prev = after
    for m in re.finditer("、", body[after:]):
        chunk = body[prev: after + m.start()]
        prev = after + m.end()
        if ends_like_unit(chunk):
            continue  # inside a list of names: 推动经营单位、公共文化单位主要负责人……
        rest = body[prev:]
        head = _head(rest)
        if head is None:
            continue
        subject = p.trailing.sub("", rest[: head.start()])
        if subject.endswith(r["_person_suffixes_t"]) and is_actor(subject):
            yield subject, offset + prev, _subject_role(rest, head)
