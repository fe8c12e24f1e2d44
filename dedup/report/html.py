r"""Self-contained HTML report: the stories drawn, then every pair, texts side by side.

One file that works offline, opened from disk: inline CSS, one inline script allowed
by its sha256 hash in a Content-Security-Policy that forbids every fetch, and the data
the script needs as JSON in a ``<script type="application/json">`` block. Article text,
ids and titles are untrusted: all of it goes through :func:`html.escape`, the JSON has
``<``, ``>`` and ``&`` escaped, and the script only ever sets ``textContent``. A file name's
bytes that are not UTF-8 and control characters show as ``\xNN``.

Only derived-or-stronger pairs get their texts side by side (related pairs have no
passages to show, and a corpus has many); each pair sits in a closed ``<details>``,
which the browser does not lay out until it is opened.

>>> from dedup.model import Article
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
from importlib.resources import files

from dedup.model import Article, Relation, Report, Story
from dedup.report import graph
from dedup.report import sections as s
from dedup.report.escape import escaped, json_text
from dedup.report.html_pairs import PALETTE, PageIndex, e, lazy_bodies, mark, pairs_section, segments, why

__all__ = ["PALETTE", "content_security_policy", "json_for_script", "mark", "render", "segments"]


def _asset(name: str) -> str:
    return files("dedup.report").joinpath(name).read_text(encoding="utf-8")


def json_for_script(obj: object) -> str:
    r"""JSON that cannot end its ``<script>`` block: ``<``, ``>`` and ``&`` as ``\uXXXX``.

    >>> print(json_for_script({"t": "</script><b>&"}))
    {"t": "\u003c/script\u003e\u003cb\u003e\u0026"}
    """
    text = json_text(json.dumps(obj, ensure_ascii=False))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def content_security_policy(script: str) -> str:
    """The page's policy: nothing is fetched, and only ``script`` (by its sha256) runs.

    >>> content_security_policy("")  # doctest: +ELLIPSIS
    "default-src 'none'; script-src 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; style-src 'unsafe-inline'; ..."
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


# --- the page -------------------------------------------------------------------------


def render(report: Report) -> str:
    """The whole report as one HTML page (see the module docstring)."""
    index = PageIndex(report)
    script = _asset("html.js")
    data = {"articles": [[a.id, a.title] for a in report.articles], "related": lazy_bodies(report)}
    body = [
        graph.ARROW_DEFS,
        _header(report),
        _toolbar(report),
        '<main>',
        _stories(index),
        pairs_section(index),
        _attribution(report),
        _removed(report),
        _problems(report),
        '</main>',
        f'<script type="application/json" id="dedup-data">{json_for_script(data)}</script>',
        f"<script>{script}</script>",
    ]
    return escaped(  # undecodable bytes and control characters as \xNN (in the JSON above already)
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{e(content_security_policy(script))}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>dedup report: {e(s.summary(report))}</title>\n"
        f"<style>{_asset('html.css')}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n",
        controls=True)


def _header(report: Report) -> str:
    counts = Counter(p.relation for p in report.pairs)
    derived = sum(counts[r] for r in Relation if r.derives)
    tiles = [(len(report.articles), "articles"), (len(report.stories), "stories"),
             (derived, "pairs where one derives from the other"), (counts["related"], "related pairs (same event)")]
    out = ['<header class="top"><h1>dedup report</h1><ul class="tiles">']
    out += [f'<li><b>{n:,}</b> {e(label)}</li>' for n, label in tiles]
    out.append("</ul>")
    out.append(f'<p class="summary">{e(s.summary(report))}.</p>')
    out.append('<p class="keys">Keys: <kbd>/</kbd> search · <kbd>j</kbd> <kbd>k</kbd> next / previous pair · '
               '<kbd>Enter</kbd> open or close · <kbd>Tab</kbd> every control; click a passage to find it on the other side.</p>')
    if report.command:
        out.append(f'<p class="cmd">Generated by <code>{e(report.command)}</code>; '
                   "regenerate it with the same command.</p>")
    out.append("</header>")
    return "".join(out)


