"""Tokens, sentences, shingles and MinHash signatures (batched with numpy).

Tokens are runs of Unicode word characters (combining marks included, so Urdu and
Hindi words stay whole); scripts written without spaces (Chinese, Japanese, Thai...)
become overlapping character bigrams.

>>> [t for t, _, _ in tokens("Xi's visit: 习近平访问越南")]
['xi', 's', 'visit', '习近', '近平', '平访', '访问', '问越', '越南']
>>> terms(["the", "presidents", "visited", "hanoi", "in", "2023"])
['presid', 'visite', 'hanoi', '2023']

Signatures follow datasketch's ``affine32`` MinHash scheme exactly, so a row of
:func:`minhash` equals ``datasketch.MinHash(num_perm, seed)`` updated with the same
32-bit shingle hashes (see tests/test_sketch.py).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from dedup.arrays import unique
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS


@lru_cache(maxsize=1)
def _mark_class() -> str:
    """A regex class of every combining mark (categories Mn, Mc, Me)."""
    ranges: list[list[int]] = []
    for cp in range(sys.maxunicode + 1):
        if unicodedata.category(chr(cp)).startswith("M"):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1][1] = cp
            else:
                ranges.append([cp, cp])
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


@lru_cache(maxsize=1)
def _token_re() -> re.Pattern[str]:
    return re.compile(f"[\\w{_mark_class()}]+")


_UNSPACED = re.compile(
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\uac00-\ud7af\U00020000-\U0002fa1f]")

STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {"s", "t", "said", "says", "say", "would", "also", "mr", "ms"}
STEM = 6  # terms are word prefixes: a crude, language-neutral stemmer


_PLAIN_WORD = re.compile(r"\w+")
ASCII_WORD = np.zeros(256, bool)  # \w on ASCII text, by byte
ASCII_WORD[[ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"]] = True
_PLAIN_END = "\u0300"  # below it: no combining mark and no script written without spaces


def words_and_spans(text: str) -> tuple[list[str], np.ndarray]:
    """The tokens of ``text`` as a list of words and an ``(n, 2)`` array of their spans.

    >>> words_and_spans("Xi's visit")[0]
    ['xi', 's', 'visit']
    """
    if text and max(text) >= _PLAIN_END:
        toks = tokens(text)
        return [t for t, _, _ in toks], np.array([(s, e) for _, s, e in toks], np.int64).reshape(-1, 2)
    if text.isascii():
        edge = np.diff(ASCII_WORD[np.frombuffer(text.encode("ascii"), np.uint8)].view(np.int8),
                       prepend=np.int8(0), append=np.int8(0))
        return _PLAIN_WORD.findall(text.lower()), np.stack([np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)], 1)
    found = _PLAIN_WORD.finditer(text)
    flat = np.fromiter((x for m in found for x in m.span()), np.int64)
    words = _PLAIN_WORD.findall(text.lower()) if text.isascii() else [
        w.casefold() for w in _PLAIN_WORD.findall(text)]
    return words, flat.reshape(-1, 2)


def words(text: str) -> list[str]:
    """The tokens of ``text``, lower-cased (:func:`tokens` without the offsets).

    >>> words("Xi's visit: 习近平")
    ['xi', 's', 'visit', '习近', '近平']
    """
    if text.isascii():
        return _PLAIN_WORD.findall(text.lower())
    if max(text) < _PLAIN_END:
        return [w.casefold() for w in _PLAIN_WORD.findall(text)]
    return [t for t, _, _ in tokens(text)]


def tokens(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` for every token of ``text``, lower-cased."""
    out: list[tuple[str, int, int]] = []
    for m in _token_re().finditer(text):
        word, start = m.group().casefold(), m.start()
        if not _UNSPACED.search(word):
            out.append((word, start, m.end()))
            continue
        for run in re.finditer(f"{_UNSPACED.pattern}+|[^{_UNSPACED.pattern[1:-1]}]+", word):
            piece, s = run.group(), start + run.start()
            if not _UNSPACED.match(piece) or len(piece) == 1:
                out.append((piece, s, s + len(piece)))
            else:
                out.extend((piece[k:k + 2], s + k, s + k + 2) for k in range(len(piece) - 1))
    return out


def terms(words: Sequence[str]) -> list[str]:
    """Content terms: stop words and one-letter words dropped, words cut to a prefix."""
    return [w[:STEM] for w in words if w not in STOP_WORDS and (len(w) > 1 or _UNSPACED.match(w))]


_SENTENCE_END = re.compile(
    "[.!?]+[\"')\\]]*(?:\\s+|$)"  # Latin-script ends need a space after them
    "|[\u3002\uff01\uff1f\u0964\u06d4\u061f]+[\"'\u300d\u300f)\\]]*\\s*"  # CJK, Devanagari, Urdu ends
    "|\n+")
_ABBREVIATIONS = frozenset(
    "mr ms mrs dr st jr sr no gen col lt sgt gov rep sen prof vs inc ltd co corp jan feb mar apr "
    "jun jul aug sep sept oct nov dec e.g i.e etc approx dept est fig".split())
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_INITIALS = re.compile(r"(?:\w\.)+\w")


