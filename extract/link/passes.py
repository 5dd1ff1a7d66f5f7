"""The linker's decision passes, each a function registered under its name: given the scored candidates of a child
plan against a parent index, each pass adds the links it finds for clauses the passes before it left open."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..model import Clause, Link
from .config import AlignConfig
from .index import ParentIndex, WordSpace, bigrams, dice, group_titles, mask, title
from .variants import expand


@dataclass
class Scored:
    child: int
    parent: int
    score: float
    child_cover: float
    parent_cover: float


@dataclass
class Alignment:
    links: list[Link] = field(default_factory=list)
    pairs: list[Scored] = field(default_factory=list)


@dataclass
class Context:
    """What the passes share: the child clauses and their masked bigrams, the parent index, the character
    candidates and the containment scores of each child against them (best first), and the pairs found so far."""

    children: list[Clause]
    parent: ParentIndex
    config: AlignConfig
    masked: list[str]
    candidates: list[list[tuple[int, float]]]
    child_weight: list[float]
    shared: np.ndarray | None  # IDF weight of the bigrams each child shares with each parent clause
    per_child: list[list[Scored]]
    result: Alignment = field(default_factory=Alignment)
    _grams: dict[int, set[str]] = field(default_factory=dict)
    _words: dict[int, dict[str, float]] = field(default_factory=dict)
    _title_words: dict[int, dict[str, float]] = field(default_factory=dict)

    @property
    def words(self) -> WordSpace:
        """The parent's word vectors, with words from the configured source."""
        return self.parent.word_space(self.config.words)

    def word_vector(self, ci: int) -> dict[str, float]:
        """The unit word vector of a child clause over the parent's IDF, made once for all word passes."""
        v = self._words.get(ci)
        if v is None:
            v = self._words[ci] = expand(self.words.of(self.children[ci].text), self.config.variants)
        return v

    def title_vector(self, ci: int) -> dict[str, float]:
        """The unit word vector of a child clause's title sentence (empty without one)."""
        v = self._title_words.get(ci)
        if v is None:
            v = self._title_words[ci] = expand(self.words.of(self.children[ci].text, True), self.config.variants)
        return v

    def grams(self, ci: int) -> set[str]:
        """The masked bigrams of a child clause (made when a pass needs them: few children do)."""
        g = self._grams.get(ci)
        if g is None:
            g = self._grams[ci] = bigrams(self.masked[ci])
        return g

    def scored(self, ci: int, pi: int, score: float | None = None) -> Scored:
        """The pair (ci, pi) with its containment score and covers; `score` replaces all three (a word cosine)."""
        if score is not None:
            return Scored(ci, pi, score, score, score)
        shared = float(self.shared[ci, pi])
        wc, wp = self.child_weight[ci], self.parent.grams_weight[pi]
        return Scored(ci, pi, shared / (min(wc, wp) or 1.0), shared / (wc or 1.0), shared / (wp or 1.0))


Pass = Callable[[Context], None]
#: name -> pass, in the order the passes were defined (AlignConfig.passes chooses and orders them)
REGISTRY: dict[str, Pass] = {}


def register(name: str) -> Callable[[Pass], Pass]:
    def add(fn: Pass) -> Pass:
        if name in REGISTRY:
            raise ValueError(f"linker pass {name!r} registered twice")
        REGISTRY[name] = fn
        return fn
    return add


def score_candidates(ctx: Context) -> None:
    """Containment score of each child against its character candidates (pairs sharing at least min_shared of
    IDF weight), best first: the scores every pass reads."""
    cfg, parent = ctx.config, ctx.parent
    ctx.per_child = []
    for ci, cand in enumerate(ctx.candidates):
        wc = ctx.child_weight[ci]
        scored: list[Scored] = []
        for pi, _sim in cand:
            shared = float(ctx.shared[ci, pi])
            if shared < cfg.min_shared:
                continue
            wp = parent.grams_weight[pi]
            child_cover = shared / wc if wc else 0.0
            parent_cover = shared / wp if wp else 0.0
            score = shared / min(wc, wp) if min(wc, wp) else 0.0
            scored.append(Scored(ci, pi, score, child_cover, parent_cover))
        scored.sort(key=lambda s: -s.score)
        ctx.per_child.append(scored)


