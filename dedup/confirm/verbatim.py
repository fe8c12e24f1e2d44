"""The verbatim measures of many pairs at once: a first look, with numpy over a block of
pairs, at the pairs whose cosine is too low for anything but verbatim reuse.

:class:`VerbatimTexts` holds what :func:`dedup.confirm.measures.lexical` reads of each
text (its shingles in text order, its word count, and where its own words and prose
blocks are: :func:`dedup.clean.layout.own_words`, as word ranges) as flat arrays, made
once per text. :func:`verbatim_measures` then gives, for a block of pairs, the
containment and lead of each side exactly as ``lexical`` computes them, and a bound on
the longest shared passage (the longest run of shared own words of ``a``): enough to
tell most pairs' relation without finding their passages.

>>> t = VerbatimTexts.of(["one two three four five six seven eight nine ten eleven twelve",
...                       "zero one two three four five six seven eight nine ten", "other words here"])
>>> m = verbatim_measures(t, np.array([0, 0]), np.array([1, 2]))
>>> m.containment_ab.round(2).tolist(), m.containment_ba.round(2).tolist(), m.run_bound.tolist()
([0.83, 0.0], [0.91, 0.0], [10, 0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dedup.arrays import member, unique
from dedup.clean.layout import blocks, captions, quotations
from dedup.confirm.measures import ShingleRun
from dedup.params import DEFAULT, Params
from dedup.sketch.bytescan import scan_ascii
from dedup.sketch.hashing import hash_words, shingles
from dedup.sketch.tokens import words_and_spans
from dedup.spill import ArraySink

BLOCK_WORDS = 1 << 21  # words of the pairs measured at once (each side)


def _ranges(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For segments of ``lengths``: each element's segment and its offset in it."""
    lengths = np.asarray(lengths, np.int64)
    seg = np.repeat(np.arange(lengths.size, dtype=np.int64), lengths)
    return seg, np.arange(seg.size, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)


