"""Tokens and sentences of many ASCII texts at once, with numpy over their bytes.

The batch path of :mod:`dedup.sketch.features` and :mod:`dedup.sketch.body`: it gives the same tokens as
:func:`dedup.sketch.tokens.words` and the same sentence breaks as
:func:`dedup.sketch.tokens.sentences` (tests/test_bytescan.py checks both on real text), with
no Python work per word or per sentence. Texts with non-ASCII characters take the
per-text path; the sentence breaks of those below U+0300 (Latin script) are found here too, on
bytes that stand for their characters (:func:`plain_breaks`).

>>> t = scan_ascii(["Mr. Xi met U.S. officials. They agreed.", "Scores came in."])
>>> t.doc.tolist(), t.sentence.tolist()
([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2])
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from dedup.arrays import unique
from dedup.sketch.hashing import hash_words, span_hashes
from dedup.sketch.tokens import ABBREVIATIONS, ASCII_WORD, plain_points, plain_tables  # noqa: F401  (plain_points: doctests)


def _table(chars: str | bytes) -> np.ndarray:
    t = np.zeros(256, bool)
    t[list(chars.encode() if isinstance(chars, str) else chars)] = True
    return t


# A character below U+0300 that is neither ASCII nor white space stands as byte 0x80 + k in the
# sentence rule (plain_bytes), k the place among _KINDS of what the rule asks of it: is it lower
# case; is it \w; is its lower case one letter; is its lower case one \w character
_KINDS = list(itertools.product((False, True), repeat=4))
_LOWERCASE = "abcdefghijklmnopqrstuvwxyz"


def _kinds(ask: int) -> np.ndarray:
    return _table(bytes(0x80 + k for k, kind in enumerate(_KINDS) if kind[ask]))


_LOWER = _table(_LOWERCASE) | _kinds(0)
_ALPHA = _table(_LOWERCASE + _LOWERCASE.upper()) | _kinds(2)
_WORD = ASCII_WORD | _kinds(3)  # (of the lower-cased word)
_WORD_OR_DOT = ASCII_WORD | _table(".") | _kinds(1)
SPACE = _table(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")  # \s and str.strip() on ASCII text
_END = _table(".!?")
_CLOSER = _table("\"')]")
_TO_LOWER = np.arange(256, dtype=np.uint8)
_TO_LOWER[65:91] += 32
_LOOK_BACK = 12  # characters of the word before a period that sentences() looks at


@lru_cache(maxsize=1)
def _abbreviation_hashes() -> np.ndarray:
    return np.sort(hash_words(sorted(ABBREVIATIONS)))


@dataclass
class Tokens:
    """The tokens of a batch: text ``doc[k]``, characters ``start[k]:end[k]`` of the texts
    joined by newlines, hash ``hash[k]`` (:func:`dedup.sketch.hashing.hash_words` of the
    word: its lower-cased bytes in ``lower``, :meth:`in_lower`), and a sentence number
    ``sentence[k]`` that grows through the batch (equal within a sentence)."""

    lower: np.ndarray  # uint8, the texts lower-cased and joined by newlines (UTF-8)
    doc: np.ndarray  # int32
    start: np.ndarray  # int64
    end: np.ndarray  # int64
    hash: np.ndarray  # uint64
    sentence: np.ndarray  # int64
    breaks: np.ndarray | None = None  # the sentence breaks (:func:`sentence_breaks`), when asked for
    raw: np.ndarray | None = None  # uint8, a byte a character: the texts as given (:func:`plain_bytes` if not ASCII)
    points: np.ndarray | None = None  # (:func:`scan_plain`) the code points of the joined texts
    byte_at: np.ndarray | None = None  # (:func:`scan_plain`) where each character's bytes start in ``lower``

    def in_lower(self, offsets: np.ndarray) -> np.ndarray:
        """Character offsets as offsets in ``lower`` (the same for ASCII texts)."""
        return offsets if self.byte_at is None else self.byte_at[offsets]


def scan_ascii(texts: Sequence[str], with_sentences: bool = True) -> Tokens:
    """Tokens and sentence numbers of ASCII ``texts`` (see the module docstring); without
    sentences, every token's sentence number is 0."""
    joined = "\n".join(texts)
    raw = np.frombuffer(joined.encode("ascii"), np.uint8)
    lower = _TO_LOWER[raw]
    word = _WORD[raw]
    edge = np.diff(word.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    start, end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    text_start = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    doc = (np.searchsorted(text_start, start, side="right") - 1).astype(np.int32)
    text_start = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    breaks = sentence_breaks(raw, lower, text_start) if with_sentences else None
    sentence = np.searchsorted(breaks, start, side="right") if with_sentences else np.zeros(start.size, np.int64)
    return Tokens(lower, doc, start, end, span_hashes(lower, start, end), sentence, breaks, raw)


def folds_alike(text: str) -> bool:
    """Whether every character of ``text`` lies below U+0300 and case-folds to one character
    that ``\\w`` matches alike: the texts :func:`scan_plain` takes.

    >>> folds_alike("Caf\u00e9 \u00c9lise"), folds_alike("Stra\u00dfe"), folds_alike("\u4e60")
    (True, False, False)
    """
    return not _folds_apart().search(text)


@lru_cache(maxsize=1)
def _folds_apart() -> re.Pattern[str]:
    """A character at or past U+0300, or one below that does not fold alike."""
    apart = np.flatnonzero(~plain_tables()[1])
    return re.compile("[" + "".join(re.escape(chr(c)) for c in apart.tolist()) + "\u0300-\U0010ffff]")


def scan_plain(texts: Sequence[str]) -> Tokens:
    """:func:`scan_ascii` for texts whose characters fold alike (:func:`folds_alike`): the
    texts case-folded and joined, the same words in the same places as the texts' ``\\w``
    runs, hashed over the folded text's UTF-8 bytes (``lower``, :meth:`Tokens.in_lower`), as
    :func:`dedup.sketch.hashing.hash_words` hashes each word; the sentences as
    :func:`plain_breaks` finds them; ``raw`` as :func:`plain_bytes` gives it.

    >>> t = scan_plain(["Caf\u00e9 opened. \u00c9lise came."])
    >>> bool((t.hash == hash_words(["caf\u00e9", "opened", "\u00e9lise", "came"])).all()), t.sentence.tolist()
    (True, [0, 0, 1, 1])
    """
    joined = "\n".join(texts)
    points = np.frombuffer(joined.encode("utf-32-le"), np.uint32)
    raw = plain_bytes(points)
    text_start = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    breaks = sentence_breaks(raw, _TO_LOWER[raw], text_start) if raw.size else np.empty(0, np.int64)
    edge = np.diff(plain_tables()[0][points].view(np.int8), prepend=np.int8(0), append=np.int8(0))
    start, end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    folded = joined.casefold()  # one character for one: the words stay where they are
    folded_points = np.frombuffer(folded.encode("utf-32-le"), np.uint32)
    width = 1 + (folded_points >= 0x80).astype(np.int64) + (folded_points >= 0x800) + (folded_points >= 0x10000)
    byte_at = np.r_[0, np.cumsum(width)]
    lower = np.frombuffer(folded.encode("utf-8"), np.uint8)
    doc = (np.searchsorted(text_start, start, side="right") - 1).astype(np.int32)
    return Tokens(lower, doc, start, end, span_hashes(lower, byte_at[start], byte_at[end]),
                  np.searchsorted(breaks, start, side="right"), breaks, raw, points, byte_at)


@lru_cache(maxsize=1)
def _plain_byte_table() -> np.ndarray:
    """:func:`plain_bytes`' table, one byte for each code point below U+0300."""
    out = np.arange(0x300).astype(np.uint8)  # ASCII as itself
    for cp in range(0x80, 0x300):
        c, low = chr(cp), chr(cp).lower()
        kind = (c.islower(), bool(_WORD_RE.match(c)), len(low) == 1 and low.isalpha(),
                len(low) == 1 and bool(_WORD_RE.match(low)))
        out[cp] = 0x20 if c.isspace() else 0x80 + _KINDS.index(kind)
    return out


_WORD_RE = re.compile(r"\w")


def plain_bytes(points: np.ndarray) -> np.ndarray:
    """Code points below U+0300 (:func:`dedup.sketch.tokens.plain_points`) as bytes that
    :func:`sentence_breaks` reads as :func:`dedup.sketch.tokens.sentences` reads the
    characters: ASCII as itself, white space as a space, any other as what the rule asks of it
    (``_KINDS``: "\\u0130" is a word character, but its lower case is two characters). A word
    with such a character is no abbreviation: none lower-cases to ASCII.

    >>> b = plain_bytes(plain_points("Caf\u00e9 opened. \u00c9lise came."))
    >>> b[:5].tolist(), sentence_breaks(b, _TO_LOWER[b]).tolist()
    ([67, 97, 102, 143, 32], [13, 24])
    """
    return _plain_byte_table()[points]


def plain_breaks(texts: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`sentence_breaks` of texts given as code points below U+0300, joined by
    newlines as :func:`scan_ascii` joins texts, and where each text starts in the joined text.

    >>> breaks, starts = plain_breaks([plain_points("\u00c9t\u00e9. Yes."), plain_points("Non.")])
    >>> breaks.tolist(), starts.tolist()
    ([5, 10, 14], [0, 10])
    """
    sizes = np.array([p.size for p in texts], np.int64)
    starts = np.cumsum(sizes + 1) - sizes - 1
    raw = np.full(int(sizes.sum()) + len(texts) - 1 if texts else 0, 10, np.uint8)
    for p, at in zip(texts, starts.tolist()):
        raw[at: at + p.size] = plain_bytes(p)
    return (sentence_breaks(raw, _TO_LOWER[raw], starts) if raw.size else np.empty(0, np.int64)), starts


def plain_sentences(points: np.ndarray) -> list[tuple[int, int]]:
    """:func:`dedup.sketch.tokens.sentences` of a text given as code points below U+0300:
    the pieces between its breaks, stripped, empty ones dropped.

    >>> plain_sentences(plain_points("\u00c9t\u00e9. Yes.\\n\\n  Non"))
    [(0, 4), (5, 9), (13, 16)]
    """
    if points.size == 0:
        return []
    raw = plain_bytes(points)
    edges = unique(np.r_[sentence_breaks(raw, _TO_LOWER[raw]), 0, raw.size])
    lo, hi = edges[:-1], edges[1:]
    filled = np.flatnonzero(~SPACE[raw])
    first = next_position(filled, lo, raw.size)
    last = filled[np.maximum(np.searchsorted(filled, hi) - 1, 0)] if filled.size else hi
    keep = first < hi
    return list(zip(first[keep].tolist(), (last[keep] + 1).tolist()))


def next_position(positions: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    """The first of ``positions`` (sorted) at or after each of ``at``; ``size`` if none."""
    k = np.searchsorted(positions, at)
    return np.where(k < positions.size, positions[np.minimum(k, positions.size - 1)], size) \
        if positions.size else np.full(at.shape, size)


def next_outside(inside: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The first position at or after each of ``at`` where ``inside`` (a mask) is False;
    ``inside.size`` if none: :func:`next_position` of ``np.flatnonzero(~inside)``, from the
    runs of True (an array per run, not per byte).

    >>> next_outside(np.array([0, 1, 1, 0, 1], bool), np.array([0, 1, 2, 3, 4])).tolist()
    [0, 3, 3, 3, 5]
    """
    edge = np.diff(inside.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    run_start, run_end = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    del edge
    k = np.searchsorted(run_start, at, side="right") - 1
    in_run = (k >= 0) & (at < run_end[np.maximum(k, 0)]) if run_start.size else np.zeros(at.shape, bool)
    return np.where(in_run, run_end[np.maximum(k, 0)] if run_start.size else at, at)


def sentence_breaks(raw: np.ndarray, lower: np.ndarray, text_start: np.ndarray | None = None) -> np.ndarray:
    """Sorted offsets where :func:`dedup.sketch.tokens.sentences` starts a new sentence.

    Its rule, on bytes: a run of ``.!?`` and closing quotes or brackets, followed by
    white space or the end, ends a sentence after that white space, unless it starts
    with a period that is followed on the same line by a lower-case letter or comes
    after an abbreviation, a single letter or initials; a run of newlines ends one too.
    ``text_start``: where each text of texts joined by newlines starts (a period that
    opens a text has no word before it: the text before ends at the newline).

    >>> raw = np.frombuffer(b"I met Mr\\n. Then", np.uint8)
    >>> sentence_breaks(raw, _TO_LOWER[raw]).tolist(), sentence_breaks(raw, _TO_LOWER[raw], np.array([0, 9])).tolist()
    ([9], [9, 11])
    """
    size = raw.size
    end = _END[raw]
    run_start = np.flatnonzero(end & ~np.r_[False, end[:-1]])
    run_end = np.flatnonzero(end & ~np.r_[end[1:], False]) + 1
    after = next_outside(_CLOSER[raw], run_end)
    space = SPACE[raw]
    valid = (after == size) | space[np.minimum(after, size - 1)]
    run_start, after = run_start[valid], after[valid]
    match_end = next_outside(space, after)
    newlines = np.flatnonzero(raw == 10)  # (the newlines before a position: searchsorted)
    one_line = np.searchsorted(newlines, match_end) == np.searchsorted(newlines, after)
    doubt = (raw[run_start] == 46) & (match_end < size) & one_line
    skip = np.zeros(run_start.size, bool)
    if doubt.any():
        opens = np.isin(run_start[doubt], text_start) if text_start is not None else None
        skip[doubt] = _continues(raw, lower, run_start[doubt], match_end[doubt], opens)
    ends = match_end[~skip]
    newline_run_end = np.flatnonzero((raw == 10) & ~np.r_[raw[1:] == 10, False]) + 1
    consumed = _inside(newline_run_end - 1, after, match_end)
    return unique(np.r_[ends, newline_run_end[~consumed]])


def _inside(points: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Whether each point lies in one of the disjoint, sorted spans ``[lo, hi)``."""
    k = np.searchsorted(lo, points, side="right") - 1
    ok = k >= 0
    out = np.zeros(points.shape, bool)
    out[ok] = points[ok] < hi[k[ok]]
    return out


def _continues(raw: np.ndarray, lower: np.ndarray, period: np.ndarray, next_char: np.ndarray,
               opens: np.ndarray | None = None) -> np.ndarray:
    """For periods that may not end a sentence: "e.g. this", "Mr. Xi", "U.S. officials";
    ``opens``: the periods that open a text (no word before them)."""
    lower_next = _LOWER[raw[next_char]]
    # the word before: the regex's "[\w.]+$" over the 12 characters before the period,
    # where "$" also matches before a newline that ends them ("D\n. Hodges")
    word_end = period - (raw[np.maximum(period - 1, 0)] == 10)
    if opens is not None:
        word_end[opens] = period[opens]
    not_word = np.flatnonzero(~_WORD_OR_DOT[raw])
    k = np.searchsorted(not_word, word_end) - 1
    word_start = np.where(k >= 0, not_word[np.maximum(k, 0)] + 1, 0)
    word_start = np.minimum(np.maximum(word_start, np.maximum(period - _LOOK_BACK, 0)), word_end)
    length = word_end - word_start
    has_word = length > 0
    abbreviation = np.zeros(period.shape, bool)
    if has_word.any():
        h = span_hashes(lower, word_start[has_word], word_end[has_word])
        known = _abbreviation_hashes()
        abbreviation[has_word] = known[np.minimum(np.searchsorted(known, h), known.size - 1)] == h
    letter = (length == 1) & _ALPHA[raw[np.maximum(word_end - 1, 0)]]
    initials = (length >= 3) & (length % 2 == 1)
    for offset in range(_LOOK_BACK):
        at = np.minimum(word_start + offset, raw.size - 1)
        check = initials & (offset < length)
        want = _WORD[raw[at]] if offset % 2 == 0 else raw[at] == 46
        initials &= ~check | want
    return lower_next | abbreviation | letter | initials

