"""The records every stage passes on: articles in; pairs, stories and a report out.

Each record turns into its part of the JSON contract (``../shared/docs/DESIGN.md``) here
and nowhere else (``to_dict``); :class:`Relation` is ordered, so "at least derived" is a
comparison.

>>> Relation.COPY > Relation.PARTIAL, Relation("derived") >= "related", str(Relation.COPY)
(True, True, 'copy')
>>> sorted(["related", "copy", "derived"], key=Relation, reverse=True)
['copy', 'derived', 'related']
>>> Pair("a", "b", Relation.COPY, source="a").to_dict()["relation"]
'copy'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from operator import attrgetter
from typing import Any

from dedup.dates import format_published, parse_published
from dedup.params import Params
from dedup.spill import Spilled, SpilledValue, TextSpill

__all__ = ["Article", "ClaimCheck", "Evidence", "Pair", "Params", "Problem", "Quote", "Relation", "Report",
           "Scores", "Story"]


class Relation(str, Enum):
    """How two articles share a history, strongest first; comparisons follow that order
    (``Relation.COPY > Relation.DERIVED``), with members or their names."""

    DUPLICATE = "duplicate"  # the same words after normalisation
    COPY = "copy"  # the same story text; boilerplate, headline or a few sentences differ
    PARTIAL = "partial"  # a substantial verbatim passage shared, the rest differs
    DERIVED = "derived"  # a paraphrased rewrite, digest or summary of the other
    RELATED = "related"  # the same event, written independently

    @property
    def strength(self) -> int:
        """5 for duplicate down to 1 for related."""
        return _STRENGTH[self]

    @property
    def derives(self) -> bool:
        """Whether one article derives from the other (derived or stronger)."""
        return self is not Relation.RELATED

    @classmethod
    def _missing_(cls, value: object) -> None:
        raise ValueError(f"{value!r} is not a relation (one of {', '.join(r.value for r in cls)})")

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    def __lt__(self, other: object) -> bool:
        return self.strength < Relation(other).strength

    def __le__(self, other: object) -> bool:
        return self.strength <= Relation(other).strength

    def __gt__(self, other: object) -> bool:
        return self.strength > Relation(other).strength

    def __ge__(self, other: object) -> bool:
        return self.strength >= Relation(other).strength

    __hash__ = str.__hash__


_STRENGTH = {r: len(Relation) - k for k, r in enumerate(Relation)}


@dataclass(slots=True)
class Article:
    """One news article.

    ``text`` is the text as read (after decoding and, for HTML, extraction); ``body`` is
    filled by :func:`dedup.clean.clean` with the normalised text the later stages compare;
    ``removed`` lists the lines it dropped, each as ``"<reason>: <line>"``. ``published``
    is an aware datetime (a date without a time: midnight UTC); a string set is parsed
    (:func:`dedup.dates.parse_published`: ValueError when it is no possible date), a
    naive datetime taken as UTC.

    >>> a = Article(id="a.txt", text="Hello world.", published="Dec 12, 2023")
    >>> a.body is None, a.attribution, a.published.isoformat()
    (True, [], '2023-12-12T00:00:00+00:00')
    """

    id: str
    text: str
    title: str | None = None
    published: dt.datetime | None = None
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

    def copy(self) -> "Article":
        """A copy with lists of its own: cleaning it leaves this article as it was.

        >>> a = Article(id="a", text="Hi.", attribution=["AP"])
        >>> b = a.copy(); b.attribution.append("dpa"); a.attribution
        ['AP']
        """
        return replace(self, attribution=list(self.attribution), attribution_urls=list(self.attribution_urls),
                       line_origins=list(self.line_origins), removed=list(self.removed))

    @property
    def where(self) -> str:
        """The file (and line) it came from, else its id: how messages name it."""
        if self.path:
            return self.path if self.line is None else f"{self.path}:{self.line}"
        return f"article {self.id!r}"


def _spillable(cls: type, name: str) -> property:
    """``cls.<name>`` read through its slot: a :class:`dedup.spill.Spilled` or
    :class:`dedup.spill.SpilledValue` reference stored there (a large scan moves texts and
    evidence to a file) reads back as what was stored."""
    slot = getattr(cls, name)

    def get(record: Any) -> Any:
        value = slot.__get__(record, cls)
        return value.read() if type(value) in _SPILLED else value

    _SLOTS[cls, name] = slot
    return property(get, slot.__set__, slot.__delete__)


_SPILLED = (Spilled, SpilledValue)
_SLOTS: dict[tuple[type, str], Any] = {}  # the slots behind the _spillable properties


def stored(record: Any, name: str) -> Any:
    """``record.<name>`` as stored: a spilled reference is not read."""
    slot = _SLOTS.get((type(record), name))
    return getattr(record, name) if slot is None else slot.__get__(record, type(record))


def _as_published(value: object) -> dt.datetime | None:
    """A publication date as ``Article.published`` holds it: an aware datetime, or None."""
    if value is None or (isinstance(value, dt.datetime) and value.tzinfo is not None):
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        return parse_published(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    raise TypeError(f"The 'published' field of Article must be a datetime, a date or a string. Got {value!r} instead.")


def _published() -> property:
    """``Article.published``, normalised whenever it is set (:func:`_as_published`)."""
    slot = Article.published

    def set_(article: Article, value: object) -> None:
        slot.__set__(article, _as_published(value))

    return property(lambda article: slot.__get__(article, Article), set_, slot.__delete__)


Article.text = _spillable(Article, "text")  # type: ignore[assignment]
Article.body = _spillable(Article, "body")  # type: ignore[assignment]
Article.published = _published()  # type: ignore[assignment]


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

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "level": self.level, "message": self.message}


@dataclass(slots=True, frozen=True)
class Evidence:
    """A passage found in both articles: its text and ``[start, end)`` offsets in each
    article's ``text`` as read; ``kind`` is ``verbatim`` (a shared word run) or
    ``paraphrase`` (aligned sentences, ``similarity`` their TF-IDF cosine)."""

    kind: str
    similarity: float
    a: str
    b: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "similarity": self.similarity, "a": self.a, "b": self.b,
                "a_span": list(self.a_span), "b_span": list(self.b_span)}


@dataclass(slots=True, frozen=True)
class Quote:
    """A quotation both articles carry (text and offsets in each, as :class:`Evidence`)."""

    a: str
    b: str
    a_span: tuple[int, int]
    b_span: tuple[int, int]

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "a_span": list(self.a_span), "b_span": list(self.b_span)}


@dataclass(slots=True, frozen=True)
class Scores:
    """The measurements behind a pair's relation, rounded as reported (``_ab``/``_a``: of
    article ``a``'s text; containment: share of its words in passages shared verbatim;
    coverage: share of its text in aligned sentences)."""

    cosine: float = 0.0  # TF-IDF cosine of the whole texts
    jaccard: float = 0.0  # of their word 5-gram sets
    containment_ab: float = 0.0
    containment_ba: float = 0.0
    longest_passage_words: int = 0
    aligned_sentences: int = 0  # in the order-preserving alignment
    matched_sentences: int = 0  # one-to-one, order ignored
    in_order: float = 0.0  # aligned / matched
    aligned_similarity: float = 0.0  # mean cosine of the aligned sentence pairs
    sentences_a: int = 0
    sentences_b: int = 0
    coverage_a: float = 0.0
    coverage_b: float = 0.0
    shared_quotes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(slots=True, frozen=True)
class Pair:
    """Two articles that share a history (``a`` before ``b`` in the corpus's order): how,
    which is the ``source`` (None when nothing tells) and why (``reasons``; ``against``:
    signals pointing the other way), the scores and the evidence."""

    a: str
    b: str
    relation: Relation
    source: str | None = None
    reasons: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    scores: Scores = field(default_factory=Scores)
    evidence: tuple[Evidence, ...] = ()
    quotes: tuple[Quote, ...] = ()

    @property
    def derived(self) -> str | None:
        """The article that derives from the other, when the source is known."""
        if self.source not in (self.a, self.b):
            return None
        return self.b if self.source == self.a else self.a

    def other(self, article_id: str) -> str:
        """The article paired with ``article_id``."""
        return self.b if article_id == self.a else self.a

    def amend(self, **changes: Any) -> Pair:
        """``dataclasses.replace(self, **changes)``, its evidence and quotes left where they
        are (a large scan keeps them in a file: :func:`spill_evidence`)."""
        return Pair(**({f.name: stored(self, f.name) for f in fields(self)} | changes))

    def __reduce__(self) -> tuple[Callable[..., Pair], tuple]:
        """Pickled as plain tuples: a confirm worker sends back every pair it confirms, with
        its evidence; two to three times faster, each way, than record by record."""
        return _pair, (self.a, self.b, self.relation, self.source, self.reasons, self.against,
                       _SCORES_ROW(self.scores), tuple(map(_EVIDENCE_ROW, self.evidence)),
                       tuple(map(_QUOTE_ROW, self.quotes)))

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "relation": self.relation.value, "source": self.source,
                "reasons": list(self.reasons), "against": list(self.against), "scores": self.scores.to_dict(),
                "evidence": [e.to_dict() for e in self.evidence], "quotes": [q.to_dict() for q in self.quotes]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Pair:
        """The pair of a JSON report entry (:meth:`to_dict`)."""
        span = tuple  # [start, end] -> (start, end)
        return cls(d["a"], d["b"], Relation(d["relation"]), d.get("source"), tuple(d.get("reasons", ())),
                   tuple(d.get("against", ())), Scores(**d.get("scores", {})),
                   tuple(Evidence(e["kind"], e["similarity"], e["a"], e["b"], span(e["a_span"]), span(e["b_span"]))
                         for e in d.get("evidence", ())),
                   tuple(Quote(q["a"], q["b"], span(q["a_span"]), span(q["b_span"])) for q in d.get("quotes", ())))


Pair.evidence = _spillable(Pair, "evidence")  # type: ignore[assignment]
Pair.quotes = _spillable(Pair, "quotes")  # type: ignore[assignment]


def spill_evidence(pairs: list[Pair], store: TextSpill) -> list[Pair]:
    """The ``pairs`` with their evidence and quotes moved to ``store`` (at a million articles
    some 9 KB a pair: gigabytes held until the report is written), with one write each;
    a pair reads them back when asked, and pickles them as they are.

    >>> p = Pair("a", "b", Relation.COPY, evidence=(Evidence("verbatim", 1.0, "Hi.", "Hi.", (0, 3), (0, 3)),))
    >>> q = spill_evidence([p], TextSpill())[0]
    >>> q == p, type(stored(q, "evidence")).__name__, q.amend(source="a").evidence == p.evidence
    (True, 'SpilledValue', True)
    """
    moved: dict[int, dict[str, SpilledValue]] = {}
    for name, row, decode in (("evidence", _EVIDENCE_ROW, _evidence), ("quotes", _QUOTE_ROW, _quotes)):
        which = [k for k, p in enumerate(pairs) if stored(p, name)]
        refs = store.put_values([tuple(map(row, getattr(pairs[k], name))) for k in which], decode)
        for k, ref in zip(which, refs):
            moved.setdefault(k, {})[name] = ref
    return [p.amend(**moved[k]) if k in moved else p for k, p in enumerate(pairs)]


def _maker(cls: type) -> Callable[[tuple], Any]:
    """What makes an instance of the slots dataclass ``cls`` from its fields' values in
    order, as its ``__init__`` would (none runs more than that), setting the slots
    directly: unpickling the evidence of a million-article scan, 2.5 µs an object less."""
    setters = [getattr(cls, f.name).__set__ for f in fields(cls)]

    def make(values: tuple) -> Any:
        record = object.__new__(cls)
        for set_, value in zip(setters, values):
            set_(record, value)
        return record

    return make


_EVIDENCE_ROW, _QUOTE_ROW, _SCORES_ROW = (attrgetter(*(f.name for f in fields(c))) for c in (Evidence, Quote, Scores))
_EVIDENCE_OF, _QUOTE_OF, _SCORES_OF = (_maker(c) for c in (Evidence, Quote, Scores))


def _evidence(rows: tuple[tuple, ...]) -> tuple[Evidence, ...]:
    return tuple(map(_EVIDENCE_OF, rows))


def _quotes(rows: tuple[tuple, ...]) -> tuple[Quote, ...]:
    return tuple(map(_QUOTE_OF, rows))


def _pair(a: str, b: str, relation: Relation, source: str | None, reasons: tuple[str, ...], against: tuple[str, ...],
          scores: tuple, evidence: tuple[tuple, ...], quotes: tuple[tuple, ...]) -> Pair:
    """The pair :meth:`Pair.__reduce__` pickled."""
    return Pair(a, b, relation, source, reasons, against, _SCORES_OF(scores), _evidence(evidence), _quotes(quotes))


@dataclass(slots=True, frozen=True)
class Story:
    """Articles linked by derived-or-stronger pairs, rooted at the original; ``related``:
    articles about the same event written independently."""

    root: str
    members: tuple[str, ...]
    related: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"root": self.root, "members": list(self.members), "related": list(self.related)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Story:
        return cls(d["root"], tuple(d["members"]), tuple(d.get("related", ())))


@dataclass(slots=True, frozen=True)
class ClaimCheck:
    """One attribution claim of an article checked against the corpus: ``status`` is
    ``matched``, ``unmatched``, ``not_in_corpus`` or ``self``; ``articles`` names the
    claimed outlet's articles it matches (or, unmatched, the first of them)."""

    claim: str
    status: str
    articles: tuple[str, ...]
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"claim": self.claim, "status": self.status, "articles": list(self.articles), "note": self.note}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClaimCheck:
        return cls(d["claim"], d["status"], tuple(d["articles"]), d["note"])


@dataclass
class Report:
    """What a scan found; :meth:`to_dict` is the JSON contract. ``word_counts``: each
    article's words when the articles carry no body (a Spark job's report)."""

    articles: list[Article]
    pairs: list[Pair]
    stories: list[Story]
    attribution: dict[str, list[ClaimCheck]]
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    command: str | None = None  # the command line that produced the report, when known
    word_counts: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "generated_by": self.command,
            "articles": [self.article_dict(a) for a in self.articles],
            "pairs": [p.to_dict() for p in self.pairs],
            "clusters": [s.to_dict() for s in self.stories],
            "problems": [p.to_dict() for p in self.problems],
            "stats": self.stats,
        }

    def article_dict(self, a: Article) -> dict[str, Any]:
        """One entry of ``to_dict()["articles"]``."""
        words = self.word_counts.get(a.id, 0) if self.word_counts is not None else len((a.body or "").split())
        return {
            "id": a.id, "title": a.title, "published": format_published(a.published) if a.published else None,
            "publisher": a.publisher, "byline": a.byline, "url": a.url, "attribution": a.attribution,
            "attribution_check": [c.to_dict() for c in self.attribution.get(a.id, [])], "removed": a.removed,
            "words": words,
        }
