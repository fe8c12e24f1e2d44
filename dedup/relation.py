"""Relation, direction and clusters from the measurements of a pair.

Relations, strongest first (see README, "Relations"):

* **duplicate**: the same words after normalisation.
* **copy**: most of each text is inside passages shared verbatim with the other.
* **partial**: a substantial verbatim passage is shared, the rest differs.
* **derived**: sentences align with the other's in the same order and cover a good
  share of one text, while the words differ (rewrites, digests, summaries).
* **related**: same subject (TF-IDF cosine) without a derivation: same event,
  written independently.

>>> from dedup.confirm import Comparison
>>> relation(Comparison(0, 1, cosine=0.43, aligned=16, matched=16, coverage_a=0.73, coverage_b=0.3,
...                    similarity=0.5))
'derived'
>>> relation(Comparison(0, 1, cosine=0.33, aligned=3, matched=4, coverage_a=0.14, coverage_b=0.03))
'related'
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from dedup.article import Article
from dedup.confirm import Comparison
from dedup.metadata import outlet_lookup_keys, same_outlet

RELATIONS = ("duplicate", "copy", "partial", "derived", "related")
STRENGTH = {r: len(RELATIONS) - k for k, r in enumerate(RELATIONS)}  # duplicate=5 ... related=1
DERIVED_OR_STRONGER = frozenset(RELATIONS[:4])

COPY_BOTH = 0.8  # both texts this much inside shared passages: copy
COPY_TRUNCATED = (0.9, 0.5)  # or one this much and the other at least this much
PARTIAL_RUN = (20, 40)  # words in a shared verbatim passage: with PARTIAL_MIN_SHARE, or alone
PARTIAL_MIN_SHARE = 0.1  # share of one text in shared passages that makes a 20-word run substantial
PARTIAL_SHARE = 0.5  # or this share of one text inside shorter shared passages
DERIVED_ALIGNED = 3  # aligned sentences, at least
DERIVED_COVERAGE = 0.4  # of the derived text's sentences (by length)
DERIVED_SIMILARITY = 0.45  # mean cosine of the aligned sentences...
DERIVED_FULL_COVERAGE = 0.6  # ...unless they cover this much
DERIVED_COSINE = 0.3
DERIVED_ORDER = 0.6  # share of matched sentences in order
DERIVED_REUSE = 0.3  # or this share of one text in short shared word runs (light revision)
RELATED_COSINE = 0.2
ONE_WAY = 0.15  # difference in coverage that tells which text was built from the other
CLAIM_NAMES = 5  # articles of the claimed outlet named in an unmatched claim's note


def relation(c: Comparison, same_words: bool = False) -> str | None:
    """The relation of a compared pair, or None when they are unrelated."""
    lo, hi = sorted((c.containment_ab, c.containment_ba))
    if same_words:
        return "duplicate"
    if lo >= COPY_BOTH or (hi >= COPY_TRUNCATED[0] and lo >= COPY_TRUNCATED[1]):
        return "copy"
    if (c.longest_run >= PARTIAL_RUN[1] or hi >= PARTIAL_SHARE
            or (c.longest_run >= PARTIAL_RUN[0] and hi >= PARTIAL_MIN_SHARE)):
        return "partial"
    coverage = max(c.coverage_a, c.coverage_b)
    aligned = (c.aligned >= DERIVED_ALIGNED and coverage >= DERIVED_COVERAGE and c.order >= DERIVED_ORDER
               and (c.similarity >= DERIVED_SIMILARITY or coverage >= DERIVED_FULL_COVERAGE))
    if c.cosine >= DERIVED_COSINE and (hi >= DERIVED_REUSE or aligned):
        return "derived"
    if c.cosine >= RELATED_COSINE:
        return "related"
    return None


@dataclass(slots=True)
class Direction:
    source: str | None
    reasons: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)


def _credits(x: Article, y: Article) -> str | None:
    """The claim of ``x`` that names ``y``'s outlet or URL, if any."""
    outlets = [o for o in (y.publisher, *y.attribution) if o]
    for claim in x.attribution:
        if any(same_outlet(claim, o) for o in outlets):
            return claim
    if y.url and y.url in x.attribution_urls:
        return y.url
    return None


