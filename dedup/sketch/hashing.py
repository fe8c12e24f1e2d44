"""64-bit hashes of words, shingles and content terms, many at once with numpy.

The hash of a word is the same wherever its bytes lie, so texts tokenised a whole batch
at a time (:mod:`dedup.sketch.bytescan`) and word lists (:func:`hash_words`) agree.

>>> bool(hash_words(["visit"])[0] == hash_words(["a", "visit"])[1])
True
>>> shingles(hash_words(["a", "b", "c", "d", "e", "f"]), 5).size
2
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from dedup.params import DEFAULT
from dedup.sketch.tokens import STOP_WORDS, UNSPACED


M64 = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit constant (golden ratio)


def mix64(x: np.ndarray) -> np.ndarray:
    """A 64-bit finaliser (MurmurHash3's fmix64): every input bit moves every output bit."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


_P = np.uint64(0x100000001B3)  # odd multiplier of the polynomial byte hash


@lru_cache(maxsize=8)
def _powers(n: int) -> np.ndarray:
    """``_P ** k`` modulo 2**64 for ``k < n``."""
    with np.errstate(over="ignore"):
        return np.cumprod(np.r_[np.uint64(1), np.full(n - 1, _P, np.uint64)], dtype=np.uint64)


SPAN_CHUNK = 1 << 20  # bytes hashed at once (the work arrays take ~48 bytes a byte)


def span_hashes(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit hashes of the byte spans ``buf[starts[k]:ends[k]]`` (all non-empty), at once.

    A polynomial over the bytes, then mixed; the hash of a word is the same wherever
    its bytes lie, so texts tokenised from a whole batch (:mod:`dedup.sketch.bytescan`) and
    word lists (:func:`hash_words`) agree. Computed ``SPAN_CHUNK`` bytes at a time: a span
    longer than that in pieces, each piece's sum shifted by the power of the bytes after it.

    >>> buf = np.frombuffer(b"ab ab abc", np.uint8)
    >>> h = span_hashes(buf, np.array([0, 3, 6]), np.array([2, 5, 9])); bool(h[0] == h[1]), bool(h[0] == h[2])
    (True, False)
    """
    lengths = (ends - starts).astype(np.int64)
    if lengths.size == 0:
        return np.empty(0, np.uint64)
    starts = starts.astype(np.int64)
    pieces = (lengths + SPAN_CHUNK - 1) // SPAN_CHUNK
    if int(pieces.max()) == 1:
        p_start, p_len, shift, first = starts, lengths, None, None
    else:  # long spans in pieces of SPAN_CHUNK bytes (the last one shorter)
        first = np.cumsum(pieces) - pieces
        k = np.arange(int(pieces.sum()), dtype=np.int64) - np.repeat(first, pieces)
        p_start = np.repeat(starts, pieces) + k * SPAN_CHUNK
        p_end = np.minimum(p_start + SPAN_CHUNK, np.repeat(starts + lengths, pieces))
        p_len, shift = p_end - p_start, np.repeat(starts + lengths, pieces) - p_end
    window = (np.cumsum(p_len) - p_len) // SPAN_CHUNK  # pieces starting in one window: at most 2 chunks of bytes
    cuts = np.r_[0, np.flatnonzero(window[1:] != window[:-1]) + 1, window.size]
    sums = np.concatenate([_sums(buf, p_start[a:b], p_len[a:b]) for a, b in zip(cuts[:-1], cuts[1:])])
    if shift is not None:
        with np.errstate(over="ignore"):
            for at in np.flatnonzero(shift).tolist():
                sums[at] *= np.uint64(pow(int(_P), int(shift[at]), 1 << 64))
        sums = np.add.reduceat(sums, first)
    with np.errstate(over="ignore"):
        return mix64(sums + lengths.astype(np.uint64) * M64)


def _sums(buf: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The polynomial sums (``byte * _P ** bytes after it``) of the spans, modulo 2**64."""
    offsets = np.cumsum(lengths) - lengths
    total = int(lengths.sum())
    at = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
    exponent = np.repeat(offsets + lengths - 1, lengths) - np.arange(total, dtype=np.int64)
    with np.errstate(over="ignore"):
        terms_ = buf[at].astype(np.uint64) * _powers(_next_pow2(int(lengths.max())))[exponent]
        return np.add.reduceat(terms_, offsets)


def _next_pow2(n: int) -> int:
    return 1 << max(4, (n - 1).bit_length())


def hash_words(words: Sequence[str]) -> np.ndarray:
    """64-bit hash of each word: :func:`span_hashes` of its UTF-8 bytes.

    >>> bool(hash_words(["visit", "hanoi"])[0] == hash_words(["hanoi", "visit"])[1])
    True
    """
    if not words:
        return np.empty(0, np.uint64)
    buf = np.frombuffer("\x00".join(words).encode("utf-8", "surrogatepass"), np.uint8)
    breaks = np.flatnonzero(buf == 0)
    starts = np.r_[0, breaks + 1]
    ends = np.r_[breaks, buf.size]
    return span_hashes(buf, starts, ends)


def shingles(word_hashes: np.ndarray, n: int) -> np.ndarray:
    """32-bit hashes of the word n-grams, in text order (one for texts shorter than n).

    >>> shingles(hash_words(["a", "b", "c"]), 2).shape
    (2,)
    """
    if word_hashes.size == 0:
        return np.empty(0, np.uint32)
    n = min(n, word_hashes.size)
    with np.errstate(over="ignore"):
        acc = word_hashes[: word_hashes.size - n + 1].copy()
        for k in range(1, n):
            acc = acc * M64 + word_hashes[k: word_hashes.size - n + 1 + k]
        return (mix64(acc) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def shingle_hash(words: Sequence[str]) -> int:
    """The hash :func:`shingles` gives one n-gram; a ``hashfunc`` for datasketch."""
    return int(shingles(hash_words(words), len(words))[0])


@lru_cache(maxsize=1)
def stop_hashes() -> np.ndarray:
    """:func:`hash_words` of the stop words, sorted."""
    return np.sort(hash_words(sorted(STOP_WORDS)))


def is_stop(word_hashes: np.ndarray) -> np.ndarray:
    stops = stop_hashes()
    return stops[np.minimum(np.searchsorted(stops, word_hashes), stops.size - 1)] == word_hashes


def term_hashes(words: Sequence[str], word_hashes: np.ndarray, stem: int = DEFAULT.stem
                ) -> tuple[np.ndarray, np.ndarray]:
    """For each word, whether :func:`dedup.sketch.tokens.terms` keeps it, and the hash of the term it makes
    (``hash_words`` of its prefix; 0 where it is not a term).

    >>> keep, h = term_hashes(["the", "presidents", "hanoi"], hash_words(["the", "presidents", "hanoi"]))
    >>> keep.tolist(), bool(h[1] == hash_words(["presid"])[0]), bool(h[2] == hash_words(["hanoi"])[0])
    ([False, True, True], True, True)
    """
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    keep = ~is_stop(word_hashes) & (lengths > 1)
    single = np.flatnonzero(lengths == 1)  # kept when of a script written without spaces
    if single.size:
        keep[single] |= np.fromiter((bool(UNSPACED.match(words[k])) for k in single.tolist()), bool, single.size)
    out = np.where(keep, word_hashes, np.uint64(0))
    long_ = np.flatnonzero(keep & (lengths > stem))
    if long_.size:
        out[long_] = hash_words([words[k][:stem] for k in long_.tolist()])
    return keep, out