def _distinct(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values of ``values``, and where each value is among them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.r_[True, ordered[1:] != ordered[:-1]] if ordered.size else np.zeros(0, bool)
    inverse = np.empty(values.size, np.int32)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


@dataclass
class VerbatimTexts:
    """Texts as the verbatim measures see them, end to end (see the module docstring);
    text ``i``'s rows of each array are ``x[x_start[i]:x_start[i + 1]]``."""

    shingles: np.ndarray  # uint32, in text order
    shingle_start: np.ndarray  # int64, (n + 1,)
    unique: np.ndarray  # uint32: each text's distinct shingles, sorted
    unique_start: np.ndarray
    inverse: np.ndarray  # int32, per shingle: where it is among its text's distinct ones
    words: np.ndarray  # int64, (n,)
    cuts: np.ndarray  # (m, 2) int64: word ranges that are not the writer's own (quotations, captions)
    cut_start: np.ndarray
    blocks: np.ndarray  # (k, 2) int64: word ranges of the prose blocks, in order
    block_start: np.ndarray
    own: np.ndarray  # bool, per word (end to end): the writer's own
    block: np.ndarray  # int32, per word: its block in its text (-1: none)
    word_start: np.ndarray | None = field(default=None, repr=False, compare=False)  # made when first needed

    def __len__(self) -> int:
        return self.words.size

    @classmethod
    def of(cls, bodies: Sequence[str], params: Params = DEFAULT) -> VerbatimTexts:
        """The texts of ``bodies``: the ASCII ones tokenized together with numpy, the others one by one,
        as :class:`dedup.sketch.body.Sketch` does."""
        plain = [k for k, b in enumerate(bodies) if b.isascii()]
        starts: list[np.ndarray] = [np.empty(0, np.int64)] * len(bodies)
        hashes: list[np.ndarray] = [np.empty(0, np.uint64)] * len(bodies)
        if plain:
            t = scan_ascii([bodies[k] for k in plain], with_sentences=False)
            text_start = np.cumsum([0] + [len(bodies[k]) + 1 for k in plain[:-1]])
            bounds = np.searchsorted(t.doc, np.arange(len(plain) + 1))
            for k, lo, hi, base in zip(plain, bounds[:-1].tolist(), bounds[1:].tolist(), text_start.tolist()):
                starts[k], hashes[k] = t.start[lo:hi] - base, t.hash[lo:hi]
        for k in sorted(set(range(len(bodies))) - set(plain)):
            tokens, spans = words_and_spans(bodies[k])
            starts[k], hashes[k] = spans[:, 0], hash_words(tokens)
        cuts, block_ranges = [], []
        for body, s in zip(bodies, starts):
            marked = (quotations(body, params.quote_min_words) if '"' in body else []) + captions(body)
            cuts.append(np.searchsorted(s, np.array(marked, np.int64).reshape(-1, 2)))
            block_ranges.append(np.searchsorted(s, np.array(blocks(body), np.int64).reshape(-1, 2)))
        values = [shingles(h, params.shingle_words) for h in hashes]
        distinct, inverse = zip(*map(_distinct, values)) if values else ((), ())

        def offsets(parts: Sequence[np.ndarray]) -> np.ndarray:
            return np.r_[0, np.cumsum([len(p) for p in parts])].astype(np.int64)

        def joined(parts: Sequence[np.ndarray], dtype) -> np.ndarray:
            return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)

        words = np.array([h.size for h in hashes], np.int64)
        ranges = (np.concatenate(cuts).astype(np.int64) if cuts else np.empty((0, 2), np.int64), offsets(cuts),
                  np.concatenate(block_ranges).astype(np.int64) if block_ranges else np.empty((0, 2), np.int64),
                  offsets(block_ranges))
        return cls(joined(values, np.uint32), offsets(values), joined(distinct, np.uint32), offsets(distinct),
                   joined(inverse, np.int32), words, *ranges, *_painted(words, *ranges))

    @classmethod
    def concat(cls, parts: Sequence[VerbatimTexts], folder: str | None = None) -> VerbatimTexts:
        """The texts of ``parts``, in order; ``folder``: keep the shingles in a file there, mapped."""
        sinks = {name: ArraySink(dtype, path=None if folder is None else f"{folder}/verbatim-{name}")
                 for name, dtype in (("shingles", np.uint32), ("unique", np.uint32), ("inverse", np.int32),
                                     ("own", np.bool_), ("block", np.int32))}
        for p in parts:
            for name, sink in sinks.items():
                sink.add(getattr(p, name))

        def joined(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name) for p in parts]) if parts else np.empty((0, 2), np.int64)

        def starts(name: str) -> np.ndarray:
            return np.r_[0, np.cumsum(np.concatenate([np.diff(getattr(p, name)) for p in parts]))].astype(np.int64) \
                if parts else np.zeros(1, np.int64)

        return cls(sinks["shingles"].result(), starts("shingle_start"), sinks["unique"].result(), starts("unique_start"),
                   sinks["inverse"].result(), joined("words").reshape(-1),
                   joined("cuts").reshape(-1, 2), starts("cut_start"), joined("blocks").reshape(-1, 2),
                   starts("block_start"), sinks["own"].result(), sinks["block"].result())

    def layout(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Text ``i``'s own-word mask and the block of each word (-1: none), as
        :func:`dedup.clean.layout.own_words` gives them."""
        return self.layouts(np.array([i]))

    def run(self, i: int) -> ShingleRun:
        """Text ``i`` for :func:`dedup.confirm.measures.lexical` (no offsets: measures only)."""
        return ShingleRun(self.shingles[self.shingle_start[i]:self.shingle_start[i + 1]], int(self.words[i]),
                          self.layout(i) if self.words[i] else None,
                          self.unique[self.unique_start[i]:self.unique_start[i + 1]])

    def layouts(self, texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`layout` of each of ``texts``, end to end."""
        if self.word_start is None:
            self.word_start = np.r_[0, np.cumsum(self.words)]
        text, nth = _ranges(self.words[texts])
        at = self.word_start[texts][text] + nth
        return self.own[at], self.block[at]


def _painted(words: np.ndarray, cuts: np.ndarray, cut_start: np.ndarray, blocks: np.ndarray,
             block_start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each word's own-word flag and block, end to end, from the texts' word ranges."""
    first = np.r_[0, np.cumsum(words)]
    size = int(first[-1]) + 1

    def bounds(table: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # how many ranges of its text start, and end, at or before each word
        which = np.repeat(np.arange(words.size), np.diff(start))
        opened = np.cumsum(np.bincount(table[:, 0] + first[which], minlength=size))[:-1]
        closed = np.cumsum(np.bincount(table[:, 1] + first[which], minlength=size))[:-1]
        return opened, closed

    cut_open, cut_closed = bounds(cuts, cut_start)
    block_open, block_closed = bounds(blocks, block_start)
    before = np.repeat(block_start[:-1], words)  # the blocks of the texts before
    inside = block_open > block_closed  # blocks are disjoint: the last opened one, numbered in its text
    return cut_open == cut_closed, np.where(inside, block_open - 1 - before, -1).astype(np.int32)


@dataclass
class VerbatimMeasures:
    """Per pair, as :func:`dedup.confirm.measures.lexical` computes them: the containment and
    lead of each side, and ``run_bound``, at least the longest shared passage in words."""

    containment_ab: np.ndarray
    containment_ba: np.ndarray
    lead_a: np.ndarray
    lead_b: np.ndarray
    run_bound: np.ndarray


def verbatim_measures(texts: VerbatimTexts, a: np.ndarray, b: np.ndarray, params: Params = DEFAULT
                      ) -> VerbatimMeasures:
    """The :class:`VerbatimMeasures` of the pairs of texts ``(a[k], b[k])``, a block of pairs at a time."""
    a, b = np.asarray(a, np.int64), np.asarray(b, np.int64)
    out = VerbatimMeasures(np.zeros(a.size), np.zeros(a.size), np.zeros(a.size), np.zeros(a.size),
                           np.zeros(a.size, np.int64))
    lo = 0
    while lo < a.size:
        size = np.cumsum(np.maximum(texts.words[a[lo:]], texts.words[b[lo:]]))
        hi = lo + max(1, int(np.searchsorted(size, BLOCK_WORDS, side="right")))
        x, y = a[lo:hi], b[lo:hi]
        starts = texts.shingle_start
        live = (starts[x + 1] > starts[x]) & (starts[y + 1] > starts[y])  # lexical() measures nothing without
        found_x, found_y = _shared_shingles(texts, x, y, live)
        out.containment_ab[lo:hi], out.lead_a[lo:hi], out.run_bound[lo:hi] = _side(texts, x, live, found_x, params)
        out.containment_ba[lo:hi], out.lead_b[lo:hi], _ = _side(texts, y, live, found_y, params)
        lo = hi
    return out


def _shared_shingles(texts: VerbatimTexts, x: np.ndarray, y: np.ndarray, live: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """For the live pairs, end to end: whether each shingle of ``x[k]`` is in ``y[k]``, and each of ``y[k]`` in ``x[k]``."""
    def distinct(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # codes of pair and shingle: sorted as they come
        count = np.where(live, texts.unique_start[t + 1] - texts.unique_start[t], 0)
        pair, nth = _ranges(count)
        return (pair << 32) | texts.unique[texts.unique_start[t][pair] + nth].astype(np.int64), count

    (code_x, ux), (code_y, uy) = distinct(x), distinct(y)
    in_y = member(code_x, code_y)  # keys in order: the binary searches stay close
    in_x = member(code_y, code_x[in_y])  # the few shared ones

    def per_shingle(t: np.ndarray, flags: np.ndarray, count: np.ndarray) -> np.ndarray:
        n = np.where(live, texts.shingle_start[t + 1] - texts.shingle_start[t], 0)
        pair, nth = _ranges(n)
        return flags[np.repeat(np.r_[0, np.cumsum(count)][:-1], n) + texts.inverse[texts.shingle_start[t][pair] + nth]]

    return per_shingle(x, in_y, ux), per_shingle(y, in_x, uy)


def _side(texts: VerbatimTexts, x: np.ndarray, live: np.ndarray, found: np.ndarray, params: Params
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Containment and lead of ``x[k]`` (``found``: which of its shingles the other text
    holds), and the longest run of its shared own words (of ``min_passage_words`` at least,
    else 0), for each pair ``k``."""
    k, min_words = params.shingle_words, params.min_passage_words
    p = x.size
    nx = np.where(live, texts.shingle_start[x + 1] - texts.shingle_start[x], 0)
    # words covered by a shared shingle: those of a shingle starting k - 1 words before at most
    words = np.where(live, texts.words[x], 0)
    pw, w = _ranges(words)
    first_word = np.r_[0, np.cumsum(words)]
    starts = np.zeros(pw.size, np.int64)  # shared shingles starting at each word
    starts[np.repeat(first_word[:-1] - np.r_[0, np.cumsum(nx)][:-1], nx) + np.arange(found.size)] = found
    reach = np.cumsum(starts)
    covered = reach.copy()
    covered[k:] -= reach[:-k]
    near = np.flatnonzero(w < k)  # the first k words of a text look back to its start only
    covered[near] = reach[near] - np.r_[0, reach][first_word[pw[near]]]
    covered = covered > 0
    own, block = texts.layouts(x[live])  # the live texts' only, end to end as their words
    # runs of shared own words (never across two texts)
    mine = covered & own
    new_text = np.r_[True, pw[1:] != pw[:-1]] if pw.size else np.zeros(0, bool)
    run_start = np.flatnonzero(mine & (new_text | ~np.r_[False, mine[:-1]]))
    run_end = np.flatnonzero(mine & (np.r_[new_text[1:], True] | ~np.r_[mine[1:], False])) + 1
    length = run_end - run_start
    long = length >= min_words
    bound = np.zeros(p, np.int64)
    np.maximum.at(bound, pw[run_start[long]], length[long])
    # the body each side is measured on (dedup.confirm.measures._body): the blocks holding a long run
    blocks = np.where(live, texts.block_start[x + 1] - texts.block_start[x], 0)
    first_block = np.r_[0, np.cumsum(blocks)][:-1]
    held = np.zeros(int(blocks.sum()) + 1, bool)
    for ends in (run_start[long], run_end[long] - 1):
        inside = block[ends] >= 0
        held[first_block[pw[ends[inside]]] + block[ends[inside]]] = True
    has_held = np.bincount(np.repeat(np.arange(p), blocks), held[:-1], p) > 0
    in_held = (block >= 0) & held[np.where(block >= 0, first_block[pw] + block, held.size - 1)]
    body = own & np.where(has_held[pw], in_held, block >= 0)

    def per_text(flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # running count, and each text's
        running = np.cumsum(flags)
        total = np.r_[0, running][first_word[1:]] - np.r_[0, running][first_word[:-1]]
        return running, total

    _, body_n = per_text(body)
    _, own_n = per_text(own)
    choice = np.where(body_n >= min_words, 0, np.where(own_n >= min_words, 1, 2))[pw]
    measured = np.where(choice == 0, body, np.where(choice == 1, own, True))
    shared = covered & measured
    seen, n = per_text(measured)
    shared_seen, m = per_text(shared)
    # lead: shared words among the first m measured ones (up to the m-th measured word)
    before = np.r_[0, seen][first_word[:-1]]
    mth = np.minimum(np.searchsorted(seen, before + m), max(seen.size - 1, 0))
    lead_n = np.where(m > 0, np.r_[0, shared_seen][mth + 1] - np.r_[0, shared_seen][first_word[:-1]], 0) \
        if seen.size else np.zeros(p)
    containment = np.divide(m, n, out=np.zeros(p), where=n > 0)
    lead = np.divide(lead_n, m, out=np.zeros(p), where=m > 0)
    return containment, lead, bound
