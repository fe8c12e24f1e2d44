"""The relation of a compared pair, strongest first.

* **duplicate**: the same words after normalisation.
* **copy**: most of each text is inside passages shared verbatim with the other, or one
  text is the other's opening (:func:`truncated`: a copy cut after some paragraphs), and
  the shared passages keep one order (``copy_order``: an update that moves paragraphs,
  adds and drops some is not the same body). Texts are measured by their own words
  (:mod:`dedup.clean.layout`).
* **derived**, before partial: a rewrite: most of one text in sentences matched one to
  one with the other's (order ignored: rewrites move, merge and split sentences), which
  carries most of it, without the verbatim share of a copy; its aligned sentences carry
  the same words, as below, and a share of the matched sentences is reworded
  (:attr:`Comparison.reworded`), not reused as it is.
* **partial**: a substantial verbatim passage is shared, the rest differs; or sentences
  reused as they are, moved about (an updated story).
* **derived**: sentences align with the other's in the same order and cover a good
  share of one text, while the words differ (rewrites, digests, summaries); at least
  half of the aligned sentence pairs carry the same words (most of the content terms of
  one sentence, not its names or numbers, in the other: :attr:`Comparison.carried`). Two
  reports of a running story align on the names and numbers they share (same newsroom,
  different day), not on their sentences. Or, order ignored, sentences matched one to one
  cover a good share of one text and say nearly the same (``moved_similarity``), most of
  them carrying the same words: a story built partly from the other, its sentences
  reworded and moved among its own. When the matched sentences are reused as they are
  (not reworded), the pair is partial.
* **related**: same subject (TF-IDF cosine) without a derivation: same event,
  written independently.

>>> from dedup.confirm import Comparison
>>> relation(Comparison(0, 1, cosine=0.43, aligned=16, matched=16, coverage_a=0.73, coverage_b=0.3,
...                    similarity=0.5, carried=15, reworded=12))
<Relation.DERIVED: 'derived'>
>>> relation(Comparison(0, 1, cosine=0.43, aligned=16, matched=16, coverage_a=0.73, coverage_b=0.3,
...                    similarity=0.5, carried=15, reworded=0))
<Relation.PARTIAL: 'partial'>
>>> relation(Comparison(0, 1, cosine=0.43, aligned=16, matched=16, coverage_a=0.73, coverage_b=0.3,
...                    similarity=0.5, carried=5, reworded=12))
<Relation.RELATED: 'related'>
>>> relation(Comparison(0, 1, cosine=0.33, aligned=3, matched=4, coverage_a=0.14, coverage_b=0.03))
<Relation.RELATED: 'related'>
"""

from __future__ import annotations

from dedup.confirm.measures import Comparison
from dedup.model import Relation
from dedup.params import DEFAULT, Params


def truncated(c: Comparison, params: Params = DEFAULT) -> tuple[str, str] | None:
    """``("a", "b")`` when a is b's opening cut short (most of a inside, the shared part of b
    its opening, one long passage), ``("b", "a")`` the other way, else None. When both
    ways fit, the text more inside the other is the cut one, and texts equally inside one
    another (the same body) are not cut."""
    p = params
    if c.longest_run < p.partial_long_run_words:
        return None
    fits = [(share, inner, outer) for inner, outer, share, lead in (("a", "b", c.containment_ab, c.lead_b),
                                                                     ("b", "a", c.containment_ba, c.lead_a))
            if share >= p.copy_truncated_long and lead >= p.copy_lead]
    if len(fits) == 2 and fits[0][0] == fits[1][0]:
        return None
    return max(fits)[1:] if fits else None


def relation(c: Comparison, same_words: bool = False, params: Params = DEFAULT) -> Relation | None:
    """The relation of a compared pair, or None when they are unrelated (see the module
    docstring; the thresholds are :class:`dedup.params.Params`' ``relation`` stage)."""
    p = params
    lo, hi = sorted((c.containment_ab, c.containment_ba))
    if same_words:
        return Relation.DUPLICATE
    in_order = c.passage_order >= p.copy_order  # an update or a rewrite moves passages, a copy does not
    if in_order and (lo >= p.copy_both or (hi >= p.copy_truncated_long and lo >= p.copy_truncated_short)
                     or truncated(c, p)):
        return Relation.COPY
    lo_m, hi_m = sorted((c.matched_coverage_a, c.matched_coverage_b))
    carried = c.carried >= p.derived_carried * c.aligned  # the aligned sentences say the same, not just its names
    reworded = c.reworded >= p.derived_reworded * c.matched  # not the same sentences reused (partial)
    if (c.cosine >= p.derived_cosine and hi_m >= p.rewrite_coverage and lo_m >= p.rewrite_other_coverage
            and carried and (reworded or hi < p.partial_share)):  # (or their words are not in shared passages)
        return Relation.DERIVED
    if (c.longest_run >= p.partial_long_run_words or hi >= p.partial_share
            or (c.longest_run >= p.partial_run_words and hi >= p.partial_min_share)
            or (c.matched - c.reworded >= p.partial_sentences and not reworded and hi >= p.partial_sentence_share)):
        return Relation.PARTIAL
    coverage = max(c.coverage_a, c.coverage_b)
    aligned = (c.aligned >= p.derived_aligned and coverage >= p.derived_coverage and c.order >= p.derived_order
               and (c.similarity >= p.derived_similarity or coverage >= p.derived_full_coverage) and carried)
    moved = (c.matched >= p.derived_aligned and hi_m >= p.derived_coverage and c.matched_similarity >= p.moved_similarity
             and c.matched_carried >= p.derived_carried * c.matched)  # part of it rewritten, sentences moved
    if c.cosine >= p.derived_cosine and (hi >= p.derived_reuse or aligned or moved):
        return Relation.DERIVED if reworded else Relation.PARTIAL
    if c.cosine >= p.related_cosine:
        return Relation.RELATED
    return None
