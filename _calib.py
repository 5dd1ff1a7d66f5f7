import json, sys
from dataclasses import replace
from pathlib import Path
from extract.link.evaluate import _resolve
from extract.evaluate import pick_document
from extract.pipeline import process_file
from extract.link.report import link_documents
cache = {}
def docs(name, title, f):
    p = _resolve(name, f); k = str(p.resolve())
    if k not in cache: cache[k] = process_file(p, ocr=False)
    if title:
        d = pick_document(cache[k], title); return [d] if d else []
    return cache[k]
pairs = []
for f in sorted(Path("corpus/links").glob("*.json")):
    if f.name == "split.json": continue
    g = json.loads(f.read_text())
    c = docs(g["child"], g.get("child_title"), f); p = docs(g["parent"], g.get("parent_title"), f)
    if g.get("child_scope"): c = [replace(d, clauses=[x for x in d.clauses if x.kind == g["child_scope"]]) for d in c]
    if g.get("parent_scope"): p = [replace(d, clauses=[x for x in d.clauses if x.kind == g["parent_scope"]]) for d in p]
    pairs.append((f.stem, c, p))
def stats(r):
    n = r["coverage"]["child_clauses"] or 1
    out = {}
    for t in (0.25, 0.3, 0.35, 0.4, 0.5):
        out[t] = round(len({l["child"] for l in r["links"] if l["score"] >= t}) / n, 2)
    return out
def stats_old(r):
    sc = sorted((l["score"] for l in r["links"]), reverse=True)
    kinds = [l["kind"] for l in r["links"]]
    strong = sum(1 for l in r["links"] if l["kind"] != "paraphrased" or l["score"] >= 0.5)
    return dict(n=len(sc), top=round(sc[0],3) if sc else 0, strong=strong, nchild=r["coverage"]["child_clauses"],
                kinds={k: kinds.count(k) for k in set(kinds)}, top3=[round(x,2) for x in sc[:3]])
print("RELATED")
for name, c, p in pairs:
    print(name, stats(link_documents(c, p)))
print("CROSS")
for i, (n1, c, _) in enumerate(pairs):
    for j, (n2, _, p) in enumerate(pairs):
        if (j - i) % len(pairs) in (7, 13) :
            print(n1, "->", n2, stats(link_documents(c, p)))
