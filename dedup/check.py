"""The CI gate: do new articles copy or rewrite articles already published?

Each new article is compared with the published ones (an :class:`dedup.index.Index`, or a
folder read into a temporary one); what counts as found is a match at the ``fail_on``
relation or stronger, and the exit code says so: :data:`EXIT_CLEAN` nothing found,
:data:`EXIT_FOUND` found, :data:`EXIT_ERROR` usage or internal error (``dedup check``).

>>> import os, tempfile
>>> from dedup.index import Index
>>> story = "The council approved the new budget on Monday after a long debate. " * 3
>>> with Index.open(os.path.join(tempfile.mkdtemp(), "published.db")) as index:
...     _ = index.add(Article(id="old", text=story))
...     result = check_articles([Article(id="new", text=story + "\\nShare")], index, fail_on="copy")
>>> [(f.article.id, f.match.a, str(f.match.relation)) for f in result.findings], result.exit_code
([('new', 'old', 'duplicate')], 1)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dedup.model import Article, Pair, Problem, Relation

if TYPE_CHECKING:  # (imported when used: the CLI reads this module at every start)
    from dedup.index import Index

FAIL_ON = ("copy", "partial", "derived", "related")  # the weakest relation that counts ("copy": and duplicate)
EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
EXIT_CODES = f"""exit codes:
  {EXIT_CLEAN}  no new article matches one already published at the --fail-on level or above
  {EXIT_FOUND}  at least one does (listed on stdout)
  {EXIT_ERROR}  usage error, no article readable, an index that cannot be read, or an internal error"""


@dataclass
class Finding:
    """A new article and one of its matches."""

    article: Article  # the new article (as read: ``text`` and ``path`` locate the evidence)
    match: Pair  # ``b`` = the new article, ``a`` the one already published

    @property
    def lines(self) -> tuple[int, int]:
        """First and last line of the first evidence passage in the new article's file (1 when none)."""
        a = self.article
        if a.line is not None:  # a JSONL/CSV row: its line
            return a.line, a.line
        spans = [e.b_span for e in self.match.evidence]
        if not spans:
            return 1, 1
        start, end = min(spans)
        return a.text.count("\n", 0, start) + 1, a.text.count("\n", 0, max(start, end - 1)) + 1

    @property
    def path(self) -> str:
        return self.article.path or self.article.id


@dataclass
class CheckResult:
    """Each new article with its matches among the published ones, judged at ``fail_on``."""

    matches: list[tuple[Article, list[Pair]]]
    fail_on: Relation

    @property
    def findings(self) -> list[Finding]:
        """The matches at ``fail_on`` or stronger: what fails the check."""
        return [Finding(a, m) for a, ms in self.matches for m in ms if m.relation >= self.fail_on]

    @property
    def below(self) -> list[Pair]:
        """The weaker matches (reported, not failing)."""
        return [m for _, ms in self.matches for m in ms if m.relation < self.fail_on]

    @property
    def exit_code(self) -> int:
        return EXIT_FOUND if self.findings else EXIT_CLEAN


def fail_level(fail_on: str | Relation) -> Relation:
    """The relation a ``--fail-on`` value names (one of :data:`FAIL_ON`)."""
    if str(fail_on) not in FAIL_ON:
        raise ValueError(f"The 'fail_on' parameter must be one of {', '.join(FAIL_ON)}. Got {fail_on!r} instead.")
    return Relation(fail_on)


def check_articles(new: Iterable[Article], index: Index, fail_on: str | Relation = "derived") -> CheckResult:
    """Each of ``new`` checked against ``index``, nothing stored."""
    level = fail_level(fail_on)
    return CheckResult([(a, index.check(a)) for a in new], level)


def published_index(folder: str, new: Sequence[Article], path: str,
                    progress: Callable[[Iterable[Article], int, str], Iterable[Article]] | None = None,
                    **read_options: Any) -> tuple[Index, list[Problem]]:
    """A new index at ``path`` of the articles under ``folder``, less the files given as new
    ones (a folder of published articles checked against), and the problems met reading it.
    ``progress(items, total, label)`` may wrap the articles as they are added; ``read_options``
    go to :func:`dedup.ingest.read_articles`."""
    from dedup.index import Index
    from dedup.ingest import read_articles

    mine = {os.path.realpath(a.path) for a in new if a.path}
    published, problems = read_articles([folder], **read_options)
    published = [a for a in published if not a.path or os.path.realpath(a.path) not in mine]
    index = Index.open(path)
    items = progress(published, len(published), "read " + folder) if progress else published
    index.add_many(items, existing="skip", matches=False)
    return index, problems
