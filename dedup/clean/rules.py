"""Per article: normalise every line, read the header (date, byline, title) and the
attribution claims, and drop boilerplate by rule: market-ticker blocks, promotions, ads,
credits, copyright, comment forms and navigation, and the comments section (a comments
heading after the text, and everything below it); what was removed is kept.

>>> a = clean(Article(id="x", text="Leave a Reply\\nThe minister said \\u201cyes\\u201d.\\nView all"))
>>> a.body
'The minister said "yes".'
>>> a.removed
['comments: Leave a Reply', 'navigation: View all']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import numpy as np

from dedup.clean.metadata import attribution_claim, byline, date_line, outlet_key
from dedup.clean.normalize import normalize_line, word_count
from dedup.dates import parse_published
from dedup.model import Article

# a price change: a number, maybe a space, bracket or sign, a second number and "%", as the pattern
# ``[+-]?N\s*\(?[+-]?N%\)?$`` with N = ``[\d,]*\.?\d+`` read without backtracking (that pattern takes
# time to the fourth power of a run of digits): the runs of digits, commas and dots, then the numbers in them
_TICKER_SHAPE = re.compile(r"[+-]?+([\d,.]++)(\s*+\(?+[+-]?+)([\d,.]*+)%\)?$")
_PROMO = re.compile(
    r"\b(?:subscribe|newsletter|sign up|download (?:our|the) app|follow us|our new platform|"
    r"brought to you by|click here|explore the \w+ app|(?:facebook|twitter|instagram) pages?|"
    r"read (?:more|the full story)|listen to (?:our|the) podcast)\b", re.I)
_PROMO_VOICE = re.compile(r"\b(?:you|your|our|us|please)\b", re.I)
_AD = re.compile(
    r"^\s*[\u25b6\u25ba\u25b8\u27a4]|[\u25c0\u25c4\u25c2]\s*$|\b(?:promo|discount|coupon|referral|bonus) code\b", re.I)
_AD_LINE = re.compile(r"^(?:advertisement|sponsored(?: content)?|ad|promoted|partner content)$", re.I)
_CREDIT = re.compile(
    r"^(?:(?:additional reporting|reporting by|editing by|edited by|writing by|compiled by|"
    r"with reporting from|photo(?:graph)?s? by)\b|(?:(?:photo|image|picture)s?(?: credit)?|credit):)", re.I)
# a notice, not a sentence about copyright: the sign, a year after "(c)"/"copyright", or the formula
_COPYRIGHT = re.compile(r"\u00a9|\(c\)\s*\d{4}|^copyright\s*(?:\(c\)|\d{4})|\ball rights reserved\b", re.I)
COMMENTS_AFTER_WORDS = 50  # a comments heading after this much text opens the comments section: all below it goes
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

# every unanchored rule needs one of these (substring tests rule most lines out cheaply; exact on
# ASCII lines, whose lower case has no other letters that the rules' case-blind patterns match)
_RULE_WORDS = ("\u25b6", "\u25ba", "\u25b8", "\u27a4", "\u25c0", "\u25c4", "\u25c2", "\u00a9", "(c)", "code",
               "all rights reserved", "subscribe", "newsletter", "sign up", "download", "follow us",
               "our new platform", "brought to you", "click here", "explore the", "facebook", "twitter",
               "instagram", "read more", "read the full", "listen to")


def _rule(line: str) -> str | None:
    """The boilerplate reason for one normalised line, or None to keep it."""
    words = word_count(line)
    low = line.lower()
    rule_word = any(w in low for w in _RULE_WORDS)  # 3x faster than one regex of them all
    if words > 25 and not rule_word:
        return None
    anywhere = rule_word or not line.isascii()  # else only the anchored parts of the rules can match
    if _AD_LINE.match(line) or anywhere and _AD.search(line):
        return "ad"
    if words <= 8 and _NAVIGATION.match(line):
        return "navigation"
    if words <= 25 and _COMMENTS.match(line):
        return "comments"
    if words <= 20 and _CREDIT.match(line):
        return "credit"
    if words <= 80 and anywhere and _PROMO.search(line) and _PROMO_VOICE.search(line):
        return "promo"
    if words <= 40 and (anywhere or low.startswith("copyright")) and _COPYRIGHT.search(line):
        return "copyright"
    return None


def _number(run: str) -> bool:
    """Whether a run of digits, commas and dots is one N: digits and commas, then maybe a dot
    and digits only, ending in a digit."""
    return bool(run) and run[-1] not in ",." and run.count(".") <= 1 and "," not in run.partition(".")[2]


def _two_numbers(run: str) -> bool:
    """Whether a run of digits, commas and dots is two N's in a row. When any split works,
    one of two does: after the first digit (no dot in the first), or one digit after the
    first dot (a dot in the first)."""
    first_digit = next((i for i, c in enumerate(run) if c not in ",."), len(run))
    cuts = {first_digit + 1, run.find(".") + 2 if "." in run else 0}
    return any(0 < k < len(run) and _number(run[:k]) and _number(run[k:]) for k in cuts)


def ticker_value(line: str) -> bool:
    """Whether a line is a price change such as ``+1.77 (+0.03%)``, in time linear in its length.

    >>> ticker_value("+1.77 (+0.03%)"), ticker_value("-12,345.6 -0.5%"), ticker_value("up 1.5%")
    (True, True, False)
    """
    m = _TICKER_SHAPE.match(line)
    if not m:
        return False
    first, between, second = m.groups()
    return _number(first) and _number(second) if between else _two_numbers(first)


def _short_label(line: str) -> bool:
    return 0 < word_count(line) <= 4 and not line.endswith((".", "?", "!", '"'))


def _ticker_blocks(lines: Sequence[str]) -> set[int]:
    """Indexes of lines in market-ticker blocks: runs of price changes, each maybe after its label.

    A label is a short line right before a price change ("S&P 500" before "+1.77 (+0.03%)"), so a
    short headline after a block is text. A block needs three price changes; one short line just
    before it ("Markets closed") belongs to it.
    """
    is_value = [ticker_value(line.lstrip("\u2022*- ")) for line in lines]
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
    return 2 <= word_count(line) <= 25 and not line.endswith((".", ",", ";", ":", "!")) and not line.startswith('"')


def clean(article: Article) -> Article:
    """Fill ``body``, ``line_origins``, ``removed`` and header metadata of one article."""
    raw_lines = article.text.split("\n")
    starts = np.cumsum([0] + [len(line) + 1 for line in raw_lines[:-1]]).tolist()
    lines = [normalize_line(line) for line in raw_lines]
    ticker = _ticker_blocks(lines)
    kept: list[tuple[int, str]] = []
    removed: list[str] = []
    header = True  # still before the first paragraph of text
    kept_words = 0
    comments = False  # inside the comments section: a comments heading after the text, and all below it
    for i, line in enumerate(lines):
        if not line:
            continue
        if comments:
            removed.append(f"comments: {line}")
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
            if word_count(line) <= 60 and not re.match(r"^[^()]{0,60}\(\w+\)\s*-\s*\w", line):
                removed.append(f"attribution: {line}")
                continue
        if header:
            dated = date_line(line)
            if dated:
                article.published = article.published or _date(dated[0])
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
            comments = reason == "comments" and kept_words >= COMMENTS_AFTER_WORDS
            if reason == "copyright" and not article.publisher:
                article.publisher = _copyright_holder(line)
            continue
        if header and article.title is None and _is_title(line):
            article.title = line
        header = header and _is_title(line)
        kept.append((i, line))
        if kept_words < COMMENTS_AFTER_WORDS:
            kept_words += word_count(line)
    body = with_gaps([(i, line) for i, line in kept], lines, starts)
    article.body = "\n".join(line for _, line in body)
    article.line_origins = [start for start, _ in body]
    article.removed = removed
    return article


GAP_LINES = 2  # empty lines standing for a run of removed lines at most: as many as break a block


def with_gaps(kept: list[tuple[int, str]], lines: Sequence[str], starts: Sequence[int]) -> list[tuple[int, str]]:
    """The kept lines (``(index in lines, line)``) as ``(offset in the text, line)``, with an
    empty line for each non-empty line removed between two kept ones (:data:`GAP_LINES` at
    most): the body keeps where boilerplate was taken out, so that
    :func:`dedup.clean.layout.blocks` still sees an article end where a page's chrome began.
    The empty lines' offset is the newline before the first removed line (they have no text
    of their own).

    >>> with_gaps([(0, "A"), (2, "C"), (5, "D")], ["A", "x", "C", "y", "z", "D"], [0, 2, 4, 6, 8, 10])
    [(0, 'A'), (1, ''), (4, 'C'), (5, ''), (5, ''), (10, 'D')]
    """
    out: list[tuple[int, str]] = []
    previous = None
    for i, line in kept:
        if previous is not None:
            gone = [m for m in range(previous + 1, i) if lines[m]]
            if gone:
                out += [(starts[gone[0]] - 1, "")] * min(len(gone), GAP_LINES)
        out.append((starts[i], line))
        previous = i
    return out


def _date(iso: str) -> dt.datetime | None:
    """The date of a dateline (``YYYY-MM-DD``), None when it is no possible date (Feb 31)."""
    try:
        return parse_published(iso)
    except ValueError:
        return None


def _set_byline(article: Article, name: str) -> None:
    if re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", name):  # a domain names the publisher
        article.publisher = article.publisher or name
    else:
        article.byline = article.byline or name


def _copyright_holder(line: str) -> str | None:
    holder = re.sub(r"(?i)copyright|\u00a9|\(c\)|all rights reserved|\d{4}", " ", line)
    holder = " ".join(holder.replace(".", " ").split()).strip(" ,;:")
    return holder if outlet_key(holder) and len(holder.split()) <= 8 else None
