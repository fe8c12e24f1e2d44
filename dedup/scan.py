"""The pipeline: ingest -> clean -> sketch -> candidates -> confirm -> relation -> Report.

>>> from dedup.article import Article
>>> text = "The council approved the new budget on Monday after a long debate. " * 3
>>> r = scan_articles([Article(id="a", text=text), Article(id="b", text=text + "\\nShare")])
>>> [(p["a"], p["b"], p["relation"]) for p in r.pairs]
[('a', 'b', 'duplicate')]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from dedup import candidates as cand
from dedup.article import Article, Problem
from dedup.clean import TextSpans, clean, drop_repeated_lines, line_hashes
from dedup.confirm import Confirmer
from dedup.features import Features, featurize
from dedup.sketch import SHINGLE
from dedup.spill import TextSpill
from dedup.parallel import frozen_gc, iter_batches, peak_memory_mib, release_memory
from dedup.relation import (PARTIAL_RUN, RELATED_COSINE, STRENGTH, check_attribution, clusters, direction,
                            orient_by_story, relation)

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
            "articles": [self.article_dict(a) for a in self.articles],
            "pairs": self.pairs,
            "clusters": self.clusters,
            "problems": self.problem_dicts(),
            "stats": self.stats,
        }

    def article_dict(self, a: Article) -> dict:
        """One entry of ``to_dict()["articles"]``."""
        return {
            "id": a.id, "title": a.title, "published": a.published, "publisher": a.publisher,
            "byline": a.byline, "url": a.url, "attribution": a.attribution,
            "attribution_check": self.attribution.get(a.id, []), "removed": a.removed,
            "words": len((a.body or "").split()),
        }

    def problem_dicts(self) -> list[dict]:
        return [{"path": p.path, "line": p.line, "level": p.level, "message": p.message} for p in self.problems]


class _Laps:
    """Seconds per stage, written into ``timings`` as each stage ends, and this process's
    peak resident memory so far (MiB) into ``memory``."""

    def __init__(self, timings: dict, memory: dict) -> None:
        self.timings, self.memory, self.t = timings, memory, time.perf_counter()

    def __call__(self, stage: str) -> None:
        release_memory()
        now = time.perf_counter()
        self.timings[stage] = round(now - self.t, 3)
        self.memory[stage] = peak_memory_mib()
        self.t = now


def _progress(items: Iterable | None, total: int, desc: str, enabled: bool, unit: str = "article"):
    """A tqdm bar on stderr over ``items`` (or a bar to update by hand when ``items`` is None)."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)


def find_candidates(features: Features, stats: dict, confirmer: Confirmer, folder: str | None = None) -> np.ndarray:
    """Candidate pairs from the three channels of :mod:`dedup.candidates`.

    Sentence-channel pairs are kept only when their TF-IDF cosine (one batched sparse
    product) reaches :data:`dedup.relation.RELATED_COSINE`: below it no relation but a
    verbatim one is possible, and verbatim reuse is the other channels' job. ``folder``: where
    the channels may put their partitions (see :func:`dedup.candidates.doc_pairs_from_keys`).
    The anchor arrays of ``features`` are dropped once read.
    """
    lsh_stats = cand.LshStats()
    by_doc = cand.key_pairs(features.doc_keys, stats=lsh_stats)
    hits = cand.anchor_hits(features.anchors, features.anchor_doc, features.anchor_pos, stats=lsh_stats,
                            folder=folder)
    features.anchors = features.anchor_doc = features.anchor_pos = None  # unmapped: their pages leave the process
    by_anchor = hits.pairs()
    # below the related cosine only a verbatim passage long enough for a partial counts
    passage = confirmer.cosines(by_anchor) >= RELATED_COSINE
    _, runs = cand.longest_runs(hits.among(by_anchor[~passage]), features.shingles, features.shingle_start)
    del hits
    passage[~passage] = runs >= PARTIAL_RUN[0] - SHINGLE + 1
    by_sentence = cand.doc_pairs_from_keys(features.sentence_keys, features.sentence_doc, cand.SENTENCE_MAX_BUCKET,
                                           cand.SENTENCE_MIN_HITS, stats=lsh_stats, folder=folder)
    sentence_only = by_sentence[confirmer.cosines(by_sentence) >= RELATED_COSINE]
    pairs = cand.merge_pairs(by_doc, by_anchor[passage], sentence_only)
    stats.update({
        "candidates_documents": int(len(by_doc)), "candidates_anchors": int(len(by_anchor)),
        "candidates_anchors_passage": int(passage.sum()),
        "candidates_sentences": int(len(by_sentence)), "candidates_sentences_similar": int(len(sentence_only)),
        "candidates": int(len(pairs)), "sentences_sketched": int(len(features.sentence_doc)),
        "skipped_buckets": lsh_stats.skipped_buckets,
    })
    return pairs


