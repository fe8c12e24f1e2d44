"""Offsets in a cleaned body mapped back to the text as read (evidence points into the
original files).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from dedup.clean.normalize import joins_previous, offset_array
from dedup.model import Article


def text_span(article: Article, span: tuple[int, int]) -> tuple[int, int]:
    r"""Map a ``(start, end)`` span of ``article.body`` to offsets in ``article.text``.

    >>> from dedup.clean.rules import clean
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
        self.body: str = article.body or ""
        self.lines: list[str] = self.body.split("\n")
        self.starts: list[int] = list(itertools.accumulate((len(x) + 1 for x in self.lines[:-1]), initial=0))
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
            self._maps[k] = raw, (range(len(raw)) if raw == self.lines[k] else offset_array(raw))
        return self._maps[k]

    def _one(self, pos: int, end: bool) -> int:
        k = bisect.bisect_right(self.starts, pos) - 1
        origin = self.article.line_origins[k]
        raw, mapping = self._line(k)
        within = pos - self.starts[k] + (len(mapping) - len(self.lines[k]))  # lines cut after a date prefix
        if not len(mapping):
            return origin
        if end:
            stop = int(mapping[min(max(within - 1, 0), len(mapping) - 1)]) + 1
            while stop < len(raw) and joins_previous(raw[stop]):  # the marks of the last character
                stop += 1
            return origin + stop
        return origin + int(mapping[min(within, len(mapping) - 1)])
