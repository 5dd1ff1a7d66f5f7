"""is_task and action classification: trained scikit-learn models (exported to numpy) over jieba tokens."""
from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from pathlib import Path

from .. import families, words
from ..errors import ModelMissing
from ..model import Clause, Document
from .linear import load, take

MODELS = words.MODELS
DICTIONARY = words.DICTIONARY
MODEL_NAMES = ("is_task", "action")
log = logging.getLogger(__name__)
_PATTERNS = Path(__file__).resolve().parent.parent / "rules" / "actions.jsonl"
ACTIONS = families.default().codes  # the classifiers are trained on the default family's actions

# Non-task forms of ANNOTATION.md §2: the preamble, 指导思想, distribution notices.
_PREAMBLE = re.compile(r"(制定本(?:工作|实施|专项|行动)*(?:方案|细则|计划)|特制定|制定如下|现将.{0,60}印发给你们|以习近平.{0,40}为指导|结合.{0,20}实际，?制定)")
# Directive verbs; a clause with none of them rarely asks anyone to do anything.
_DIRECTIVE = re.compile(r"开展|建立|推进|落实|完成|报送|加强|组织|制定|健全|完善|督促|强化|实施|推动|提升|深化|严格|做好|确保|"
                        r"加大|压实|成立|召开|培训|检查|排查|整治|宣传|考核|指导|编制|印发|部署|总结|要|应|须")


@lru_cache(maxsize=1)
def patterns() -> list[tuple[str, re.Pattern]]:
    out = []
    with open(_PATTERNS, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                d = json.loads(line)
                out.append((d["label"], re.compile(re.escape(d["pattern"]))))
    return out


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    words.tokenizer()  # jieba pointed at the trained dictionary before spaCy's segmenter loads it
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def use_dictionary(path: Path | None = None) -> None:
    words.use_dictionary(path)
    _nlp.cache_clear()


def tokens(text: str) -> list[str]:
    """Word tokens from the spaCy pipeline: spacy.blank("zh") with the jieba segmenter (used for training)."""
    return [t.text for t in _nlp().make_doc(text) if not t.is_space]


def fast_tokens(text: str) -> list[str]:
    """The same tokens as tokens(), from jieba directly and cached by text (words.py): spaCy's zh tokenizer with
    segmenter=jieba is jieba.cut(text, cut_all=False) without white space (tests/test_models.py checks the two
    agree on the corpus). The command line uses this so that it starts without importing spaCy."""
    return words.words(text)


def clause_features(c: Clause) -> dict:
    """What the models see of a clause: its text, heading context and pattern hits (one dict per clause)."""
    return {"text": c.text, "context": " ".join(c.path) + " " + c.heading, "kind": c.kind,
            "heading": (c.heading or "").rsplit(" / ", 1)[-1], "headings": c.heading or "", "marker": c.marker}


TEXT_LIMIT = 600  # characters of a clause the models read


# The short title sentence a numbered clause opens with (加大监管力度。……): it names the task in a few words.
_TITLE = re.compile(r"^([^。；;：:\n，,]{2,24})[。；;：:\n]")
_SPACE = re.compile(r"\s+")


def title_words(text: str, own: list[str]) -> list[str]:
    """The words of a clause's title sentence, taken from the words of the whole clause (`own`, white space
    dropped): jieba cuts text block by block and the title ends at punctuation, a block boundary, so the title's own
    segmentation is this prefix (no second pass over the text)."""
    m = _TITLE.match(text)
    if not m:
        return []
    n, k, out = len(_SPACE.sub("", m.group(1))), 0, []
    for w in own:
        if k >= n:
            break
        out.append(w)
        k += len(w)
    return out


@lru_cache(maxsize=1)
def _heading_keywords() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((a.code, a.keywords) for a in families.default().actions if a.keywords)


def heading_actions(headings: str) -> list[str]:
    """HA_<code> for each action of the default family whose section-title keywords (family.yaml) occur in any level
    of a clause's headings (开展安全生产精准执法和帮扶 -> HA_A7; 保障措施 -> HA_O)."""
    return [f"HA_{code}" for code, keys in _heading_keywords() if any(k in headings for k in keys)]


def feature_text(f: dict, tokenizer=None) -> str:
    """Token string for the word vectorizer: jieba tokens, pattern labels and context markers."""
    hits = [f"PAT_{label}" for label, rx in patterns() if rx.search(f["text"])]
    title = _TITLE.match(f["text"])
    extra = ["KIND_" + f["kind"], "HAS_DIRECTIVE" if _DIRECTIVE.search(f["text"]) else "NO_DIRECTIVE",
             "PREAMBLE" if _PREAMBLE.search(f["text"]) else ""]
    # the words of the section a clause stands in (工作目标, 保障措施, 开展重大事故隐患动态清零行动), marked apart from
    # its own words: in leave-one-fold-out runs on the training plans they raise action accuracy from 0.87 to 0.91
    heading = f.get("heading", "")
    section = [f"H_{w}" for w in (tokenizer or fast_tokens)(heading)] if heading else ["H_NONE"]
    own = words.prefix_words(f["text"], TEXT_LIMIT) if tokenizer is None else tokenizer(f["text"][:TEXT_LIMIT])
    # a numbered clause is nearly always a task and an unnumbered paragraph rarely (541 of 553 and 7 of 77 in the
    # training plans); the title's words marked apart and the actions the headings name: in six grouped folds of the
    # training plans these raise action accuracy from 0.925 to 0.940 and is_task accuracy from 0.984 to 0.988
    struct = ["MARKED" if f.get("marker") else "UNMARKED"] + (["TITLED"] if title else [])
    titled = [f"T_{w}" for w in title_words(f["text"], own)] if title else ["T_NONE"]
    return " ".join(own + hits + extra + section + struct + titled + heading_actions(f.get("headings", "")))


@lru_cache(maxsize=1)
def load_models(directory: Path | None = None):
    """The exported is_task and action models (numpy arrays + JSON, see linear.py). A missing or unreadable model
    is an error: a rule fallback would quietly find other tasks."""
    directory = directory or MODELS
    out = []
    for name in MODEL_NAMES:
        try:
            out.append(load(directory, name))
        except (OSError, ValueError, KeyError) as exc:
            log.error("classifier %s cannot be loaded from %s: %s", name, directory, exc)
            raise ModelMissing(f"the trained classifier {name!r} cannot be loaded from {directory} "
                               f"({type(exc).__name__}: {exc}); reinstall planlink or run `planlink train`") from None
    return tuple(out)


# ANNOTATION.md §4: the member list of a 领导小组 inside the body is non-task clauses, whatever a model says.
# "组长:张XX 自治区副主席、厅长" / "副组长：……" / "成  员:由……组成", and a continuation line "旺堆 公安厅副厅长".
_MEMBER_LINE = re.compile(r"^\s*(?:副?\s*组\s*长|成\s*员|组\s*员|(?:副\s*)?主\s*任|秘\s*书\s*长|联\s*络\s*员)\s*[：:]")
_POST_END = re.compile(r"(?:厅长|局长|主任|书记|组长|委员|主席|队长|处长|科长|部长|经理|站长|所长|镇长|乡长|县长|市长)\s*[。；;]?$")


def is_member_line(c: Clause) -> bool:
    text = c.text.strip()
    if _MEMBER_LINE.match(text):
        return True
    return len(text) <= 40 and bool(_POST_END.search(text)) and not _DIRECTIVE.search(text)


# ANNOTATION.md §2: 指导思想 and goal statements are no tasks. A clause whose own section is one of these states
# principles or goals (36 of 36 such clauses of the training plans are no task); titles may join two of them
# (指导思想和工作目标, 思路目标).
_STATEMENT_SECTION = re.compile(r"^(?:(?:指导思想|总体要求|基本原则|工作原则|(?:工作|总体)?思路|"
                                r"(?:工作|主要|总体|行动|三年)?目标|适用范围)(?:和|与|及|、)?)+$")


def is_statement_section(c: Clause) -> bool:
    return c.kind == "body" and bool(_STATEMENT_SECTION.match((c.heading or "").rsplit(" / ", 1)[-1].strip()))


def decided_by_rule(c: Clause) -> bool:
    """Clauses that are no task whatever a model says: member lines of a 领导小组, the opening paragraph that says
    why and by whom the plan was made (before the first section: 30 of 30 such paragraphs in the training plans are
    no task), and the clauses of a statement section. The models are trained on the other clauses only: taught on
    these, they learnt that the words of 指导思想 (学习贯彻习近平……) mean no task, also in a numbered study task."""
    return (is_member_line(c) or (not c.path and c.kind == "body" and bool(_PREAMBLE.search(c.text)))
            or is_statement_section(c))


CHUNK = 256  # clauses scored per batch: the n-grams of a batch are held in memory at once


def classify_documents(docs: list[Document]) -> None:
    clauses = [c for d in docs for c in d.clauses]
    for k in range(0, len(clauses), CHUNK):
        _classify(clauses[k:k + CHUNK])


def _classify(clauses: list[Clause]) -> None:
    task_model, action_model = load_models()
    if not clauses:
        return
    X = [feature_text(clause_features(c)) for c in clauses]
    grams = task_model.grams(X)  # both models cut the same feature texts into the same n-grams: cut once
    probs = task_model.predict_proba(X, grams)[:, 1]
    for c, p in zip(clauses, probs):
        c.is_task, c.task_score = bool(p >= 0.5), float(p)
        if c.is_task and decided_by_rule(c):
            c.is_task, c.task_score = False, 0.0
    tasks = [i for i, c in enumerate(clauses) if c.is_task]
    if not tasks:
        return
    sub = take(grams, tasks)
    probs = action_model.predict_proba([X[i] for i in tasks], sub)
    labels = list(action_model.classes_)
    for i, row in zip(tasks, probs):
        c = clauses[i]
        scores = {labels[k]: float(row[k]) for k in range(len(labels))}
        c.action = max(scores, key=scores.get)
        c.action_scores = {k: round(v, 4) for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:3]}