def direction(a: Article, b: Article, c: Comparison, rel: str) -> Direction:
    """Which of ``a`` and ``b`` is the source, and why (strongest signal first)."""
    votes: list[tuple[str, str]] = []  # (source id, reason)
    for x, y in ((a, b), (b, a)):
        claim = _credits(x, y)
        if claim and not same_outlet(claim, x.publisher or ""):
            votes.append((y.id, f"{x.id} credits {claim}, the outlet of {y.id}"))
    if a.published and b.published and a.published != b.published:
        first, later = (a, b) if a.published < b.published else (b, a)
        votes.append((first.id, f"{first.id} was published first ({first.published} vs {later.published})"))
    if rel == "partial":
        # an excerpt cut from the other, or a piece the other embeds: the text cannot tell
        share_a = share_b = 0.0
        what = ""
    elif rel == "copy":
        share_a, share_b, what = c.containment_ab, c.containment_ba, "words in shared passages"
    else:
        share_a, share_b, what = c.coverage_a, c.coverage_b, "text in aligned sentences"
    if abs(share_a - share_b) >= ONE_WAY:
        inner, outer = (a, b) if share_a > share_b else (b, a)
        hi, lo = max(share_a, share_b), min(share_a, share_b)
        votes.append((outer.id, f"one-way: {hi:.0%} of {inner.id}'s {what} vs {lo:.0%} of {outer.id}'s"))
    la, lb = len(a.body or ""), len(b.body or "")
    if rel not in ("duplicate", "partial") and min(la, lb) < 0.8 * max(la, lb):
        longer, shorter = (a, b) if la > lb else (b, a)
        votes.append((longer.id, f"{longer.id} is longer ({max(la, lb)} vs {min(la, lb)} characters)"))
    if not votes:
        why = "no signal tells which came first"
        if rel == "partial":
            inner, outer, share = (a, b, c.containment_ab) if c.containment_ab >= c.containment_ba \
                else (b, a, c.containment_ba)
            why = (f"{share:.0%} of {inner.id}'s words are in passages shared with {outer.id}: an excerpt "
                   f"of it or a piece it embeds; no date or credit tells which")
        return Direction(None, [why])
    source = votes[0][0]
    return Direction(source, [r for s, r in votes if s == source], [r for s, r in votes if s != source])


def clusters(ids: list[str], pairs: list[dict]) -> list[dict]:
    """Stories: articles linked by duplicate/copy/partial/derived, rooted at the original.

    The root is the article linked to the most others (everything else in the story
    shares text with the original); ties go to the one that derives from nothing.

    >>> clusters(["a", "b", "c", "d"], [
    ...     {"a": "a", "b": "b", "relation": "derived", "source": "b"},
    ...     {"a": "b", "b": "c", "relation": "copy", "source": "b"},
    ...     {"a": "a", "b": "d", "relation": "related", "source": None}])
    [{'root': 'b', 'members': ['a', 'b', 'c'], 'related': ['d']}]
    """
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    strong = [p for p in pairs if p["relation"] in DERIVED_OR_STRONGER]
    for p in strong:
        parent[find(p["a"])] = find(p["b"])
    group = {x: find(x) for p in strong for x in (p["a"], p["b"])}  # article -> its story
    members: dict[str, list[str]] = {}
    for i in ids:
        if i in group:
            members.setdefault(group[i], []).append(i)
    degree, derived_from, sources = Counter(), Counter(), Counter()
    for p in strong:
        degree[p["a"]] += 1
        degree[p["b"]] += 1
        if p.get("source"):
            derived_from[p["b"] if p["source"] == p["a"] else p["a"]] += 1
            sources[p["source"]] += 1
    related: dict[str, set[str]] = {g: set() for g in members}
    for p in pairs:
        ga, gb = group.get(p["a"]), group.get(p["b"])
        if p["relation"] == "related" and ga != gb:
            if ga is not None:
                related[ga].add(p["b"])
            if gb is not None:
                related[gb].add(p["a"])
    out = []
    for g, story in members.items():
        # the original is what the most articles share text with; then what derives from nothing
        root = min(story, key=lambda x: (-degree[x], derived_from[x], -sources[x], x))
        out.append({"root": root, "members": sorted(story), "related": sorted(related[g])})
    return sorted(out, key=lambda c: (-len(c["members"]), c["root"]))