def _toolbar(report: Report) -> str:
    counts = Counter(p.relation for p in report.pairs)
    buttons = "".join(
        f'<button type="button" class="filter {r}" data-relation="{r}" aria-pressed="true"'
        f'{"" if counts[r] else " disabled"}>{r} <span class="n">{counts[r]:,}</span></button>'
        for r in Relation)
    return (
        '<nav class="toolbar" aria-label="Find pairs">'
        '<input type="search" id="search" placeholder="Search article id or title" '
        'aria-label="Search pairs and stories by article id or title" autocomplete="off" spellcheck="false">'
        f'<div class="filters" role="group" aria-label="Relations shown">{buttons}</div>'
        f'<span id="shown" aria-live="polite">{len(report.pairs):,} of {len(report.pairs):,} pairs</span></nav>'
    )


# --- stories --------------------------------------------------------------------------


def _stories(index: PageIndex) -> str:
    clusters = index.report.stories
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


def _story(n: int, story: Story, index: PageIndex) -> str:
    pairs = index.report.pairs
    indices = index.story_pairs[n]
    relations = sorted({pairs[i].relation for i in indices} - {"related"} | ({"related"} if story.related else set()))
    arts = " ".join(str(index.number[m]) for m in [*story.members, *story.related] if m in index.number)
    root = story.root
    head = index.titles.get(root) or root
    derived = len(story.members) - 1
    meta = f"{derived} article{'s' if derived != 1 else ''} derived from the original"
    if story.related:
        meta += f", {len(story.related)} related"
    tree = graph.story_tree(story, pairs, indices)
    return (
        f'<section class="story" id="s{n + 1}" data-articles="{arts}" data-relations="{" ".join(relations)}" '
        f'aria-labelledby="s{n + 1}-h">'
        f'<h3 id="s{n + 1}-h"><span class="story-n">Story {n + 1}</span> {e(head)}</h3>'
        f'<p class="meta">{e(meta)}</p>'
        f'<div class="graph-wrap">{graph.svg(story, pairs, indices, index.titles)}</div>'
        f'{_tree(tree, index)}{_same_event(story, indices, index)}</section>'
    )


def _tree(tree: list[graph.Node], index: PageIndex) -> str:
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


def _tree_line(node: graph.Node, index: PageIndex) -> str:
    article = index.articles.get(node.id)
    ident = _article_label(node.id, article)
    if node.pair is None:
        return f'<span class="badge original">original</span> {ident}'
    p = index.report.pairs[node.pair]
    direction = "source unknown" if p.source not in (p.a, p.b) else f"from {p.source}"
    out = [f'<span class="badge {p.relation}">{p.relation}</span> {ident} '
           f'<span class="from">{e(direction)}</span> <a class="compare" href="#p{node.pair}">compare</a>']
    out.append(why(p))
    return "".join(out)


def _article_label(article_id: str, article: Article | None) -> str:
    title = article.title if article else None
    out = f'<span class="id">{e(article_id)}</span>'
    if title:
        out += f' <span class="title">{e(title)}</span>'
    return out


def _same_event(story: Story, indices: list[int], index: PageIndex) -> str:
    if not story.related:
        return ""
    links = graph.related_links(story, index.report.pairs, indices)
    items = [f'<a href="#p{links[r]}">{e(r)}</a>' if r in links else e(r) for r in story.related]
    return ('<p class="same-event"><span class="badge related">related</span> same event, written '
            f'independently: {", ".join(items)}</p>')


# --- the rest -------------------------------------------------------------------------


def _table(rows: list[list[str]], headers: list[str]) -> str:
    head = "".join(f"<th scope=\"col\">{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
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
    items = "".join(f"<li>{e(x)}</li>" for x in lines)
    return f'<section id="problems" aria-labelledby="problems-h"><h2 id="problems-h">Input problems</h2><ul>{items}</ul></section>'
