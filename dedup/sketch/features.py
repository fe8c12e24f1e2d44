"""Per-article features for the candidate stage, computed a batch of bodies at a time.

Everything the candidate channels and the corpus-wide TF-IDF need is kept as flat numpy
arrays (no per-article Python objects), so a million articles fit in memory and batches
can be computed in other processes and concatenated:

* ``doc_keys``: the LSH band keys of each article's word 5-gram MinHash;
* ``anchors``: each article's anchor shingles (:func:`winnow`) and
  their positions (word index);
* ``sentence_keys``: the LSH band keys of each sentence's content-term MinHash;
* ``terms``: hashed content-term counts per article (a sparse row for TF-IDF);
* ``digest``: a hash of the article's word sequence (equal digests: same words).

>>> f = featurize(["Xi met Trong in Hanoi on Tuesday after talks.", "Scores came in."])
>>> f.n, f.doc_keys.shape[0], int(f.terms[1].sum())
(2, 2, 2)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from dedup.arrays import unique
from dedup.params import DEFAULT, Params
from dedup.sketch.bytescan import Tokens, folds_alike, plain_breaks, scan_ascii, scan_plain
from dedup.sketch.hashing import M64, hash_words, is_stop, mix64, shingles, span_hashes, term_hashes
from dedup.sketch.minhash import band_keys, lsh_bands_rows, minhash_flat
from dedup.sketch.tokens import plain_points, sentences, words_and_spans
from dedup.spill import ArraySink


def doc_bands_rows(params: Params = DEFAULT) -> tuple[int, int]:
    """Bands and rows of the document channel's LSH."""
    return lsh_bands_rows(params.doc_threshold, params.doc_num_perm)


def sentence_bands_rows(params: Params = DEFAULT) -> tuple[int, int]:
    """Bands and rows of the sentence channel's LSH."""
    return lsh_bands_rows(params.sentence_threshold, params.sentence_num_perm)


def term_mask(params: Params = DEFAULT) -> int:
    """The bits of a term hash that make its column in the hashed term space."""
    return (1 << params.term_bits) - 1


