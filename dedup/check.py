"""The CI gate: do new articles copy or rewrite articles already published, or one another?

Each new article is compared with the published ones (an :class:`dedup.index.Index`, or a
folder read into a temporary one), and the new articles with one another as ``dedup scan``
would compare them (:func:`dedup.scan_articles` over the new ones: same relation, same
source). What counts as found is a match at the ``fail_on`` relation or stronger, whichever
set it matched; the exit code says so: :data:`EXIT_CLEAN` nothing found, :data:`EXIT_FOUND`
found, :data:`EXIT_ERROR` usage or internal error (``dedup check``).

A match between two new articles is a finding on the one that is not the source (the copy;
when nothing tells the source, the later one in the order given), naming the other.

>>> import os, tempfile
>>> from dedup.index import Index
>>> story = "The council approved the new budget on Monday after a long debate. " * 3
>>> with Index.open(os.path.join(tempfile.mkdtemp(), "published.db")) as index:
...     _ = index.add(Article(id="old", text=story))
...     new = [Article(id="new-1", text=story + "\\nShare"), Article(id="new-2", text=story + "\\nShare")]
...     result = check_articles(new, index, fail_on="copy")
>>> [(f.article.id, f.match.a, f.among, str(f.match.relation)) for f in result.findings], result.exit_code
([('new-1', 'old', 'published', 'copy'), ('new-2', 'old', 'published', 'copy'), \
('new-2', 'new-1', 'new', 'duplicate')], 1)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dedup.model import Article, Evidence, Pair, Problem, Quote, Relation

if TYPE_CHECKING:  # (imported when used: the CLI reads this module at every start)
    from dedup.index import Index

FAIL_ON = ("copy", "partial", "derived", "related")  # the weakest relation that counts ("copy": and duplicate)
EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
EXIT_CODES = f"""exit codes:
  {EXIT_CLEAN}  no new article matches one already published or another new one at the --fail-on level or above
  {EXIT_FOUND}  at least one does (listed on stdout)
  {EXIT_ERROR}  usage error, no article readable, an index that cannot be read, or an internal error"""


@dataclass
class Finding:
    """A new article and one of its matches: an article already published, or another new
    article (``other``) that it copies or rewrites."""

    article: Article  # the new article (as read: ``text`` and ``path`` locate the evidence)
    match: Pair  # ``b`` = the new article, ``a`` the one it matches
    other: Article | None = None  # the matched article when it is another new one (None: a published one)

    @property
    def among(self) -> str:
        """Where the matched article is: ``"published"`` or ``"new"`` (another new article)."""
        return "published" if self.other is None else "new"

    @property
    def matched_path(self) -> str | None:
        """The file of the matched article when it is a new one (else None: the index holds ids)."""
        return None if self.other is None else self.other.path or self.other.id

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
    """Each new article with its matches among the published ones, and the matches between
    new articles (each a :class:`Finding` on the copy), judged at ``fail_on``."""

    matches: list[tuple[Article, list[Pair]]]
    fail_on: Relation
    among_new: list[Finding] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        """The matches at ``fail_on`` or stronger: what fails the check; by new article in the
        order given, its published matches first."""
        order = {a.id: k for k, (a, _) in enumerate(self.matches)}
        found = [Finding(a, m) for a, ms in self.matches for m in ms if m.relation >= self.fail_on]
        found += [f for f in self.among_new if f.match.relation >= self.fail_on]
        return sorted(found, key=lambda f: (order.get(f.article.id, len(order)), f.other is not None))

    @property
    def below(self) -> list[Pair]:
        """The weaker matches (reported, not failing)."""
        return ([m for _, ms in self.matches for m in ms if m.relation < self.fail_on]
                + [f.match for f in self.among_new if f.match.relation < self.fail_on])

    @property
    def exit_code(self) -> int:
        return EXIT_FOUND if self.findings else EXIT_CLEAN


def fail_level(fail_on: str | Relation) -> Relation:
    """The relation a ``--fail-on`` value names (one of :data:`FAIL_ON`)."""
    if str(fail_on) not in FAIL_ON:
        raise ValueError(f"The 'fail_on' parameter must be one of {', '.join(FAIL_ON)}. Got {fail_on!r} instead.")
    return Relation(fail_on)


def check_articles(new: Iterable[Article], index: Index, fail_on: str | Relation = "derived",
                   progress: bool = False) -> CheckResult:
    """Each of ``new`` checked against ``index`` and against the others of ``new``
    (:func:`new_matches`), nothing stored. ``progress``: bars on stderr for the latter."""
    level = fail_level(fail_on)
    published = [(a, index.check(a)) for a in new]
    return CheckResult(published, level, new_matches([a for a, _ in published], progress))


def new_matches(new: Sequence[Article], progress: bool = False) -> list[Finding]:
    """The pairs ``dedup scan`` finds among ``new`` (:func:`dedup.scan_articles`, on copies:
    ``new`` is left as it is), each a :class:`Finding` on the article that is not the source
    (the later one when no source is known), its pair turned so that ``b`` is that one."""
    if len(new) < 2:
        return []
    from dedup.scan import scan_articles

    by_id = {a.id: a for a in new}
    copies = [dataclasses.replace(a, attribution=list(a.attribution), attribution_urls=list(a.attribution_urls),
                                  line_origins=list(a.line_origins), removed=list(a.removed)) for a in new]
    found = []
    for p in scan_articles(copies, progress=progress).pairs:
        m = turned(p) if p.source == p.b else p
        found.append(Finding(by_id[m.b], m, by_id[m.a]))
    return found


def turned(p: Pair) -> Pair:
    """``p`` with ``a`` and ``b`` (their scores, evidence and quotes) swapped.

    >>> from dedup.model import Scores
    >>> p = Pair("x", "y", Relation.COPY, "y", scores=Scores(containment_ab=0.9, containment_ba=0.5))
    >>> t = turned(p)
    >>> t.a, t.b, t.source, t.scores.containment_ab, t.scores.containment_ba
    ('y', 'x', 'y', 0.5, 0.9)
    """
    s = p.scores
    scores = dataclasses.replace(s, containment_ab=s.containment_ba, containment_ba=s.containment_ab,
                                 sentences_a=s.sentences_b, sentences_b=s.sentences_a,
                                 coverage_a=s.coverage_b, coverage_b=s.coverage_a)
    evidence = tuple(Evidence(e.kind, e.similarity, e.b, e.a, e.b_span, e.a_span) for e in p.evidence)
    quotes = tuple(Quote(q.b, q.a, q.b_span, q.a_span) for q in p.quotes)
    return dataclasses.replace(p, a=p.b, b=p.a, scores=scores, evidence=evidence, quotes=quotes)


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
