r"""Self-contained HTML report: the stories drawn, then every pair, texts side by side.

One file that works offline, opened from disk: inline CSS, one inline script allowed
by its sha256 hash in a Content-Security-Policy that forbids every fetch, and the data
the script needs as JSON in a ``<script type="application/json">`` block. Article text,
ids and titles are untrusted: all of it goes through :func:`html.escape`, the JSON has
``<``, ``>`` and ``&`` escaped, and the script only ever sets ``textContent``.

Only derived-or-stronger pairs get their texts side by side (related pairs have no
passages to show, and a corpus has many); each pair sits in a closed ``<details>``,
which the browser does not lay out until it is opened.

>>> from dedup.article import Article
>>> from dedup.scan import scan_articles
>>> text = "The council approved the new budget on Monday after a long debate. " * 3
>>> page = render(scan_articles([Article(id="a<1>", text=text), Article(id="b", text=text)]))
>>> page.startswith("<!DOCTYPE html>"), "a&lt;1&gt;" in page, "a<1>" in page
(True, True, False)
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from html import escape
from importlib.resources import files

from dedup.article import Article
from dedup.relation import RELATIONS
from dedup.report import graph
from dedup.report import sections as s
from dedup.scan import Report

PALETTE = 10  # passage colours c0..c9 in html.css; passage k gets colour k % PALETTE

PAIR_SCORES = {  # key in pair["scores"] -> label; the rest are per article (PER_ARTICLE) or shown as named
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


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _asset(name: str) -> str:
    return files("dedup.report").joinpath(name).read_text(encoding="utf-8")


def json_for_script(obj: object) -> str:
    r"""JSON that cannot end its ``<script>`` block: ``<``, ``>`` and ``&`` as ``\uXXXX``.

    >>> print(json_for_script({"t": "</script><b>&"}))
    {"t": "\u003c/script\u003e\u003cb\u003e\u0026"}
    """
    text = json.dumps(obj, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def content_security_policy(script: str) -> str:
    """The page's policy: nothing is fetched, and only ``script`` (by its sha256) runs.

    >>> content_security_policy("")  # doctest: +ELLIPSIS
    "default-src 'none'; script-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; style-src 'unsafe-inline'; ..."
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


def segments(text: str, spans: Sequence[Sequence[int]]) -> list[tuple[int, int, tuple[int, ...]]]:
    """``text`` cut at every boundary of ``spans`` (which may overlap or nest).

    Each piece is ``(start, end, covering)``, ``covering`` the indices of the spans that
    contain it. Spans are clipped to the text; empty ones cover nothing.

    >>> segments("abcdef", [(1, 4), (3, 5)])
    [(0, 1, ()), (1, 3, (0,)), (3, 4, (0, 1)), (4, 5, (1,)), (5, 6, ())]
    """
    n = len(text)
    clipped = [(max(0, min(a, n)), max(0, min(b, n))) for a, b in spans]
    cuts = sorted({0, n, *(x for a, b in clipped if a < b for x in (a, b))})
    return [(start, end, tuple(k for k, (a, b) in enumerate(clipped) if a <= start and end <= b and a < b))
            for start, end in zip(cuts, cuts[1:])]


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
        piece = _e(text[start:end])
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


