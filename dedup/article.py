"""The record that flows through every stage of the pipeline.

>>> a = Article(id="a.txt", text="Hello world.")
>>> a.body is None, a.attribution
(True, [])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dedup.spill import Spilled


@dataclass(slots=True)
class Article:
    """One news article.

    ``text`` is the text as read (after decoding and, for HTML, extraction);
    ``body`` is filled by :func:`dedup.clean.clean` with the normalised text
    that the later stages compare; ``removed`` lists the lines it dropped,
    each as ``"<reason>: <line>"``.
    """

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    publisher: str | None = None
    url: str | None = None
    byline: str | None = None
    attribution: list[str] = field(default_factory=list)  # claimed sources
    attribution_urls: list[str] = field(default_factory=list)
    path: str | None = None  # file the article came from
    line: int | None = None  # line in that file, for JSONL/CSV rows
    body: str | None = None
    line_origins: list[int] = field(default_factory=list)  # offset in text of each body line
    removed: list[str] = field(default_factory=list)


def _spillable(name: str) -> property:
    """``Article.<name>`` read through its slot: a :class:`dedup.spill.Spilled` reference
    stored there (a large scan moves texts to a file) reads back as its text."""
    slot = getattr(Article, name)

    def get(article: Article) -> str | None:
        value = slot.__get__(article, Article)
        return value.read() if type(value) is Spilled else value

    return property(get, slot.__set__, slot.__delete__)


Article.text = _spillable("text")  # type: ignore[assignment]
Article.body = _spillable("body")  # type: ignore[assignment]


@dataclass(slots=True)
class Problem:
    """Input that could not be read (``error``: skipped) or was read with a doubt (``warning``).

    Reported, never silently skipped.
    """

    path: str
    message: str
    line: int | None = None
    level: str = "error"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"