def orient_by_story(pairs: list[dict], stories: list[dict]) -> None:
    """Give undecided pairs the story's root as source, and name siblings, in place.

    A whole-text pair (duplicate, copy, derived) whose own signals could not tell the
    source, with the story's root on one side, gets the root as source; a pair of two
    articles that both derive from the root says so instead of guessing. Partial pairs
    are left undecided: the article sharing passages with many others may be the
    original they were cut from or a compilation of them.

    >>> pairs = [{"a": "x", "b": "r", "relation": "copy", "source": "r", "reasons": ["..."]},
    ...          {"a": "y", "b": "r", "relation": "derived", "source": None, "reasons": []},
    ...          {"a": "x", "b": "y", "relation": "partial", "source": None, "reasons": []}]
    >>> orient_by_story(pairs, [{"root": "r", "members": ["r", "x", "y"], "related": []}])
    >>> [(p["source"], p["reasons"][0]) for p in pairs[1:]]
    [('r', 'r is the original of its story (source in 1 other pair)'), (None, 'siblings: both derive from r')]
    """
    root_of = {m: c["root"] for c in stories for m in c["members"]}
    decided = {}
    for p in pairs:
        if p["relation"] in DERIVED_OR_STRONGER and p.get("source"):
            decided[p["source"]] = decided.get(p["source"], 0) + 1
    undecided = [p for p in pairs if p["relation"] in DERIVED_OR_STRONGER and not p.get("source")]
    for p in undecided:
        root = root_of.get(p["a"])
        if p["relation"] != "partial" and root in (p["a"], p["b"]):
            # (a hub of partial copies may be the compilation, not the original)
            p["source"] = root
            p["reasons"] = [f"{root} is the original of its story (source in {decided.get(root, 0)} other pair"
                            f"{'' if decided.get(root, 0) == 1 else 's'})"]
    from_root = {p["a"] if p["b"] == p["source"] else p["b"] for p in pairs
                 if p["relation"] in DERIVED_OR_STRONGER and p.get("source") == root_of.get(p["a"])}
    for p in undecided:
        if not p["source"] and p["a"] in from_root and p["b"] in from_root:
            p["reasons"] = [f"siblings: both derive from {root_of[p['a']]}"]


def claims_own_publisher(claim: str, publisher: str | None) -> bool:
    """Whether ``claim`` names the article's own publisher (status ``self``)."""
    return bool(publisher) and same_outlet(claim, publisher)


def of_outlet(claim: str, publisher: str | None, attribution: Iterable[str]) -> bool:
    """Whether an article (its publisher and claims) belongs to the outlet ``claim`` names."""
    return any(same_outlet(claim, o) for o in (publisher, *attribution) if o)


