"""The committed classifiers: they load, they are what the committed gold data trains, and the numpy export
predicts what scikit-learn predicts; the run-time tokenizer agrees with the spaCy pipeline."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import CORPUS
from extract.classify import MODELS, ModelMissing, clause_features, fast_tokens, feature_text, load_models, tokens
from extract.classify.linear import CodeTable, export, load, take
from extract.model import Clause
from extract.classify.train import GOLD, build_models, data_hash, examples, split_names, train


def test_models_load_and_meta_matches_the_gold_data():
    task, action = load_models()
    assert task is not None and action is not None
    meta = json.loads((MODELS / "meta.json").read_text(encoding="utf-8"))
    split = split_names(GOLD)
    assert meta["data_sha256"] == data_hash(GOLD, split["train"]), "models/ is stale: run `planlink train`"
    assert set(action.classes_) <= {"A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "O", "X"}


def test_retraining_from_committed_data_reproduces_the_models(tmp_path):
    train(GOLD, tmp_path)
    # the segmentation dictionary is rebuilt the same, and the run-time tokenizer is back on the committed one
    assert (tmp_path / "jieba_dict.txt").read_bytes() == (MODELS / "jieba_dict.txt").read_bytes()
    import jieba

    assert Path(jieba.dt.dictionary).resolve() == (MODELS / "jieba_dict.txt").resolve()
    sample = [x for x, _, _ in examples(GOLD, split_names(GOLD)["train"])][:60]
    for name in ("is_task", "action"):
        committed, fresh = load(MODELS, name), load(tmp_path, name)
        assert committed.classes_ == fresh.classes_
        assert np.allclose(committed.predict_proba(sample), fresh.predict_proba(sample), atol=1e-6)


def test_numpy_export_predicts_what_scikit_learn_predicts(tmp_path):
    data = examples(GOLD, split_names(GOLD)["train"])
    task, action = build_models(data)
    docs = [x for x, _, _ in data][:80] + ["完全没有见过的文本 开展 检查", ""]
    for name, fitted in (("is_task", task), ("action", action)):
        exported = export(fitted)
        assert np.allclose(exported.predict_proba(docs), fitted.predict_proba(docs), atol=1e-9)
        # saved as arrays + JSON and read back: the same predictions, the same classes
        exported.save(tmp_path, name)
        back = load(tmp_path, name)
        assert back.classes_ == list(fitted.classes_)
        assert np.allclose(back.predict_proba(docs), fitted.predict_proba(docs), atol=1e-9)
        # one call for many documents gives what one call per document gives
        one_by_one = np.vstack([back.predict_proba([d]) for d in docs])
        assert np.allclose(back.predict_proba(docs), one_by_one, atol=1e-12)


def test_character_ngrams_as_numbers_are_the_string_ngrams():
    """The char parts look n-grams up as int codes (CharGrams): the same (document, column) pairs as the n-gram
    strings looked up in the vocabulary, for upper case, runs of white space, characters beyond the BMP and texts
    shorter than an n-gram; take() keeps the rows asked for, numbered in their order."""
    docs = ["完全没有见过的文本 开展 检查", "", "a", "AB  cd\t\n Ef", "𠀀𠀁 安全生产𠀀", "PAT_DEADLINE 每季度 至少"]
    docs += [x for x, _, _ in examples(GOLD, split_names(GOLD)["train"])][:40]
    for model in load_models():
        part = next(p for p in model.parts if p.analyzer == "char")
        extra = {g: len(part.vocab) + i for i, g in enumerate(["𠀀𠀁", "ab", "b ", " ef"])}
        part = replace(part, vocab={**part.vocab, **extra}, _tables=None)
        want = sorted((i, part.vocab[g]) for i, d in enumerate(docs) for g in part.grams(d) if g in part.vocab)
        grams = part.char_grams(docs)
        assert sorted(zip(*(a.tolist() for a in part.columns(grams)))) == want
        assert {(3, extra["ab"]), (3, extra[" ef"]), (4, extra["𠀀𠀁"])} <= set(want)
        rows = [5, 0, 3]
        sub = take({"c": grams}, rows)["c"]
        assert sorted(zip(*(a.tolist() for a in part.columns(sub)))) == sorted(
            (rows.index(i), c) for i, c in want if i in rows)


def test_word_ngrams_from_token_ids_are_the_string_ngrams():
    """The word parts make their n-grams from token ids (WordTokens): the same (document, column) pairs as the
    n-gram strings looked up in the vocabulary, tokens outside every vocabulary n-gram included."""
    docs = ["完全没有见过的文本 开展 检查", "", "开展", "PAT_DEADLINE 开展 检查 开展  检查", "KIND_BODY 未见词 检查"]
    docs += [x for x, _, _ in examples(GOLD, split_names(GOLD)["train"])][:40]
    for model in load_models():
        part = next(p for p in model.parts if p.analyzer == "word")
        assert part.by_tokens()
        extra = {g: len(part.vocab) + i for i, g in enumerate(["开展 检查", "未见词", "kind_body 未见词"])}
        part = replace(part, vocab={**part.vocab, **extra}, _tables=None)
        want = sorted((i, part.vocab[g]) for i, d in enumerate(docs) for g in part.grams(d) if g in part.vocab)
        tokens = part.word_tokens(docs)
        assert sorted(zip(*(a.tolist() for a in part.word_columns(tokens)))) == want
        assert {(3, extra["开展 检查"]), (4, extra["kind_body 未见词"]), (4, extra["未见词"])} <= set(want)
        rows = [4, 3]
        sub = take({"w": tokens}, rows)["w"]
        assert sorted(zip(*(a.tolist() for a in part.word_columns(sub)))) == sorted(
            (rows.index(i), c) for i, c in want if i in rows)


def test_code_table_finds_what_binary_search_finds():
    """CodeTable (hashed slots, binary search for the codes of a shared slot) finds exactly the codes a sorted array
    holds, colliding codes and codes beyond the table's range included."""
    rng = np.random.default_rng(18)
    codes = np.unique(rng.integers(0, 1 << 62, 5000))
    codes = np.concatenate([codes, codes[:50] + (1 << 40)])  # near neighbours, many in one slot
    table = CodeTable(codes, np.arange(len(codes)) * 3)
    assert (table.slots == -2).any() and (table.slots >= 0).any()
    queries = np.concatenate([codes, rng.integers(0, 1 << 62, 20000), codes[:100] + 1, [0, (1 << 63) - 1]])
    hit, cols = table.find(queries)
    position = {c: i * 3 for i, c in enumerate(codes.tolist())}
    assert hit.tolist() == [q in position for q in queries.tolist()]
    assert cols.tolist() == [position[q] for q in queries.tolist() if q in position]
    empty = CodeTable(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    assert not empty.find(queries)[0].any()


def test_models_are_arrays_and_json_without_pickles():
    names = sorted(p.name for p in MODELS.iterdir())
    assert not [n for n in names if n.endswith((".pkl", ".pickle"))]
    for name in ("is_task", "action"):
        meta = json.loads((MODELS / f"{name}.json").read_text(encoding="utf-8"))
        assert meta["format"] == 1 and meta["parts"]
        with np.load(MODELS / f"{name}.npz", allow_pickle=False) as z:  # no object arrays: nothing to unpickle
            assert {"coef", "intercept"} <= set(z.files)


def test_a_missing_model_is_a_clear_error_not_a_fallback(tmp_path, caplog):
    load_models.cache_clear()
    try:
        with pytest.raises(ModelMissing, match="is_task"):
            load_models(tmp_path)
        assert any("is_task" in r.getMessage() for r in caplog.records if r.levelname == "ERROR")
    finally:
        load_models.cache_clear()


def test_the_command_line_names_a_missing_model(tmp_path, monkeypatch, capsys):
    import extract.classify as classify
    from extract.cli import main

    load_models.cache_clear()
    monkeypatch.setattr(classify, "MODELS", tmp_path)
    try:
        assert main(["extract", str(CORPUS / "001_6a215b8801cc0d63.txt")]) == 2
    finally:
        load_models.cache_clear()
    err = capsys.readouterr().err
    assert "is_task" in err and "planlink train" in err and "Traceback" not in err


def test_the_wheel_ships_the_models_rules_and_families(tmp_path):
    """A built wheel holds every model file (as extract/models), every rules file and every family, so an installed
    planlink classifies as the source tree does (a wheel without them used to find other tasks)."""
    import subprocess
    import sys
    import zipfile

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(root)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("planlink-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    want = [f"extract/models/{p.name}" for p in (root / "models").iterdir() if p.is_file()]
    want += [f"extract/rules/{p.name}" for p in (root / "extract" / "rules").iterdir() if p.suffix in (".yaml", ".jsonl", ".txt", ".json")]
    want += [p.relative_to(root).as_posix() for p in (root / "extract" / "families").glob("*/family.yaml")]
    # every subpackage of extract/ (the package list in pyproject is explicit)
    want += [p.relative_to(root).as_posix() for p in (root / "extract").rglob("*.py") if "__pycache__" not in p.parts]
    # the review store's code and its calibrated auto-accept threshold
    want += [f"extract/review/{p.name}" for p in (root / "extract" / "review").iterdir() if p.suffix in (".py", ".json")]
    assert any(n.endswith(".npz") for n in want)
    assert sorted(set(want) - names) == []


def test_prefix_words_equal_the_words_of_the_prefix():
    from extract.words import prefix_words, words

    long = "".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("00[0-1]_*.txt")))[:5000]
    for limit in (1, 37, 600, 601, 1999, 4999, 6000):
        assert prefix_words(long, limit) == words(long[:limit])


