"""The pairs section of the HTML report: each pair a closed ``<details>`` with its scores
and, for derived-or-stronger pairs, both texts side by side, each shared passage marked in
the same colour on both sides (:func:`mark`); related pairs' bodies are built by the
page's script from :func:`lazy_bodies` when opened.

>>> from dedup.model import Relation
>>> why(Pair("a", "b", Relation.COPY, "a", ("b credits Reuters, the outlet of a",), ("b is <longer>",)))
'<span class="why">b credits Reuters, the outlet of a</span><span class="against">against: b is &lt;longer&gt;</span>'
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from dedup.dates import format_published
from dedup.model import Article, Pair, Report
from dedup.report import graph

PALETTE = 10  # passage colours c0..c9 in html.css; passage k gets colour k % PALETTE

PAIR_SCORES = {  # a field of Scores -> label; the rest are per article (PER_ARTICLE) or shown as named
    "cosine": "TF-IDF cosine",
    "jaccard": "shingle Jaccard",
    "longest_passage_words": "longest verbatim passage (words)",
    "aligned_sentences": "aligned sentences",
    "matched_sentences": "matched sentences",
    "in_order": "matched sentences in order",
    "aligned_similarity": "mean similarity, aligned sentences",
    "shared_quotes": "shared quotations",
}
PER_ARTICLE = {  # label -> (key for a, key for b)
    "words in shared verbatim passages": ("containment_ab", "containment_ba"),
    "text in aligned sentences": ("coverage_a", "coverage_b"),
    "sentences": ("sentences_a", "sentences_b"),
}


def e(x: object) -> str:
    return escape(str(x), quote=True)


def segments(text: str, spans: Sequence[Sequence[int]]) -> list[tuple[int, int, tuple[int, ...]]]:
    """``text`` cut at every boundary of ``spans`` (which may overlap or nest).

    Each piece is ``(start, end, covering)``, ``covering`` the indices of the spans that
    contain it. Spans are clipped to the text; empty ones cover nothing.

    >>> segments("abcdef", [(1, 4), (3, 5)])
    [(0, 1, ()), (1, 3, (0,)), (3, 4, (0, 1)), (4, 5, (1,)), (5, 6, ())]
    """
    n = len(text)
    clipped = [(max(0, min(a, n)), max(0, min(b, n))) for a, b in spans]
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for k, (a, b) in enumerate(clipped):
        if a < b:
            opening.setdefault(a, []).append(k)
            closing.setdefault(b, []).append(k)
    cuts = sorted({0, n, *opening, *closing})
    out, covering = [], set()  # a sweep over the cuts: time linear in them, not in cuts times spans
    for start, end in zip(cuts, cuts[1:]):
        covering.difference_update(closing.get(start, ()))
        covering.update(opening.get(start, ()))
        out.append((start, end, tuple(sorted(covering))))
    return out


def removed_spans(article: Article) -> list[tuple[int, int]]:
    r"""Spans of ``article.text`` holding whole lines that cleaning removed (not in its body).

    >>> from dedup.clean import clean
    >>> a = clean(Article(id="x", text="Leave a Reply\nThe council met on Monday."))
    >>> [a.text[s:e] for s, e in removed_spans(a)]
    ['Leave a Reply']
    """
    kept = set(article.line_origins)
    out, start = [], 0
    for line in article.text.split("\n"):
        if line.strip() and start not in kept:
            out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def mark(text: str, passages: Sequence[Sequence[int]], kinds: Sequence[str],
         quotes: Sequence[Sequence[int]] = (), removed: Sequence[Sequence[int]] = ()) -> str:
    """``text`` escaped, each piece inside a passage, quotation or removed line in a ``<span>``.

    A piece takes the colour of the innermost passage covering it (``data-k``, class
    ``c<k>``; ``v`` verbatim, ``para`` paraphrase); ``data-p`` lists every passage
    covering it, ``data-n`` the numbers (from 1) of those starting there; ``q`` marks
    a shared quotation (``qs`` where one starts), ``rm`` a line removed as boilerplate.

    >>> mark("ab <c> d", [(0, 6)], ["verbatim"], [(3, 6)])
    '<span class="hl v c0" data-k="0" data-p="0" data-n="1">ab </span><span class="hl v c0 q qs" data-k="0" data-p="0">&lt;c&gt;</span> d'
    """
    n_passages, n_quotes = len(passages), len(quotes)
    starts = [p[0] for p in passages] + [q[0] for q in quotes]
    lengths = [p[1] - p[0] for p in passages]
    out = []
    for start, end, covering in segments(text, [*passages, *quotes, *removed]):
        piece = e(text[start:end])
        if not covering:
            out.append(piece)
            continue
        inside = [k for k in covering if k < n_passages]
        cls, attrs = [], ""
        if inside:
            k = min(inside, key=lambda j: (lengths[j], j))
            cls += ["hl", "v" if kinds[k] == "verbatim" else "para", f"c{k % PALETTE}"]
            attrs = f' data-k="{k}" data-p="{" ".join(map(str, inside))}"'
            numbers = [str(j + 1) for j in inside if starts[j] == start]
            if numbers:
                attrs += f' data-n="{" ".join(numbers)}"'
        quoted = [k for k in covering if n_passages <= k < n_passages + n_quotes]
        if quoted:
            cls.append("q")
            if any(starts[j] == start for j in quoted):
                cls.append("qs")
        if covering[-1] >= n_passages + n_quotes:
            cls.append("rm")
            attrs += ' title="removed before comparing"'
        out.append(f'<span class="{" ".join(cls)}"{attrs}>{piece}</span>')
    return "".join(out)


class PageIndex:
    """Look-ups the page needs: articles by id, their numbers, pairs by story."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.articles: dict[str, Article] = {a.id: a for a in report.articles}
        self.number: dict[str, int] = {a.id: k for k, a in enumerate(report.articles)}
        self.titles: dict[str, str | None] = {a.id: a.title for a in report.articles}
        story_of: dict[str, set[int]] = {}
        for n, c in enumerate(report.stories):
            for m in [*c.members, *c.related]:
                story_of.setdefault(m, set()).add(n)
        self.story_pairs: list[list[int]] = [[] for _ in report.stories]
        for i, p in enumerate(report.pairs):
            for n in story_of.get(p.a, set()) & story_of.get(p.b, set()):
                c = report.stories[n]
                if p.a in c.members or p.b in c.members:
                    self.story_pairs[n].append(i)


