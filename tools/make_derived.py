"""Derived plans for the linkage dev set: a county-style sub-plan written from a corpus plan by explicit edits
(verbatim copies, localized names, light paraphrases, moved deadlines, changed frequencies, merges, splits, drops and
local additions), with the truth recorded as each edit is made. Writes corpus/links/derived/<name>.txt and the gold
corpus/links/<name>.json. Run: python tools/make_derived.py (seeded: the same files every time)."""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "corpus" / "links"

LOCAL = [("自治区", "县"), ("全区", "全县"), ("区应急管理厅", "县应急管理局"), ("厅", "局"), ("各地(市)", "各乡镇"),
         ("各地（市）", "各乡镇"), ("省", "县"), ("全市", "全县"), ("市", "县")]
PARAPHRASE = [("加强", "强化"), ("推进", "推动"), ("建立", "建立健全"), ("严格", "严格落实"), ("全面", "全方位"),
              ("提升", "提高"), ("持续", "不断"), ("开展", "组织开展"), ("落实", "抓好落实"), ("完善", "健全")]
FREQ_UP = [("每季度", "每月"), ("每年", "每半年"), ("每半年", "每季度"), ("每月", "每周")]
FREQ_DOWN = [(b, a) for a, b in FREQ_UP]
NOVEL = [
    "建立乡村道路临水临崖路段巡查制度，汛期前完成警示标志和防护设施排查，发现问题当日报告县交通运输局。",
    "组织辖区内农家乐、民宿经营户开展燃气使用安全自查，县市场监管局会同县应急管理局抽查不少于三成。",
    "在县城主要商圈和学校周边设立安全宣传点，组织志愿者每季度开展一次应急避险知识宣讲。",
    "推动县域小型水库、山塘的安全鉴定工作，对鉴定为病险的落实除险加固或降等报废措施。",
    "开展森林草原防火期野外用火专项检查，落实护林员网格化巡护，实现重点林区巡护全覆盖。",
    "建立县级安全生产专家服务团，为辖区中小微企业提供免费隐患排查和整改技术指导。",
]


def localize(text: str) -> str:
    for a, b in LOCAL:
        text = text.replace(a, b)
    return text


def paraphrase(text: str, rng: random.Random) -> str:
    pairs = [p for p in PARAPHRASE if p[0] in text]
    rng.shuffle(pairs)
    for a, b in pairs[:4]:
        text = text.replace(a, b, 1)
    sentences = [s for s in re.split(r"(?<=[。；])", text) if s]
    if len(sentences) >= 3:  # the opening title stays, the rest is reordered
        head, rest = sentences[0], sentences[1:]
        rng.shuffle(rest)
        text = head + "".join(rest)
    return text