def sentences(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of the sentences (and of lines without an end mark).

    >>> t = "Mr. Xi met U.S. officials. They agreed.\\nA heading"
    >>> [t[s:e] for s, e in sentences(t)]
    ['Mr. Xi met U.S. officials.', 'They agreed.', 'A heading']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if text[m.start()] == "." and end < len(text) and "\n" not in m.group():
            before = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
            word = before.group(1).lower() if before else ""
            if text[end].islower() or word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()) \
                    or _INITIALS.fullmatch(word):
                continue  # "Mr. Xi", "U.S. officials", "e.g. this"
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + lead + len(stripped)))
        start = end
    if text[start:].strip():
        lead = len(text[start:]) - len(text[start:].lstrip())
        spans.append((start + lead, len(text.rstrip())))
    return spans


_M64 = np.uint64(0x9E3779B97F4A7C15)


def _mix64(x: np.ndarray) -> np.ndarray:
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


def span_hashes(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit hashes of the byte spans ``buf[starts[k]:ends[k]]`` (all non-empty), at once.

    A polynomial over the bytes, then mixed; the hash of a word is the same wherever
    its bytes lie, so texts tokenised from a whole batch (:mod:`dedup.bytescan`) and
    word lists (:func:`hash_words`) agree.

    >>> buf = np.frombuffer(b"ab ab abc", np.uint8)
    >>> h = span_hashes(buf, np.array([0, 3, 6]), np.array([2, 5, 9])); bool(h[0] == h[1]), bool(h[0] == h[2])
    (True, False)
    """
    lengths = (ends - starts).astype(np.int64)
    if lengths.size == 0:
        return np.empty(0, np.uint64)
    offsets = np.cumsum(lengths) - lengths
    total = int(lengths.sum())
    at = np.arange(total, dtype=np.int64) + np.repeat(starts.astype(np.int64) - offsets, lengths)
    exponent = np.repeat(offsets + lengths - 1, lengths) - np.arange(total, dtype=np.int64)
    with np.errstate(over="ignore"):
        terms_ = buf[at].astype(np.uint64) * _powers(_next_pow2(int(lengths.max())))[exponent]
        return _mix64(np.add.reduceat(terms_, offsets) + lengths.astype(np.uint64) * _M64)


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
            acc = acc * _M64 + word_hashes[k: word_hashes.size - n + 1 + k]
        return (_mix64(acc) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def shingle_hash(words: Sequence[str]) -> int:
    """The hash :func:`shingles` gives one n-gram; a ``hashfunc`` for datasketch."""
    return int(shingles(hash_words(words), len(words))[0])


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's permutation parameters ``(a, b)`` for ``num_perm`` and ``seed``."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed).permutations
    return np.asarray(a, np.uint32), np.asarray(b, np.uint32)


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


EMPTY = np.uint32(0xFFFFFFFF)


def minhash(sets: Sequence[np.ndarray], num_perm: int = 128, seed: int = 1,
            chunk: int | None = None, used: int | None = None) -> np.ndarray:
    """MinHash signatures, one row per set of 32-bit hashes, shape ``(len(sets), num_perm)``.

    ``used``: compute only the first ``used`` values of each signature (LSH with
    ``bands * rows < num_perm`` never reads the rest); the result is then that wide.
    ``chunk``: hashes permuted at a time (see :func:`minhash_flat`).

    >>> sig = minhash([np.array([1, 2, 3], np.uint32), np.array([1, 2, 3], np.uint32)], 16)
    >>> sig.shape, bool((sig[0] == sig[1]).all())
    ((2, 16), True)
    """
    lengths = np.fromiter((s.size for s in sets), np.int64, len(sets))
    values = np.concatenate([np.asarray(s, np.uint32) for s in sets]) if len(sets) else np.empty(0, np.uint32)
    return minhash_flat(values, lengths, num_perm, seed, chunk, used)


def minhash_flat(values: np.ndarray, lengths: np.ndarray, num_perm: int = 128, seed: int = 1,
                 chunk: int | None = None, used: int | None = None) -> np.ndarray:
    """:func:`minhash` of the sets laid end to end in ``values`` (set ``k`` has
    ``lengths[k]`` of them; repeats do not change a signature).

    One permutation at a time over every value of a block of sets (about ``chunk``
    values, 2**16 by default, so the block stays in the CPU cache), with a 1-d
    ``np.minimum.reduceat`` per set: several times faster than permuting a
    (values x permutations) matrix and reducing it along its rows.
    """
    a, b = permutations(num_perm, seed)
    a, b = a[:used], b[:used]
    out = np.full((lengths.size, a.size), EMPTY, np.uint32)
    if values.size == 0:
        return out
    values = _fmix32(np.asarray(values, np.uint32))
    ends = np.cumsum(lengths)
    chunk = chunk or 1 << 16
    buf = np.empty(min(values.size, max(chunk, int(lengths.max()))), np.uint32)
    first = 0
    with np.errstate(over="ignore"):
        while first < lengths.size:  # sets first..last-1, about chunk values
            last = max(int(np.searchsorted(ends, ends[first] - lengths[first] + chunk, side="right")), first + 1)
            lo, hi = int(ends[first] - lengths[first]), int(ends[last - 1])
            rows = first + np.flatnonzero(lengths[first:last])
            starts = (ends[rows] - lengths[rows]) - lo
            v, tmp = values[lo:hi], buf[: hi - lo]
            for k in range(a.size):
                np.multiply(v, a[k], out=tmp)
                np.add(tmp, b[k], out=tmp)
                out[rows, k] = np.minimum.reduceat(tmp, starts)
            first = last
    return out


SHINGLE = 5  # words per shingle for copies and passages


@lru_cache(maxsize=1)
def stop_hashes() -> np.ndarray:
    """:func:`hash_words` of the stop words, sorted."""
    return np.sort(hash_words(sorted(STOP_WORDS)))


def is_stop(word_hashes: np.ndarray) -> np.ndarray:
    stops = stop_hashes()
    return stops[np.minimum(np.searchsorted(stops, word_hashes), stops.size - 1)] == word_hashes


def term_hashes(words: Sequence[str], word_hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each word, whether :func:`terms` keeps it, and the hash of the term it makes
    (``hash_words`` of its prefix; 0 where it is not a term).

    >>> keep, h = term_hashes(["the", "presidents", "hanoi"], hash_words(["the", "presidents", "hanoi"]))
    >>> keep.tolist(), bool(h[1] == hash_words(["presid"])[0]), bool(h[2] == hash_words(["hanoi"])[0])
    ([False, True, True], True, True)
    """
    lengths = np.fromiter(map(len, words), np.int64, len(words))
    keep = ~is_stop(word_hashes) & (lengths > 1)
    if not all(map(str.isascii, words)):
        keep |= np.fromiter((len(w) == 1 and bool(_UNSPACED.match(w)) for w in words), bool, len(words))
    out = np.where(keep, word_hashes, np.uint64(0))
    long_ = np.flatnonzero(keep & (lengths > STEM))
    if long_.size:
        out[long_] = hash_words([words[k][:STEM] for k in long_.tolist()])
    return keep, out


class Sketch:
    """What the later stages need of one article's body, computed once.

    ``sentence_terms``: the term hashes of each sentence (:func:`term_hashes`), laid end
    to end, and where each sentence's start (``len(sentences) + 1`` offsets).
    :meth:`many` makes the sketches of many bodies at once.

    >>> s = Sketch("The minister met the press. He said nothing new today.")
    >>> terms_, starts = s.sentence_terms
    >>> s.n_words, len(s.sentences), bool((terms_[starts[1]:starts[2]] == hash_words(["new", "today"])).all())
    (10, 2, True)
    """

    __slots__ = ("body", "n_words", "spans", "shingles", "unique_shingles", "sentences", "sentence_tokens",
                 "sentence_terms")

    def __init__(self, body: str, with_sentences: bool = True) -> None:
        words, self.spans = words_and_spans(body)
        self.body, self.n_words = body, len(words)
        hashes = hash_words(words)
        self.shingles = shingles(hashes, SHINGLE)
        self.unique_shingles = unique(self.shingles)
        self.sentences = sentences(body) if with_sentences else []
        bounds = np.searchsorted(self.spans[:, 0], np.array(self.sentences, np.int64).reshape(-1, 2))
        self.sentence_tokens = [tuple(b) for b in bounds.tolist()]
        keep, th = term_hashes(words, hashes)
        sentence_of = np.repeat(np.arange(bounds.shape[0]), bounds[:, 1] - bounds[:, 0])
        in_sentence = np.concatenate([np.arange(i, j) for i, j in bounds.tolist()]) if bounds.size else \
            np.empty(0, np.int64)
        term_at = in_sentence[keep[in_sentence]]
        counts = np.bincount(sentence_of[keep[in_sentence]], minlength=bounds.shape[0])
        self.sentence_terms = (th[term_at], np.r_[0, np.cumsum(counts)].astype(np.int64))

    @property
    def words(self) -> list[str]:
        """The body's tokens (:func:`words`), made when asked for."""
        return words(self.body)

    @staticmethod
    def many(bodies: Sequence[str]) -> list["Sketch"]:
        """``[Sketch(b) for b in bodies]``, the ASCII bodies all at once with numpy
        (:func:`dedup.bytescan.sketch_ascii`), the others one by one."""
        from dedup.bytescan import sketch_ascii

        plain = [k for k, b in enumerate(bodies) if b.isascii()]
        out: list[Sketch | None] = [None] * len(bodies)
        for k, sketch in zip(plain, sketch_ascii([bodies[k] for k in plain])):
            out[k] = sketch
        return [Sketch(b) if s is None else s for b, s in zip(bodies, out)]