def pairs_section(index: PageIndex) -> str:
    """The page's Pairs section: each pair's card, strongest first."""
    pairs = index.report.pairs
    out = ['<section id="pairs" aria-labelledby="pairs-h"><h2 id="pairs-h">Pairs</h2>']
    if not pairs:
        out.append('<p class="empty">None.</p></section>')
        return "".join(out)
    out.append(
        '<p class="lede">Strongest first. Open a pair to read both texts side by side, the original on '
        'the left: passage <i>k</i> has the same colour and number on both sides; '
        '<span class="hl v c0">solid: verbatim</span>, <span class="hl para c1">dotted: paraphrase</span>, '
        '<span class="q qs">italic: a shared quotation</span>; <span class="rm">grey: boilerplate removed '
        'before comparing</span>.</p>'
        '<div class="pair-list">')
    out += [_pair(i, p, index) for i, p in enumerate(pairs)]
    out.append('</div><p id="none" class="empty" hidden>No pair matches.</p></section>')
    return "".join(out)


def why(p: Pair) -> str:
    out = []
    if p.reasons:
        out.append('<span class="why">' + "; ".join(e(r) for r in p.reasons) + "</span>")
    if p.against:
        out.append('<span class="against">against: ' + "; ".join(e(r) for r in p.against) + "</span>")
    return "".join(out)