def claim_check(article_id: str, publisher: str | None, claim: str, outlet_size: int = 0,
                first_members: Sequence[str] = (), in_outlet: bool = False, hits: Sequence[str] = (),
                mine: Mapping[str, str] | None = None) -> dict:
    """The check of one attribution claim of an article (see :func:`check_attribution`).

    The outlet the claim names holds ``outlet_size`` articles of the corpus (see
    :func:`of_outlet`), the first ``CLAIM_NAMES + 1`` of which (all when fewer), in corpus
    order, are ``first_members``; ``in_outlet``: the article is one of them. ``hits``: the
    outlet's articles (the article itself excluded) paired with it by a relation in
    ``DERIVED_OR_STRONGER``, in corpus order; ``mine``: the relations of its pairs, by the
    other article's id (at least those with ``first_members``). None of these is read when
    the claim names the article's own publisher (:func:`claims_own_publisher`).

    >>> check = claim_check("a", None, "Reuters", 9, ["r0", "a", "r1", "r2", "r3", "r4"], True, [],
    ...                     {"r1": "related"})
    >>> check["status"], check["articles"]
    ('unmatched', ['r0', 'r1', 'r2', 'r3', 'r4'])
    >>> check["note"][-41:]
    'r3 (unrelated), r4 (unrelated) and 3 more'
    """
    if claims_own_publisher(claim, publisher):
        status, names, note = "self", [], f"names {article_id}'s own publisher: a republished original"
    elif hits:
        status, names, note = "matched", list(hits), "shares its text with " + ", ".join(hits)
    elif others := outlet_size - in_outlet:
        names = [n for n in first_members if n != article_id][:CLAIM_NAMES]
        mine = mine or {}
        rel = ", ".join(f"{n} ({mine.get(n, 'unrelated')})" for n in names)
        more = f" and {others - len(names)} more" if others > len(names) else ""
        status, note = "unmatched", f"the corpus's articles from {claim} do not match it: {rel}{more}"
    else:
        status, names, note = "not_in_corpus", [], f"no article from {claim} in the corpus"
    return {"claim": claim, "status": status, "articles": names, "note": note}


def check_attribution(articles: list[Article], pairs: list[dict]) -> dict[str, list[dict]]:
    """For each article's attribution claims: does the corpus hold the credited piece?

    Status ``matched`` (an article of that outlet shares history with this one),
    ``unmatched`` (the outlet's articles here do not), ``not_in_corpus`` (none here), or
    ``self`` (the claim names the article's own publisher: a republished original); each
    decided by :func:`claim_check` (as :mod:`dedup.spark.attribution` does on Spark).
    """
    linked: dict[str, dict[str, str]] = {}
    for p in pairs:
        linked.setdefault(p["a"], {})[p["b"]] = p["relation"]
        linked.setdefault(p["b"], {})[p["a"]] = p["relation"]
    by_outlet: dict[str, list[int]] = {}  # lookup key -> articles naming such an outlet
    for k, b in enumerate(articles):
        for key in {x for o in (b.publisher, *b.attribution) if o for x in outlet_lookup_keys(o)}:
            by_outlet.setdefault(key, []).append(k)
    # claim -> (ids of the articles from that outlet -> position, in order; the first CLAIM_NAMES + 1)
    outlets: dict[str, tuple[dict[str, int], list[str]]] = {}

    def outlet_articles(claim: str) -> tuple[dict[str, int], list[str]]:
        if claim not in outlets:
            near = sorted({k for key in outlet_lookup_keys(claim) for k in by_outlet.get(key, [])})
            members = {articles[k].id: k for k in near
                       if of_outlet(claim, articles[k].publisher, articles[k].attribution)}
            outlets[claim] = members, list(itertools.islice(members, CLAIM_NAMES + 1))
        return outlets[claim]

    out: dict[str, list[dict]] = {}
    for a in articles:
        for claim in a.attribution:
            if claims_own_publisher(claim, a.publisher):  # no need for the outlet
                check = claim_check(a.id, a.publisher, claim)
            else:
                outlet, first = outlet_articles(claim)
                mine = linked.get(a.id, {})
                if len(mine) < len(outlet):  # walk the shorter: the pairs, or the outlet's articles
                    hits = sorted((n for n, r in mine.items() if n in outlet and r in DERIVED_OR_STRONGER),
                                  key=outlet.__getitem__)
                else:
                    hits = [n for n in outlet if n != a.id and mine.get(n) in DERIVED_OR_STRONGER]
                check = claim_check(a.id, a.publisher, claim, len(outlet), first, a.id in outlet, hits, mine)
            out.setdefault(a.id, []).append(check)
    return out