class _Index:
    """Look-ups the page needs: articles by id, their numbers, pairs by story."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.articles = {a.id: a for a in report.articles}
        self.number = {a.id: k for k, a in enumerate(report.articles)}
        self.titles = {a.id: a.title for a in report.articles}
        story_of = {}
        for n, c in enumerate(report.clusters):
            for m in [*c["members"], *c["related"]]:
                story_of.setdefault(m, set()).add(n)
        self.story_pairs: list[list[int]] = [[] for _ in report.clusters]
        for i, p in enumerate(report.pairs):
            for n in story_of.get(p["a"], set()) & story_of.get(p["b"], set()):
                c = report.clusters[n]
                if p["a"] in c["members"] or p["b"] in c["members"]:
                    self.story_pairs[n].append(i)


# --- the page -------------------------------------------------------------------------


def render(report: Report) -> str:
    """The whole report as one HTML page (see the module docstring)."""
    index = _Index(report)
    script = _asset("html.js")
    data = {"articles": [[a.id, a.title] for a in report.articles], "related": lazy_bodies(report)}
    body = [
        graph.ARROW_DEFS,
        _header(report),
        _toolbar(report),
        '<main>',
        _stories(index),
        _pairs(index),
        _attribution(report),
        _removed(report),
        _problems(report),
        '</main>',
        f'<script type="application/json" id="dedup-data">{json_for_script(data)}</script>',
        f"<script>{script}</script>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_e(content_security_policy(script))}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>dedup report: {_e(s.summary(report))}</title>\n"
        f"<style>{_asset('html.css')}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _header(report: Report) -> str:
    counts = Counter(p["relation"] for p in report.pairs)
    derived = sum(counts[r] for r in RELATIONS if r != "related")
    tiles = [(len(report.articles), "articles"), (len(report.clusters), "stories"),
             (derived, "pairs where one derives from the other"), (counts["related"], "related pairs (same event)")]
    out = ['<header class="top"><h1>dedup report</h1><ul class="tiles">']
    out += [f'<li><b>{n:,}</b> {_e(label)}</li>' for n, label in tiles]
    out.append("</ul>")
    out.append(f'<p class="summary">{_e(s.summary(report))}.</p>')
    out.append('<p class="keys">Keys: <kbd>/</kbd> search · <kbd>j</kbd> <kbd>k</kbd> next / previous pair · '
               '<kbd>Enter</kbd> open or close · <kbd>Tab</kbd> every control; click a passage to find it on the other side.</p>')
    if report.command:
        out.append(f'<p class="cmd">Generated by <code>{_e(report.command)}</code>; '
                   "regenerate it with the same command.</p>")
    out.append("</header>")
    return "".join(out)


def _toolbar(report: Report) -> str:
    counts = Counter(p["relation"] for p in report.pairs)
    buttons = "".join(
        f'<button type="button" class="filter {r}" data-relation="{r}" aria-pressed="true"'
        f'{"" if counts[r] else " disabled"}>{r} <span class="n">{counts[r]:,}</span></button>'
        for r in RELATIONS)
    return (
        '<nav class="toolbar" aria-label="Find pairs">'
        '<input type="search" id="search" placeholder="Search article id or title" '
        'aria-label="Search pairs and stories by article id or title" autocomplete="off" spellcheck="false">'
        f'<div class="filters" role="group" aria-label="Relations shown">{buttons}</div>'
        f'<span id="shown" aria-live="polite">{len(report.pairs):,} of {len(report.pairs):,} pairs</span></nav>'
    )


# --- stories --------------------------------------------------------------------------


def _stories(index: _Index) -> str:
    clusters = index.report.clusters
    out = ['<section id="stories" aria-labelledby="stories-h"><h2 id="stories-h">Stories: who derives from whom</h2>']
    if not clusters:
        out.append('<p class="empty">No article derives from another.</p></section>')
        return "".join(out)
    out.append('<p class="lede">Each story starts at its original; the articles derived from it hang '
               "beneath, with the relation and the reason for the direction. Dashed grey: related articles "
               "(same event, written independently). Click an edge or “compare” for the texts side by side.</p>")
    out += [_story(n, c, index) for n, c in enumerate(clusters)]
    out.append("</section>")
    return "".join(out)


def _story(n: int, story: dict, index: _Index) -> str:
    pairs = index.report.pairs
    indices = index.story_pairs[n]
    relations = sorted({pairs[i]["relation"] for i in indices} - {"related"} | ({"related"} if story["related"] else set()))
    arts = " ".join(str(index.number[m]) for m in [*story["members"], *story["related"]] if m in index.number)
    root = story["root"]
    head = index.titles.get(root) or root
    derived = len(story["members"]) - 1
    meta = f"{derived} article{'s' if derived != 1 else ''} derived from the original"
    if story["related"]:
        meta += f", {len(story['related'])} related"
    tree = graph.story_tree(story, pairs, indices)
    return (
        f'<section class="story" id="s{n + 1}" data-articles="{arts}" data-relations="{" ".join(relations)}" '
        f'aria-labelledby="s{n + 1}-h">'
        f'<h3 id="s{n + 1}-h"><span class="story-n">Story {n + 1}</span> {_e(head)}</h3>'
        f'<p class="meta">{_e(meta)}</p>'
        f'<div class="graph-wrap">{graph.svg(story, pairs, indices, index.titles)}</div>'
        f'{_tree(tree, index)}{_same_event(story, indices, index)}</section>'
    )


def _tree(tree: list[graph.Node], index: _Index) -> str:
    children: dict[str | None, list[graph.Node]] = {}
    for node in tree[1:]:
        children.setdefault(node.parent, []).append(node)

    def item(node: graph.Node) -> str:
        out = [f"<li>{_tree_line(node, index)}"]
        if node.id in children:
            out.append('<ul>' + "".join(item(c) for c in children[node.id]) + "</ul>")
        out.append("</li>")
        return "".join(out)

    roots = [tree[0]] + children.get(None, [])
    return '<ul class="tree">' + "".join(item(r) for r in roots) + "</ul>"


def _tree_line(node: graph.Node, index: _Index) -> str:
    article = index.articles.get(node.id)
    ident = _article_label(node.id, article)
    if node.pair is None:
        return f'<span class="badge original">original</span> {ident}'
    p = index.report.pairs[node.pair]
    direction = "source unknown" if p["source"] not in (p["a"], p["b"]) else f"from {p['source']}"
    out = [f'<span class="badge {p["relation"]}">{p["relation"]}</span> {ident} '
           f'<span class="from">{_e(direction)}</span> <a class="compare" href="#p{node.pair}">compare</a>']
    out.append(_why(p))
    return "".join(out)


def _why(p: dict) -> str:
    out = []
    if p["reasons"]:
        out.append('<span class="why">' + "; ".join(_e(r) for r in p["reasons"]) + "</span>")
    if p["against"]:
        out.append('<span class="against">against: ' + "; ".join(_e(r) for r in p["against"]) + "</span>")
    return "".join(out)


def _article_label(article_id: str, article: Article | None) -> str:
    title = article.title if article else None
    out = f'<span class="id">{_e(article_id)}</span>'
    if title:
        out += f' <span class="title">{_e(title)}</span>'
    return out


def _same_event(story: dict, indices: list[int], index: _Index) -> str:
    if not story["related"]:
        return ""
    links = graph.related_links(story, index.report.pairs, indices)
    items = [f'<a href="#p{links[r]}">{_e(r)}</a>' if r in links else _e(r) for r in story["related"]]
    return ('<p class="same-event"><span class="badge related">related</span> same event, written '
            f'independently: {", ".join(items)}</p>')


# --- pairs ----------------------------------------------------------------------------


def _pairs(index: _Index) -> str:
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


def _sides(p: dict) -> tuple[str, str]:
    """(left, right): the source on the left when known, else ``a``."""
    return (p["b"], p["a"]) if p["source"] == p["b"] else (p["a"], p["b"])


RELATED_NOTE = "Same subject, written independently: no passage aligned, so the texts are not shown side by side."


def _pair(i: int, p: dict, index: _Index) -> str:
    """The pair's summary line and, unless it is related (built by the script), its body."""
    left, right = _sides(p)
    known = p["source"] in (p["a"], p["b"])
    arrow = '<span class="arrow" title="derives into">\u2192</span>' if known else \
        '<span class="arrow" title="source unknown">~</span>'
    nums = [f"cosine {p['scores']['cosine']:.2f}"]
    if p["evidence"]:
        nums.append(f"{len(p['evidence'])} passage{'s' if len(p['evidence']) != 1 else ''}")
    if p["quotes"]:
        nums.append(f"{len(p['quotes'])} quote{'s' if len(p['quotes']) != 1 else ''}")
    titles = [t for t in (index.titles.get(left), index.titles.get(right)) if t]
    summary = (
        f'<summary><span class="badge {p["relation"]}">{p["relation"]}</span>'
        f'<span class="who"><span class="id">{_e(left)}</span>{arrow}<span class="id">{_e(right)}</span></span>'
        f'<span class="nums">{" · ".join(nums)}</span>'
        + (f'<span class="titles">{" — ".join(_e(t) for t in titles)}</span>' if titles else "")
        + "</summary>"
    )
    body = '<div class="body" data-lazy="1"></div>' if p["relation"] == "related" else \
        f'<div class="body">{_pair_body(p, left, right, index)}</div>'
    return (f'<details class="pair" id="p{i}" data-relation="{p["relation"]}" '
            f'data-a="{index.number.get(p["a"], -1)}" data-b="{index.number.get(p["b"], -1)}">{summary}{body}</details>')


