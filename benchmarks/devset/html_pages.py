"""Copies inside HTML pages (class 2, as files): each BBC story as a plain-text wire file and
as web pages of sites in three page layouts, the way pages reach an ingestion job.

The layouts (our own markup and chrome text, varied per page by a seeded ``random.Random``):

* ``semantic``: ``<header>``/``<nav>``, a cookie banner, ``<main><article>`` with a photo
  ``<figure>`` and its caption, a "Related" ``<aside>`` *inside* the article, a comments
  ``<section>`` after it, ``<footer>``, a ``<script>``;
* ``divs``: no semantic tags at all: ``<div id="content">`` holding the headline, the story's
  paragraphs with "Read also" links between them, share buttons and readers' comments (which
  quote other stories), beside menu, cookie and footer ``<div>``s;
* ``table``: a 2000s layout: a ``<table>`` with a menu cell and a main cell, paragraphs
  separated by ``<br><br>``, most-read links in a side cell.

Gold, per source story: the agency's own page (``wire/``, bare markup, the earliest date)
vs its page on one site (copy, source the wire), vs its
page on another site cut after 3-5 paragraphs with "Read more"/"Continue reading" (copy), and
the first page vs the same site's page of another story (unrelated: same layout and chrome,
other bodies). Sources split dev/held-out by :func:`cases.split_of`.
"""

from __future__ import annotations

import html
import random
from pathlib import Path

from cases import SITES, SPLITS, Story, chrome, split_of

LAYOUTS = ("semantic", "divs", "table")


def _p(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def _links(items: list[str]) -> str:
    return "".join(f'<li><a href="/story/{k}">{html.escape(h)}</a></li>' for k, h in enumerate(items))


def _head(title: str, site: str, published: str) -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)} | {html.escape(site)}"
            f"</title><meta property='og:site_name' content='{html.escape(site)}'>"
            f"<meta property='article:published_time' content='{published}'>"
            "<script>window.dataLayer=[];function track(e){dataLayer.push(e)}</script></head><body>")


def page(story: Story, site: str, layout: str, published: str, rnd: random.Random, stories: list[Story],
         cut: int | None = None) -> str:
    """``story`` as an HTML page of ``site`` in ``layout``; ``cut``: only the first ``cut``
    paragraphs, then a link to read the rest."""
    before, after = chrome(site, rnd, stories)  # site, nav, cookie, "Advertisement", byline / share, links...
    nav, cookie, byline = before[1].split(" | "), before[2], before[4]
    related = [x.removeprefix("Related: ") for x in after if x.startswith("Related: ")]
    comments = [x for x in after if ": " in x and not x.startswith(("Related", "Share"))]
    body = story.paragraphs if cut is None else story.paragraphs[:cut]
    more = f'<p><a href="https://{site.lower().replace(" ", "")}.example/full">' \
           f'{rnd.choice(["Read more", "Continue reading", "Read the full story"])} at {html.escape(site)}</a></p>'
    caption = f"{story.title}: a file photo. (Photo: {rnd.choice(['AFP', 'Reuters', 'AP', 'Getty Images'])})"
    head = _head(story.title, site, published)
    if layout == "semantic":
        paras = [_p(x) for x in body]
        paras.insert(min(2, len(paras)), f"<figure><img src='/img/{rnd.randint(1, 999)}.jpg' alt=''>"
                                         f"<figcaption>{html.escape(caption)}</figcaption></figure>")
        return (head + f"<header><div class='logo'>{html.escape(site)}</div><nav><ul>{_links(nav)}</ul></nav></header>"
                f"<div class='cookie-banner'>{html.escape(cookie)} <button>Accept</button></div><main><article>"
                f"<h1>{html.escape(story.title)}</h1><p class='byline'>{html.escape(byline)}</p>{''.join(paras)}"
                + (more if cut else "") + f"<aside class='related'><h3>Related</h3><ul>{_links(related)}</ul></aside>"
                f"</article><section class='comments'><h3>Comments</h3>"
                + "".join(f"<div class='comment'>{_p(c)}</div>" for c in comments)
                + f"</section></main><footer>{html.escape(after[-2])} {html.escape(after[-1])}</footer>"
                "<script>track('view')</script></body></html>")
    if layout == "divs":
        paras = [_p(x) for x in body]
        for k in range(2, len(paras), 4):  # "Read also" links between paragraphs
            paras.insert(k, f"<div class='inline-related'>Read also: <a href='/r/{k}'>"
                            f"{html.escape(rnd.choice(related))}</a></div>")
        return (head + f"<div id='top'><div class='brand'>{html.escape(site)}</div><div class='menu'>"
                + " ".join(f"<a href='/{s.lower()}'>{s}</a>" for s in nav) + "</div></div>"
                f"<div class='cookie'>{html.escape(cookie)}</div><div id='content'><div class='headline'>"
                f"<h1>{html.escape(story.title)}</h1></div><div class='meta'>{html.escape(byline)}</div>"
                f"<div class='photo'><img src='/p.jpg'><div class='caption'>{html.escape(caption)}</div></div>"
                f"<div class='story'>{''.join(paras)}</div>" + (more if cut else "")
                + "<div class='share'>Share: <a>Facebook</a> <a>Twitter</a> <a>Email</a></div>"
                "<div id='comments'>" + "".join(f"<div class='c'>{_p(c)}</div>" for c in comments) + "</div></div>"
                f"<div id='footer'>{html.escape(after[-2])}</div></body></html>")
    paras = "<br><br>".join(html.escape(x) for x in body)
    return (head + "<table width='100%'><tr><td class='menu' valign='top'>"
            + "<br>".join(f"<a href='/{s.lower()}'>{s}</a>" for s in nav)
            + f"</td><td class='main'><font size='5'><b>{html.escape(story.title)}</b></font><br>"
            f"<i>{html.escape(byline)}</i><br><br>{paras}<br><br>" + (more if cut else "")
            + f"<small>{html.escape(caption)}</small></td><td class='side' valign='top'><b>Most read</b><br>"
            + "<br>".join(html.escape(r) for r in related) + f"</td></tr></table><center>{html.escape(after[-2])}"
            "</center></body></html>")


