"""The local driver: a whole corpus scanned at once on this machine, its stages in
worker processes, wired by :mod:`dedup.pipeline`.

What it owns: batching articles and pairs over processes, spilling texts and features to
temporary files past :data:`SPILL_MIN` articles, running the three candidate channels
over the corpus's features in memory (bounded by partitions), and the timings.

>>> from dedup.model import Article
>>> text = "The council approved the new budget on Monday after a long debate. " * 3
>>> r = scan_articles([Article(id="a", text=text), Article(id="b", text=text + "\\nShare")])
>>> [(p.a, p.b, str(p.relation)) for p in r.pairs]
[('a', 'b', 'copy')]
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np

from dedup import candidates as cand
from dedup.clean import clean, drop_repeated_lines, line_table
from dedup.arrays import unique
from dedup.confirm import Confirmer, VerbatimTexts
from dedup.model import Article, Pair, Problem, Relation, Report, spill_evidence
from dedup.params import DEFAULT, Params
from dedup.parallel import frozen_gc, iter_batches, peak_memory_mib, release_memory
from dedup.pipeline import Bodies, confirm_pairs, keep_candidates, runs_needed, tell_stories, worth_comparing
from dedup.relation import check_attribution
from dedup.sketch import Features, featurize
from dedup.spill import TextSpill


def _cpu_seconds() -> float:
    """User and system seconds of this process and of the workers it has waited for."""
    try:
        import resource
    except ImportError:  # not on Unix
        return 0.0
    return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


class _Laps:
    """Seconds per stage, written into ``timings`` as each stage ends, this process's peak
    resident memory so far (MiB) into ``memory``, and CPU seconds (its own and its
    workers') into ``cpu``."""

    def __init__(self, timings: dict[str, float], memory: dict[str, int],
                 cpu: dict[str, float] | None = None) -> None:
        self.timings: dict[str, float] = timings
        self.memory: dict[str, int] = memory
        self.cpu: dict[str, float] = {} if cpu is None else cpu
        self.t: float = time.perf_counter()
        self.c: float = _cpu_seconds()

    def __call__(self, stage: str) -> None:
        release_memory()
        now, cpu = time.perf_counter(), _cpu_seconds()
        self.timings[stage] = round(now - self.t, 3)
        self.cpu[stage] = round(cpu - self.c, 3)
        self.memory[stage] = peak_memory_mib()
        self.t, self.c = now, cpu


def _progress(items: Iterable | None, total: int, desc: str, enabled: bool, unit: str = "article"):
    """A tqdm bar on stderr over ``items`` (or a bar to update by hand when ``items`` is None)."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)


def find_candidates(articles: Sequence[Article], features: Features, stats: dict[str, Any], folder: str | None = None,
                    params: Params = DEFAULT) -> tuple[cand.Candidates, Confirmer]:
    """The candidate pairs of the three channels (:mod:`dedup.candidates`) over the whole
    corpus's ``features``, with what :func:`dedup.pipeline.keep_candidates` reads: each
    pair's cosine (one batched sparse product per channel) and, for the anchor pairs that
    need it, the longest verbatim run through a shared anchor; and the :class:`Confirmer`
    fitted on the articles (without its TF-IDF rows: only the cosines needed them).
    ``folder``: where the channels may put their partitions (see
    :func:`dedup.candidates.doc_pairs_from_keys`).

    Memory: each channel's features are dropped once it has run (mapped files at a
    million articles: their pages leave the process; band keys are read a band at a time,
    :func:`dedup.spill.column`), the anchor hits wait in ``folder``, then the TF-IDF rows
    are built from the term counts (mapped copy-on-write by :meth:`Features.concat`: read
    only now), take the cosines and are dropped, then the runs read the shingles: the
    features and the TF-IDF rows (GBs each at a million articles) are never in memory
    together.
    """
    lsh_stats = cand.LshStats()
    by_doc = cand.key_pairs(features.doc_keys, params.doc_max_bucket, stats=lsh_stats)
    _drop(features, "doc_keys")
    hits = cand.anchor_hits(features.anchors, features.anchor_doc, features.anchor_pos, params, stats=lsh_stats,
                            folder=folder)
    _drop(features, "anchors", "anchor_doc", "anchor_pos")
    by_anchor = hits.pairs()
    hits = hits if folder is None else hits.spilled(folder)
    sketched = int(len(features.sentence_doc))
    by_sentence = cand.doc_pairs_from_keys(features.sentence_keys, features.sentence_doc, params.sentence_max_bucket,
                                           params.sentence_min_hits, stats=lsh_stats, folder=folder)
    _drop(features, "sentence_keys", "sentence_doc")
    release_memory()
    confirmer = Confirmer(params).fit(Bodies(articles), features.terms)
    features.terms = None  # the confirmer holds the weighted copy
    doc_cosine, anchor_cosine, sentence_cosine = (confirmer.cosines(p) for p in (by_doc, by_anchor, by_sentence))
    confirmer.docs_ = None  # the articles' TF-IDF rows (GBs at a million): only cosines needed them
    release_memory()
    runs = np.full(len(by_anchor), cand.NOT_MEASURED, np.int64)
    low = np.flatnonzero(runs_needed(anchor_cosine, params))
    hits = hits.among(by_anchor[low])  # the rest dropped (unmapped) before the shingles are read
    _, runs[low] = cand.longest_runs(hits, features.shingles, features.shingle_start, params.run_reach)
    del hits
    _drop(features, "shingles")
    found = cand.Candidates.union(documents=(by_doc, doc_cosine), anchors=(by_anchor, anchor_cosine, runs),
                                  sentences=(by_sentence, sentence_cosine))
    stats.update({
        "candidates_documents": int(len(by_doc)), "candidates_anchors": int(len(by_anchor)),
        "candidates_sentences": int(len(by_sentence)), "sentences_sketched": sketched,
        "large_buckets": lsh_stats.large_buckets,
    })
    return found, confirmer


BATCH = 1000  # articles (or pairs) per batch handed to a worker
CONFIRM_BATCHES_PER_WORKER = 8  # batches of pairs a confirm worker runs before a fresh fork replaces it
# From this many articles, the texts and bodies (dedup.spill) and the candidate-stage features
# (Features.concat) live in temporary files, in TMPDIR: about 12 KB an article at the peak.
SPILL_MIN = 50_000


def scan_articles(articles: Sequence[Article], problems: Sequence[Problem] = (),
                  progress: bool = False, workers: int | None = None, params: Params = DEFAULT) -> Report:
    """Compare a corpus of articles; see the module docstring.

    ``workers``: processes for cleaning, sketching and confirming (default: the CPUs
    available; small corpora stay in this process).
    """
    with frozen_gc():
        return _scan_articles(list(articles), problems, progress, workers, params)


def _scan_articles(articles: list[Article], problems: Sequence[Problem], progress: bool,
                   workers: int | None, params: Params, store: TextSpill | None = None) -> Report:
    """``store``: where the articles' texts already are (:func:`read_spilling`)."""
    t0 = time.perf_counter()
    stats: dict[str, Any] = {"articles": len(articles)}
    lap = _Laps(stats.setdefault("timings", {}), stats.setdefault("peak_memory_mib", {}),
                stats.setdefault("cpu_seconds", {}))
    large = len(articles) >= SPILL_MIN
    if large and store is None:  # before the workers fork: freeing texts after would copy the pages they share
        store = TextSpill()
        _spill(articles, "text", store)
        release_memory()
    line_tables: list[tuple[np.ndarray, np.ndarray]] = []
    for batch, cleaned in _iter_batched(_clean_batch, articles, workers, progress, "clean"):
        for a, (fields, lines) in zip(batch, cleaned):  # in place: a worker's copy of the text is not kept
            for name, value in zip(_CLEANED, fields):
                setattr(a, name, value)
            line_tables.append(lines)
        if store is not None:
            _spill(batch, "body", store)
    drop_repeated_lines(articles, line_tables, params)
    del line_tables
    lap("clean")
    bodies = Bodies(articles)
    spill = tempfile.TemporaryDirectory(prefix="dedup-features-") if large else None
    sketch = partial(featurize, params=params)
    features = Features.concat((part for _, part in _iter_batched(sketch, bodies, workers, progress, "sketch")),
                               spill.name if spill else None, params)
    try:
        return compare_features(articles, features, problems, progress, workers, stats, lap, t0,
                                folder=spill.name if spill else None, params=params)
    finally:
        if spill:
            spill.cleanup()