@register("containment")
def containment(ctx: Context) -> None:
    """Each child to its best-scoring parent clause from `threshold`, and to one or two more (a merge) when they
    score `second_threshold` and cover a part of the child the first did not."""
    cfg, parent = ctx.config, ctx.parent
    for ci, scored in enumerate(ctx.per_child):
        if not scored or scored[0].score < cfg.threshold:
            continue
        cg, wc = ctx.grams(ci), ctx.child_weight[ci]
        best = scored[0]
        keep = [best]
        covered = parent.grams[best.parent] & cg
        for s in scored[1:1 + cfg.merge_extra]:
            # a merge: a further parent clause that covers a part of the child the first one did not
            new = (parent.grams[s.parent] & cg) - covered
            if s.score >= cfg.second_threshold and parent.weight(new) >= cfg.merge_new_share * wc:
                keep.append(s)
                covered |= parent.grams[s.parent] & cg
        ctx.result.pairs.extend(keep)


@register("mutual_best")
def mutual_best(ctx: Context) -> None:
    """Paraphrases score below the threshold; link a child to its best parent clause when neither is linked yet and
    they are each other's best match, or their title sentences agree, or the score reaches `free_threshold` (the
    parent clause is still uncovered, so no better child claims it)."""
    cfg, result = ctx.config, ctx.result
    low, parent_low, free = cfg.mutual_threshold, cfg.parent_threshold, cfg.free_threshold
    linked_c = {s.child for s in result.pairs}
    linked_p = {s.parent for s in result.pairs}
    best_for_parent: dict[int, Scored] = {}
    for scored in ctx.per_child:
        for s in scored:
            if s.parent not in best_for_parent or s.score > best_for_parent[s.parent].score:
                best_for_parent[s.parent] = s
    for scored in ctx.per_child:
        if not scored:
            continue
        best = scored[0]
        if best.child in linked_c or best.parent in linked_p:
            continue
        mutual = best_for_parent.get(best.parent) is best
        tc, tp = title(ctx.children[best.child].text), title(ctx.parent.clauses[best.parent].text)
        titled = bool(tc and tp) and dice(tc, tp) >= cfg.title_dice
        if (mutual and best.score >= low) or (titled and best.score >= cfg.title_factor * low) or best.score >= free:
            result.pairs.append(best)
            linked_c.add(best.child)
            linked_p.add(best.parent)
    # A child clause left unlinked whose best parent clause is already taken: a split of that parent.
    for scored in ctx.per_child:
        if scored and scored[0].child not in linked_c and scored[0].score >= parent_low:
            result.pairs.append(scored[0])
            linked_c.add(scored[0].child)
            linked_p.add(scored[0].parent)
    # A parent clause left uncovered whose best child covers it well enough: a merge into that child, or a split.
    for pi, s in sorted(best_for_parent.items()):
        if pi not in linked_p and s.score >= parent_low:
            result.pairs.append(s)
            linked_p.add(pi)


@register("same_title")
def same_title(ctx: Context) -> None:
    """A clause still unlinked whose title sentence is the title of a clause on the other side (the rows of an annex
    task list under one merged 任务 cell, the sub-items a plan rewrote under the parent's heading): link them."""
    cfg, result, parent = ctx.config, ctx.result, ctx.parent
    linked_c = {s.child for s in result.pairs}
    linked_p = {s.parent for s in result.pairs}
    c_titles = group_titles(ctx.children)
    by_title = parent.title_groups
    todo = [ci for ci, tc in enumerate(c_titles) if len(tc) >= cfg.same_title_min]
    if not todo or not by_title:
        return
    dices = parent.title_dice([c_titles[ci] for ci in todo])
    for row, ci in enumerate(todo):
        for k in np.flatnonzero(dices[row] >= cfg.same_title_dice):
            for pi in by_title[k][1]:
                if ci in linked_c and pi in linked_p:
                    continue
                result.pairs.append(ctx.scored(ci, pi))
                linked_c.add(ci)
                linked_p.add(pi)


@register("title_inside")
def title_inside(ctx: Context) -> None:
    """A clause still unlinked whose title sentence (an annex row's 任务名称: 应急演练。……) is written inside exactly one
    parent clause (……定期组织开展应急演练): the row details that part of the parent clause (a split)."""
    result = ctx.result
    linked_c = {s.child for s in result.pairs}
    for ci, c in enumerate(ctx.children):
        if ci in linked_c:
            continue
        t = title(c.text)
        if len(t) < ctx.config.title_inside_min:
            continue
        hits = [pi for pi, m in enumerate(ctx.parent.masked) if t in m]
        if len(hits) != 1:
            continue
        result.pairs.append(ctx.scored(ci, hits[0]))
        linked_c.add(ci)


