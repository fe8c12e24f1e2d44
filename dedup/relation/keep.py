"""What a deduplicated corpus keeps: one article per cluster, its original, naming the
articles it replaces.

A cluster is a connected group of articles linked by pairs whose relation is dropped
(default :data:`DROP`: duplicate and copy). Each cluster keeps one article:

1. the **chosen source**: the one article that is the source in some pair of the cluster
   and derives from none in it (the report's original);
2. else (no source, or several) the **earliest** published among those candidates (or,
   when there are none, among the members that derive from nothing in the cluster, else all);
3. else the **longest** (cleaned text: boilerplate does not count);
4. else the first in input order.

Every article in no dropped pair is kept, replacing nothing.

>>> from dedup.model import Article, Pair, Relation, Report
>>> arts = [Article(id=i, text="...") for i in ("a", "b", "c", "d")]
>>> pairs = [Pair("a", "b", Relation.COPY, source="b"), Pair("b", "c", Relation.DUPLICATE, source="b"),
...          Pair("a", "d", Relation.DERIVED, source="a")]
>>> kept(Report(arts, pairs, [], {}))
{'b': ['a', 'c'], 'd': []}
>>> kept(Report(arts, pairs, [], {}), drop=drop_relations("duplicate,copy,derived"))
{'b': ['a', 'c', 'd']}
>>> summary(4, {'b': ['a', 'c'], 'd': []})
'4 articles in, 2 kept, 2 dropped in 1 cluster'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from dedup.model import Article, Pair, Relation, Report

DROP = frozenset({Relation.DUPLICATE, Relation.COPY})  # the relations dropped unless told otherwise
_NEVER = dt.datetime.max.replace(tzinfo=dt.timezone.utc)  # sorts an article without a date last


def drop_relations(text: str) -> frozenset[Relation]:
    """The relations a comma-separated list names (``"duplicate,copy,partial"``); a name that
    is no relation is a ValueError that lists them.

    >>> sorted(drop_relations(" copy, Duplicate "), reverse=True)  # strongest first
    [<Relation.DUPLICATE: 'duplicate'>, <Relation.COPY: 'copy'>]
    >>> drop_relations("copy,same")
    Traceback (most recent call last):
    ValueError: 'same' is not a relation (one of duplicate, copy, partial, derived, related)
    """
    names = [name.strip().lower() for name in text.split(",") if name.strip()]
    if not names:
        raise ValueError("no relation named (one of " + ", ".join(r.value for r in Relation) + ")")
    return frozenset(Relation(name) for name in names)


def kept(report: Report, drop: Iterable[Relation | str] = DROP) -> dict[str, list[str]]:
    """Each article kept (in input order) with the ids of the articles it replaces (in input
    order; empty for an article in no cluster); the articles left out are dropped."""
    drop = frozenset(Relation(r) for r in drop)
    return keep_one_per_cluster(report.articles, [p for p in report.pairs if p.relation in drop])


def keep_one_per_cluster(articles: Sequence[Article], links: Sequence[Pair]) -> dict[str, list[str]]:
    """:func:`kept` over ``links``, the pairs that put their articles in one cluster."""
    order = {a.id: k for k, a in enumerate(articles)}
    replaced: dict[int, list[int]] = {}
    for keeper, members in _choose(articles, order, links):
        replaced[keeper] = [m for m in members if m != keeper]
    dropped = {m for ms in replaced.values() for m in ms}
    return {a.id: [articles[m].id for m in replaced.get(k, ())] for k, a in enumerate(articles) if k not in dropped}


def summary(articles: int, keep: Mapping[str, list[str]]) -> str:
    """``N articles in, K kept, D dropped in C clusters``, for the :func:`kept` of ``articles``."""
    clusters = sum(1 for replaced in keep.values() if replaced)
    return (f"{articles} article{'' if articles == 1 else 's'} in, {len(keep)} kept, {articles - len(keep)} "
            f"dropped in {clusters} cluster{'' if clusters == 1 else 's'}")


def _choose(articles: Sequence[Article], order: Mapping[str, int],
            links: Sequence[Pair]) -> Iterable[tuple[int, list[int]]]:
    """Each cluster of ``links`` as (the article kept, its members in input order), by position."""
    if not links:
        return
    a = np.fromiter((order[p.a] for p in links), np.int64, len(links))
    b = np.fromiter((order[p.b] for p in links), np.int64, len(links))
    graph = coo_matrix((np.ones(len(links), np.int8), (a, b)), shape=(len(articles), len(articles)))
    _, label = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for k in np.unique(np.concatenate([a, b])).tolist():  # sorted: input order
        members.setdefault(int(label[k]), []).append(k)
    pairs_of: dict[int, list[Pair]] = {}
    for p, k in zip(links, a.tolist()):
        pairs_of.setdefault(int(label[k]), []).append(p)
    for cluster, ks in members.items():
        yield _original(articles, order, ks, pairs_of[cluster]), ks


def _original(articles: Sequence[Article], order: Mapping[str, int], members: list[int], pairs: list[Pair]) -> int:
    """The member kept: the one source that derives from nothing in the cluster, else the
    earliest, longest, first of the candidates (see the module docstring)."""
    derived = {order[p.derived] for p in pairs if p.derived is not None}
    sources = {order[p.source] for p in pairs if p.derived is not None} - derived
    if len(sources) == 1:
        return next(iter(sources))
    pool = sorted(sources) or [m for m in members if m not in derived] or members

    def rank(k: int) -> tuple:
        article = articles[k]
        body = article.body if article.body is not None else article.text
        return article.published or _NEVER, -len(body), k

    return min(pool, key=rank)
