"""The main text and metadata of an HTML page: trafilatura's extraction when it is
installed, else a small parser that keeps the text of ``<article>`` (else ``<main>``, else
the whole page) without navigation, headers, footers, scripts and forms.

>>> html = "<title>T</title><nav>Menu</nav><article><p>One &amp; two.</p><p>Three</p></article>"
>>> print(extract_html(html)["text"])
One & two.
Three
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from dedup.dates import parse_published

try:  # optional, better extraction when available
    import trafilatura
except ImportError:
    trafilatura = None

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer",
         "aside", "form", "button", "iframe", "title"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "td", "th", "table", "ul", "ol", "dl",
          "dt", "dd", "blockquote", "section", "article", "main", "figure", "figcaption", "caption", "center", "hr",
          "address", "pre"}
_DATE_META = ("article:published_time", "date", "pubdate", "publish-date", "dc.date")
# a decimal character reference: its leading zeros, its digits (html.unescape's int() refuses over 4,300)
_DECIMAL_REF = re.compile(r"&#0*([0-9]+)")
_NO_CHARACTER = "1114112"  # 0x10FFFF + 1: no code point, unescaped to U+FFFD


COMMENT_CLOSE = re.compile(r"--\s*>")  # what the parser ends a comment at
_SECTION_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*\s*")  # a marked section's keyword, as the parser reads it
# what the parser ends a marked section at, by its keyword ("]]>"; Microsoft Office's "]>")
SECTION_CLOSE = {**dict.fromkeys(("temp", "cdata", "ignore", "include", "rcdata"), re.compile(r"\]\s*\]\s*>")),
                 **dict.fromkeys(("if", "else", "endif"), re.compile(r"\]\s*>"))}


class _PageParser(HTMLParser):
    """Collects metadata and the text of ``<article>``, ``<main>`` and the whole page."""

    _close_search: tuple[str, int, re.Match[str] | None] | None = None  # the last search for a comment's end
    _section_search: tuple[str, re.Pattern[str], int] | None = None  # where a marked section's end was not found

    def parse_comment(self, i: int, report: bool = True) -> int:
        """As the parser's own, but a comment that cannot close is known to from the last
        search: the parser searches the rest of the page for a comment's end once for each
        opening, and 10,000 ``<!-- a>`` took 1.9 s, four times as long at twice as many.
        A search from ``at`` finds the first end at or after it; one from a later place up to
        that end finds the same one (none when there was none)."""
        raw, at = self.rawdata, i + 4
        if raw[i:i + 4] != "<!--":
            return super().parse_comment(i, report)
        last = self._close_search
        if last is not None and last[0] is raw and last[1] <= at and (last[2] is None or at <= last[2].start()):
            match = last[2]
        else:
            match = COMMENT_CLOSE.search(raw, at)
            self._close_search = (raw, at, match)
        if match is None:
            return -1
        if report:
            self.handle_comment(raw[at: match.start()])
        return match.end()

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """As the parser's own, but a section of a keyword it does not know (``<![foo ...]]>``:
        Python 3.11 raised AssertionError, and the page was not read) is a bogus comment up to
        the next ``>``, as browsers read it; and a known one that cannot close is known to from
        the last search, as a comment (:meth:`parse_comment`)."""
        raw = self.rawdata
        name = _SECTION_NAME.match(raw, i + 3)
        close = SECTION_CLOSE.get(name.group().strip().lower()) if name and name.end() < len(raw) else None
        if close is not None:
            last = self._section_search
            if last is not None and last[0] is raw and last[1] is close and last[2] <= i + 3:
                return -1  # no end after an earlier place: none after this one
            if close.search(raw, i + 3) is None:
                self._section_search = (raw, close, i + 3)
                return -1
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:  # an unknown keyword, or none
            return self.parse_bogus_comment(i, report)

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.depth = {"skip": 0, "article": 0, "main": 0, "pre": 0, "title": 0, "h1": 0}
        self.parts: dict[str, list[str]] = {"article": [], "main": [], "body": []}
        self.title: list[str] = []
        self.h1: list[str] = []
        self.h1_done = False
        self.time: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"].strip()
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.meta.setdefault("canonical", a["href"].strip())
        elif tag == "time" and self.time is None and a.get("datetime"):
            self.time = a["datetime"]
        self._count(tag, 1)
        if tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._emit("\n")
        self._count(tag, -1)
        if tag == "h1" and self.h1:
            self.h1_done = True

    def _count(self, tag: str, step: int) -> None:
        name = "skip" if tag in _SKIP else tag
        if name in self.depth:
            self.depth[name] = max(0, self.depth[name] + step)
        if tag == "title":
            self.depth["title"] = max(0, self.depth["title"] + step)

    def handle_data(self, data: str) -> None:
        if self.depth["title"]:
            self.title.append(data)
        if self.depth["h1"] and not self.h1_done and not self.depth["skip"]:
            self.h1.append(data)
        self._emit(data if self.depth["pre"] else re.sub(r"\s+", " ", data))

    def _emit(self, text: str) -> None:
        if self.depth["skip"]:
            return
        self.parts["body"].append(text)
        for box in ("article", "main"):
            if self.depth[box]:
                self.parts[box].append(text)


def _lines(parts: list[str]) -> str:
    """Chunks joined, each line's spaces collapsed, empty lines dropped."""
    lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _first_date(values: list[str | None]) -> str | None:
    """The first of ``values`` that is a date, else the first given (reported as no date)."""
    given = [v.strip() for v in values if v and v.strip()]
    for value in given:
        try:
            parse_published(value)
            return value
        except ValueError:
            continue
    return given[0] if given else None


