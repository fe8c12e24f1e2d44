"""Normalisation, metadata lines and boilerplate removal (what was removed is kept).

Per article, :func:`clean` normalises every line, reads the header (date, byline,
title), the attribution claims, and drops boilerplate by rule: market-ticker
blocks, promotions, ads, credits, copyright, comment forms and navigation.
Per corpus, :func:`drop_repeated_lines` drops lines that recur across many
otherwise unrelated articles (site footers and the like).

>>> a = clean(Article(id="x", text="Leave a Reply\\nThe minister said \\u201cyes\\u201d.\\nView all"))
>>> a.body
'The minister said "yes".'
>>> a.removed
['comments: Leave a Reply', 'navigation: View all']
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable, Sequence

import numpy as np
import xxhash

from dedup.arrays import unique
from dedup.article import Article
from dedup.metadata import attribution_claim, byline, date_line, outlet_key
from dedup.normalize import joins_previous, normalize_line, offset_map

_TICKER_VALUE = re.compile(r"^[+-]?[\d,]*\.?\d+\s*\(?[+-]?[\d,]*\.?\d+%\)?$")
_PROMO = re.compile(
    r"\b(?:subscribe|newsletter|sign up|download (?:our|the) app|follow us|our new platform|"
    r"brought to you by|click here|explore the \w+ app|(?:facebook|twitter|instagram) pages?|"
    r"read (?:more|the full story)|listen to (?:our|the) podcast)\b", re.I)
_PROMO_VOICE = re.compile(r"\b(?:you|your|our|us|please)\b", re.I)
_AD = re.compile(
    r"^\s*[\u25b6\u25ba\u25b8\u27a4]|[\u25c0\u25c4\u25c2]\s*$|\b(?:promo|discount|coupon|referral|bonus) code\b|"
    r"^(?:advertisement|sponsored(?: content)?|ad|promoted|partner content)$", re.I)
_CREDIT = re.compile(
    r"^(?:(?:additional reporting|reporting by|editing by|edited by|writing by|compiled by|"
    r"with reporting from|photo(?:graph)?s? by)\b|(?:(?:photo|image|picture)s?(?: credit)?|credit):)", re.I)
# a notice, not a sentence about copyright: the sign, a year after "(c)"/"copyright", or the formula
_COPYRIGHT = re.compile(r"\u00a9|\(c\)\s*\d{4}|^copyright\s*(?:\(c\)|\d{4})|\ball rights reserved\b", re.I)
_COMMENTS = re.compile(
    r"^(?:(?:(?:leave|add|post) a (?:reply|comment)|post comment|your email address will not be published|"
    r"required fields are marked|cancel reply|save my name, email)\b|"
    r"(?:(?:show|view|hide|\d+) )?comments?(?: \(\d+\)| are closed\.?)?$|\d+ comments? on\b)", re.I)
_NAVIGATION = re.compile(
    r"^(?:view all|see all|read more|more stories|share|share this(?: article| story| post)?|"
    r"related(?: articles| posts| stories| news)?|previous(?: article| post)?|next(?: article| post)?|"
    r"skip to (?:main )?content|back to top|home|menu|search|print|email|facebook|twitter|x|"
    r"whatsapp|linkedin|tags?:.*|posted in .*|filed under .*|categories:.*|u\.s\. markets (?:closed|open))$",
    re.I)

# Corpus-wide repeated lines: seen in at least this many articles, and the articles
# that carry them are mostly not copies of each other.
REPEAT_MIN_DOCS = 5
REPEAT_MAX_SHARED = 0.5


# every unanchored rule needs one of these (substring tests rule most long lines out cheaply)
_RULE_WORDS = ("\u25b6", "\u25ba", "\u25b8", "\u27a4", "\u25c0", "\u25c4", "\u25c2", "\u00a9", "(c)", "code",
               "all rights reserved", "subscribe", "newsletter", "sign up", "download", "follow us",
               "our new platform", "brought to you", "click here", "explore the", "facebook", "twitter",
               "instagram", "read more", "read the full", "listen to")


def _word_count(line: str) -> int:
    """``len(line.split())``; for a normalised line (single spaces inside) by counting spaces."""
    if line and line[0] != " " and line[-1] != " " and "  " not in line and line.isascii() and line.isprintable():
        return line.count(" ") + 1
    return len(line.split())


def _rule(line: str) -> str | None:
    """The boilerplate reason for one normalised line, or None to keep it."""
    words = _word_count(line)
    if words > 25:
        low = line.lower()
        if not any(w in low for w in _RULE_WORDS):  # 3x faster than one regex of them all
            return None
    if _AD.search(line):
        return "ad"
    if words <= 8 and _NAVIGATION.match(line):
        return "navigation"
    if words <= 25 and _COMMENTS.match(line):
        return "comments"
    if words <= 20 and _CREDIT.match(line):
        return "credit"
    if words <= 80 and _PROMO.search(line) and _PROMO_VOICE.search(line):
        return "promo"
    if words <= 40 and _COPYRIGHT.search(line):
        return "copyright"
    return None


def _short_label(line: str) -> bool:
    return 0 < len(line.split()) <= 4 and not line.endswith((".", "?", "!", '"'))


def _ticker_blocks(lines: Sequence[str]) -> set[int]:
    """Indexes of lines in market-ticker blocks: runs of price changes, each maybe after its label.

    A label is a short line right before a price change ("S&P 500" before "+1.77 (+0.03%)"), so a
    short headline after a block is text. A block needs three price changes; one short line just
    before it ("Markets closed") belongs to it.
    """
    is_value = [bool(_TICKER_VALUE.match(line.lstrip("\u2022*- "))) for line in lines]
    filled = [i for i, line in enumerate(lines) if line]
    labels = {i for i, j in zip(filled, filled[1:]) if is_value[j] and _short_label(lines[i])}
    out: set[int] = set()
    run: list[int] = []

    def flush() -> None:
        if sum(is_value[i] for i in run) >= 3:
            out.update(run)
            if run[0] and _short_label(lines[run[0] - 1]):  # "Markets closed" just before it
                out.add(run[0] - 1)

    for i, line in enumerate(lines):
        if is_value[i] or i in labels or (run and not line):
            run.append(i)
        else:
            flush()
            run = []
    flush()
    return out


def _is_title(line: str) -> bool:
    words = line.split()
    return 2 <= len(words) <= 25 and not line.endswith((".", ",", ";", ":", "!")) and not line.startswith('"')


def clean(article: Article) -> Article:
    """Fill ``body``, ``line_origins``, ``removed`` and header metadata of one article."""
    raw_lines = article.text.split("\n")
    starts = np.cumsum([0] + [len(line) + 1 for line in raw_lines[:-1]]).tolist()
    lines = [normalize_line(line) for line in raw_lines]
    ticker = _ticker_blocks(lines)
    kept: list[tuple[int, str]] = []
    removed: list[str] = []
    header = True  # still before the first paragraph of text
    for i, line in enumerate(lines):
        if not line:
            continue
        if i in ticker:
            removed.append(f"ticker: {line}")
            continue
        claim = attribution_claim(line)
        if claim:
            for name in claim[0]:
                if name not in article.attribution:
                    article.attribution.append(name)
            article.attribution_urls.extend(u for u in claim[1] if u not in article.attribution_urls)
            if len(line.split()) <= 60 and not re.match(r"^[^()]{0,60}\(\w+\)\s*-\s*\w", line):
                removed.append(f"attribution: {line}")
                continue
        if header:
            dated = date_line(line)
            if dated:
                article.published = article.published or dated[0]
                rest = dated[1]
                name = byline(rest) if rest.lower().startswith("by ") else None
                if name:
                    _set_byline(article, name)
                    rest = ""
                removed.append(f"metadata: {line[: len(line) - len(rest)].strip()}")
                if not rest:
                    continue
                line = rest
            else:
                name = byline(line)
                if name:
                    _set_byline(article, name)
                    removed.append(f"metadata: {line}")
                    continue
        reason = _rule(line)
        if reason:
            removed.append(f"{reason}: {line}")
            if reason == "copyright" and not article.publisher:
                article.publisher = _copyright_holder(line)
            continue
        if header and article.title is None and _is_title(line):
            article.title = line
        header = header and _is_title(line)
        kept.append((starts[i], line))
    article.body = "\n".join(line for _, line in kept)
    article.line_origins = [start for start, _ in kept]
    article.removed = removed
    return article


def text_span(article: Article, span: tuple[int, int]) -> tuple[int, int]:
    r"""Map a ``(start, end)`` span of ``article.body`` to offsets in ``article.text``.

    >>> a = clean(Article(id="x", text="Leave a Reply\n  The \u201cend\u201d  is near."))
    >>> s, e = text_span(a, (4, 9)); a.text[s:e]
    '\u201cend\u201d'
    """
    return TextSpans(article)(span)


class TextSpans:
    """:func:`text_span` for many spans of one article (its lines are split once and
    each line's offset map is made once)."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.body = article.body or ""
        self.lines = self.body.split("\n")
        self.starts = list(itertools.accumulate((len(x) + 1 for x in self.lines[:-1]), initial=0))
        self._maps: dict[int, tuple[str, Sequence[int]]] = {}
        self._text: str | None = None  # read once, when first needed

    def __call__(self, span: tuple[int, int]) -> tuple[int, int]:
        return self._one(span[0], False), self._one(span[1], True)

    def _line(self, k: int) -> tuple[str, Sequence[int]]:
        if k not in self._maps:
            if self._text is None:
                self._text = self.article.text
            text, origin = self._text, self.article.line_origins[k]
            stop = text.find("\n", origin)
            raw = text[origin: len(text) if stop < 0 else stop]
            # a line cleaning left as it was maps onto itself
            self._maps[k] = raw, (range(len(raw)) if raw == self.lines[k] else offset_map(raw))
        return self._maps[k]

    def _one(self, pos: int, end: bool) -> int:
        k = bisect.bisect_right(self.starts, pos) - 1
        origin = self.article.line_origins[k]
        raw, mapping = self._line(k)
        within = pos - self.starts[k] + (len(mapping) - len(self.lines[k]))  # lines cut after a date prefix
        if not mapping:
            return origin
        if end:
            stop = mapping[min(max(within - 1, 0), len(mapping) - 1)] + 1
            while stop < len(raw) and joins_previous(raw[stop]):  # the marks of the last character
                stop += 1
            return origin + stop
        return origin + mapping[min(within, len(mapping) - 1)]


def _set_byline(article: Article, name: str) -> None:
    if re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", name):  # a domain names the publisher
        article.publisher = article.publisher or name
    else:
        article.byline = article.byline or name


def _copyright_holder(line: str) -> str | None:
    holder = re.sub(r"(?i)copyright|\u00a9|\(c\)|all rights reserved|\d{4}", " ", line)
    holder = " ".join(holder.replace(".", " ").split()).strip(" ,;:")
    return holder if outlet_key(holder) and len(holder.split()) <= 8 else None


def _line_hash(line: str) -> int:
    return xxhash.xxh64_intdigest(line.lower().encode())


def line_hashes(body: str) -> np.ndarray:
    """The distinct hashes of the non-empty lines of a body (what :func:`drop_repeated_lines` counts)."""
    return unique(np.fromiter((_line_hash(x) for x in body.split("\n") if x), np.uint64))


def drop_repeated_lines(articles: Sequence[Article], hashes: Sequence[np.ndarray] | None = None) -> None:
    """Drop lines found in many articles that otherwise share little (footers, promos).

    A line counts as repeated when at least ``REPEAT_MIN_DOCS`` articles carry it; it is
    dropped when, in the median article carrying it, at most ``REPEAT_MAX_SHARED`` of the
    lines are repeated ones: copies of one story share all their lines and keep them.
    ``hashes``: each article's :func:`line_hashes`, when already computed (in workers).
    """
    per_doc = [line_hashes(a.body or "") for a in articles] if hashes is None else hashes
    if not len(per_doc):
        return
    sizes = np.fromiter((h.size for h in per_doc), np.int64, len(per_doc))
    values, doc = np.concatenate(per_doc), np.repeat(np.arange(len(per_doc)), sizes)
    order = np.argsort(values, kind="stable")
    values, doc = values[order], doc[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if values.size else np.empty(0, np.int64)
    counts = np.diff(np.r_[starts, values.size])
    frequent = np.repeat(counts >= REPEAT_MIN_DOCS, counts)
    if not frequent.any():
        return
    shared = np.bincount(doc[frequent], minlength=len(per_doc)) / np.maximum(sizes, 1)
    # the median share among the articles carrying each frequent line
    f_values, f_shared = values[frequent], shared[doc[frequent]]
    order = np.lexsort((f_shared, f_values))
    f_values, f_shared = f_values[order], f_shared[order]
    g_start = np.flatnonzero(np.r_[True, f_values[1:] != f_values[:-1]])
    g_size = np.diff(np.r_[g_start, f_values.size])
    median = (f_shared[g_start + (g_size - 1) // 2] + f_shared[g_start + g_size // 2]) / 2
    boiler_hashes = f_values[g_start[median <= REPEAT_MAX_SHARED]]
    if boiler_hashes.size == 0:
        return
    boiler = set(boiler_hashes.tolist())
    for d in unique(doc[np.isin(values, boiler_hashes)]).tolist():
        drop_lines(articles[d], boiler)


def drop_lines(article: Article, boiler: set[int]) -> None:
    """Drop the body lines whose :func:`line_hashes` value is in ``boiler``, in place (noted in ``removed``)."""
    lines = article.body.split("\n")
    keep = [i for i, x in enumerate(lines) if _line_hash(x) not in boiler]
    if len(keep) == len(lines):
        return
    kept = set(keep)
    article.removed.extend(f"repeated: {lines[i]}" for i in range(len(lines)) if i not in kept)
    article.body = "\n".join(lines[i] for i in keep)
    article.line_origins = [article.line_origins[i] for i in keep]


def clean_corpus(articles: Iterable[Article]) -> list[Article]:
    """Clean every article, then drop corpus-wide repeated lines."""
    out = [clean(a) for a in articles]
    drop_repeated_lines(out)
    return out