@dataclass
class Features:
    """Features of ``n`` articles; ``*_doc`` arrays give the article of each row."""

    n: int
    doc_keys: np.ndarray  # (n, bands) uint64
    anchors: np.ndarray  # uint32
    anchor_doc: np.ndarray  # int32
    anchor_pos: np.ndarray  # int32
    sentence_keys: np.ndarray  # (m, bands) uint32
    sentence_doc: np.ndarray  # int32
    terms: sparse.csr_matrix  # (n, 2**term_bits) term counts
    digest: np.ndarray  # (n,) uint64
    shingles: np.ndarray  # uint32, every article's word 5-grams in text order
    shingle_start: np.ndarray  # (n + 1,) int64: article i's are shingles[start[i]:start[i + 1]]
    words: np.ndarray  # (n,) int32 word count

    @staticmethod
    def concat(parts: Iterable["Features"], folder: str | None = None, params: Params = DEFAULT) -> "Features":
        """One Features for the articles of all ``parts``, in order, each part joined (and
        dropped) as it comes, so an iterator of parts never holds them all.

        ``folder``: write the arrays only the candidate stage reads (all but ``terms``,
        ``digest``, ``words``, ``shingle_start``) to files there as they come, and map them
        read-only at the end: the system's page cache holds them, and can drop them,
        instead of the process's own memory (4.4 KB an article: several GB at a million).
        The term counts go through files too, mapped copy-on-write: read when first used,
        and weighted in place by :meth:`dedup.confirm.Confirmer.fit` (1.7 GB at a million).
        """
        def sink(name: str, dtype, width: int = 0, spill: bool = True) -> ArraySink:
            return ArraySink(dtype, width, os.path.join(folder, name) if folder is not None and spill else None)

        sinks = {
            "doc_keys": sink("doc_keys", np.uint64, doc_bands_rows(params)[0]),
            "anchors": sink("anchors", np.uint32), "anchor_doc": sink("anchor_doc", np.int32),
            "anchor_pos": sink("anchor_pos", np.int32),
            "sentence_keys": sink("sentence_keys", np.uint32, sentence_bands_rows(params)[0]),
            "sentence_doc": sink("sentence_doc", np.int32),
            "digest": sink("digest", np.uint64, spill=False), "shingles": sink("shingles", np.uint32),
            "words": sink("words", np.int32, spill=False),
        }
        shift = {"anchor_doc", "sentence_doc"}
        term_data, term_indices = sink("term_data", np.float32), sink("term_indices", np.int32)
        row_counts, shingle_counts, term_blocks = [], [], []
        n = 0
        for p in parts:
            for name, s in sinks.items():
                block = getattr(p, name)
                s.add(block + block.dtype.type(n) if name in shift else block)
                setattr(p, name, None)
            shingle_counts.append(np.diff(p.shingle_start))
            if folder is None:
                term_blocks.append(p.terms)
            else:
                t = p.terms.tocsr()
                term_data.add(t.data.astype(np.float32, copy=False))
                term_indices.add(t.indices.astype(np.int32, copy=False))
                row_counts.append(np.diff(t.indptr))
            p.terms = None
            n += p.n
        if folder is None:
            terms = sparse.vstack(term_blocks, format="csr") if term_blocks else _no_terms(0, params)
        else:
            indptr = np.cumsum(np.concatenate([[0]] + row_counts), dtype=np.int64)
            terms = sparse.csr_matrix((term_data.result(writable=True), term_indices.result(writable=True), indptr),
                                      shape=(n, 1 << params.term_bits), copy=False)
        joined = {name: s.result(by_column=name.endswith("_keys")) for name, s in sinks.items()}  # read a band a time
        return Features(n, shingle_start=np.cumsum(np.concatenate([[0]] + shingle_counts), dtype=np.int64),
                        terms=terms, **joined)

    def split(self) -> list["Features"]:
        """One :class:`Features` per article (without shingles: :meth:`stack` makes them again)."""
        def ranges(owner: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            order = np.argsort(owner, kind="stable")
            bounds = np.searchsorted(owner[order], np.arange(self.n + 1))
            return order, bounds

        ao, ab = ranges(self.anchor_doc)
        so, sb = ranges(self.sentence_doc)
        out = []
        for i in range(self.n):
            a, s = ao[ab[i]: ab[i + 1]], so[sb[i]: sb[i + 1]]
            out.append(Features(
                1, self.doc_keys[i: i + 1].copy(), self.anchors[a], np.zeros(a.size, np.int32), self.anchor_pos[a],
                self.sentence_keys[s], np.zeros(s.size, np.int32), self.terms[i], self.digest[i: i + 1].copy(),
                np.empty(0, np.uint32), np.zeros(2, np.int64), self.words[i: i + 1].copy()))
        return out

    @staticmethod
    def stack(parts: Sequence["Features"], bodies: Sequence[str], params: Params = DEFAULT,
              batch: int = 1000) -> "Features":
        """The features of one-article parts (:meth:`split`), joined in order, the shingles
        made again from ``bodies``."""
        n = len(parts)
        sizes_a = np.array([p.anchors.size for p in parts], np.int64)
        sizes_s = np.array([p.sentence_keys.shape[0] for p in parts], np.int64)
        values, starts = [], [np.zeros(1, np.int64)]
        for lo in range(0, n, batch):
            v, s = shingle_batch(bodies[lo: lo + batch], params)
            offset = starts[-1][-1]
            values.append(v)
            starts.append(s[1:] + offset)
        return Features(
            n,
            np.concatenate([p.doc_keys for p in parts]) if n else np.empty((0, doc_bands_rows(params)[0]), np.uint64),
            np.concatenate([p.anchors for p in parts] + [np.empty(0, np.uint32)]),
            np.repeat(np.arange(n, dtype=np.int32), sizes_a),
            np.concatenate([p.anchor_pos for p in parts] + [np.empty(0, np.int32)]),
            np.concatenate([p.sentence_keys for p in parts]
                           + [np.empty((0, sentence_bands_rows(params)[0]), np.uint32)]),
            np.repeat(np.arange(n, dtype=np.int32), sizes_s),
            stack_term_rows([p.terms for p in parts], params.term_bits),
            np.concatenate([p.digest for p in parts] + [np.empty(0, np.uint64)]),
            np.concatenate(values + [np.empty(0, np.uint32)]),
            np.concatenate(starts),
            np.concatenate([p.words for p in parts] + [np.empty(0, np.int32)]),
        )


def stack_term_rows(rows: Sequence[sparse.csr_matrix], term_bits: int = DEFAULT.term_bits) -> sparse.csr_matrix:
    """One-row term-count matrices stacked (rows stay sorted by column, as a batch's)."""
    indices = np.concatenate([r.indices for r in rows] + [np.empty(0, np.int32)]).astype(np.int32)
    data = np.concatenate([r.data for r in rows] + [np.empty(0, np.float32)]).astype(np.float32)
    indptr = np.r_[0, np.cumsum([r.indices.size for r in rows])].astype(np.int64)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), 1 << term_bits))


