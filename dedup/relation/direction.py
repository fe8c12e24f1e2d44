"""Which article of a pair is the source, and why.

>>> from dedup.confirm import Comparison
>>> a = Article(id="a", text="", body="x " * 100, published="2023-12-11")
>>> b = Article(id="b", text="", body="x " * 40, published="2023-12-12")
>>> d = direction(a, b, Comparison(0, 1, coverage_a=0.2, coverage_b=0.9), Relation.DERIVED)
>>> d.source, d.reasons[0]
('a', 'a was published first (2023-12-11 vs 2023-12-12)')
"""

from __future__ import annotations

from dataclasses import dataclass

from dedup.clean.metadata import same_outlet
from dedup.confirm.measures import Comparison
from dedup.dates import format_published, has_time, published_day
from dedup.model import Article, Relation
from dedup.params import DEFAULT, Params
from dedup.relation.classify import truncated


@dataclass(slots=True, frozen=True)
class Direction:
    """The source of a pair (None: nothing tells), the reasons for it and those against."""

    source: str | None
    reasons: tuple[str, ...] = ()
    against: tuple[str, ...] = ()


def _credits(x: Article, y: Article) -> str | None:
    """The claim of ``x`` that names ``y``'s outlet or URL, if any."""
    outlets = [o for o in (y.publisher, *y.attribution) if o]
    for claim in x.attribution:
        if any(same_outlet(claim, o) for o in outlets):
            return claim
    if y.url and y.url in x.attribution_urls:
        return y.url
    return None


def _earlier(a: Article, b: Article) -> tuple[str, str] | None:
    """The vote of the publication dates: by the day as each publisher printed it; on one
    day, by the time when both give one (a date alone tells nothing within its day)."""
    if a.published is None or b.published is None:
        return None
    day_a, day_b = published_day(a.published), published_day(b.published)
    if day_a != day_b:
        (first, d1), (_, d2) = sorted(((a, day_a), (b, day_b)), key=lambda x: x[1])
        return first.id, f"{first.id} was published first ({d1.isoformat()} vs {d2.isoformat()})"
    if has_time(a.published) and has_time(b.published) and a.published != b.published:
        (first, t1), (_, t2) = sorted(((a, a.published), (b, b.published)), key=lambda x: x[1])
        return first.id, f"{first.id} was published first ({format_published(t1)} vs {format_published(t2)})"
    return None


def direction(a: Article, b: Article, c: Comparison, rel: Relation, params: Params = DEFAULT) -> Direction:
    """Which of ``a`` and ``b`` is the source, and why (strongest signal first): a credit
    naming the other's outlet, the earlier publication (:func:`_earlier`), one-way containment or
    coverage (``one_way``), the longer text."""
    votes: list[tuple[str, str]] = []  # (source id, reason)
    for x, y in ((a, b), (b, a)):
        claim = _credits(x, y)
        if claim and not same_outlet(claim, x.publisher or ""):
            votes.append((y.id, f"{x.id} credits {claim}, the outlet of {y.id}"))
    when = _earlier(a, b)
    if when:
        votes.append(when)
    cut = truncated(c, params) if rel == Relation.COPY else None
    if cut:
        inner, outer, share = (a, b, c.containment_ba) if cut[0] == "a" else (b, a, c.containment_ab)
        votes.append((outer.id, f"truncated: {inner.id} is the opening of {outer.id} cut short "
                                f"({share:.0%} of {outer.id}'s words)"))
    if rel == Relation.PARTIAL:
        # an excerpt cut from the other, or a piece the other embeds: the text cannot tell
        share_a = share_b = 0.0
        what = ""
    elif rel == Relation.COPY:
        share_a, share_b, what = c.containment_ab, c.containment_ba, "words in shared passages"
    else:
        share_a, share_b, what = c.coverage_a, c.coverage_b, "text in aligned sentences"
    if abs(share_a - share_b) >= params.one_way:
        inner, outer = (a, b) if share_a > share_b else (b, a)
        hi, lo = max(share_a, share_b), min(share_a, share_b)
        votes.append((outer.id, f"one-way: {hi:.0%} of {inner.id}'s {what} vs {lo:.0%} of {outer.id}'s"))
    la, lb = len(a.body or ""), len(b.body or "")
    if rel not in (Relation.DUPLICATE, Relation.PARTIAL) and min(la, lb) < 0.8 * max(la, lb):
        longer, shorter = (a, b) if la > lb else (b, a)
        votes.append((longer.id, f"{longer.id} is longer ({max(la, lb)} vs {min(la, lb)} characters)"))
    if not votes:
        why = "no signal tells which came first"
        if rel == Relation.PARTIAL:
            inner, outer, share = (a, b, c.containment_ab) if c.containment_ab >= c.containment_ba \
                else (b, a, c.containment_ba)
            why = (f"{share:.0%} of {inner.id}'s words are in passages shared with {outer.id}: an excerpt "
                   f"of it or a piece it embeds; no date or credit tells which")
        return Direction(None, (why,))
    source = votes[0][0]
    return Direction(source, tuple(r for s, r in votes if s == source), tuple(r for s, r in votes if s != source))
