"""Where a body's own words are: in blocks of prose, outside quotations and photo
captions. Reuse is decided on a reporter's own words; quoted speech and agency captions
are what independent reports of one event share, and page chrome around a copy (links,
headlines, comments) is not the article.

* :func:`quotations`: direct quotations (straight double quotes; ``clean`` straightens the others).
* :func:`captions`: photo caption and credit lines ("Photo: ...", "Image copyright ...",
  a line ending in a credit such as "(Reuters/Jane Doe)" or "(AP Photo)").
* :func:`blocks`: runs of prose lines, broken by two or more lines in a row that are not
  prose (navigation, headlines, share bars, the title, and the empty line cleaning leaves
  where it removed boilerplate): a page's article is one of them, its comments another.
* :func:`own_words`: which words are the writer's own, and the block of each.

>>> body = ('Home | World | Sport\\nShare: Facebook Twitter\\nTitle of it\\n'
...         'The council approved the budget on Monday after a long debate in the chamber.\\n'
...         'Photo: The chamber on Monday. (Reuters/J. Doe)\\n'
...         '"We will build the new bridge next year," the mayor said after the long vote.\\n'
...         'Related: Other story\\nMost read\\nSomeone: I read this and agree with every single word of it.')
>>> [body[s:e].splitlines()[0] for s, e in blocks(body)]
['The council approved the budget on Monday after a long debate in the chamber.', 'Someone: I read this and agree with every single word of it.']
>>> [body[s:e] for s, e in captions(body)]
['Photo: The chamber on Monday. (Reuters/J. Doe)']
>>> [body[s:e] for s, e in quotations(body)]
['We will build the new bridge next year,']
>>> quotations('a stray quote ") and then text that reads like prose in the " middle')
[]
"""

from __future__ import annotations

import re

import numpy as np

from dedup.clean.normalize import word_count

# a quotation opens after a space, a bracket, a dash or a quote mark (a doubled one) and closes before a space
# or punctuation, so that a stray quote mark does not pair with the next quotation's opening and take the
# text between them
QUOTE = re.compile(r'(?:^|(?<=[\s(\[:;,"\u2014\u2013-]))"(?=[^\s"])([^"\n]{12,1000}?)(?<=[^\s"])"(?=[\s.,;:!?)\]\u2014\u2013-]|$)',
                   re.M)
_CAPTION_LEAD = re.compile(r"(?:(?:photo(?:graph)?|image|picture|pictured|caption|credit|file photo)\b[^\n]{0,40}?[:|]"
                           r"|(?:image caption|image copyright|image source|media caption)\b)", re.IGNORECASE)
_CREDIT_END = re.compile(r"\((?:[^()\n]{0,60}(?:/|\bphoto\b|\bpool\b|\bfile\b)[^()\n]{0,60}|reuters|ap|afp|getty images|"
                         r"epa|pa|xinhua|anadolu)\)\s*\.?$", re.IGNORECASE)
PROSE_WORDS = 10  # a line of this many words at least is prose, shorter ones are headings, links, bars
CAPTION_WORDS = 60  # a caption or credit line is no longer than this


def _lines(body: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in body.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def quotations(body: str, min_words: int = 4) -> list[tuple[int, int]]:
    """Spans of direct quotations of ``min_words`` words at least (the quoted words only)."""
    if '"' not in body:  # (the search costs a pass of the regex over the text)
        return []
    return [m.span(1) for m in QUOTE.finditer(body) if len(m.group(1).split()) >= min_words]


def captions(body: str) -> list[tuple[int, int]]:
    """Spans of photo caption and credit lines."""
    out = []
    for s, e in _lines(body):
        line = body[s:e].strip()
        if line and (_CAPTION_LEAD.match(line) or _CREDIT_END.search(line)) and word_count(line) <= CAPTION_WORDS:
            out.append((s, e))
    return out


def blocks(body: str) -> list[tuple[int, int]]:
    """Character spans of the body's runs of prose lines (a run breaks at two or more lines
    in a row that are not prose); the whole body when it has no prose line."""
    out: list[tuple[int, int]] = []
    start = end = gap = 0
    inside = False
    for s, e in _lines(body):
        n = word_count(body[s:e])
        if n == 0 and s < e:  # a line of symbols only: passed over
            continue
        if n >= PROSE_WORDS:  # (an empty line stands for lines cleaning removed: not prose)
            if not inside:
                start, inside = s, True
            end, gap = e, 0
        elif inside:
            gap += 1
            if gap >= 2:
                out.append((start, end))
                inside = False
    if inside:
        out.append((start, end))
    return out or [(0, len(body))]


def own_words(body: str, word_spans: np.ndarray, quote_min_words: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Per word (``word_spans``: start and end offsets in ``body``): whether it is the
    writer's own (outside quotations and caption lines), and the number of its prose block
    (-1: on a line outside every block)."""
    starts = word_spans[:, 0] if len(word_spans) else np.empty(0, np.int64)
    own = np.ones(starts.size, bool)
    for qs, qe in quotations(body, quote_min_words) + captions(body):
        own &= ~((starts >= qs) & (starts < qe))
    edges = np.asarray(blocks(body), np.int64).ravel()
    at = np.searchsorted(edges, starts, side="right")
    block = np.where(at % 2 == 1, (at - 1) // 2, -1)
    return own, block