def compare_features(articles: list[Article], features: Features, problems: Sequence[Problem] = (),
                     progress: bool = False, workers: int | None = None, stats: dict[str, Any] | None = None,
                     lap: "_Laps | None" = None, t0: float | None = None, folder: str | None = None,
                     params: Params = DEFAULT) -> Report:
    """The rest of :func:`scan_articles` once the articles are cleaned and ``features`` are
    theirs, in order: TF-IDF, candidates, confirmation, stories (``dedup.index`` reports
    from the features it stored). ``folder``: where the candidate stage may write its
    partitions (:func:`find_candidates`)."""
    t0 = time.perf_counter() if t0 is None else t0
    stats = {"articles": len(articles)} if stats is None else stats
    if lap is None:
        lap = _Laps(stats.setdefault("timings", {}), stats.setdefault("peak_memory_mib", {}),
                    stats.setdefault("cpu_seconds", {}))
    lap("sketch")
    found, confirmer = find_candidates(articles, features, stats, folder, params)
    keep, passage = keep_candidates(found, params)
    stats.update({"candidates_anchors_passage": int(passage.sum()),
                  "candidates_sentences_similar": int((found.by_sentence & (found.cosine >= params.related_cosine))
                                                      .sum()),
                  "candidates": int(keep.sum())})
    pairs, cosines = found.pairs[keep], found.cosine[keep]
    del found
    lap("candidates")
    release_memory()

    keep = _screen(articles, pairs, cosines, features.digest, workers, progress, folder, params)
    stats["candidates_compared"] = int(keep.sum())
    pairs, cosines = pairs[keep], cosines[keep]

    def confirm(batch: range) -> list[Pair]:
        return confirm_pairs(articles, confirmer, pairs[batch.start:batch.stop], cosines[batch.start:batch.stop],
                             features.digest, params, screened=True)

    # confirming touches articles all over the heap: workers are renewed (see dedup.parallel);
    # a large corpus's evidence waits in a file for the report (about 9 KB a pair)
    evidence = TextSpill() if len(articles) >= SPILL_MIN else None
    out: list[Pair] = []
    for _, confirmed in _iter_batched(confirm, range(len(pairs)), workers, progress, "confirm", unit="pair",
                                      min_per_worker=1000, batches_per_worker=CONFIRM_BATCHES_PER_WORKER):
        out.extend(confirmed if evidence is None else spill_evidence(confirmed, evidence))
    lap("confirm")
    stats["pairs"] = {r.value: sum(p.relation == r for p in out) for r in Relation}
    out, stories = tell_stories([a.id for a in articles], out, params)
    attribution = check_attribution(articles, out, params)
    lap("stories")
    stats["seconds"] = round(time.perf_counter() - t0, 3)
    return Report(articles, out, stories, attribution, list(problems), stats)