def _pair_body(p: dict, left: str, right: str, index: _Index) -> str:
    if p["source"] in (p["a"], p["b"]):
        out = [f'<p class="why-block"><b>Why {_e(p["source"])} is the original:</b> {_why(p)}</p>']
    else:
        out = ['<p class="why-block"><b>Source unknown.</b> ' + _why(p) + "</p>"]
    out.append(_scores(p, left))
    out.append(_passage_chips(p))
    out.append('<div class="sides">' + _side(p, left, "left", index) + _side(p, right, "right", index) + "</div>")
    if p["quotes"]:
        out.append(_quotes(p, left))
    return "".join(out)


def score_rows(p: dict, left: str) -> tuple[list[list[str]], list[list[str]]]:
    """The pair's scores as text: ``[label, left, right]`` per article, ``[label, value]`` for the pair.

    >>> p = {"a": "x", "b": "y", "scores": {"cosine": 0.5, "coverage_a": 0.7, "coverage_b": 0.25}}
    >>> score_rows(p, "y")
    ([['text in aligned sentences', '25%', '70%']], [['TF-IDF cosine', '0.5']])
    """
    sc = p["scores"]
    order = (0, 1) if left == p["a"] else (1, 0)
    per_article = []
    for label, keys in PER_ARTICLE.items():
        if all(k in sc for k in keys):
            values = [sc[keys[j]] for j in order]
            per_article.append([label, *(f"{v:.0%}" if isinstance(v, float) else str(v) for v in values)])
    used = {k for keys in PER_ARTICLE.values() for k in keys}
    return per_article, [[PAIR_SCORES.get(k, k), str(v)] for k, v in sc.items() if k not in used]


