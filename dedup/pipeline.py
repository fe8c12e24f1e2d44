"""The pipeline: the one place where the stages meet, whichever driver runs them.

    ingest ─> clean ─> sketch ─> candidates ─> confirm ─> relation ─> report

A driver reads, cleans and sketches articles and finds candidate pairs its own way: the
local scan (:mod:`dedup.scan`) a corpus at once in processes, the index
(:mod:`dedup.index`) one new article against stored ones, the Spark job
(:mod:`dedup.spark`) in partitions on a cluster. Each then hands its candidates here and
stores or shuffles what comes back; none decides a rule of its own:

* :func:`keep_candidates`: which candidate pairs go on to confirmation;
* :func:`confirm_pairs`: each kept pair measured (scores), its relation, source and evidence;
* :func:`tell_stories`: the stories the pairs form, and the pairs oriented by them.

>>> from dedup.model import Article
>>> from dedup.clean import clean
>>> from dedup.confirm import Confirmer
>>> from dedup.sketch import featurize
>>> story = "The council approved the new budget on Monday after a long debate. " * 3
>>> arts = [clean(Article(id="a", text=story)), clean(Article(id="b", text=story + "Share this with friends."))]
>>> f = featurize(Bodies(arts))
>>> confirmer = Confirmer().fit(Bodies(arts), f.terms)
>>> pairs = np.array([[0, 1]])
>>> [(p.a, p.b, str(p.relation)) for p in confirm_pairs(arts, confirmer, pairs, confirmer.cosines(pairs), f.digest)]
[('a', 'b', 'copy')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import overload

import numpy as np

from dedup.candidates.channels import NOT_MEASURED, Candidates
from dedup.clean.spans import TextSpans
from dedup.arrays import unique
from dedup.confirm.measures import Comparison, lexical
from dedup.confirm.tfidf import Confirmer
from dedup.confirm.verbatim import VerbatimTexts, verbatim_measures
from dedup.model import Article, Evidence, Pair, Quote, Story
from dedup.params import DEFAULT, Params
from dedup.relation.classify import relation
from dedup.relation.direction import direction
from dedup.relation.stories import clusters, orient_by_story


def runs_needed(cosine: np.ndarray, params: Params = DEFAULT) -> np.ndarray:
    """Which anchor-channel pairs need their verbatim run measured (``anchor_run`` of
    :class:`dedup.candidates.Candidates`) before :func:`keep_candidates`: those below
    the related cosine, where only verbatim reuse can make a relation."""
    return np.asarray(cosine) < params.related_cosine


def keep_candidates(found: Candidates, params: Params = DEFAULT, measured: bool = True
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Which candidate pairs go on to confirmation, and which anchor-channel pairs share a
    passage (both masks over ``found``).

    Every document-channel pair goes on; sentence- and anchor-channel pairs from the
    related cosine on; below it, an anchor pair whose run of shared shingles makes a
    verbatim passage long enough for a partial (``partial_run_words``); nothing else can
    make a relation there. ``measured=False``: an anchor pair whose run is not measured
    counts as kept (the pairs whose articles a driver must read to measure them).
    """
    close = found.cosine >= params.related_cosine
    low = np.flatnonzero(found.by_anchor & ~close)
    runs = found.anchor_run[low]
    unknown = runs == NOT_MEASURED
    if measured and unknown.any():
        raise ValueError(f"{int(unknown.sum())} anchor pairs below the related cosine have no measured run "
                         f"(measure those of runs_needed)")
    passage = found.by_anchor & close
    passage[low] = unknown | (runs >= params.partial_run_words - params.shingle_words + 1)
    return found.by_document | passage | (found.by_sentence & close), passage


class Bodies(Sequence[str]):
    """The articles' bodies (``""`` for none), read when asked for: spilled bodies stay on disk."""

    def __init__(self, articles: Sequence[Article | None]) -> None:
        self.articles = articles

    def __len__(self) -> int:
        return len(self.articles)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [a.body or "" if a is not None else "" for a in self.articles[i]]
        a = self.articles[i]
        return a.body or "" if a is not None else ""


COMPARE_BLOCK = 256  # pairs compared at once (one sparse product of their sentences)


def confirm_pairs(articles: Sequence[Article | None], confirmer: Confirmer, pairs: np.ndarray, cosines: np.ndarray,
                  digest: np.ndarray | None = None, params: Params = DEFAULT, screened: bool = False) -> list[Pair]:
    """The pairs among ``pairs`` (kept candidates, as positions in ``articles``, each
    ``(i, j)`` with ``i`` first in the corpus) that share a history: measured by
    ``confirmer`` (fitted on those articles; ``cosines``: each pair's TF-IDF cosine), with
    their relation, source and evidence. ``digest``: each article's word-sequence hash
    (``Features.digest``): equal digests make a duplicate when cleaning removed the same
    lines from both (else boilerplate differs: a copy); None: none is.

    Pairs that cannot have a relation are dropped first (:func:`worth_comparing`), unless
    ``screened``: the caller did so. The others are compared a block at a time.
    """
    p = params
    pairs, cosines = np.asarray(pairs, np.int64).reshape(-1, 2), np.asarray(cosines)
    same = np.zeros(len(pairs), bool) if digest is None else digest[pairs[:, 0]] == digest[pairs[:, 1]]
    if not screened:
        keep = worth_comparing(confirmer.bodies_, pairs, cosines, same, p)
        pairs, cosines, same = pairs[keep], cosines[keep], same[keep]
    todo = list(zip(pairs.tolist(), cosines.tolist(), same.tolist()))
    confirmer.prepare(k for (i, j), _, _ in todo for k in (i, j))
    out: list[Pair] = []
    spans: dict[int, TextSpans] = {}  # each article's line maps made once for all its pairs

    def text_spans(k: int, article: Article) -> TextSpans:
        if k not in spans:
            spans[k] = TextSpans(article)
        return spans[k]

    for lo in range(0, len(todo), COMPARE_BLOCK):
        block = todo[lo: lo + COMPARE_BLOCK]
        for comp, (_, _, same_words) in zip(confirmer.compare_many([tuple(x[0]) for x in block],
                                                                   [x[1] for x in block]), block):
            a, b = articles[comp.a], articles[comp.b]
            assert a is not None and b is not None
            rel = relation(comp, same_words=same_words and a.removed == b.removed, params=p)
            if rel is None:
                continue
            spans_a, spans_b = text_spans(comp.a, a), text_spans(comp.b, b)
            d = direction(a, b, comp, rel, p) if rel.derives else None
            out.append(Pair(a.id, b.id, rel, d.source if d else None, d.reasons if d else (), d.against if d else (),
                            comp.scores(), evidence(comp, spans_a, spans_b, p) if rel.derives else (),
                            shared_quotes(comp, spans_a, spans_b)))
    return out