def test_runtime_tokens_equal_the_spacy_pipeline():
    from extract.pipeline import process_file

    for path in sorted(CORPUS.glob("00[0-3]_*.txt")):
        for d in process_file(path, fields=False, ocr=False):
            for c in d.clauses:
                assert fast_tokens(c.text) == tokens(c.text)
                f = clause_features(c)
                assert feature_text(f) == feature_text(f, tokens)


@pytest.mark.parametrize("text,is_task", [
    ("为认真贯彻落实习近平总书记关于安全生产重要论述，结合实际，制定本方案。", False),
    ("现将《某县安全生产治本攻坚三年行动方案》印发给你们，请认真贯彻落实。", False),
    ("各乡镇要于2024年6月底前完成重大事故隐患排查，建立台账并推进整改。", True),
])
def test_obvious_task_and_non_task(text, is_task):
    from extract.classify import classify_documents
    from extract.model import Clause, Document

    c = Clause(id="c1", path=[], marker="", text=text, start=0, end=len(text))
    classify_documents([Document(title="t", text=text, clauses=[c])])
    assert c.is_task is is_task
    assert (c.action is not None) is is_task


@pytest.mark.parametrize("text,member", [
    ("组长:张洪波自治区副主席、公安厅党委书记、厅长", True),
    ("副组长：李四  县应急管理局局长", True),
    ("成  员:由公安厅治安总队、交管局主要负责同志组成", True),
    ("旺  堆  公安厅副厅长", True),
    ("各地要成立工作专班，由主要负责同志任组长", False),
    ("组长由县公安局局长担任，副组长由分管副局长担任，负责统筹推进全县治本攻坚工作", False),
])
def test_member_lines_of_a_leading_group_are_never_tasks(text, member):
    from extract.classify import classify_documents, is_member_line
    from extract.model import Clause, Document

    clause = Clause(id="c1", path=["二"], marker="", text=text, start=0, end=len(text))
    assert is_member_line(clause) is member
    if member:
        doc = Document(title="t", text=text, source="x.txt", clauses=[clause])
        classify_documents([doc])
        assert clause.is_task is False


