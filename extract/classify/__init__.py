"""is_task and action classification: trained scikit-learn models over spaCy/jieba tokens, with a rule fallback."""
from __future__ import annotations

import json
import pickle
import re
from functools import lru_cache
from pathlib import Path

from .. import families
from ..log import fallback
from ..model import Clause, Document

MODELS = Path(__file__).resolve().parent.parent.parent / "models"
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


DICTIONARY = "jieba_dict.txt"  # the segmentation dictionary the models were trained with (models/, made by train)


def use_dictionary(path: Path | None = None) -> None:
    """Segment with `path` (default: models/jieba_dict.txt when it exists, else jieba's own dictionary).
    jieba's full dictionary (349,046 words) takes 0.8 s to load; the trained one keeps its common words and every
    word of the training plans, and loads in a quarter of that."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    path = path or MODELS / DICTIONARY
    if path.is_file():
        jieba.set_dictionary(str(path))
    _jieba.cache_clear()
    _nlp.cache_clear()


@lru_cache(maxsize=1)
def _nlp():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    _configure(jieba)
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def tokens(text: str) -> list[str]:
    """Word tokens from the spaCy pipeline: spacy.blank("zh") with the jieba segmenter (used for training)."""
    return [t.text for t in _nlp().make_doc(text) if not t.is_space]


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    _configure(jieba)
    jieba.initialize()
    return jieba


def _configure(jieba) -> None:
    """Point jieba at the trained dictionary once, unless use_dictionary() chose one already."""
    if jieba.dt.dictionary == jieba.DEFAULT_DICT and (MODELS / DICTIONARY).is_file():
        jieba.set_dictionary(str(MODELS / DICTIONARY))


def fast_tokens(text: str) -> list[str]:
    """The same tokens as tokens(), from jieba directly: spaCy's zh tokenizer with segmenter=jieba is
    jieba.cut(text, cut_all=False) without white space (tests/test_models.py checks the two agree on the corpus).
    The command line uses this so that it starts without importing spaCy."""
    return [w for w in _jieba().cut(text, cut_all=False) if w.strip()]


def clause_features(c: Clause) -> dict:
    """What the models see of a clause: its text, heading context and pattern hits (one dict per clause)."""
    return {"text": c.text, "context": " ".join(c.path) + " " + c.heading, "kind": c.kind,
            "heading": (c.heading or "").rsplit(" / ", 1)[-1]}


@lru_cache(maxsize=4096)
def _heading_tokens(heading: str) -> tuple[str, ...]:
    """Section titles repeat over every clause under them: tokenized once."""
    return tuple(fast_tokens(heading))


def feature_text(f: dict, tokenizer=None) -> str:
    """Token string for the word vectorizer: jieba tokens, pattern labels and context markers."""
    hits = [f"PAT_{label}" for label, rx in patterns() if rx.search(f["text"])]
    extra = ["KIND_" + f["kind"], "HAS_DIRECTIVE" if _DIRECTIVE.search(f["text"]) else "NO_DIRECTIVE",
             "PREAMBLE" if _PREAMBLE.search(f["text"]) else ""]
    # the words of the section a clause stands in (工作目标, 保障措施, 开展重大事故隐患动态清零行动), marked apart from
    # its own words: in leave-one-fold-out runs on the training plans they raise action accuracy from 0.87 to 0.91
    heading = f.get("heading", "")
    section = [f"H_{w}" for w in (_heading_tokens(heading) if tokenizer is None else tokenizer(heading))] \
        if heading else ["H_NONE"]
    return " ".join((tokenizer or fast_tokens)(f["text"][:600]) + hits + extra + section)


@lru_cache(maxsize=1)
def load_models() -> tuple[object | None, object | None]:
    """The exported models (numpy only, see linear.py); None where no model has been trained."""
    task = MODELS / "is_task.pkl"
    action = MODELS / "action.pkl"
    m1 = pickle.loads(task.read_bytes()) if task.is_file() else None
    m2 = pickle.loads(action.read_bytes()) if action.is_file() else None
    for name, m in (("is_task", m1), ("action", m2)):
        if m is None:
            fallback(f"model-{name}", "no trained %s model in %s: rules classify instead", name, MODELS)
    return m1, m2


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
# principles or goals (36 of 36 such clauses of the training plans are no task).
_STATEMENT_SECTION = re.compile(r"^(?:指导思想|总体要求|基本原则|工作原则|(?:工作|主要|总体|行动|三年)?目标|适用范围)$")


def is_statement_section(c: Clause) -> bool:
    return c.kind == "body" and bool(_STATEMENT_SECTION.match((c.heading or "").rsplit(" / ", 1)[-1].strip()))


def rule_is_task(c: Clause) -> tuple[bool, float]:
    if _PREAMBLE.search(c.text):
        return False, 0.1
    if c.path and c.path[-1] in ("（一）",) and re.match(r"^(指导思想|总体要求|工作目标|主要目标)", c.text):
        return False, 0.2
    if re.match(r"^(通过|到20\d\d年)", c.text) and not re.search(r"要|应|须", c.text[:40]):
        return False, 0.3
    ok = bool(_DIRECTIVE.search(c.text))
    return ok, 0.7 if ok else 0.3


def rule_action(c: Clause) -> tuple[str, dict]:
    votes: dict[str, float] = {}
    for label, rx in patterns():
        n = len(rx.findall(c.text))
        if n:
            votes[label] = votes.get(label, 0.0) + n
    if not votes:
        return "X", {}
    total = sum(votes.values())
    scores = {k: v / total for k, v in votes.items()}
    return max(scores, key=scores.get), scores


def classify_documents(docs: list[Document]) -> None:
    task_model, action_model = load_models()
    clauses = [c for d in docs for c in d.clauses]
    if not clauses:
        return
    feats = [clause_features(c) for c in clauses]
    if task_model is not None:
        X = [feature_text(f) for f in feats]
        probs = task_model.predict_proba(X)[:, 1]
        for c, p in zip(clauses, probs):
            c.is_task, c.task_score = bool(p >= 0.5), float(p)
            # member lines of a 领导小组, and the opening paragraph that says why and by whom the plan was made
            # (before the first section: 30 of 30 such paragraphs in the training plans are no task)
            if c.is_task and (is_member_line(c) or (not c.path and c.kind == "body" and _PREAMBLE.search(c.text))
                              or is_statement_section(c)):
                c.is_task, c.task_score = False, 0.0
    else:
        X = None
        for c in clauses:
            c.is_task, c.task_score = rule_is_task(c)
    tasks = [(i, c) for i, c in enumerate(clauses) if c.is_task]
    if not tasks:
        return
    if action_model is not None:
        X = X if X is not None else [feature_text(f) for f in feats]
        Xt = [X[i] for i, _ in tasks]
        probs = action_model.predict_proba(Xt)
        labels = list(action_model.classes_)
        for (_, c), row in zip(tasks, probs):
            scores = {labels[k]: float(row[k]) for k in range(len(labels))}
            c.action = max(scores, key=scores.get)
            c.action_scores = {k: round(v, 4) for k, v in sorted(scores.items(), key=lambda kv: -kv[1])[:3]}
    else:
        for _, c in tasks:
            c.action, c.action_scores = rule_action(c)