def _sides(p: Pair) -> tuple[str, str]:
    """(left, right): the source on the left when known, else ``a``."""
    return (p.b, p.a) if p.source == p.b else (p.a, p.b)


RELATED_NOTE = "Same subject, written independently: no passage aligned, so the texts are not shown side by side."


def _pair(i: int, p: Pair, index: PageIndex) -> str:
    """The pair's summary line and, unless it is related (built by the script), its body."""
    left, right = _sides(p)
    known = p.source in (p.a, p.b)
    arrow = '<span class="arrow" title="derives into">\u2192</span>' if known else \
        '<span class="arrow" title="source unknown">~</span>'
    nums = [f"cosine {p.scores.cosine:.2f}"]
    if p.evidence:
        nums.append(f"{len(p.evidence)} passage{'s' if len(p.evidence) != 1 else ''}")
    if p.quotes:
        nums.append(f"{len(p.quotes)} quote{'s' if len(p.quotes) != 1 else ''}")
    titles = [t for t in (index.titles.get(left), index.titles.get(right)) if t]
    summary = (
        f'<summary><span class="badge {p.relation}">{p.relation}</span>'
        f'<span class="who"><span class="id">{e(left)}</span>{arrow}<span class="id">{e(right)}</span></span>'
        f'<span class="nums">{" · ".join(nums)}</span>'
        + (f'<span class="titles">{" — ".join(e(t) for t in titles)}</span>' if titles else "")
        + "</summary>"
    )
    body = '<div class="body" data-lazy="1"></div>' if p.relation == "related" else \
        f'<div class="body">{_pair_body(p, left, right, index)}</div>'
    return (f'<details class="pair" id="p{i}" data-relation="{p.relation}" '
            f'data-a="{index.number.get(p.a, -1)}" data-b="{index.number.get(p.b, -1)}">{summary}{body}</details>')


def _pair_body(p: Pair, left: str, right: str, index: PageIndex) -> str:
    if p.source in (p.a, p.b):
        out = [f'<p class="why-block"><b>Why {e(p.source)} is the original:</b> {why(p)}</p>']
    else:
        out = ['<p class="why-block"><b>Source unknown.</b> ' + why(p) + "</p>"]
    out.append(_scores(p, left))
    out.append(_passage_chips(p))
    out.append('<div class="sides">' + _side(p, left, "left", index) + _side(p, right, "right", index) + "</div>")
    if p.quotes:
        out.append(_quotes(p, left))
    return "".join(out)


def score_rows(p: Pair, left: str) -> tuple[list[list[str]], list[list[str]]]:
    """The pair's scores as text: ``[label, left, right]`` per article, ``[label, value]`` for the pair.

    >>> from dedup.model import Pair, Relation, Scores
    >>> p = Pair("x", "y", Relation.RELATED, scores=Scores(cosine=0.5, coverage_a=0.7, coverage_b=0.25))
    >>> per_article, pair = score_rows(p, "y")
    >>> per_article[1], pair[:2]
    (['text in aligned sentences', '25%', '70%'], [['TF-IDF cosine', '0.5'], ['shingle Jaccard', '0.0']])
    """
    sc = p.scores.to_dict()
    order = (0, 1) if left == p.a else (1, 0)
    per_article = []
    for label, keys in PER_ARTICLE.items():
        values = [sc[keys[j]] for j in order]
        per_article.append([label, *(f"{v:.0%}" if isinstance(v, float) else str(v) for v in values)])
    used = {k for keys in PER_ARTICLE.values() for k in keys}
    return per_article, [[PAIR_SCORES.get(k, k), str(v)] for k, v in sc.items() if k not in used]


