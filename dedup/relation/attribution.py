"""Attribution claims checked against the corpus: does it hold the credited piece?"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence

from dedup.clean.metadata import outlet_lookup_keys, same_outlet
from dedup.model import Article, ClaimCheck, Pair, Relation
from dedup.params import DEFAULT, Params


def claims_own_publisher(claim: str, publisher: str | None) -> bool:
    """Whether ``claim`` names the article's own publisher (status ``self``)."""
    return bool(publisher) and same_outlet(claim, publisher)


def of_outlet(claim: str, publisher: str | None, attribution: Iterable[str]) -> bool:
    """Whether an article (its publisher and claims) belongs to the outlet ``claim`` names."""
    return any(same_outlet(claim, o) for o in (publisher, *attribution) if o)


def claim_check(article_id: str, publisher: str | None, claim: str, outlet_size: int = 0,
                first_members: Sequence[str] = (), in_outlet: bool = False, hits: Sequence[str] = (),
                mine: Mapping[str, str] | None = None, names: int = DEFAULT.claim_names) -> ClaimCheck:
    """The check of one attribution claim of an article (see :func:`check_attribution`).

    The outlet the claim names holds ``outlet_size`` articles of the corpus (see
    :func:`of_outlet`), the first ``names + 1`` of which (all when fewer), in corpus
    order, are ``first_members``; ``in_outlet``: the article is one of them. ``hits``: the
    outlet's articles (the article itself excluded) paired with it by a derived-or-stronger
    relation, in corpus order; ``mine``: the relations of its pairs, by the
    other article's id (at least those with ``first_members``). None of these is read when
    the claim names the article's own publisher (:func:`claims_own_publisher`).

    >>> check = claim_check("a", None, "Reuters", 9, ["r0", "a", "r1", "r2", "r3", "r4"], True, [],
    ...                     {"r1": "related"})
    >>> check.status, check.articles
    ('unmatched', ('r0', 'r1', 'r2', 'r3', 'r4'))
    >>> check.note[-41:]
    'r3 (unrelated), r4 (unrelated) and 3 more'
    """
    if claims_own_publisher(claim, publisher):
        status, named, note = "self", [], f"names {article_id}'s own publisher: a republished original"
    elif hits:
        status, named, note = "matched", list(hits), "shares its text with " + ", ".join(hits)
    elif others := outlet_size - in_outlet:
        named = [n for n in first_members if n != article_id][:names]
        mine = mine or {}
        rel = ", ".join(f"{n} ({mine.get(n, 'unrelated')})" for n in named)
        more = f" and {others - len(named)} more" if others > len(named) else ""
        status, note = "unmatched", f"the corpus's articles from {claim} do not match it: {rel}{more}"
    else:
        status, named, note = "not_in_corpus", [], f"no article from {claim} in the corpus"
    return ClaimCheck(claim, status, tuple(named), note)


def check_attribution(articles: Sequence[Article], pairs: Sequence[Pair], params: Params = DEFAULT
                      ) -> dict[str, list[ClaimCheck]]:
    """For each article's attribution claims: does the corpus hold the credited piece?

    Status ``matched`` (an article of that outlet shares history with this one),
    ``unmatched`` (the outlet's articles here do not), ``not_in_corpus`` (none here), or
    ``self`` (the claim names the article's own publisher: a republished original); each
    decided by :func:`claim_check` (as :mod:`dedup.spark.attribution` does on Spark).
    """
    linked: dict[str, dict[str, Relation]] = {}
    for p in pairs:
        linked.setdefault(p.a, {})[p.b] = p.relation
        linked.setdefault(p.b, {})[p.a] = p.relation
    by_outlet: dict[str, list[int]] = {}  # lookup key -> articles naming such an outlet
    for k, b in enumerate(articles):
        for key in {x for o in (b.publisher, *b.attribution) if o for x in outlet_lookup_keys(o)}:
            by_outlet.setdefault(key, []).append(k)
    # claim -> (ids of the articles from that outlet -> position, in order; the first claim_names + 1)
    outlets: dict[str, tuple[dict[str, int], list[str]]] = {}

    def outlet_articles(claim: str) -> tuple[dict[str, int], list[str]]:
        if claim not in outlets:
            near = sorted({k for key in outlet_lookup_keys(claim) for k in by_outlet.get(key, [])})
            members = {articles[k].id: k for k in near
                       if of_outlet(claim, articles[k].publisher, articles[k].attribution)}
            outlets[claim] = members, list(itertools.islice(members, params.claim_names + 1))
        return outlets[claim]

    out: dict[str, list[ClaimCheck]] = {}
    for a in articles:
        for claim in a.attribution:
            if claims_own_publisher(claim, a.publisher):  # no need for the outlet
                check = claim_check(a.id, a.publisher, claim, names=params.claim_names)
            else:
                outlet, first = outlet_articles(claim)
                mine = linked.get(a.id, {})
                if len(mine) < len(outlet):  # walk the shorter: the pairs, or the outlet's articles
                    hits = sorted((n for n, r in mine.items() if n in outlet and r.derives), key=outlet.__getitem__)
                else:
                    hits = [n for n in outlet if n != a.id and n in mine and mine[n].derives]
                check = claim_check(a.id, a.publisher, claim, len(outlet), first, a.id in outlet, hits, mine,
                                    params.claim_names)
            out.setdefault(a.id, []).append(check)
    return out