def winnow(values: np.ndarray, start: np.ndarray, window: int = DEFAULT.anchor_window) -> np.ndarray:
    """Indices of the anchors of texts laid end to end in ``values`` (text ``i`` is
    ``values[start[i]:start[i + 1]]``): the position of the smallest value in every window
    of ``window`` consecutive values within a text (the first of equals), in order; a
    text shorter than a window gives its smallest.

    >>> winnow(np.array([5, 1, 7, 8, 2, 9, 3], np.uint32), np.array([0, 7]), window=3).tolist()
    [1, 4]
    """
    if values.size == 0:
        return np.empty(0, np.int64)
    doc = np.repeat(np.arange(start.size - 1), np.diff(start))
    picked = []
    if values.size >= window:
        windows = np.lib.stride_tricks.sliding_window_view(values, window)
        at = np.arange(windows.shape[0]) + windows.argmin(axis=1)
        picked.append(at[doc[: windows.shape[0]] == doc[window - 1:]])
    lengths = np.diff(start)
    short = np.flatnonzero((lengths > 0) & (lengths < window))
    picked += [start[d] + np.argmin(values[start[d]: start[d + 1]]) for d in short.tolist()]
    return unique(np.concatenate([np.atleast_1d(np.asarray(p, np.int64)) for p in picked]))


def _used(params: tuple[int, int]) -> int:
    bands, rows = params
    return bands * rows



def _no_terms(n: int, params: Params) -> sparse.csr_matrix:
    return sparse.csr_matrix((n, 1 << params.term_bits), dtype=np.float32)


@dataclass
class _TokenTable:
    """Every token of a batch, texts in order: its text, hash, sentence number (growing
    through the batch) and, for content terms, the hash of the term (else 0)."""

    doc: np.ndarray  # int32, non-decreasing
    hash: np.ndarray  # uint64
    sentence: np.ndarray  # int64
    term: np.ndarray  # uint64
    is_term: np.ndarray  # bool


def _scanned_tokens(t: Tokens, stem: int) -> _TokenTable:
    """The tokens of :func:`dedup.sketch.bytescan.scan_ascii` or ``scan_plain``, with their terms as
    :func:`dedup.sketch.tokens.terms` makes them (a prefix of ``stem`` characters)."""
    length = t.end - t.start
    is_term = ~is_stop(t.hash) & (length > 1)
    term = np.zeros(t.hash.size, np.uint64)
    long_ = np.flatnonzero(is_term & (length > stem))
    term[is_term] = t.hash[is_term]
    if long_.size:
        term[long_] = span_hashes(t.lower, t.in_lower(t.start[long_]), t.in_lower(t.start[long_] + stem))
    return _TokenTable(t.doc, t.hash, t.sentence, term, is_term)


def _text_tokens(texts: Sequence[str], docs: Sequence[int], stem: int) -> _TokenTable:
    """Words one text at a time (any script), for the texts the ASCII path cannot take; their
    hashes and terms all at once, and the sentences of those below U+0300 (Latin script)
    all at once too (:func:`dedup.sketch.bytescan.plain_breaks`)."""
    points = [plain_points(text) for text in texts]
    plain = [k for k, p in enumerate(points) if p is not None]
    breaks, plain_start = plain_breaks([points[k] for k in plain])
    at = dict(zip(plain, plain_start.tolist()))  # where each plain text starts among the breaks
    all_words: list[str] = []
    counts, sentence_parts = [], []
    sentence_base = 0
    for k, text in enumerate(texts):
        ws, spans = words_and_spans(text)
        if k in at:  # numbered by the breaks before them, from the text's first
            first = np.searchsorted(breaks, at[k], side="right")
            sent = np.searchsorted(breaks, spans[:, 0] + at[k], side="right") - first
            n_sentences = int(np.searchsorted(breaks, at[k] + len(text), side="right") - first)
        else:
            starts = np.array([s for s, _ in sentences(text)], np.int64)
            sent, n_sentences = np.searchsorted(starts, spans[:, 0], side="right"), starts.size
        sentence_parts.append(sent + sentence_base)
        sentence_base += n_sentences + 1
        all_words += ws
        counts.append(len(ws))
    hashes = hash_words(all_words)
    is_term, term = term_hashes(all_words, hashes, stem)
    return _TokenTable(np.repeat(np.asarray(docs, np.int32), counts), hashes,
                       np.concatenate(sentence_parts).astype(np.int64), term, is_term)