def _screen(articles: list[Article], pairs: np.ndarray, cosines: np.ndarray, digest: np.ndarray,
            workers: int | None, progress: bool, folder: str | None, params: Params) -> np.ndarray:
    """Which candidate pairs can have a relation (:func:`dedup.pipeline.worth_comparing`): the
    articles of the pairs below the related cosine made into :class:`dedup.confirm.VerbatimTexts`
    once (each in one worker), then those pairs measured in blocks."""
    same = digest[pairs[:, 0]] == digest[pairs[:, 1]]
    low = np.flatnonzero(~same & (cosines < params.related_cosine))
    keep = np.ones(len(pairs), bool)
    if low.size == 0:
        return keep
    wanted = unique(pairs[low].ravel())
    bodies = Bodies(articles)

    def made(batch: np.ndarray) -> list[VerbatimTexts]:
        return [VerbatimTexts.of([bodies[i] for i in batch.tolist()], params)]

    texts = VerbatimTexts.concat(_batched(made, wanted, workers, progress, "verbatim"), folder)
    rows = np.zeros(len(articles), np.int64)
    rows[wanted] = np.arange(wanted.size)

    def screened(batch: np.ndarray) -> list[bool]:
        return worth_comparing(texts, pairs[batch], cosines[batch], same[batch], params, rows).tolist()

    keep[low] = _batched(screened, low, workers, progress, "screen", unit="pair", min_per_worker=20_000)
    return keep