def _scores(p: dict, left: str) -> str:
    """The measures of each article (a table, left and right) and those of the pair (a list)."""
    right = p["b"] if left == p["a"] else p["a"]
    per_article, pair = score_rows(p, left)
    head = (f'<tr><td></td><th scope="col" class="id">{_e(graph.short(left))}</th>'
            f'<th scope="col" class="id">{_e(graph.short(right))}</th></tr>')
    rows = "".join(f'<tr><th scope="row">{_e(label)}</th><td>{_e(x)}</td><td>{_e(y)}</td></tr>'
                   for label, x, y in per_article)
    table = f'<table class="per-article">{head}{rows}</table>' if per_article else ""
    items = "".join(f"<div><dt>{_e(label)}</dt><dd>{_e(v)}</dd></div>" for label, v in pair)
    return f'<div class="scores">{table}<dl>{items}</dl></div>'


def lazy_bodies(report: Report) -> dict:
    """What the script needs to build related pairs' bodies when opened: labels once, then per pair
    ``[per-article rows, pair rows, quotes]`` with labels as indices (see :func:`score_rows`)."""
    labels: dict[str, int] = {}
    bodies = {}
    for i, p in enumerate(report.pairs):
        if p["relation"] != "related":
            continue
        left, _ = _sides(p)
        per_article, pair = score_rows(p, left)
        key = "a" if left == p["a"] else "b"
        bodies[str(i)] = [[[labels.setdefault(r[0], len(labels)), *r[1:]] for r in per_article],
                          [[labels.setdefault(r[0], len(labels)), *r[1:]] for r in pair],
                          [q[key] for q in p["quotes"]]]
    return {"labels": list(labels), "note": RELATED_NOTE, "pairs": bodies}


