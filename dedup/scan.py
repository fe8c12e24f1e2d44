"""The pipeline: ingest -> clean -> sketch -> candidates -> confirm -> relation -> Report.

>>> from dedup.article import Article
>>> text = "The council approved the new budget on Monday after a long debate. " * 3
>>> r = scan_articles([Article(id="a", text=text), Article(id="b", text=text + "\\nShare")])
>>> [(p["a"], p["b"], p["relation"]) for p in r.pairs]
[('a', 'b', 'duplicate')]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from dedup import candidates as cand
from dedup.article import Article, Problem
from dedup.clean import clean_corpus, text_span
from dedup.confirm import Confirmer
from dedup.relation import (RELATED_COSINE, STRENGTH, check_attribution, clusters, direction,
                            orient_by_story, relation)
from dedup.sketch import Sketch, hash_words, minhash

MAX_EVIDENCE = 40  # passages listed per pair


@dataclass
class Report:
    """What a scan found; ``to_dict()`` follows the JSON contract."""

    articles: list[Article]
    pairs: list[dict]
    clusters: list[dict]
    attribution: dict[str, list[dict]]
    problems: list[Problem] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    command: str | None = None  # the command line that produced the report, when known

    def to_dict(self) -> dict:
        return {
            "generated_by": self.command,
            "articles": [{
                "id": a.id, "title": a.title, "published": a.published, "publisher": a.publisher,
                "byline": a.byline, "url": a.url, "attribution": a.attribution,
                "attribution_check": self.attribution.get(a.id, []), "removed": a.removed,
                "words": len((a.body or "").split()),
            } for a in self.articles],
            "pairs": self.pairs,
            "clusters": self.clusters,
            "problems": [{"path": p.path, "line": p.line, "level": p.level, "message": p.message}
                         for p in self.problems],
            "stats": self.stats,
        }


class _Laps:
    """Seconds per stage, written into ``timings`` as each stage ends."""

    def __init__(self, timings: dict) -> None:
        self.timings, self.t = timings, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(now - self.t, 3)
        self.t = now


def _progress(items: Iterable, total: int, desc: str, enabled: bool, unit: str = "article") -> Iterable:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)


def find_candidates(sketches: Sequence[Sketch], cache: dict[str, int], stats: dict,
                    confirmer: Confirmer) -> np.ndarray:
    """Candidate pairs from the three channels of :mod:`dedup.candidates`.

    Sentence-channel pairs are kept only when their TF-IDF cosine (one batched sparse
    product) reaches :data:`dedup.relation.RELATED_COSINE`: below it no relation but a
    verbatim one is possible, and verbatim reuse is the other channels' job.
    """
    shingle_sets = [np.unique(s.shingles) for s in sketches]
    lsh_stats = cand.LshStats()
    by_doc = cand.lsh_pairs(minhash(shingle_sets, cand.DOC_PERM),
                            *cand.lsh_params(cand.DOC_THRESHOLD, cand.DOC_PERM), stats=lsh_stats)
    by_anchor = cand.anchor_pairs(shingle_sets, stats=lsh_stats)
    items, owner = [], []
    for d, s in enumerate(sketches):
        for t in s.sentence_terms:
            u = sorted(set(t))
            if len(u) >= cand.SENTENCE_MIN_TERMS:
                items.append(hash_words(u, cache).astype(np.uint32))
                owner.append(d)
    by_sentence = np.empty((0, 2), np.int64)
    if items:
        sig = minhash(items, cand.SENTENCE_PERM)
        params = cand.lsh_params(cand.SENTENCE_THRESHOLD, cand.SENTENCE_PERM)
        item_pairs = cand.lsh_pairs(sig, *params, stats=lsh_stats)
        by_sentence = cand.doc_pairs_from_items(item_pairs, np.array(owner), cand.SENTENCE_MIN_HITS)
    sentence_only = by_sentence[confirmer.cosines(by_sentence) >= RELATED_COSINE]
    pairs = cand.merge_pairs(by_doc, by_anchor, sentence_only)
    stats.update({
        "candidates_documents": int(len(by_doc)), "candidates_anchors": int(len(by_anchor)),
        "candidates_sentences": int(len(by_sentence)), "candidates_sentences_similar": int(len(sentence_only)),
        "candidates": int(len(pairs)), "sentences_sketched": len(items),
        "skipped_buckets": lsh_stats.skipped_buckets,
    })
    return pairs


def _evidence(a: Article, b: Article, comp) -> list[dict]:
    body_a, body_b = a.body or "", b.body or ""
    passages = sorted(comp.passages, key=lambda p: (p.kind != "verbatim", -p.words, p.a_span))
    out = []
    for p in passages[:MAX_EVIDENCE]:
        out.append({
            "kind": p.kind, "similarity": p.similarity,
            "a": body_a[p.a_span[0]:p.a_span[1]], "b": body_b[p.b_span[0]:p.b_span[1]],
            "a_span": list(text_span(a, p.a_span)), "b_span": list(text_span(b, p.b_span)),
        })
    out.sort(key=lambda e: (e["kind"] != "verbatim", e["a_span"]))
    return out


def scan_articles(articles: Sequence[Article], problems: Sequence[Problem] = (),
                  progress: bool = False) -> Report:
    """Compare a corpus of articles; see the module docstring."""
    t0 = time.perf_counter()
    stats: dict = {"articles": len(articles)}
    lap = _Laps(stats.setdefault("timings", {}))
    articles = clean_corpus(articles)
    lap("clean")
    cache: dict[str, int] = {}
    sketches = [Sketch(a.body or "", cache) for a in _progress(articles, len(articles), "sketch", progress)]
    confirmer = Confirmer().fit(sketches, [a.body or "" for a in articles])
    lap("sketch")
    pairs = find_candidates(sketches, cache, stats, confirmer)
    lap("candidates")
    confirmer.prepare(pairs.ravel())
    cosines = confirmer.cosines(pairs).tolist()
    out: list[dict] = []
    for (i, j), cosine in _progress(zip(pairs.tolist(), cosines), len(pairs), "confirm", progress, "pair"):
        comp = confirmer.compare(i, j, cosine)
        rel = relation(comp, same_words=sketches[i].words == sketches[j].words)
        if rel is None:
            continue
        a, b = articles[i], articles[j]
        d = direction(a, b, comp, rel) if rel != "related" else None
        out.append({
            "a": a.id, "b": b.id, "relation": rel,
            "source": d.source if d else None,
            "reasons": d.reasons if d else [], "against": d.against if d else [],
            "scores": comp.scores(),
            "evidence": _evidence(a, b, comp) if rel != "related" else [],
            "quotes": [{"a": a.body[qa[0]:qa[1]], "b": b.body[qb[0]:qb[1]],
                        "a_span": list(text_span(a, qa)), "b_span": list(text_span(b, qb))}
                       for qa, qb in comp.quotes],
        })
    lap("confirm")
    out.sort(key=lambda p: (-STRENGTH[p["relation"]], p["a"], p["b"]))
    ids = [a.id for a in articles]
    stats["pairs"] = {r: sum(p["relation"] == r for p in out) for r in STRENGTH}
    stories = clusters(ids, out)
    orient_by_story(out, stories)
    attribution = check_attribution(articles, out)
    lap("stories")
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return Report(articles, out, stories, attribution, list(problems), stats)


def scan(paths: Iterable[str], progress: bool = False) -> Report:
    """Read articles from files, directories or ``-`` (JSONL on stdin) and scan them."""
    from dedup.ingest import read_articles

    t0 = time.perf_counter()
    articles, problems = read_articles(paths)
    read = time.perf_counter() - t0
    report = scan_articles(articles, problems, progress=progress)
    report.stats["timings"] = {"read": round(read, 3), **report.stats["timings"]}
    return report
