"""planlink train: fit the is_task and action classifiers on the train split of corpus/gold; write models/."""
from __future__ import annotations

import hashlib
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

from ..api import pick_document
from ..gold import fold, load, resolve_source
from ..pipeline import process_file
from . import (
    ACTIONS,
    DICTIONARY,
    MODELS,
    clause_features,
    decided_by_rule,
    feature_text,
    tokens,
    use_dictionary,
)
from .linear import export

ROOT = Path(__file__).resolve().parent.parent.parent  # the source checkout: corpus/ lives there
GOLD = ROOT / "corpus" / "gold"


def split_names(gold_dir: Path) -> dict[str, list[str]]:
    path = gold_dir / "split.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    names = sorted(p.stem for p in gold_dir.glob("*.json"))
    return {"train": names, "dev": []}


def gold_documents(gold_dir: Path, names: list[str]):
    """(gold file, the pipeline's document of its plan) for every named gold file whose source can be read;
    each source is segmented once (a compilation holds several plans)."""
    cache: dict[str, list] = {}
    for name in names:
        path = gold_dir / f"{name}.json"
        if not path.is_file():
            continue
        gold = load(path)
        src = resolve_source(gold, path)
        if src is None:
            continue
        key = str(src.resolve())
        if key not in cache:
            cache[key] = process_file(src, fields=False, ocr=False)
        doc = pick_document(cache[key], gold["title"])
        if doc is not None:
            yield gold, doc


def examples(gold_dir: Path, names: list[str]) -> list[tuple[str, bool, list[str]]]:
    """(feature text, is_task, acceptable actions) for every gold clause found in the pipeline's segmentation,
    except those the rules decide (classify.decided_by_rule): the models never decide them."""
    out = []
    for gold, doc in gold_documents(gold_dir, names):
        texts = [fold(c.text) for c in doc.clauses]
        for g in gold["clauses"]:
            a = fold(g["anchor"])
            k = next((i for i, t in enumerate(texts) if a in t), None)
            if k is None or decided_by_rule(doc.clauses[k]):
                continue
            out.append((feature_text(clause_features(doc.clauses[k]), tokens), bool(g["is_task"]),
                        list(g.get("action") or [])))
    return out


def train_texts(gold_dir: Path, names: list[str]) -> list[str]:
    """Clause texts of the training plans (what the segmentation dictionary must cover)."""
    return [c.text for _, doc in gold_documents(gold_dir, names) for c in doc.clauses]


def build_dictionary(texts: list[str], out: Path, min_freq: int = 10) -> int:
    """A segmentation dictionary for jieba: the entries of its full dictionary with a frequency of at least
    `min_freq` and every word the full dictionary finds in `texts`, in the full dictionary's order. Returns its size."""
    import logging
    import os

    import jieba

    jieba.setLogLevel(logging.WARNING)
    full_path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    full = jieba.Tokenizer(full_path)
    seen: set[str] = set()
    for text in texts:
        seen.update(w for w in full.cut(text, HMM=False) if len(w) > 1)
    lines = []
    with open(full_path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and (int(parts[1]) >= min_freq or parts[0] in seen):
                lines.append(line if line.endswith("\n") else line + "\n")
    out.write_text("".join(lines), encoding="utf-8")
    return len(lines)


SECOND_WEIGHT = 0.3  # sample weight of a clause's second acceptable action


def build_models(train: list[tuple[str, bool, list[str]]]):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, make_pipeline

    def features():
        return FeatureUnion([
            ("words", TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(2, 3), min_df=2, sublinear_tf=True, max_features=40000)),
        ])

    X = [x for x, _, _ in train]
    y = [t for _, t, _ in train]
    task = make_pipeline(features(), LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000))
    task.fit(X, y)
    # gold lists one or two acceptable actions: the first is the main one; a second is learnt too, at a lower
    # weight (in six grouped folds of the training plans: action accuracy 0.933 -> 0.940 against the first only)
    Xa, ya, wa = [], [], []
    for x, t, a in train:
        if t and a:
            Xa += [x] * len(a)
            ya += list(a)
            wa += [1.0] + [SECOND_WEIGHT] * (len(a) - 1)
    action = make_pipeline(features(), LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000))
    action.fit(Xa, ya, logisticregression__sample_weight=wa)
    return task, action


def score(task, action, dev: list[tuple[str, bool, list[str]]]) -> dict:
    if not dev:
        return {}
    X = [x for x, _, _ in dev]
    pred = task.predict(X)
    tp = sum(1 for p, (_, t, _) in zip(pred, dev) if p and t)
    fp = sum(1 for p, (_, t, _) in zip(pred, dev) if p and not t)
    fn = sum(1 for p, (_, t, _) in zip(pred, dev) if not p and t)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    tasks = [(x, a) for x, t, a in dev if t and a]
    acts = action.predict([x for x, _ in tasks]) if tasks else []
    acc = sum(1 for p, (_, a) in zip(acts, tasks) if p in a) / len(tasks) if tasks else 1.0
    return {"is_task_f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
            "action_accuracy": round(acc, 4), "dev_clauses": len(dev), "dev_tasks": len(tasks)}


def data_hash(gold_dir: Path, names: list[str]) -> str:
    h = hashlib.sha256()
    for name in sorted(names):
        p = gold_dir / f"{name}.json"
        if p.is_file():
            h.update(p.read_bytes())
    h.update((ROOT / "extract" / "rules" / "actions.jsonl").read_bytes())
    # the section-title keywords of the default family are features too (classify.heading_actions)
    h.update((ROOT / "extract" / "families" / "safety2024" / "family.yaml").read_bytes())
    return h.hexdigest()


def train(gold_dir: Path = GOLD, out_dir: Path = MODELS) -> dict:
    split = split_names(gold_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    words = build_dictionary(train_texts(gold_dir, split["train"]), out_dir / DICTIONARY)
    use_dictionary(out_dir / DICTIONARY)
    train_set = examples(gold_dir, split["train"])
    dev_set = examples(gold_dir, split.get("dev", []))
    if not train_set:
        raise SystemExit(f"planlink: error: no training clauses found in {gold_dir}")
    task, action = build_models(train_set)
    out_dir.mkdir(parents=True, exist_ok=True)

    # what the pipeline loads: the fitted models as numpy arrays + JSON (no scikit-learn or pickle at run time)
    export(task).save(out_dir, "is_task")
    export(action).save(out_dir, "action")
    import sklearn

    meta = {
        "trained": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data_sha256": data_hash(gold_dir, split["train"]),
        "train_files": sorted(split["train"]), "dev_files": sorted(split.get("dev", [])),
        "train_clauses": len(train_set), "train_tasks": sum(1 for _, t, _ in train_set if t),
        "actions": [a for a in ACTIONS if any(x and x[0] == a for _, _, x in train_set)],
        "scores_dev": score(task, action, dev_set), "sklearn": sklearn.__version__,
        "dictionary_words": words,
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    links = gold_dir.parent / "links"
    if out_dir == MODELS and (links / "split.json").is_file():
        # the linker's word variants are learned from the linkage gold's training pairs, read with the models just
        # written (their clauses and words depend on the dictionary and the is_task classifier)
        from ..link import variants_train

        variants_train.train(links, out_dir)
    if out_dir != MODELS:
        use_dictionary()  # back to the committed dictionary for whatever runs next in this process
    return meta


def main(args) -> int:
    gold = Path(args.gold) if getattr(args, "gold", None) else GOLD
    out = Path(args.out) if getattr(args, "out", None) else MODELS
    meta = train(gold, out)
    print(json.dumps(meta, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(type("A", (), {})()))