def _scores(p: Pair, left: str) -> str:
    """The measures of each article (a table, left and right) and those of the pair (a list)."""
    right = p.b if left == p.a else p.a
    per_article, pair = score_rows(p, left)
    head = (f'<tr><td></td><th scope="col" class="id">{e(graph.short(left))}</th>'
            f'<th scope="col" class="id">{e(graph.short(right))}</th></tr>')
    rows = "".join(f'<tr><th scope="row">{e(label)}</th><td>{e(x)}</td><td>{e(y)}</td></tr>'
                   for label, x, y in per_article)
    table = f'<table class="per-article">{head}{rows}</table>' if per_article else ""
    items = "".join(f"<div><dt>{e(label)}</dt><dd>{e(v)}</dd></div>" for label, v in pair)
    return f'<div class="scores">{table}<dl>{items}</dl></div>'


def lazy_bodies(report: Report) -> dict[str, Any]:
    """What the script needs to build related pairs' bodies when opened: labels once, then per pair
    ``[per-article rows, pair rows, quotes]`` with labels as indices (see :func:`score_rows`)."""
    labels: dict[str, int] = {}
    bodies: dict[str, list[list[Any]]] = {}
    for i, p in enumerate(report.pairs):
        if p.relation != "related":
            continue
        left, _ = _sides(p)
        per_article, pair = score_rows(p, left)
        bodies[str(i)] = [[[labels.setdefault(r[0], len(labels)), *r[1:]] for r in per_article],
                          [[labels.setdefault(r[0], len(labels)), *r[1:]] for r in pair],
                          [q.a if left == p.a else q.b for q in p.quotes]]
    return {"labels": list(labels), "note": RELATED_NOTE, "pairs": bodies}


def _passage_chips(p: Pair) -> str:
    if not p.evidence:
        return ""
    chips = []
    for k, ev in enumerate(p.evidence):
        kind = "verbatim" if ev.kind == "verbatim" else f"{ev.kind} {ev.similarity:.2f}"
        chips.append(f'<button type="button" class="passage hl {"v" if ev.kind == "verbatim" else "para"} '
                     f'c{k % PALETTE}" data-k="{k}" title="show passage {k + 1} on both sides">'
                     f'<b>{k + 1}</b> {e(kind)}</button>')
    return '<div class="passages" role="group" aria-label="Aligned passages">' + "".join(chips) + "</div>"


def _side(p: Pair, article_id: str, where: str, index: PageIndex) -> str:
    article = index.articles.get(article_id)
    side_a = article_id == p.a
    known = p.source in (p.a, p.b)
    role = ("original" if article_id == p.source else "derived") if known else ("a" if side_a else "b")
    text = article.text if article else ""
    marked = mark(text, [e.a_span if side_a else e.b_span for e in p.evidence], [e.kind for e in p.evidence],
                  [q.a_span if side_a else q.b_span for q in p.quotes], removed_spans(article) if article else [])
    when = format_published(article.published) if article and article.published else None
    meta = [x for x in (when, article.publisher, article.byline) if x] if article else []
    words = len((article.body or "").split()) if article else 0
    meta.append(f"{words:,} words")
    title = f'<div class="title">{e(article.title)}</div>' if article and article.title else ""
    return (
        f'<div class="side {where}"><div class="side-head"><span class="badge role-{role}">{role}</span> '
        f'<span class="id">{e(article_id)}</span>{title}<div class="meta">{e(" · ".join(meta))}</div></div>'
        f'<div class="text" tabindex="0" role="region" aria-label="text of {e(article_id)}">{marked}</div>'
        f"{_removed_lines(article)}</div>"
    )


def _removed_lines(article: Article | None) -> str:
    if not article or not article.removed:
        return '<p class="removed none">No boilerplate removed.</p>'
    items = "".join(f"<li>{e(r)}</li>" for r in article.removed)
    n = len(article.removed)
    return (f'<details class="removed"><summary>Boilerplate removed before comparing: {n} line'
            f'{"s" if n != 1 else ""}</summary><ul>{items}</ul></details>')


def _quotes(p: Pair, left: str) -> str:
    items = "".join(f"<li>“{e(q.a if left == p.a else q.b)}”</li>" for q in p.quotes)
    return f'<div class="quotes"><h4>Shared quotations</h4><ul>{items}</ul></div>'