def _evidence(comp, spans_a: TextSpans, spans_b: TextSpans) -> list[dict]:
    body_a, body_b = spans_a.body, spans_b.body
    passages = sorted(comp.passages, key=lambda p: (p.kind != "verbatim", -p.words, p.a_span))
    out = []
    for p in passages[:MAX_EVIDENCE]:
        out.append({
            "kind": p.kind, "similarity": p.similarity,
            "a": body_a[p.a_span[0]:p.a_span[1]], "b": body_b[p.b_span[0]:p.b_span[1]],
            "a_span": list(spans_a(p.a_span)), "b_span": list(spans_b(p.b_span)),
        })
    out.sort(key=lambda e: (e["kind"] != "verbatim", e["a_span"]))
    return out


BATCH = 1000  # articles (or pairs) per batch handed to a worker
CONFIRM_BATCHES_PER_WORKER = 16  # batches of pairs a confirm worker runs before a fresh fork replaces it
# From this many articles, the texts and bodies (dedup.spill) and the candidate-stage features
# (Features.concat) live in temporary files, in TMPDIR: about 12 KB an article at the peak.
SPILL_MIN = 50_000


def scan_articles(articles: Sequence[Article], problems: Sequence[Problem] = (),
                  progress: bool = False, workers: int | None = None) -> Report:
    """Compare a corpus of articles; see the module docstring.

    ``workers``: processes for cleaning, sketching and confirming (default: the CPUs
    available; small corpora stay in this process).
    """
    with frozen_gc():
        return _scan_articles(list(articles), problems, progress, workers)


def _scan_articles(articles: list[Article], problems: Sequence[Problem], progress: bool,
                   workers: int | None) -> Report:
    t0 = time.perf_counter()
    stats: dict = {"articles": len(articles)}
    lap = _Laps(stats.setdefault("timings", {}), stats.setdefault("peak_memory_mib", {}))
    large = len(articles) >= SPILL_MIN
    store = TextSpill() if large else None
    if store is not None:  # before the workers fork: freeing texts after would copy the pages they share
        _spill(articles, "text", store)
        release_memory()
    line_hashes: list[np.ndarray] = []
    for batch, cleaned in _iter_batched(_clean_batch, articles, workers, progress, "clean"):
        for a, (fields, hashes) in zip(batch, cleaned):  # in place: a worker's copy of the text is not kept
            for name, value in zip(_CLEANED, fields):
                setattr(a, name, value)
            line_hashes.append(hashes)
        if store is not None:
            _spill(batch, "body", store)
    drop_repeated_lines(articles, line_hashes)
    del line_hashes
    lap("clean")
    bodies = _Bodies(articles)
    spill = tempfile.TemporaryDirectory(prefix="dedup-features-") if large else None
    features = Features.concat((part for _, part in _iter_batched(featurize, bodies, workers, progress, "sketch")),
                               spill.name if spill else None)
    try:
        return compare_features(articles, features, problems, progress, workers, stats, lap, t0,
                                folder=spill.name if spill else None)
    finally:
        if spill:
            spill.cleanup()


def compare_features(articles: list[Article], features: Features, problems: Sequence[Problem] = (),
                     progress: bool = False, workers: int | None = None, stats: dict | None = None,
                     lap: "_Laps | None" = None, t0: float | None = None, folder: str | None = None) -> Report:
    """The rest of :func:`scan_articles` once the articles are cleaned and ``features`` are
    theirs, in order: TF-IDF, candidates, confirmation, stories (``dedup.index`` reports
    from the features it stored). ``folder``: where the candidate stage may write its
    partitions (:func:`find_candidates`)."""
    t0 = time.perf_counter() if t0 is None else t0
    stats = {"articles": len(articles)} if stats is None else stats
    if lap is None:
        lap = _Laps(stats.setdefault("timings", {}), stats.setdefault("peak_memory_mib", {}))
    bodies = _Bodies(articles)
    release_memory()
    confirmer = Confirmer().fit(bodies, features.terms, (features.shingles, features.shingle_start, features.words))
    features.terms = None  # the confirmer holds the weighted copy
    lap("sketch")
    pairs = find_candidates(features, stats, confirmer, folder)
    _drop_candidate_features(features, confirmer)
    lap("candidates")
    cosines = confirmer.cosines(pairs)
    confirmer.docs_ = None  # the articles' TF-IDF rows (GBs at a million): only cosines needed them
    release_memory()

    def confirm(batch: range) -> list[dict]:
        return _confirm(articles, confirmer, features.digest, pairs[batch.start:batch.stop],
                        cosines[batch.start:batch.stop])

    # confirming touches articles all over the heap: workers are renewed (see dedup.parallel)
    out = _batched(confirm, range(len(pairs)), workers, progress, "confirm", unit="pair", min_per_worker=1000,
                   batches_per_worker=CONFIRM_BATCHES_PER_WORKER)
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


def _drop_candidate_features(features: Features, confirmer: Confirmer) -> None:
    """Free what only the candidate stage reads (most of the features' memory)."""
    empty = np.empty(0, np.uint32)
    features.doc_keys = features.sentence_keys = features.anchors = features.shingles = empty
    features.anchor_doc = features.anchor_pos = features.sentence_doc = empty.astype(np.int32)
    confirmer.shingles_ = None  # lexical() then reads the articles