def _tokens(bodies: Sequence[str], stem: int) -> _TokenTable:
    """The tokens of the batch, texts in order: ASCII texts and Latin-script ones that fold
    alike each all at once with numpy (:func:`dedup.sketch.bytescan.scan_ascii`, ``scan_plain``),
    the others text by text (:func:`_text_tokens`)."""
    groups: dict[str, list[int]] = {"ascii": [], "plain": [], "other": []}
    for d, body in enumerate(bodies):
        groups["ascii" if body.isascii() else "plain" if folds_alike(body) else "other"].append(d)
    tables = []
    if groups["ascii"]:
        tables.append((groups["ascii"], _scanned_tokens(scan_ascii([bodies[d] for d in groups["ascii"]]), stem)))
    if groups["plain"]:
        tables.append((groups["plain"], _scanned_tokens(scan_plain([bodies[d] for d in groups["plain"]]), stem)))
    if groups["other"]:
        tables.append((groups["other"], _text_tokens([bodies[d] for d in groups["other"]], range(len(groups["other"])),
                                                     stem)))
    if not tables:
        return _scanned_tokens(scan_ascii([]), stem)
    if len(tables) == 1:
        docs, t = tables[0]
        t.doc = np.asarray(docs, np.int32)[t.doc]
        return t
    base = 0
    for docs, t in tables:  # each group's documents and sentences numbered apart
        t.doc = np.asarray(docs, np.int32)[t.doc]
        t.sentence = t.sentence + base
        base = int(t.sentence.max()) + 1 if t.sentence.size else base
    fields = ("doc", "hash", "sentence", "term", "is_term")
    merged = _TokenTable(*(np.concatenate([getattr(t, f) for _, t in tables]) for f in fields))
    order = np.argsort(merged.doc, kind="stable")
    out = _TokenTable(*(getattr(merged, f)[order] for f in fields))
    # sentences numbered again in text order, so that they come text by text as in one group
    out.sentence = np.cumsum(np.r_[False, out.sentence[1:] != out.sentence[:-1]], dtype=np.int64)
    return out


def featurize(bodies: Sequence[str], params: Params = DEFAULT) -> Features:
    """The features of a batch of cleaned article bodies, computed with numpy over the
    whole batch (no Python work per word)."""
    n = len(bodies)
    t = _tokens(bodies, params.stem)
    n_words = np.bincount(t.doc, minlength=n).astype(np.int32)
    first = np.cumsum(n_words, dtype=np.int64) - n_words
    local = np.arange(t.doc.size, dtype=np.int64) - first[t.doc]
    ordered, shingle_doc, shingle_pos = _batch_shingles(t.hash, t.doc, local, n_words, params.shingle_words)
    counts = np.bincount(shingle_doc, minlength=n)
    start = np.r_[0, np.cumsum(counts)].astype(np.int64)
    at = winnow(ordered, start, params.anchor_window)
    sentence_values, sentence_doc = _sentence_sets(t, params.sentence_min_terms)
    doc_lsh, sentence_lsh = doc_bands_rows(params), sentence_bands_rows(params)
    return Features(
        n,
        band_keys(minhash_flat(ordered, counts, params.doc_num_perm, params.minhash_seed, used=_used(doc_lsh)),
                  *doc_lsh),
        ordered[at], shingle_doc[at], shingle_pos[at],
        band_keys(minhash_flat(*sentence_values, params.sentence_num_perm, params.minhash_seed,
                               used=_used(sentence_lsh)), *sentence_lsh, bits=32),
        sentence_doc,
        _term_counts(t, n, params),
        _digests(t.hash, t.doc, local, n_words),
        ordered,
        start,
        n_words,
    )