def test_section_title_is_a_feature_apart_from_the_clause_words():
    from extract.model import Clause

    c = Clause(id="c1", path=["二"], marker="", text="到2026年底，隐患动态清零。", start=0, end=0, heading="重点任务 / 工作目标")
    text = feature_text(clause_features(c))
    assert "H_工作" in text.split() or "H_工作目标" in text.split()
    bare = Clause(id="c2", path=[], marker="", text="到2026年底，隐患动态清零。", start=0, end=0)
    assert "H_NONE" in feature_text(clause_features(bare)).split()


def test_opening_paragraph_that_says_why_the_plan_was_made_is_no_task():
    from extract.pipeline import enrich
    from extract.readers import read_bytes
    from extract.segment import segment

    text = ("某市通信行业安全生产治本攻坚实施方案\n为推动上级部署落地见效，结合辖区实际，市通信发展管理办公室制定本实施方案。\n"
            "一、重点任务\n（一）开展隐患排查。各企业要每月开展一次隐患排查。\n")
    (doc,) = segment(read_bytes(text.encode(), "x.txt").blocks)
    enrich([doc])
    first = doc.clauses[0]
    assert first.path == [] and not first.is_task
    assert any(c.is_task for c in doc.clauses[1:])


@pytest.mark.parametrize("section,is_statement", [
    ("工作目标", True), ("总体要求 / 主要目标", True), ("指导思想", True), ("基本原则", True),
    ("重点任务 / 开展重大事故隐患动态清零行动", False), ("保障措施", False), ("目标任务分解", False),
])
def test_clauses_in_a_principles_or_goals_section_are_statements(section, is_statement):
    from extract.classify import is_statement_section
    from extract.model import Clause

    c = Clause(id="c1", path=["二"], marker="", text="到2026年底，全市重大事故隐患动态清零。", start=0, end=0, heading=section)
    assert is_statement_section(c) is is_statement