_CLEANED = ("body", "line_origins", "removed", "title", "published", "publisher", "byline", "attribution",
            "attribution_urls")  # what clean() fills in


def _clean_batch(batch: Sequence[Article]) -> list[tuple[tuple, np.ndarray]]:
    out = []
    for a in batch:
        clean(a)
        out.append((tuple(getattr(a, name) for name in _CLEANED), line_hashes(a.body or "")))
    return out


def _batched(fn, items: Sequence, workers: int | None, progress: bool, desc: str,
             unit: str = "article", min_per_worker: int | None = None, batches_per_worker: int | None = None) -> list:
    """``fn`` over batches of ``items`` (see :mod:`dedup.parallel`), results joined in order."""
    out: list = []
    for _, result in _iter_batched(fn, items, workers, progress, desc, unit, min_per_worker, batches_per_worker):
        out.extend(result)
    return out


def _iter_batched(fn, items: Sequence, workers: int | None, progress: bool, desc: str,
                  unit: str = "article", min_per_worker: int | None = None,
                  batches_per_worker: int | None = None) -> Iterator[tuple[Sequence, object]]:
    """``(batch, fn(batch))`` for the batches of ``items`` in order, with a progress bar."""
    bar = _progress(None, len(items), desc, progress, unit)
    size = BATCH if min_per_worker is None else max(1, min(BATCH, min_per_worker // 2))
    lo = 0
    for result in iter_batches(fn, items, size, workers, min_per_worker, batches_per_worker):
        hi = min(lo + size, len(items))
        yield items[lo:hi], result
        if bar is not None:
            bar.update(hi - lo)
        lo = hi
    if bar is not None:
        bar.close()


class _Bodies(Sequence):
    """The articles' bodies (``""`` for none), read when asked for: spilled bodies stay on disk."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles = articles

    def __len__(self) -> int:
        return len(self.articles)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [a.body or "" for a in self.articles[i]]
        return self.articles[i].body or ""


def _spill(articles: Sequence[Article], field: str, store: TextSpill, chunk: int = 10_000) -> None:
    """Move the articles' ``text`` or ``body`` to ``store``, ``chunk`` at a time (they read back the same)."""
    for lo in range(0, len(articles), chunk):
        batch = [a for a in articles[lo: lo + chunk] if getattr(a, field) is not None]
        for a, ref in zip(batch, store.put_many([getattr(a, field) for a in batch])):
            setattr(a, field, ref)


def _confirm(articles: Sequence[Article], confirmer: Confirmer, digest: np.ndarray,
             pairs: np.ndarray, cosines: np.ndarray) -> list[dict]:
    """The reported pairs among ``pairs`` (candidates), with relation, direction and evidence."""
    todo = []
    for (i, j), cosine in zip(pairs.tolist(), cosines.tolist()):
        same_words = bool(digest[i] == digest[j])
        if not same_words and cosine < RELATED_COSINE and relation(confirmer.lexical(i, j, cosine)) is None:
            continue  # below the related cosine only verbatim reuse counts, and there is none
        todo.append((i, j, cosine, same_words))
    confirmer.prepare(k for i, j, _, _ in todo for k in (i, j))
    out: list[dict] = []
    for i, j, cosine, same_words in todo:
        comp = confirmer.compare(i, j, cosine)
        rel = relation(comp, same_words=same_words)
        if rel is None:
            continue
        a, b = articles[i], articles[j]
        spans_a, spans_b = TextSpans(a), TextSpans(b)
        body_a, body_b = spans_a.body, spans_b.body
        d = direction(a, b, comp, rel) if rel != "related" else None
        out.append({
            "a": a.id, "b": b.id, "relation": rel,
            "source": d.source if d else None,
            "reasons": d.reasons if d else [], "against": d.against if d else [],
            "scores": comp.scores(),
            "evidence": _evidence(comp, spans_a, spans_b) if rel != "related" else [],
            "quotes": [{"a": body_a[qa[0]:qa[1]], "b": body_b[qb[0]:qb[1]],
                        "a_span": list(spans_a(qa)), "b_span": list(spans_b(qb))}
                       for qa, qb in comp.quotes],
        })
    return out


def scan(paths: Iterable[str], progress: bool = False) -> Report:
    """Read articles from files, directories or ``-`` (JSONL on stdin) and scan them."""
    from dedup.ingest import read_articles

    t0 = time.perf_counter()
    articles, problems = read_articles(paths)
    read, read_peak = time.perf_counter() - t0, peak_memory_mib()
    report = scan_articles(articles, problems, progress=progress)
    report.stats["timings"] = {"read": round(read, 3), **report.stats["timings"]}
    report.stats["peak_memory_mib"] = {"read": read_peak, **report.stats["peak_memory_mib"]}
    return report