def shingle_batch(bodies: Sequence[str], params: Params = DEFAULT) -> tuple[np.ndarray, np.ndarray]:
    """Every body's word 5-gram hashes in text order (:func:`dedup.sketch.hashing.shingles`), laid
    end to end, and where each body's start (``len(bodies) + 1`` offsets): the sketching
    step alone, for benchmarks.

    >>> values, start = shingle_batch(["a b c d e f", "x y"])
    >>> values.size, start.tolist()
    (3, [0, 2, 3])
    """
    if all(b.isascii() for b in bodies):
        t = scan_ascii(bodies, with_sentences=False)
        doc, hashes = t.doc, t.hash
    else:
        tt = _tokens(bodies, params.stem)
        doc, hashes = tt.doc, tt.hash
    n_words = np.bincount(doc, minlength=len(bodies)).astype(np.int32)
    local = np.arange(doc.size, dtype=np.int64) - (np.cumsum(n_words, dtype=np.int64) - n_words)[doc]
    values, shingle_doc, _ = _batch_shingles(hashes, doc, local, n_words, params.shingle_words)
    return values, np.r_[0, np.cumsum(np.bincount(shingle_doc, minlength=len(bodies)))].astype(np.int64)


def _batch_shingles(hashes: np.ndarray, doc: np.ndarray, local: np.ndarray, n_words: np.ndarray, n: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every text's :func:`dedup.sketch.hashing.shingles` of ``n`` words, joined: values, text, position."""
    valid = local <= (n_words[doc] - n)
    with np.errstate(over="ignore"):
        acc = hashes[: max(hashes.size - n + 1, 0)].copy()
        for k in range(1, n):
            acc = acc * M64 + hashes[k: hashes.size - n + 1 + k]
    start = np.flatnonzero(valid[: acc.size])
    values = (mix64(acc[start]) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    sdoc, spos = doc[start], local[start].astype(np.int32)
    short = np.flatnonzero((n_words > 0) & (n_words < n))
    if short.size:  # one shingle of all the words
        first = np.cumsum(n_words, dtype=np.int64) - n_words
        extra = [shingles(hashes[first[d]: first[d] + n_words[d]], n) for d in short.tolist()]
        values = np.r_[values, np.concatenate(extra)]
        sdoc = np.r_[sdoc, short.astype(np.int32)]
        spos = np.r_[spos, np.zeros(short.size, np.int32)]
        order = np.argsort(sdoc, kind="stable")
        values, sdoc, spos = values[order], sdoc[order], spos[order]
    return values, sdoc.astype(np.int32), spos


def _sentence_sets(t: _TokenTable, min_terms: int) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """The distinct 32-bit term hashes of each sentence with at least
    ``SENTENCE_MIN_TERMS`` of them, as (values, set sizes), and each set's text."""
    sel = np.flatnonzero(t.is_term)
    if sel.size == 0:
        return (np.empty(0, np.uint32), np.empty(0, np.int64)), np.empty(0, np.int32)
    key = (t.sentence[sel].astype(np.uint64) << np.uint64(32)) | (t.term[sel] & np.uint64(0xFFFFFFFF))
    key = unique(key)
    sentence = (key >> np.uint64(32)).astype(np.int64)
    bounds = np.flatnonzero(np.r_[True, sentence[1:] != sentence[:-1]])
    sizes = np.diff(np.r_[bounds, sentence.size])
    keep = sizes >= min_terms
    member = np.repeat(keep, sizes)
    values = (key[member] & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    doc_of = np.zeros(int(t.sentence.max()) + 1, np.int32)
    doc_of[t.sentence] = t.doc
    return (values, sizes[keep]), doc_of[sentence[bounds[keep]]]


def _term_counts(t: _TokenTable, n: int, params: Params) -> sparse.csr_matrix:
    sel = t.is_term
    if not sel.any():
        return _no_terms(n, params)
    bits, mask = params.term_bits, term_mask(params)
    key = (t.doc[sel].astype(np.int64) << bits) | (t.term[sel] & np.uint64(mask)).astype(np.int64)
    key, counts = np.unique(key, return_counts=True)
    doc = key >> bits
    indptr = np.r_[0, np.cumsum(np.bincount(doc, minlength=n))]
    return sparse.csr_matrix((counts.astype(np.float32), (key & mask).astype(np.int32), indptr),
                             shape=(n, 1 << bits))


def _digests(hashes: np.ndarray, doc: np.ndarray, local: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """A hash of each text's word sequence: equal digests, same words in the same order."""
    out = np.zeros(n_words.size, np.uint64)
    if hashes.size:
        with np.errstate(over="ignore"):
            mixed = mix64(hashes ^ ((local.astype(np.uint64) + np.uint64(1)) * M64))
            nonempty = np.flatnonzero(n_words)
            first = (np.cumsum(n_words, dtype=np.int64) - n_words)[nonempty]
            out[nonempty] = np.add.reduceat(mixed, first)
    with np.errstate(over="ignore"):
        return mix64(out + n_words.astype(np.uint64))