def html_pages(stories: list[Story], folder: Path, per_split: int = 60) -> list[tuple[str, Path, Path]]:
    """Write each part's files and gold under ``folder/<part>/``; returns ``(part, files, gold)``."""
    out = []
    for split in SPLITS:
        rnd = random.Random(f"html-pages-{split}")
        pool = [s for s in stories if split_of(s.id) == split]
        chosen = rnd.sample(pool, per_split * 2)
        root = folder / split
        (root / "pages").mkdir(parents=True, exist_ok=True)
        gold = ["a,b,relation,source"]
        for k in range(per_split):
            src, other = chosen[2 * k], chosen[2 * k + 1]
            site, cut_site = SITES[k % len(SITES)], SITES[-1 - k % 7]
            layout, cut_layout = LAYOUTS[k % 3], LAYOUTS[(k + 1) % 3]
            stem = src.id.replace("/", "-")
            wire = f"wire/{stem}.html"
            (root / "wire").mkdir(exist_ok=True)
            (root / wire).write_text(_head(src.title, "Agency Wire", "2024-03-03T06:00:00Z") + "<article><h1>"
                                     + html.escape(src.title) + "</h1>" + "".join(_p(x) for x in src.paragraphs)
                                     + "</article></body></html>", encoding="utf-8")
            files = {f"pages/{stem}.html": page(src, site, layout, "2024-03-03T12:00:00Z", rnd, stories),
                     f"pages/{stem}-cut.html": page(src, cut_site, cut_layout, "2024-03-04T08:00:00Z", rnd, stories,
                                                    rnd.randint(3, 5)),
                     f"pages/{other.id.replace('/', '-')}-n.html": page(other, site, layout, "2024-03-03T13:00:00Z",
                                                                        rnd, stories)}
            for name, text in files.items():
                (root / name).write_text(text, encoding="utf-8")
            first, cut, neighbour = files
            gold += [f"{wire},{first},copy,{wire}", f"{wire},{cut},copy,{wire}", f"{first},{neighbour},unrelated,"]
        (root / "gold.csv").write_text("\n".join(gold) + "\n", encoding="utf-8")
        out.append((split, root, root / "gold.csv"))
    return out


__all__ = ["LAYOUTS", "html_pages", "page"]