def _passage_chips(p: dict) -> str:
    if not p["evidence"]:
        return ""
    chips = []
    for k, ev in enumerate(p["evidence"]):
        kind = "verbatim" if ev["kind"] == "verbatim" else f"{ev['kind']} {ev['similarity']:.2f}"
        chips.append(f'<button type="button" class="passage hl {"v" if ev["kind"] == "verbatim" else "para"} '
                     f'c{k % PALETTE}" data-k="{k}" title="show passage {k + 1} on both sides">'
                     f'<b>{k + 1}</b> {_e(kind)}</button>')
    return '<div class="passages" role="group" aria-label="Aligned passages">' + "".join(chips) + "</div>"


def _side(p: dict, article_id: str, where: str, index: _Index) -> str:
    article = index.articles.get(article_id)
    key = "a_span" if article_id == p["a"] else "b_span"
    known = p["source"] in (p["a"], p["b"])
    role = ("original" if article_id == p["source"] else "derived") if known else ("a" if key == "a_span" else "b")
    text = article.text if article else ""
    marked = mark(text, [e[key] for e in p["evidence"]], [e["kind"] for e in p["evidence"]],
                  [q[key] for q in p["quotes"]], removed_spans(article) if article else [])
    meta = [x for x in (article.published, article.publisher, article.byline) if x] if article else []
    words = len((article.body or "").split()) if article else 0
    meta.append(f"{words:,} words")
    title = f'<div class="title">{_e(article.title)}</div>' if article and article.title else ""
    return (
        f'<div class="side {where}"><div class="side-head"><span class="badge role-{role}">{role}</span> '
        f'<span class="id">{_e(article_id)}</span>{title}<div class="meta">{_e(" · ".join(meta))}</div></div>'
        f'<div class="text" tabindex="0" role="region" aria-label="text of {_e(article_id)}">{marked}</div>'
        f"{_removed_lines(article)}</div>"
    )


def _removed_lines(article: Article | None) -> str:
    if not article or not article.removed:
        return '<p class="removed none">No boilerplate removed.</p>'
    items = "".join(f"<li>{_e(r)}</li>" for r in article.removed)
    n = len(article.removed)
    return (f'<details class="removed"><summary>Boilerplate removed before comparing: {n} line'
            f'{"s" if n != 1 else ""}</summary><ul>{items}</ul></details>')


def _quotes(p: dict, left: str) -> str:
    key = "a" if left == p["a"] else "b"
    items = "".join(f"<li>“{_e(q[key])}”</li>" for q in p["quotes"])
    return f'<div class="quotes"><h4>Shared quotations</h4><ul>{items}</ul></div>'


# --- the rest -------------------------------------------------------------------------


def _table(rows: list[list[str]], headers: list[str]) -> str:
    head = "".join(f"<th scope=\"col\">{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def _attribution(report: Report) -> str:
    rows = s.attribution_rows(report)
    if not rows:
        return ""
    return ('<section id="attribution" aria-labelledby="attribution-h"><h2 id="attribution-h">Attribution claims</h2>'
            + _table(rows, ["article", "credits", "status", "note"]) + "</section>")


def _removed(report: Report) -> str:
    with_removed = [a for a in report.articles if a.removed]
    if not with_removed:
        return ""
    rows = [[a.id, str(len(a.removed)), "\n".join(a.removed)] for a in with_removed]
    return ('<section id="removed" aria-labelledby="removed-h"><h2 id="removed-h">Removed boilerplate</h2>'
            f'<details><summary>{len(with_removed):,} article{"s" if len(with_removed) != 1 else ""} had lines '
            'removed before comparing (navigation, tickers, ads, metadata)</summary>'
            + _table(rows, ["article", "lines", "removed"]) + "</details></section>")


def _problems(report: Report) -> str:
    lines = s.problem_lines(report)
    if not lines:
        return ""
    items = "".join(f"<li>{_e(x)}</li>" for x in lines)
    return f'<section id="problems" aria-labelledby="problems-h"><h2 id="problems-h">Input problems</h2><ul>{items}</ul></section>'
