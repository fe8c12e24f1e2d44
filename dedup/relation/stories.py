"""Stories: the articles linked by derived-or-stronger pairs, rooted at the original,
and the pairs oriented by their story. A partial pair links two stories only when one of
its texts is mostly inside shared passages (:func:`joins_story`): a page quoting two
sentences of another story in its comments, or an article embedding a few paragraphs of
another, shares passages with it but is not a version of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

from dedup.model import Pair, Relation, Story
from dedup.params import DEFAULT, Params

if TYPE_CHECKING:
    from pyspark.sql import Column


@overload
def joins_story(relation: str, containment_ab: float, containment_ba: float, params: Params = DEFAULT) -> bool: ...
@overload
def joins_story(relation: Column, containment_ab: Column, containment_ba: Column, params: Params = DEFAULT
                ) -> Column: ...
def joins_story(relation: Any, containment_ab: Any, containment_ba: Any, params: Params = DEFAULT) -> Any:
    """Whether a derived-or-stronger pair puts its two articles in one story: any but a
    partial pair, and a partial one when ``story_partial_share`` of one text is shared.
    Works on plain values and on Spark columns alike (the local scan and the Spark job
    decide with this one expression).

    >>> joins_story("partial", 0.2, 0.6), joins_story("partial", 0.2, 0.1), joins_story("copy", 0.0, 0.0)
    (True, False, True)
    """
    share = params.story_partial_share
    return (relation != Relation.PARTIAL.value) | (containment_ab >= share) | (containment_ba >= share)


def clusters(ids: Sequence[str], pairs: Sequence[Pair], params: Params = DEFAULT) -> list[Story]:
    """Stories: articles linked by duplicate/copy/derived, and partial pairs that
    :func:`joins_story`, rooted at the original.

    The root is the article linked to the most others (everything else in the story
    shares text with the original); ties go to the one that derives from nothing.

    >>> clusters(["a", "b", "c", "d"], [Pair("a", "b", Relation.DERIVED, "b"), Pair("b", "c", Relation.COPY, "b"),
    ...                                 Pair("a", "d", Relation.RELATED)])
    [Story(root='b', members=('a', 'b', 'c'), related=('d',))]
    """
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    strong = [p for p in pairs if p.relation.derives
              and joins_story(p.relation.value, p.scores.containment_ab, p.scores.containment_ba, params)]
    for p in strong:
        parent[find(p.a)] = find(p.b)
    group = {x: find(x) for p in strong for x in (p.a, p.b)}  # article -> its story
    members: dict[str, list[str]] = {}
    for i in ids:
        if i in group:
            members.setdefault(group[i], []).append(i)
    degree: Counter[str] = Counter()
    derived_from: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for p in strong:
        degree[p.a] += 1
        degree[p.b] += 1
        if p.source:
            derived_from[p.b if p.source == p.a else p.a] += 1
            sources[p.source] += 1
    related: dict[str, set[str]] = {g: set() for g in members}
    for p in pairs:
        ga, gb = group.get(p.a), group.get(p.b)
        if p.relation == Relation.RELATED and ga != gb:
            if ga is not None:
                related[ga].add(p.b)
            if gb is not None:
                related[gb].add(p.a)
    out = []
    for g, story in members.items():
        # the original is what the most articles share text with; then what derives from nothing
        root = min(story, key=lambda x: (-degree[x], derived_from[x], -sources[x], x))
        out.append(Story(root, tuple(sorted(story)), tuple(sorted(related[g]))))
    return story_order(out)


def story_order(stories: Sequence[Story]) -> list[Story]:
    """Stories as reports list them: the largest first, then by root."""
    return sorted(stories, key=lambda c: (-len(c.members), c.root))


def orient_by_story(pairs: Sequence[Pair], stories: Sequence[Story]) -> list[Pair]:
    """``pairs`` with undecided ones given the story's root as source, and siblings named.

    A whole-text pair (duplicate, copy, derived) whose own signals could not tell the
    source, with the story's root on one side, gets the root as source; a pair of two
    articles that both derive from the root says so instead of guessing. Partial pairs
    are left undecided: the article sharing passages with many others may be the
    original they were cut from or a compilation of them.

    >>> pairs = [Pair("x", "r", Relation.COPY, "r", ("...",)), Pair("y", "r", Relation.DERIVED),
    ...          Pair("x", "y", Relation.PARTIAL)]
    >>> [(p.source, p.reasons) for p in orient_by_story(pairs, [Story("r", ("r", "x", "y"))])[1:]]
    [('r', ('r is the original of its story (source in 1 other pair)',)), (None, ('siblings: both derive from r',))]
    """
    out = list(pairs)
    root_of = {m: c.root for c in stories for m in c.members}
    decided: Counter[str] = Counter(p.source for p in pairs if p.relation.derives and p.source)
    undecided = [k for k, p in enumerate(pairs) if p.relation.derives and not p.source]
    for k in undecided:
        p = out[k]
        root = root_of.get(p.a)
        if p.relation != Relation.PARTIAL and root in (p.a, p.b):
            # (a hub of partial copies may be the compilation, not the original)
            n = decided[root]
            out[k] = p.amend(source=root, reasons=(f"{root} is the original of its story (source in {n} other "
                                                   f"pair{'' if n == 1 else 's'})",))
    from_root = {p.b if p.source == p.a else p.a for p in out if p.relation.derives and p.source == root_of.get(p.a)}
    for k in undecided:
        p = out[k]
        root = root_of.get(p.a)
        if not p.source and root is not None and root == root_of.get(p.b) and p.a in from_root and p.b in from_root:
            out[k] = p.amend(reasons=(f"siblings: both derive from {root}",))
    return out
