"""Per corpus: lines that recur across many otherwise unrelated articles (site footers,
promotions) are dropped.

>>> from dedup.model import Article
>>> footer = "Follow our coverage at example.net"
>>> arts = [Article(id=str(k), text="", body=f"Story number {k} here.\\n{footer}", line_origins=[0, 22])
...         for k in range(6)]
>>> drop_repeated_lines(arts); arts[0].body, arts[0].removed
('Story number 0 here.', ['repeated: Follow our coverage at example.net'])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import xxhash

from dedup.arrays import unique
from dedup.clean.rules import clean
from dedup.model import Article
from dedup.params import DEFAULT, Params


def _line_hash(line: str) -> int:
    return xxhash.xxh64_intdigest(line.lower().encode())


def line_hashes(body: str) -> np.ndarray:
    """The distinct hashes of the non-empty lines of a body (what :func:`drop_repeated_lines` counts)."""
    return unique(np.fromiter((_line_hash(x) for x in body.split("\n") if x), np.uint64))


def frequent_line(articles_carrying, params: Params = DEFAULT):
    """The first half of the rule: a line carried by ``repeat_min_docs`` articles or more.
    Works on numbers, NumPy arrays and Spark columns alike (the local scan and the Spark
    job decide with this one expression)."""
    return articles_carrying >= params.repeat_min_docs


def boilerplate_line(median_share, params: Params = DEFAULT):
    """The second half: a frequent line whose median carrier has at most ``repeat_max_shared``
    of its lines frequent ones (copies of one story share all their lines and keep them).
    Numbers, NumPy arrays or Spark columns, as :func:`frequent_line`."""
    return median_share <= params.repeat_max_shared


def drop_repeated_lines(articles: Sequence[Article], hashes: Sequence[np.ndarray] | None = None,
                        params: Params = DEFAULT) -> None:
    """Drop lines found in many articles that otherwise share little (footers, promos).

    A line counts as repeated when at least ``repeat_min_docs`` articles carry it
    (:func:`frequent_line`); it is dropped when, in the median article carrying it, at most
    ``repeat_max_shared`` of the
    lines are repeated ones: copies of one story share all their lines and keep them.
    ``hashes``: each article's :func:`line_hashes`, when already computed (in workers).
    """
    per_doc = [line_hashes(a.body or "") for a in articles] if hashes is None else hashes
    if not len(per_doc):
        return
    sizes = np.fromiter((h.size for h in per_doc), np.int64, len(per_doc))
    values, doc = np.concatenate(per_doc), np.repeat(np.arange(len(per_doc)), sizes)
    order = np.argsort(values, kind="stable")
    values, doc = values[order], doc[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if values.size else np.empty(0, np.int64)
    counts = np.diff(np.r_[starts, values.size])
    frequent = np.repeat(frequent_line(counts, params), counts)
    if not frequent.any():
        return
    shared = np.bincount(doc[frequent], minlength=len(per_doc)) / np.maximum(sizes, 1)
    # the median share among the articles carrying each frequent line
    f_values, f_shared = values[frequent], shared[doc[frequent]]
    order = np.lexsort((f_shared, f_values))
    f_values, f_shared = f_values[order], f_shared[order]
    g_start = np.flatnonzero(np.r_[True, f_values[1:] != f_values[:-1]])
    g_size = np.diff(np.r_[g_start, f_values.size])
    median = (f_shared[g_start + (g_size - 1) // 2] + f_shared[g_start + g_size // 2]) / 2
    boiler_hashes = f_values[g_start[boilerplate_line(median, params)]]
    if boiler_hashes.size == 0:
        return
    boiler = set(boiler_hashes.tolist())
    for d in unique(doc[np.isin(values, boiler_hashes)]).tolist():
        drop_lines(articles[d], boiler)


def drop_lines(article: Article, boiler: set[int]) -> None:
    """Drop the body lines whose :func:`line_hashes` value is in ``boiler``, in place (noted in ``removed``)."""
    lines = article.body.split("\n")
    keep = [i for i, x in enumerate(lines) if _line_hash(x) not in boiler]
    if len(keep) == len(lines):
        return
    kept = set(keep)
    article.removed.extend(f"repeated: {lines[i]}" for i in range(len(lines)) if i not in kept)
    article.body = "\n".join(lines[i] for i in keep)
    article.line_origins = [article.line_origins[i] for i in keep]


def clean_corpus(articles: Iterable[Article], params: Params = DEFAULT) -> list[Article]:
    """Clean every article, then drop corpus-wide repeated lines."""
    out = [clean(a) for a in articles]
    drop_repeated_lines(out, params=params)
    return out
