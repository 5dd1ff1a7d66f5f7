"""Responsible departments of a clause with their role (lead / support / responsible), rules in departments.yaml."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Span

_RULES = Path(__file__).resolve().parent.parent / "rules" / "departments.yaml"
_SPLIT = re.compile(r"[、，,；;/]")
_CONJ = re.compile(r"以及|和|及|与")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_STOP = set("；;。\n")


@lru_cache(maxsize=1)
def rules() -> dict:
    with open(_RULES, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    suffixes = sorted(data["actor_suffixes"], key=len, reverse=True)
    label_role = {lab: role for role, labs in data["labels"].items() for lab in labs}
    labels = sorted(label_role, key=len, reverse=True)
    data["_label_re"] = re.compile("(" + "|".join(re.escape(x) for x in labels) + r")\s*[：:]\s*")
    data["_label_role"] = label_role
    data["_suffix_re"] = re.compile("(" + "|".join(re.escape(s) for s in suffixes) + r")$")
    data["_object_re"] = re.compile("^(" + "|".join(re.escape(v) for v in data["object_verbs"]) + ")")
    # "企业主要负责人要认真组织" -> subject 企业主要负责人; 要 of 主要/重要, 应 of 应急 are not modals
    data["_modal_re"] = re.compile(data["subject_modal_pattern"])
    data["_verb_re"] = re.compile(data["subject_verb_pattern"])
    data["_tails"] = sorted(data["list_tails"], key=len, reverse=True)
    data["_prefix_re"] = re.compile("^(" + "|".join(re.escape(p) for p in data["name_prefixes"]) + ")+")
    data["_admin_re"] = re.compile(data["admin_unit_pattern"])
    data["_opener_re"] = re.compile(data["supervising_openers"])
    data["_bad_start"] = re.compile(data["not_actor_starts"])
    data["_bad_inside"] = re.compile(data["not_actor_inside"])
    return data


# 由委政工人事处牵头 / 政策法规科牵头， / （XX牵头，YY配合）
_LEAD = re.compile(r"(?:^|[，,；;。（(\s：:]|由)([^，,；;。（()）：:\s]{2,40}?)(?:负责)?牵头(?=[，,；;。）)\s]|$|负责|组织|开展|抓总)")
# ，YY配合） — 配合 as the last word of a phrase, not a verb with an object
_SUPPORT = re.compile(r"(?:^|[，,；;。（(\s])([^，,；;。（()）：:\s]{2,40}?)(?:等部门|等单位)?(?:配合|协助|参与)(?=[，,；;。）)\s]|$)")
# 由XX负责
_BY = re.compile(r"由([^，,；;。（()）：:\s]{2,40}?)(?:具体|统一|共同|严格|跟踪)?(?:负责|组织|开展|实施|承担|论证|督办|审核|进行)")


def normalize_name(name: str) -> str:
    """The comparison form: leading 各级/各/有关/相关 dropped."""
    return rules()["_prefix_re"].sub("", name) or name


def is_actor(name: str) -> bool:
    r = rules()
    if len(name) < 2 or len(name) > 40 or not _CJK.search(name):
        return False
    if r["_object_re"].match(name):
        return False
    if r["_modal_re"].search(name) or re.search(r"进一步|工作|任务|情况|问题|隐患|能力|水平|\d|年|月", name):
        return False
    if name.endswith(tuple(r["not_actor_endings"])) or r["_bad_start"].match(name) or r["_bad_inside"].search(name):
        return False
    return bool(r["_suffix_re"].search(name) or r["_admin_re"].match(name))


def _clean(name: str) -> str:
    name = name.strip(" 　\t:：,，.。、\"“”")
    # brackets are stripped from the ends only when unbalanced: 各地(市) keeps its (市)
    while name and name[-1] in ")）" and name.count("(") + name.count("（") < name.count(")") + name.count("）"):
        name = name[:-1]
    while name and name[0] in "(（" and name.count("(") + name.count("（") > name.count(")") + name.count("）"):
        name = name[1:]
    for tail in rules()["_tails"]:
        if name.endswith(tail) and len(name) > len(tail):
            name = name[: -len(tail)]
            break
    if "由" in name:
        name = name[name.rindex("由") + 1:]
    name = re.sub(r"^(请|并|和|及|与|同时|另外|其中|此外)", "", name)
    name = re.sub(r"(负责|牵头|配合|主要负责)$", "", name) if not name.endswith("负责人") else name
    return name.strip()


def _split_names(text: str, offset: int, *, check: bool) -> list[tuple[str, int]]:
    """Split a list of names on 、，和及 — but not inside brackets (各地(市)、县(市、区)自然资源主管部门)."""
    out: list[tuple[str, int]] = []
    # "消防等相关部门": the tail says the list holds departments, so its items need no actor suffix
    if check and any(text.rstrip("。，, ").endswith(t) for t in rules()["_tails"] if t != "等"):
        check = False
    depth = 0
    start = 0
    pieces: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0:
            m = _SPLIT.match(text, i)
            if m:
                pieces.append((start, i))
                start = m.end()
                i = m.end()
                continue
        i += 1
    pieces.append((start, len(text)))
    # 和/及/与 join two names only when the left part is a name itself: 住房和城乡建设厅 stays whole.
    refined: list[tuple[int, int]] = []
    for s, e in pieces:
        cut = s
        for m in _CONJ.finditer(text, s, e):
            if is_actor(_clean(text[cut:m.start()])) and is_actor(_clean(text[m.end():e])):
                refined.append((cut, m.start()))
                cut = m.end()
        refined.append((cut, e))
    pieces = refined
    def named(piece: str) -> bool:
        return is_actor(piece) and not rules()["_admin_re"].match(piece)

    if len(pieces) > 1 and not all(named(_clean(text[s:e])) for s, e in pieces) \
            and (is_actor(_clean(text)) or all(rules()["_admin_re"].match(_clean(text[s:e])) for s, e in pieces)):
        pieces = [(0, len(text))]
        check = False  # 各地(市)、县(区)自然资源主管部门: a compound that splitting would break
    for s, e in pieces:
        raw = text[s:e]
        name = _clean(raw)
        if not name:
            continue
        pos = text.find(name, s)
        if check and not is_actor(name):
            continue
        if not _CJK.search(name) or len(name) < 2:
            continue
        out.append((name, offset + (pos if pos >= 0 else s)))
    # A compound that splitting broke into non-names ("各地(市)、县(市、区)主管部门") stays whole.
    return out


def _label_blocks(text: str):
    """Yield (role, list text, offset) for 责任单位：… / 牵头单位：… / 配合单位：… blocks."""
    r = rules()
    for m in r["_label_re"].finditer(text):
        role = r["_label_role"][m.group(1)]
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
        yield role, block, i


def extract(text: str) -> list[Span]:
    """All responsible actors of a clause, each once per role. A table row's 责任/牵头/配合 cells reach this as
    label blocks of the row text (segment.py writes them so)."""
    found: list[tuple[str, int, str]] = []
    covered: list[tuple[int, int]] = []

    for role, block, off in _label_blocks(text):
        covered.append((off, off + len(block)))
        for name, pos in _split_names(block, off, check=False):
            if re.search(r"\d{4}年|长期|月底|年底", name):
                continue
            found.append((name, pos, role))

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in covered)

    for rx, role in ((_LEAD, "lead"), (_SUPPORT, "support"), (_BY, "responsible")):
        for m in rx.finditer(text):
            if inside(m.start(1)):
                continue
            names = _split_names(m.group(1), m.start(1), check=True)
            for name, pos in names:
                found.append((name, pos, role))
            if names:
                covered.append((m.start(1) - 1, m.end()))
    for name, pos in _subjects(text, covered):
        found.append((name, pos, "responsible"))

    spans: list[Span] = []
    kept: list[tuple[str, str]] = []
    for name, pos, role in sorted(found, key=lambda x: x[1]):
        norm = normalize_name(name)
        # the same name in the same role once per clause; names compare after prefixes, either containing the other
        if any(r == role and (norm in n or n in norm) for n, r in kept):
            continue
        kept.append((norm, role))
        spans.append(Span("department", name, pos, pos + len(name), {"name": normalize_name(name), "role": role}))
    return spans


# Segments start after sentence punctuation or a comma: "2024年6月底前，生产经营单位要……"
_SEGMENT = re.compile(r"[^。；;！!？?\n，,：:]+")
_LEADING = re.compile(r"^(?:(?:20\d\d|[二][〇零][一二三四五六七八九〇零]{2})年[^，,]{0,8}?(?:年?底前|年?末前|之前|以前|前|起|内|底|末|开始)"
                      r"|同时|另外|此外|并|其中|对此|为此|届时|今后|年内|全年|每年|原则上|要求|请|由)*")


_SENTENCE_END = set("。；;！!？?\n")
# adverbs between a subject and its modal: 主要负责人和“五职”矿长每年必须…… / 单位全部建成……
_TRAILING = re.compile(r"(?:每年|每半年|每季度|每月|每周|定期|原则上|主要|具体|统一|共同|分别|切实|都|也|还|均|全部|按要求)+$")


def _subjects(text: str, covered: list[tuple[int, int]]):
    r = rules()
    supervised = False
    prev_names: list[tuple[str, int]] = []
    for seg in _SEGMENT.finditer(text):
        s = seg.group(0)
        base = seg.start()
        opens_sentence = base == 0 or text[base - 1] in _SENTENCE_END
        if opens_sentence:
            supervised = bool(r["_opener_re"].match(s.strip()))
        stripped = s.strip()
        # "灾害严重矿井、发生较大及以上事故的矿山，必须……": a segment that is only a list of names, followed by
        # a segment that opens with a modal; or "各级商务部门，结合本地实际……" opening a sentence
        is_label = stripped in r["_label_role"] or any(a <= base < b for a, b in covered)
        only = _split_names(stripped, base + len(s) - len(s.lstrip()), check=True) \
            if len(stripped) <= 40 and not is_label else []
        is_list = bool(only) and len("".join(n for n, _ in only)) >= 0.9 * len(stripped.replace("、", ""))
        if prev_names and r["_modal_re"].match(stripped) and not supervised:
            yield from prev_names
        prev_names = only if is_list else []
        if is_list and opens_sentence and not supervised:
            yield from only
            prev_names = []
            continue
        lead = len(s) - len(s.lstrip())
        s2 = s.strip()
        m0 = _LEADING.match(s2)
        skip = m0.end() if m0 else 0
        body = s2[skip:]
        mm = r["_modal_re"].search(body, 0, 32)
        if not mm or mm.start() < 2:
            # "各级卫生健康委定期组织……": an actor opening the sentence, followed by its verb
            for vm in r["_verb_re"].finditer(body, 2, 28):
                if is_actor(body[: vm.start()]):
                    mm = vm
                    break
            if not mm or mm.start() < 2:
                continue
        subject = body[: mm.start()]
        modal = mm.group(1)
        strong = modal in ("要", "应", "须", "必须", "应当")
        if supervised and not opens_sentence and not strong:
            continue  # 督促工贸企业……，主要负责人每季度……: the supervised party
        if r["_object_re"].match(subject):
            if modal not in ("要", "应", "须", "必须", "应当"):
                continue
            subject = r["_object_re"].sub("", subject, count=1)
        subject = _TRAILING.sub("", subject)
        if modal == "负责" and subject.endswith("主要"):
            continue
        start = base + lead + skip
        if any(a <= start < b for a, b in covered):
            continue
        names = _split_names(subject, start, check=True)
        if names and len("".join(n for n, _ in names)) >= len(subject) * 0.6:
            yield from names
