"""Every threshold, size and cap of the pipeline, in one frozen record with its defaults.

There is one default configuration (``Params()``), measured on every benchmark set at
once; a rule that needs another value for one set is not a rule. Each field names the
stage that reads it (:meth:`Params.of_stage`): an index stores the ``sketch`` values its
features were computed with, and refuses to mix others.

>>> p = Params()
>>> p.shingle_words, p.related_cosine, p.of_stage("sketch")["doc_threshold"]
(5, 0.2, 0.3)
>>> Params(related_cosine=1.5)
Traceback (most recent call last):
...
ValueError: The 'related_cosine' parameter of Params must be a number in [0, 1]. Got 1.5 instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

STAGES = ("clean", "sketch", "candidates", "confirm", "relation", "report")


def _p(default: Any, stage: str, doc: str, unit: bool = False) -> Any:
    """A field of :class:`Params`: its default, the stage that reads it and what it means;
    ``unit``: a share or similarity, in [0, 1]."""
    return field(default=default, metadata={"stage": stage, "doc": doc, "unit": unit})


@dataclass(frozen=True, slots=True)
class Params:
    """The pipeline's parameters; see the module docstring. ``Params.describe()`` lists them."""

    # clean: corpus-wide repeated lines (footers, promos)
    repeat_min_docs: int = _p(5, "clean", "a line in at least this many articles is a repeated line")
    repeat_max_shared: float = _p(0.5, "clean", "dropped when the median article carrying it has at most this "
                                                "share of its prose (lines of 10 words or more) in lines it shares "
                                                "with the line's other carriers (in half as many articles as the "
                                                "line, two at least): copies share all theirs", True)
    # sketch: tokens, shingles, MinHash; the stored features of an index depend on these
    shingle_words: int = _p(5, "sketch", "words per shingle (copies, passages, anchors)")
    stem: int = _p(6, "sketch", "content terms are word prefixes of this many characters")
    term_bits: int = _p(24, "sketch", "hashed term space of the TF-IDF (2**bits columns)")
    minhash_seed: int = _p(1, "sketch", "seed of the MinHash permutations (datasketch's scheme)")
    doc_num_perm: int = _p(128, "sketch", "MinHash permutations of an article's shingles")
    doc_threshold: float = _p(0.3, "sketch", "Jaccard the document channel's bands are tuned for", True)
    sentence_num_perm: int = _p(64, "sketch", "MinHash permutations of a sentence's content terms")
    sentence_threshold: float = _p(0.25, "sketch", "Jaccard the sentence channel's bands are tuned for", True)
    sentence_min_terms: int = _p(4, "sketch", "sentences with fewer content terms are not sketched")
    anchor_window: int = _p(8, "sketch", "winnowing window: the smallest shingle of every this many is an anchor")
    # candidates: the three channels (never all pairs)
    doc_max_bucket: int = _p(64, "candidates", "document-channel buckets with more articles pair each with the first only")
    anchor_min_hits: int = _p(2, "candidates", "shared anchors on one diagonal that make a candidate")
    anchor_max_docs: int = _p(50, "candidates", "anchors in more articles pair each with the first only (stock phrases, fan-outs)")
    anchor_slack: int = _p(32, "candidates", "words a diagonal may drift within a shared passage")
    run_reach: int = _p(16, "candidates", "shingles looked at on each side of a shared anchor for its run")
    sentence_max_bucket: int = _p(16, "candidates", "sentence-channel buckets with more sentences pair each with the first only")
    sentence_min_hits: int = _p(2, "candidates", "colliding sentence pairs that make a candidate")
    # confirm: measurements of a candidate pair
    sentence_similarity: float = _p(0.35, "confirm", "TF-IDF cosine at which two sentences align", True)
    sentence_terms_shared: float = _p(0.5, "confirm", "an aligned sentence pair carries the same words when more than "
                                      "this share of the content terms (not names or numbers) of the one with fewer "
                                      "is in the other", True)
    sentence_same: float = _p(0.9, "confirm", "matched sentences are the same sentence reused when their TF-IDF "
                              "cosine and the share of each one's words in shared passages reach this (else reworded)",
                              True)
    min_passage_words: int = _p(8, "confirm", "shortest verbatim passage measured and shown, in words")
    max_aligned_candidates: int = _p(4000, "confirm", "similar sentence pairs kept for the alignment (strongest)")
    max_aligned_cells: int = _p(4_000_000, "confirm", "sentence pairs compared at most (sentences of one text times "
                                                      "the other's); larger pairs: verbatim measures only")
    quote_min_words: int = _p(4, "confirm", "shortest quotation, in words")
    quote_min_terms: int = _p(3, "confirm", "a quotation needs this many content terms")
    quote_share: float = _p(0.8, "confirm", "share of the shorter quotation's terms in the other: the same quote",
                            True)
    # relation: thresholds of each relation, strongest first
    copy_both: float = _p(0.8, "relation", "copy: both texts this much inside shared passages", True)
    copy_truncated_long: float = _p(0.9, "relation", "copy: or one text this much inside...", True)
    copy_truncated_short: float = _p(0.5, "relation", "...and the other at least this much", True)
    copy_lead: float = _p(0.9, "relation", "copy: or one text this much inside and the other's opening, this much "
                          "of it shared, in a passage of partial_long_run_words (truncated)", True)
    copy_order: float = _p(0.8, "relation", "copy: and this share of the shared passages' words in one order in both "
                           "(a copy keeps its body's order; an update moves paragraphs)", True)
    rewrite_coverage: float = _p(0.75, "relation", "derived before partial: one text this much in sentences matched "
                                 "to the other's (order ignored), and...", True)
    rewrite_other_coverage: float = _p(0.5, "relation", "...the other this much: a rewrite of all of it", True)
    derived_reworded: float = _p(0.25, "relation", "derived: at least this share of the matched sentence pairs "
                                 "reworded (sentence_same); fewer: the sentences are reused as they are (partial)",
                                 True)
    partial_run_words: int = _p(20, "relation", "partial: a shared verbatim passage this long, with...")
    partial_min_share: float = _p(0.1, "relation", "...this share of one text in shared passages", True)
    partial_long_run_words: int = _p(40, "relation", "partial: or a shared passage this long alone")
    partial_share: float = _p(0.5, "relation", "partial: or this share of one text in shorter shared passages",
                              True)
    partial_sentences: int = _p(2, "relation", "partial: or this many matched sentences reused as they are "
                                "(sentence_same), with...")
    partial_sentence_share: float = _p(0.25, "relation", "...this share of one text in shared passages", True)
    derived_cosine: float = _p(0.3, "relation", "derived: TF-IDF cosine at least, and...", True)
    derived_aligned: int = _p(3, "relation", "...at least this many aligned sentences...")
    derived_coverage: float = _p(0.4, "relation", "...covering this share of one text (by length)...", True)
    derived_order: float = _p(0.6, "relation", "...this share of matched sentences in order...", True)
    derived_similarity: float = _p(0.45, "relation", "...of this mean cosine...", True)
    derived_full_coverage: float = _p(0.6, "relation", "...unless they cover this much", True)
    derived_carried: float = _p(0.5, "relation", "...and at least this share of the aligned sentence pairs carry the "
                                "same words (sentence_terms_shared), for a rewrite too: a follow-up of a story "
                                "shares its names, not its sentences", True)
    moved_similarity: float = _p(0.7, "relation", "derived: or, order ignored (a story built partly from the other, "
                                 "its sentences moved), derived_aligned sentence pairs matched one to one, of this "
                                 "mean cosine, covering derived_coverage of one text, derived_carried of them "
                                 "carrying the same words", True)
    derived_reuse: float = _p(0.3, "relation", "derived: or this share of one text in short shared runs", True)
    related_cosine: float = _p(0.2, "relation", "related: TF-IDF cosine at least (below: only verbatim reuse)",
                               True)
    story_partial_share: float = _p(0.5, "relation", "a partial pair joins two stories when this share of one text is "
                                    "in shared passages (an excerpt); a smaller embedding stays a pair", True)
    one_way: float = _p(0.15, "relation", "difference in coverage that tells which text was built from the other",
                        True)
    # report
    max_evidence: int = _p(40, "report", "passages listed per pair")
    claim_names: int = _p(5, "report", "articles of the claimed outlet named in an unmatched claim's note")

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.metadata["unit"]:
                ok, what = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1, \
                    "a number in [0, 1]"
            else:
                ok, what = isinstance(value, int) and not isinstance(value, bool) and value >= 1, "a positive int"
            if not ok:
                raise ValueError(f"The {f.name!r} parameter of Params must be {what}. Got {value!r} instead.")

    def of_stage(self, stage: str) -> dict[str, Any]:
        """The values read by ``stage`` (one of :data:`STAGES`), by name."""
        if stage not in STAGES:
            raise ValueError(f"The 'stage' parameter of Params.of_stage must be one of {', '.join(STAGES)}. "
                             f"Got {stage!r} instead.")
        return {f.name: getattr(self, f.name) for f in fields(self) if f.metadata["stage"] == stage}

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Params:
        """The parameters of ``values`` (:meth:`to_dict`); an unknown name is a ValueError."""
        unknown = sorted(set(values) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown parameter(s) of Params: {', '.join(unknown)}")
        return cls(**values)

    @classmethod
    def describe(cls) -> list[tuple[str, str, Any, str]]:
        """``(stage, name, default, meaning)`` of every parameter, in pipeline order."""
        return [(f.metadata["stage"], f.name, f.default, f.metadata["doc"]) for f in fields(cls)]

    @classmethod
    def table(cls) -> str:
        """:meth:`describe` as a Markdown table (the one in docs/ARCHITECTURE.md is tested equal).

        >>> print(Params.table().splitlines()[2])
        | clean | `repeat_min_docs` | 5 | a line in at least this many articles is a repeated line |
        """
        rows = [f"| {stage} | `{name}` | {default} | {doc} |" for stage, name, default, doc in cls.describe()]
        return "\n".join(["| stage | parameter | default | meaning |", "|---|---|---|---|", *rows])


DEFAULT = Params()