def move_deadline(text: str, later: bool) -> tuple[str, str | None]:
    m = re.search(r"(20\d\d)年(\d{1,2})月底前", text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        mo2 = min(12, mo + 6) if later else max(1, mo - 3)
        if mo2 == mo:
            y = y + 1 if later else y - 1
        return text[:m.start()] + f"{y}年{mo2}月底前" + text[m.end():], "deadline_later" if later else "deadline_earlier"
    m = re.search(r"(20\d\d)年(?:年)?底前", text)
    if m:
        y = int(m.group(1))
        new = f"{y}年6月底前" if not later else f"{y + 1}年底前"
        return text[:m.start()] + new + text[m.end():], "deadline_later" if later else "deadline_earlier"
    return text, None


def change_frequency(text: str, up: bool) -> tuple[str, str | None]:
    for a, b in (FREQ_UP if up else FREQ_DOWN):
        # only a plain "每季度至少1次 / 每月开展一次" is edited: listed dates (每年5月、11月前) keep their meaning
        m = re.search(re.escape(a) + r"(?!度)[^，。；]{0,10}?(至少|不少于)?\s*(\d+|[一两二三])次", text)
        if m:
            idx = m.start()
            return text[:idx] + b + text[idx + len(a):], "frequency_higher" if up else "frequency_lower"
    return text, None


def anchor_of(text: str, others: list[str], start: int = 0) -> str:
    """A run of 14+ characters of the text that occurs in no other text."""
    body = text[start:]
    for k in range(0, max(1, len(body) - 16)):
        cand = body[k:k + 16]
        if len(cand) >= 14 and not any(cand in o for o in others) and text.count(cand) == 1:
            return cand
    return body[:24]


def _gold_tasks(title: str) -> set[str] | None:
    """The anchors of the parent's task clauses in its hand-made gold file, where there is one."""
    from extract.gold import fold

    for path in (ROOT / "corpus" / "gold").glob("*.json"):
        if path.name == "split.json":
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        if fold(gold["title"]) == fold(title):
            return {fold(c["anchor"]) for c in gold["clauses"] if c["is_task"]}
    return None


def _is_task(title: str, clause) -> bool:
    """Which parent clauses are tasks: the gold file's reading where it exists, else the pipeline's."""
    from extract.gold import fold

    anchors = _gold_tasks(title)
    if anchors is None:
        return clause.is_task
    text = fold(clause.text)
    return any(a in text for a in anchors)


def derive(name: str, parent_path: Path, parent_title: str | None, seed: int, county: str) -> None:
    from extract.api import pick_document
    from extract.pipeline import process_file

    rng = random.Random(seed)
    docs = process_file(parent_path, ocr=False)
    parent = pick_document(docs, parent_title) if parent_title else docs[0]
    tasks = [c for c in parent.clauses if c.kind == "body" and _is_task(parent.title, c)]
    clauses: list[str] = []
    links: list[dict] = []
    dropped: list[str] = []
    novel: list[str] = []
    parent_texts = [c.text for c in parent.clauses]
    i = 0
    while i < len(tasks):
        p = tasks[i]
        pa = anchor_of(p.text, [t for t in parent_texts if t != p.text])
        r = rng.random()
        if r < 0.12:
            dropped.append(pa)
            i += 1
            continue
        if r < 0.22 and i + 1 < len(tasks):  # merge two consecutive parent tasks
            q = tasks[i + 1]
            qa = anchor_of(q.text, [t for t in parent_texts if t != q.text])
            text = localize(p.text.rstrip("。") + "。" + q.text)
            clauses.append(text)
            links += [{"child_text": text, "parent_anchor": pa, "kind": "merged", "changes": []},
                      {"child_text": text, "parent_anchor": qa, "kind": "merged", "changes": []}]
            i += 2
            continue
        sentences = [s for s in re.split(r"(?<=[。；])", p.text) if s.strip()]
        if r < 0.32 and len(sentences) >= 4:  # split one parent task in two
            half = len(sentences) // 2
            for part in ("".join(sentences[:half]), "".join(sentences[half:])):
                text = localize(part)
                clauses.append(text)
                links.append({"child_text": text, "parent_anchor": pa, "kind": "split", "changes": []})
            i += 1
            continue
        text, kind, changes = p.text, "verbatim", []
        if r < 0.45:
            kind = "verbatim"
        elif r < 0.75:
            text, kind = localize(text), "localized"
        else:
            text, kind = paraphrase(localize(text), rng), "paraphrased"
        if rng.random() < 0.35:
            text, ch = move_deadline(text, later=rng.random() < 0.5)
            if ch:
                changes.append(ch)
                kind = "localized" if kind == "verbatim" else kind
        if rng.random() < 0.35:
            text, ch = change_frequency(text, up=rng.random() < 0.5)
            if ch:
                changes.append(ch)
                kind = "localized" if kind == "verbatim" else kind
        if kind == "verbatim" and text != p.text:
            kind = "localized"
        clauses.append(text)
        links.append({"child_text": text, "parent_anchor": pa, "kind": kind, "changes": changes})
        i += 1
    for extra in rng.sample(NOVEL, 2):
        at = rng.randrange(len(clauses) + 1)
        clauses.insert(at, extra)
        novel.append(extra)
    title = re.sub(r"[（(]\s*2024\s*[-—–]\s*2026年?\s*[）)]", "", parent.title)
    lines = [f"{county}{localize(title)}（2024—2026年）",
             f"为深入贯彻落实安全生产工作部署，根据《{parent.title}》，结合我县实际，制定本方案。", "一、主要任务"]
    for n, text in enumerate(clauses, start=1):
        lines.append(f"{n}.{text}")
    (OUT / "derived").mkdir(parents=True, exist_ok=True)
    (OUT / "derived" / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold_links = []
    for lk in links:
        others = [c for c in clauses if c != lk["child_text"]]
        gold_links.append({"child_anchor": anchor_of(lk["child_text"], others), "parent_anchor": lk["parent_anchor"],
                           "kind": lk["kind"], "changes": lk["changes"]})
    gold = {"child": f"corpus/links/derived/{name}.txt", "parent": f"corpus/{parent_path.name}",
            "links": gold_links, "dropped": dropped,
            "novel": [anchor_of(t, [c for c in clauses if c != t]) for t in novel],
            "notes": f"derived by tools/make_derived.py (seed {seed}) from {parent.title}; truth recorded at each edit"}
    if parent_title:
        gold["parent_title"] = parent_title
    (OUT / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


PLANS = [
    ("s01_tibet_industry_trade", "004_2c798045eb65f6c7.partial.txt", "工贸系统安全生产治本攻坚三年行动方案(2024-2026年)", "米林县"),
    ("s02_tibet_transport", "004_2c798045eb65f6c7.partial.txt", "交通运输系统安全生产治本攻坚三年行动方案(2024-2026年)", "江达县"),
    ("s03_tieshan", "001_6a215b8801cc0d63.txt", None, "某乡"),
    ("s04_tibet_forestry", "004_2c798045eb65f6c7.partial.txt", "林草系统安全生产治本攻坚三年行动方案(2024-2026年)", "察隅县"),
    ("s05_tibet_commerce", "004_2c798045eb65f6c7.partial.txt", "商务系统安全生产治本攻坚三年行动方案(2024-2026年)", "定日县"),
    ("s06_tibet_energy", "004_2c798045eb65f6c7.partial.txt", "能源系统安全生产治本攻坚三年行动方案(2024-2026年)", "墨竹工卡县"),
]


def main() -> int:
    for k, (name, parent, title, county) in enumerate(PLANS):
        derive(name, ROOT / "corpus" / parent, title, 1000 + k, county)
    print("derived plans written to", OUT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