@register("reworded")
def reworded(ctx: Context) -> None:
    """A plan that rewrites its parent in its own words shares few character runs with it: a child clause still
    unlinked is linked to the parent clause nearest in words (jieba words, IDF over the parent, the words every plan
    uses left out) when their cosine reaches `word_threshold` (often a split: one parent task rewritten as
    several)."""
    parent, result = ctx.parent, ctx.result
    linked = {s.child for s in result.pairs}
    rest = [ci for ci in range(len(ctx.children)) if ci not in linked]
    if not rest or not parent.clauses:
        return
    vectors = [ctx.word_vector(ci) for ci in rest]
    cos = ctx.words.cosines(vectors)
    for ci, cv, row in zip(rest, vectors, cos):
        if not cv:
            continue
        best = row.max()
        pi = int(np.flatnonzero(row == best)[-1])  # the last of equals, as max() over (cosine, index) picks
        if best >= ctx.config.word_threshold:
            result.pairs.append(ctx.scored(ci, pi, float(best)))


@register("distinct_nearest")
def distinct_nearest(ctx: Context) -> None:
    """A rewrite in the child's own words may share few words with its parent clause (a low cosine), but it shares
    its topic with that one clause alone, while a local addition shares the campaign's common words with many
    clauses alike. A child clause still unlinked whose nearest parent clause in words reaches `distinct_min` and
    `distinct_ratio` times the cosine of the second nearest is linked to it."""
    cfg, parent, result = ctx.config, ctx.parent, ctx.result
    linked = {s.child for s in result.pairs}
    rest = [ci for ci in range(len(ctx.children)) if ci not in linked]
    if not rest or len(parent.clauses) < 2:
        return
    cos = ctx.words.cosines([ctx.word_vector(ci) for ci in rest])
    for ci, row in zip(rest, cos):
        second, best = np.partition(row, -2)[-2:]
        if best >= cfg.distinct_min and best >= cfg.distinct_ratio * second:
            pi = int(np.flatnonzero(row == best)[-1])
            result.pairs.append(ctx.scored(ci, pi, float(best)))


@register("reworded_parents")
def reworded_parents(ctx: Context) -> None:
    """A parent clause still uncovered whose rewrite is part of a child clause linked elsewhere (a merge the
    character passes missed): linked to the child nearest in words among those whose character candidates hold it,
    when the cosine reaches `word_parent_threshold`."""
    parent, result = ctx.parent, ctx.result
    covered = {s.parent for s in result.pairs}
    rest = [pi for pi in range(len(parent.clauses)) if pi not in covered]
    if not rest or not ctx.children:
        return
    # only the children whose character candidates hold the parent clause are compared (tokenizing every child
    # of every plan would double the time of a large batch)
    near: dict[int, list[int]] = {}
    for ci, cand in enumerate(ctx.candidates):
        for pi, _sim in cand:
            near.setdefault(pi, []).append(ci)
    needed = sorted({ci for pi in rest for ci in near.get(pi, [])})
    if not needed:
        return
    row_of = {ci: k for k, ci in enumerate(needed)}
    cos = ctx.words.cosines([ctx.word_vector(ci) for ci in needed])
    for pi in rest:
        scored = [(float(cos[row_of[ci], pi]), ci) for ci in near.get(pi, [])]
        best, ci = max(scored, default=(0.0, -1))
        if best >= ctx.config.word_parent_threshold:
            result.pairs.append(ctx.scored(ci, pi, best))


@register("titled_parents")
def titled_parents(ctx: Context) -> None:
    """A parent clause still uncovered whose title sentence says in other words what the title of a child clause of
    the same action says (加强组织领导 / 加强领导、压实责任, 强化统筹推进 / 加强组织部署和统筹落实): the child covers it
    too, a merge the texts, rewritten, do not show. Title word cosine with the parent's IDF."""
    parent, result, children = ctx.parent, ctx.result, ctx.children
    covered = {s.parent for s in result.pairs}
    rest = [pi for pi in range(len(parent.clauses)) if pi not in covered and title(parent.clauses[pi].text)]
    if not rest or not children:
        return
    titled = [ci for ci, c in enumerate(children) if title(c.text)]
    if not titled:
        return
    # rows in child order: argmax takes the first of equals, as the child order decided before
    cos = ctx.words.title_cosines([ctx.title_vector(ci) for ci in titled], [children[ci].action for ci in titled])
    for pi in rest:
        k = int(np.argmax(cos[:, pi]))
        best = float(cos[k, pi])
        if best > 0 and best >= ctx.config.title_word_threshold:
            result.pairs.append(ctx.scored(titled[k], pi, best))


def new_context(children: list[Clause], parent: ParentIndex, config: AlignConfig) -> Context:
    """Mask and bigram the children, find their character candidates and score them: the passes' shared input."""
    masked = [mask(c.text) for c in children]
    weight, shared = parent.child_overlap(masked)
    ctx = Context(
        children=children, parent=parent, config=config, masked=masked,
        candidates=parent.candidates(masked, top_k=config.top_k, floor=config.min_similarity),
        child_weight=weight.tolist(), shared=shared, per_child=[])
    score_candidates(ctx)
    return ctx