@pytest.mark.parametrize("text", [
    "加大监管力度。强化流通领域监督抽查力度，对发现的不合格产品实施追查。",
    "强化 承包商安全管理；严格准入审查。",
    "树牢底线意识：组织学习安全生产重要论述。",
])
def test_title_words_are_the_title_segmented_on_its_own(text):
    """The title's words come from the clause's own segmentation (no second jieba pass) and equal the title's."""
    from extract.classify import title_words

    own = fast_tokens(text)
    title = text[:min(text.index(p) for p in "。；：" if p in text)]
    assert title_words(text, own) == fast_tokens(title)
    f = feature_text(clause_features(Clause(id="c", path=["一"], marker="1.", text=text, start=0, end=0)))
    assert {"MARKED", "TITLED"} <= set(f.split()) and f"T_{fast_tokens(title)[0]}" in f.split()


def test_a_clause_without_title_or_marker_says_so():
    from extract.classify import title_words

    text = "各乡镇要于2024年6月底前完成重大事故隐患排查，建立台账并推进整改。"
    assert title_words(text, fast_tokens(text)) == []
    f = feature_text(clause_features(Clause(id="c", path=[], marker="", text=text, start=0, end=0))).split()
    assert {"UNMARKED", "T_NONE"} <= set(f) and "TITLED" not in f


@pytest.mark.parametrize("heading,codes", [
    ("主要任务 / 开展安全生产精准执法和帮扶", {"HA_A7"}),
    ("重点任务 / 推动重大事故隐患动态清零", {"HA_A3"}),
    ("保障措施", {"HA_O"}),
    ("主要任务 / 强化安全科技支撑", {"HA_A4"}),
    ("主要任务", set()),
    ("", set()),
])
def test_heading_actions_come_from_the_family_keywords(heading, codes):
    from extract.classify import heading_actions

    assert set(heading_actions(heading)) == codes


@pytest.mark.parametrize("heading,statement", [
    ("工作目标", True), ("指导思想和工作目标", True), ("思路目标", True), ("总体要求", True),
    ("主要任务", False), ("工作要求", False), ("目标任务分解", False), ("保障措施", False),
])
def test_statement_sections(heading, statement):
    from extract.classify import decided_by_rule, is_statement_section

    c = Clause(id="c", path=["一"], marker="", text="通过三年治本攻坚，重大风险得到有效管控。", start=0, end=0,
               heading=heading)
    assert is_statement_section(c) is statement
    assert decided_by_rule(c) is statement


def test_clauses_the_rules_decide_are_not_training_examples():
    from extract.classify import decided_by_rule
    from extract.classify.train import gold_documents

    names = split_names(GOLD)["train"][:6]
    ruled = {feature_text(clause_features(c), tokens) for _, d in gold_documents(GOLD, names) for c in d.clauses
             if decided_by_rule(c)}
    assert ruled  # the first training plans have 工作目标 paragraphs and member lines
    assert not ruled & {x for x, _, _ in examples(GOLD, names)}
