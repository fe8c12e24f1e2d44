"""Articles made ready for the index: checked, cleaned and sketched, batch by batch, in
worker processes while the caller stores the batches before (:func:`prepared_batches`).

Cleaning and sketching take about as long as storing, so a bulk load that prepares the
next batches in forked workers while one writer inserts runs up to twice as fast on two
cores. The batches come back in order, each whole: a bad article raises (as
:func:`prepare` would) when its batch's turn comes, after the batches before it.

>>> from dedup import Article
>>> batches = [[Article(id=f"a{k}", text="The council met on Monday. " * 3)] for k in range(3)]
>>> [[(a.id, f.words.tolist()) for a, f in batch] for batch in prepared_batches(iter(batches), workers=2)]
[[('a0', [15])], [('a1', [15])], [('a2', [15])]]
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing as mp
from collections import deque
from collections.abc import Iterable, Iterator

from dedup.clean import clean
from dedup.model import Article
from dedup.parallel import default_workers
from dedup.params import DEFAULT, Params
from dedup.sketch.features import Features, featurize

Prepared = list[tuple[Article, Features]]


def prepare(articles: list[Article], params: Params = DEFAULT) -> Prepared:
    """Cleaned copies of the articles and their features (the caller's objects are left alone)."""
    for a in articles:
        validate(a)
    cleaned = [clean(a.copy()) for a in articles]
    if not cleaned:
        return []
    return list(zip(cleaned, featurize([a.body or "" for a in cleaned], params).split()))


def prepared_batches(batches: Iterator[list[Article]], params: Params = DEFAULT,
                     workers: int | None = None) -> Iterator[Prepared]:
    """:func:`prepare` of each batch, in order. With more than one batch and ``workers`` > 1
    (default: the CPUs this process may use), in that many forked worker processes, at
    most ``workers + 1`` batches ahead of the one the caller has; else in this process."""
    workers = default_workers() if workers is None else workers
    head = list(itertools.islice(batches, 2))
    if workers <= 1 or len(head) < 2 or "fork" not in mp.get_all_start_methods():
        for batch in itertools.chain(head, batches):
            yield prepare(batch, params)
        return
    with mp.get_context("fork").Pool(workers) as pool:
        waiting: deque = deque()
        for batch in itertools.chain(head, batches):
            waiting.append(pool.apply_async(prepare, (batch, params)))
            if len(waiting) > workers:
                yield waiting.popleft().get()
        while waiting:
            yield waiting.popleft().get()


def validate(a: object) -> None:
    """Raise TypeError or ValueError (naming the article) unless ``a`` is an Article the index can store."""
    if not isinstance(a, Article):
        raise TypeError(f"expected a dedup.Article, got {type(a).__name__}")
    if not isinstance(a.id, str) or not a.id:
        raise ValueError(f"{a.where}: an article needs a non-empty string id, got {a.id!r}")
    if not a.id.isascii() and any("\ud800" <= c <= "\udfff" for c in a.id):
        raise ValueError(f"{a.where}: the id {a.id!r} holds a lone surrogate (no character; UTF-8 cannot store it)")
    if not isinstance(a.text, str):
        raise ValueError(f"{a.where}: the text of article {a.id!r} must be a string, got {type(a.text).__name__}")
    if a.published is not None and not isinstance(a.published, dt.datetime):
        raise ValueError(f"{a.where}: 'published' must be a datetime, got {a.published!r}")


def batches_of(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch

