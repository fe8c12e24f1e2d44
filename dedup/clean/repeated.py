"""Per corpus: lines that recur across many otherwise unrelated articles (site footers,
promotions) are dropped.

>>> from dedup.model import Article
>>> footer = "Follow our coverage at example.net"
>>> story = "Story number {} here, and what happened in it, told in a few more words."
>>> arts = [Article(id=str(k), text="", body=f"{story.format(k)}\\n{footer}", line_origins=[0, 80])
...         for k in range(6)]
>>> drop_repeated_lines(arts); arts[0].removed
['repeated: Follow our coverage at example.net']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

import numpy as np
import xxhash

from dedup.arrays import unique
from dedup.clean.layout import PROSE_WORDS
from dedup.clean.rules import GAP_LINES, clean
from dedup.model import Article
from dedup.params import DEFAULT, Params

_Verdict = TypeVar("_Verdict", covariant=True)
_Result = TypeVar("_Result")


class _AtLeast(Protocol[_Verdict]):
    """What the rules compare: a number (giving a bool), a NumPy array (an array of bools)
    or a Spark column (a column)."""

    def __ge__(self, other: int, /) -> _Verdict: ...


class _AtMost(Protocol[_Verdict]):
    """As :class:`_AtLeast`, compared with a share."""

    def __le__(self, other: float, /) -> _Verdict: ...


def _line_hash(line: str) -> int:
    return xxhash.xxh64_intdigest(line.lower().encode("utf-8", "surrogatepass"))


def line_table(body: str) -> tuple[np.ndarray, np.ndarray]:
    """The distinct hashes of the non-empty lines of a body, sorted, and the characters of
    prose in the lines with each (what :func:`drop_repeated_lines` counts): lines of
    :data:`~dedup.clean.layout.PROSE_WORDS` words or more; shorter ones (headlines, links,
    navigation) count 0, so that a page's chrome does not dilute the article it carries.

    >>> h, chars = line_table("Footer\\nA story told in ten words or more, as prose is.\\nFooter")
    >>> sorted(chars.tolist())
    [0, 47]
    """
    lines = [x for x in body.split("\n") if x]
    hashes = np.fromiter((_line_hash(x) for x in lines), np.uint64, len(lines))
    values, inverse = np.unique(hashes, return_inverse=True)
    prose = np.fromiter((len(x) if len(x.split(None, PROSE_WORDS - 1)) >= PROSE_WORDS else 0 for x in lines),
                        np.int64, len(lines))
    chars = np.bincount(inverse.ravel(), weights=prose, minlength=values.size).astype(np.int64)
    return values, chars


def line_hashes(body: str) -> np.ndarray:
    """The distinct hashes of the non-empty lines of a body (:func:`line_table`'s first half)."""
    return line_table(body)[0]


def frequent_line(articles_carrying: _AtLeast[_Result], params: Params = DEFAULT) -> _Result:
    """The first half of the rule: a line carried by ``repeat_min_docs`` articles or more.
    Works on numbers, NumPy arrays and Spark columns alike (the local scan and the Spark
    job decide with this one expression)."""
    return articles_carrying >= params.repeat_min_docs


def carried_along(articles_carrying: _AtLeast[_Result], line_carriers: int | _AtLeast[_Result]) -> _Result:
    """Whether a line in ``articles_carrying`` articles is text that a carrier of a repeated
    line in ``line_carriers`` articles shares with the others (:func:`boilerplate_line`):
    another article carries it, and at least half as many articles as carry the repeated
    line. Copies of one story share their paragraphs with most of the story's other copies;
    a footer's carriers are other stories, sharing their text with a copy or two of their
    own at most. Numbers, NumPy arrays or Spark columns, as :func:`frequent_line`.

    >>> carried_along(4, 6), carried_along(2, 190), carried_along(1, 1)
    (True, False, False)
    """
    return (articles_carrying >= 2) & (articles_carrying * 2 >= line_carriers)


def boilerplate_line(median_share: _AtMost[_Result], params: Params = DEFAULT) -> _Result:
    """The second half: a frequent line whose median carrier has at most ``repeat_max_shared``
    of its text (in characters) in lines it shares with the line's other carriers
    (:func:`carried_along`): copies of one story share most of their text and keep it, whatever
    page chrome of many short lines surrounds each, and though only their opening is frequent
    (a story run whole on three sites and as a teaser on two: its later paragraphs are in four
    articles, its first in six). Numbers, NumPy arrays or Spark columns, as :func:`frequent_line`."""
    return median_share <= params.repeat_max_shared


def drop_repeated_lines(articles: Sequence[Article], tables: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
                        params: Params = DEFAULT) -> None:
    """Drop lines found in many articles that otherwise share little (footers, promos).

    A line counts as repeated when at least ``repeat_min_docs`` articles carry it
    (:func:`frequent_line`); it is dropped when, in the median article carrying it, at most
    ``repeat_max_shared`` of the prose (in characters, :func:`line_table`) is in lines shared
    with its other carriers (:func:`carried_along`): copies of one story share most of theirs and keep them
    (:func:`boilerplate_line`), even a teaser page of the headline and first paragraph amid
    links to other stories.
    ``tables``: each article's :func:`line_table`, when already computed (in workers).
    """
    per_doc = [line_table(a.body or "") for a in articles] if tables is None else tables
    if not len(per_doc):
        return
    sizes = np.fromiter((h.size for h, _ in per_doc), np.int64, len(per_doc))
    values, doc = np.concatenate([h for h, _ in per_doc]), np.repeat(np.arange(len(per_doc)), sizes)
    chars = np.concatenate([c for _, c in per_doc]).astype(np.float64)
    total = np.bincount(doc, weights=chars, minlength=len(per_doc))
    order = np.argsort(values, kind="stable")
    values, doc, chars = values[order], doc[order], chars[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if values.size else np.empty(0, np.int64)
    counts = np.diff(np.r_[starts, values.size])
    frequent = np.repeat(frequent_line(counts, params), counts)
    if not frequent.any():
        return
    # each carrier of a frequent line: the share of its prose in lines carried along with it
    f_values, f_shared = values[frequent], _shares_along(doc, np.repeat(counts, counts), chars, total, frequent)
    # the median share among the articles carrying each frequent line
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


def _shares_along(doc: np.ndarray, carriers: np.ndarray, chars: np.ndarray, total: np.ndarray, query: np.ndarray
                  ) -> np.ndarray:
    """For the lines ``query`` flags (rows of ``doc``, ``carriers``: articles carrying the
    line, ``chars``: its prose), the share of their article's prose (``total``) in lines
    :func:`carried_along` with them, by one sort of every line by article, most carried first."""
    top = np.int64(carriers.max(initial=0) + 1)
    key = doc.astype(np.int64) * top + (top - 1 - carriers)  # by article, then most carried first
    order = np.argsort(key, kind="stable")
    key, cum = key[order], np.r_[0.0, np.cumsum(chars[order])]
    d, n = doc[query].astype(np.int64), carriers[query]
    least = np.maximum(2, (n + 1) // 2)  # the fewest carriers a line along needs (carried_along)
    first = np.searchsorted(key, d * top)
    last = np.searchsorted(key, d * top + (top - 1 - least), side="right")
    return (cum[last] - cum[first]) / np.maximum(total[d], 1)


def drop_lines(article: Article, boiler: set[int]) -> None:
    """Drop the body lines whose :func:`line_hashes` value is in ``boiler``, in place (noted in
    ``removed``); an empty line stands where lines were dropped between two kept ones (see
    :func:`dedup.clean.rules.with_gaps`)."""
    lines = article.body.split("\n")
    keep = [i for i, x in enumerate(lines) if _line_hash(x) not in boiler]
    if len(keep) == len(lines):
        return
    kept = set(keep)
    article.removed.extend(f"repeated: {lines[i]}" for i in range(len(lines)) if i not in kept)
    origins: list[int] = []
    body: list[str] = []
    gap, gone = 0, 0  # since the last line kept: the origin of the first line gone, and how many went
    for i, line in enumerate(lines):
        if i not in kept or not line:  # removed now, or an empty line for lines removed before
            if body:
                gap = gap if gone else article.line_origins[i] - (1 if line else 0)
                gone += 1
            continue
        origins += [gap] * min(gone, GAP_LINES)
        body += [""] * min(gone, GAP_LINES)
        gone = 0
        origins.append(article.line_origins[i])
        body.append(line)
    article.body = "\n".join(body)
    article.line_origins = origins


def clean_corpus(articles: Iterable[Article], params: Params = DEFAULT) -> list[Article]:
    """Clean every article, then drop corpus-wide repeated lines."""
    out = [clean(a) for a in articles]
    drop_repeated_lines(out, params=params)
    return out