def worth_comparing(bodies: Sequence[str] | VerbatimTexts, pairs: np.ndarray, cosines: np.ndarray,
                    same_words: np.ndarray, params: Params = DEFAULT, rows: np.ndarray | None = None) -> np.ndarray:
    """Which of ``pairs`` (positions in ``bodies``) can have a relation (a mask): every pair
    of the related cosine or more, or of the same words; below the related cosine only
    verbatim reuse counts, and a pair goes on when its verbatim measures make a relation.

    Those are measured a block of pairs at a time (:func:`dedup.confirm.verbatim_measures`);
    a pair they leave undecided (the bound on its longest passage decides) has its passages
    found (:func:`dedup.confirm.lexical`). ``bodies``: the texts, or their
    :class:`dedup.confirm.VerbatimTexts` already made, text ``rows[i]`` being article ``i``'s.
    """
    keep = np.ones(len(pairs), bool)
    low = np.flatnonzero(~np.asarray(same_words, bool) & (np.asarray(cosines) < params.related_cosine))
    if low.size == 0:
        return keep
    if isinstance(bodies, VerbatimTexts):
        texts, row = bodies, (lambda i: i) if rows is None else rows.__getitem__
    else:
        wanted = unique(pairs[low].ravel())
        texts = VerbatimTexts.of([bodies[i] for i in wanted.tolist()], params)
        row = lambda i: np.searchsorted(wanted, i)  # noqa: E731
    a, b = row(pairs[low, 0]), row(pairs[low, 1])
    m = verbatim_measures(texts, a, b, params)
    for k, at in enumerate(low.tolist()):
        c = Comparison(int(a[k]), int(b[k]), cosine=float(cosines[at]), containment_ab=float(m.containment_ab[k]),
                       containment_ba=float(m.containment_ba[k]), lead_a=float(m.lead_a[k]),
                       lead_b=float(m.lead_b[k]), longest_run=int(m.run_bound[k]))
        if relation(c, params=params) is None:  # not even with the longest passage it may have
            keep[at] = False
            continue
        c.longest_run = 0
        if relation(c, params=params) is None:  # the passages decide: find them
            exact = Comparison(c.a, c.b, cosine=c.cosine)
            lexical(exact, texts.run(c.a), texts.run(c.b), params)
            keep[at] = relation(exact, params=params) is not None
    return keep


def evidence(comp: Comparison, spans_a: TextSpans, spans_b: TextSpans, params: Params = DEFAULT
             ) -> tuple[Evidence, ...]:
    """The passages of a comparison as evidence: verbatim ones first, longest first, at
    most ``max_evidence``, then listed in the order of article ``a``."""
    body_a, body_b = spans_a.body, spans_b.body
    passages = sorted(comp.passages, key=lambda x: (x.kind != "verbatim", -x.words, x.a_span))
    out = [Evidence(x.kind, x.similarity, body_a[x.a_span[0]:x.a_span[1]], body_b[x.b_span[0]:x.b_span[1]],
                    spans_a(x.a_span), spans_b(x.b_span)) for x in passages[:params.max_evidence]]
    out.sort(key=lambda e: (e.kind != "verbatim", e.a_span))
    return tuple(out)


def shared_quotes(comp: Comparison, spans_a: TextSpans, spans_b: TextSpans) -> tuple[Quote, ...]:
    """The quotations both articles carry, with their offsets in each text as read."""
    body_a, body_b = spans_a.body, spans_b.body
    return tuple(Quote(body_a[qa[0]:qa[1]], body_b[qb[0]:qb[1]], spans_a(qa), spans_b(qb)) for qa, qb in comp.quotes)


def report_order(pairs: Sequence[Pair]) -> list[Pair]:
    """Pairs as reports list them: strongest relation first, then by ids."""
    return sorted(pairs, key=lambda x: (-x.relation.strength, x.a, x.b))


def tell_stories(ids: Sequence[str], pairs: Sequence[Pair], params: Params = DEFAULT
                 ) -> tuple[list[Pair], list[Story]]:
    """The stories of ``pairs`` among the articles ``ids`` (:func:`dedup.relation.clusters`)
    and the pairs oriented by them (:func:`dedup.relation.orient_by_story`), in report order."""
    stories = clusters(ids, pairs, params)
    return report_order(orient_by_story(pairs, stories)), stories