def _drop(features: Features, *names: str) -> None:
    """Free features the candidate stage has read (empty arrays of their dtype in their place)."""
    for name in names:
        setattr(features, name, np.empty((0,) + getattr(features, name).shape[1:], getattr(features, name).dtype))


_CLEANED = ("body", "line_origins", "removed", "title", "published", "publisher", "byline", "attribution",
            "attribution_urls")  # what clean() fills in


def _clean_batch(batch: Sequence[Article]) -> list[tuple[tuple, tuple[np.ndarray, np.ndarray]]]:
    """What cleaning fills in of each article, and its body's line table. A copy is cleaned: a
    worker that set the fields of the articles it inherited would keep every body it made
    (2 GB a worker at a million articles)."""
    out = []
    for a in batch:
        c = clean(a.copy())
        out.append((tuple(getattr(c, name) for name in _CLEANED), line_table(c.body or "")))
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


def _spill(articles: Sequence[Article], field: str, store: TextSpill, chunk: int = 10_000) -> None:
    """Move the articles' ``text`` or ``body`` to ``store``, ``chunk`` at a time (they read back the same)."""
    for lo in range(0, len(articles), chunk):
        batch = [a for a in articles[lo: lo + chunk] if getattr(a, field) is not None]
        for a, ref in zip(batch, store.put_many([getattr(a, field) for a in batch])):
            setattr(a, field, ref)


def read_spilling(articles: Iterable[Article], chunk: int = 10_000) -> tuple[list[Article], TextSpill | None]:
    """All ``articles`` in a list; from the :data:`SPILL_MIN`-th on, their texts moved to a
    :class:`TextSpill` ``chunk`` articles at a time as they come (and the store, else None),
    so a large corpus's texts are never all in memory (2.6 GB at a million articles).

    >>> articles, store = read_spilling(Article(id=str(k), text="Some text.") for k in range(3))
    >>> len(articles), store is None, articles[2].text
    (3, True, 'Some text.')
    """
    out: list[Article] = []
    store: TextSpill | None = None
    done = 0  # articles whose text is in the store
    for a in articles:
        out.append(a)
        if len(out) >= SPILL_MIN and len(out) - done >= (chunk if store is not None else 1):
            store = store if store is not None else TextSpill()
            _spill(out[done:], "text", store, chunk)
            done = len(out)
    if store is not None:
        _spill(out[done:], "text", store, chunk)
        release_memory()
    return out, store


def scan(paths: Iterable[str], progress: bool = False, params: Params = DEFAULT, **read_options: Any) -> Report:
    """Read articles from files, directories or ``-`` (JSONL on stdin) and scan them;
    ``read_options`` go to :func:`dedup.ingest.read_articles` (``max_article_bytes``, ``follow_links``)."""
    from dedup.ingest import iter_articles

    t0 = time.perf_counter()
    problems: list[Problem] = []
    articles, store = read_spilling(iter_articles(paths, problems, **read_options))
    read, read_peak = time.perf_counter() - t0, peak_memory_mib()
    with frozen_gc():
        report = _scan_articles(articles, problems, progress, None, params, store)
    report.stats["timings"] = {"read": round(read, 3), **report.stats["timings"]}
    report.stats["peak_memory_mib"] = {"read": read_peak, **report.stats["peak_memory_mib"]}
    return report