def bounded_charrefs(html: str) -> str:
    """``html`` with each decimal character reference written with at most 7 digits, as it
    unescapes: leading zeros dropped, a number over 7 digits (past U+10FFFF) made 1114112,
    U+FFFD too. html.unescape reads the digits with int(), which raises ValueError past 4,300.

    >>> bounded_charrefs("&#" + "0" * 5000 + "65; &#" + "9" * 5000 + ";")
    '&#65; &#1114112;'
    """
    if "&#" not in html:
        return html
    return _DECIMAL_REF.sub(lambda m: "&#" + (m[1] if len(m[1]) <= 7 else _NO_CHARACTER), html)


UNCLOSED_MARKS = 64  # unclosable "<" after the last ">" read as text at once from this many on


def unclosed_as_text(html: str, at_least: int = UNCLOSED_MARKS) -> str:
    """``html`` with the ``<`` after its last ``>`` written ``&lt;`` when there are more than
    ``at_least`` of them: markup that can never close, which the parser reads as text anyway,
    but only after searching the rest of the page for its end once for each (20,000 ``<a``
    at the end of a page, 60 kB, took 48 s); a page with a few keeps them as they are.

    >>> unclosed_as_text("<p>Hi</p> x < y"), unclosed_as_text("<p>Hi</p>" + "<a " * 65)[:17]
    ('<p>Hi</p> x < y', '<p>Hi</p>&lt;a &l')
    """
    first = html.find("<", html.rfind(">") + 1)
    if first < 0 or html.count("<", first) <= at_least:
        return html
    return html[:first] + html[first:].replace("<", "&lt;")


def extract_html(html: str) -> dict[str, str | None]:
    """Main text and metadata (title, published, publisher, url) of an HTML page."""
    html = unclosed_as_text(bounded_charrefs(html))
    if trafilatura is not None:
        text = trafilatura.extract(html, output_format="txt", include_comments=False, with_metadata=False)
        meta = trafilatura.extract_metadata(html)
        return {"text": text or "", "title": getattr(meta, "title", None),
                "published": _first_date([getattr(meta, "date", None)]),
                "publisher": getattr(meta, "sitename", None), "url": getattr(meta, "url", None)}
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    text = next((t for t in (_lines(parser.parts[k]) for k in ("article", "main", "body")) if t), "")
    m = parser.meta
    title = m.get("og:title") or " ".join("".join(parser.title).split()) or " ".join("".join(parser.h1).split())
    published = _first_date([m.get(k) for k in _DATE_META] + [parser.time])
    return {"text": text, "title": title or None, "published": published,
            "publisher": m.get("og:site_name") or None, "url": m.get("canonical") or m.get("og:url") or None}
