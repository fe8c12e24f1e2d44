"""Tokens, content terms and sentences of a text.

Tokens are runs of Unicode word characters (combining marks included, so Urdu and
Hindi words stay whole); scripts written without spaces (Chinese, Japanese, Thai...)
become overlapping character bigrams. Tokens are folded (:func:`fold`): every decimal
digit as ASCII, and in Arabic script the letters Arabic and Urdu or Persian write
differently as one, with no vowel marks, so a rewrite typed on another keyboard has the
same words.

>>> [t for t, _, _ in tokens("Xi's visit: 习近平访问越南")]
['xi', 's', 'visit', '习近', '近平', '平访', '访问', '问越', '越南']
>>> words("كيا ١٢ ہفتے") == words("کیا 12 هفتے")
True
>>> terms(["the", "presidents", "visited", "hanoi", "in", "2023"])
['presid', 'visite', 'hanoi', '2023']
"""

from __future__ import annotations

import bisect
import itertools
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from dedup.params import DEFAULT


MARK_PLANES = (0, 1, 14)  # the planes with combining marks (2, 3: ideographs; 4-13: unassigned; 15, 16: private)


def mark_ranges(planes: Sequence[int] = MARK_PLANES) -> list[tuple[int, int]]:
    """The runs of code points of ``planes`` that are combining marks (categories Mn, Mc, Me),
    first and last (tests/test_sketch.py checks that the other planes hold none).

    >>> mark_ranges()[0]
    (768, 879)
    """
    ranges: list[list[int]] = []
    for plane in planes:
        for cp in range(plane << 16, min((plane + 1) << 16, sys.maxunicode + 1)):
            if unicodedata.category(chr(cp)).startswith("M"):
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1][1] = cp
                else:
                    ranges.append([cp, cp])
    return [(a, b) for a, b in ranges]


@lru_cache(maxsize=1)
def _mark_class() -> str:
    """A regex class of every combining mark (:func:`mark_ranges`)."""
    return "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in mark_ranges())


@lru_cache(maxsize=1)
def _token_re() -> re.Pattern[str]:
    return re.compile(f"[\\w{_mark_class()}]+")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """:func:`fold`'s table: decimal digits of every script to ASCII; Arabic-script letters
    to the form Urdu writes (ي ى to ی, ك to ک, ه to ہ, أ إ آ ٱ to ا, ۂ to ہ, ۓ to ے); its
    vowel marks, Quranic marks and tatweel removed."""
    table: dict[int, str] = {}
    for cp in range(0x80, 0x20000):  # every decimal digit (Nd) lies below U+20000
        if chr(cp).isdecimal():
            table[cp] = str(unicodedata.decimal(chr(cp)))
    table.update({ord(k): v for k, v in {"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
                                          "\u0647": "\u06c1", "\u0623": "\u0627", "\u0625": "\u0627",
                                          "\u0622": "\u0627", "\u0671": "\u0627", "\u06c2": "\u06c1",
                                          "\u06d3": "\u06d2"}.items()})
    for lo, hi in ((0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670), (0x06D6, 0x06ED), (0x0640, 0x0640)):
        table.update(dict.fromkeys(range(lo, hi + 1), ""))
    return table


def fold(word: str) -> str:
    """``word`` with its digits in ASCII and its Arabic-script letters in one form (see
    :func:`_fold_table`).

    >>> fold("\u0643\u062a\u0627\u0628\u064e") == "\u06a9\u062a\u0627\u0628", fold("\u06f2\u06f0\u06f2\u06f4")
    (True, '2024')
    """
    return word.translate(_fold_table())


UNSPACED = re.compile(
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\uac00-\ud7af\U00020000-\U0002fa1f]")

STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | {
    "s", "t", "said", "says", "say", "would", "also", "mr", "ms"}


_PLAIN_WORD = re.compile(r"\w+")
ASCII_WORD = np.zeros(256, bool)  # \w on ASCII text, by byte
ASCII_WORD[[ord(c) for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"]] = True
_PLAIN_END = "\u0300"  # below it: no combining mark and no script written without spaces


def words_and_spans(text: str) -> tuple[list[str], np.ndarray]:
    """The tokens of ``text`` as a list of words and an ``(n, 2)`` array of their spans.

    >>> words_and_spans("Xi's visit")[0]
    ['xi', 's', 'visit']
    """
    if text.isascii():
        edge = np.diff(ASCII_WORD[np.frombuffer(text.encode("ascii"), np.uint8)].view(np.int8),
                       prepend=np.int8(0), append=np.int8(0))
        return _PLAIN_WORD.findall(text.lower()), np.stack([np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)], 1)
    points = plain_points(text)
    if points is None:
        toks = tokens(text)
        return [t for t, _, _ in toks], np.array([(s, e) for _, s, e in toks], np.int64).reshape(-1, 2)
    word, folds_alike = plain_tables()
    edge = np.diff(word[points].view(np.int8), prepend=np.int8(0), append=np.int8(0))
    spans = np.stack([np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)], 1)
    if folds_alike[points].all():  # the folded text has its words where the text has them
        return _PLAIN_WORD.findall(text.casefold()), spans
    return [w.casefold() for w in _PLAIN_WORD.findall(text)], spans


def plain_points(text: str) -> np.ndarray | None:
    """The code points of ``text`` (uint32) when all lie below :data:`_PLAIN_END` (no
    combining mark, no script written without spaces), else None.

    >>> plain_points("caf\u00e9").tolist(), plain_points("\u4e60")
    ([99, 97, 102, 233], None)
    """
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)
    return points if points.size == 0 or int(points.max()) < ord(_PLAIN_END) else None


@lru_cache(maxsize=1)
def plain_tables() -> tuple[np.ndarray, np.ndarray]:
    """For each code point below :data:`_PLAIN_END`: whether ``\\w`` matches it, and whether
    its casefold is one character that ``\\w`` matches alike (not so: the sharp s, folded to "ss")."""
    chars = [chr(c) for c in range(ord(_PLAIN_END))]
    word = np.array([bool(_PLAIN_WORD.match(c)) for c in chars])
    alike = np.array([len(c.casefold()) == 1 and bool(_PLAIN_WORD.match(c.casefold())) == w
                      for c, w in zip(chars, word)])
    return word, alike


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
        word, start = fold(m.group().casefold()), m.start()
        if not word:  # marks alone
            continue
        if not UNSPACED.search(word):
            out.append((word, start, m.end()))
            continue
        at = _raw_offsets(m.group(), word)
        for run in re.finditer(f"{UNSPACED.pattern}+|[^{UNSPACED.pattern[1:-1]}]+", word):
            piece, s = run.group(), run.start()
            if not UNSPACED.match(piece) or len(piece) == 1:
                out.append((piece, start + at(s), start + at(s + len(piece), end=True)))
            else:
                out.extend((piece[k:k + 2], start + at(s + k), start + at(s + k + 2, end=True))
                           for k in range(len(piece) - 1))
    return out


def _raw_offsets(raw: str, folded: str) -> Callable[..., int]:
    """Offset in ``raw`` of an offset in ``folded`` (its ``fold(casefold())``, made character
    by character): where a character folds to more or fewer ("ß" to "ss"), the offsets differ.

    >>> at = _raw_offsets("\u1780\u00df", "\u1780ss")
    >>> at(1), at(3, end=True)
    (1, 2)
    """
    # one character for one only when none folds longer and none is dropped (the same length
    # alone is not enough: a dropped vowel mark and an "\u1e96" folded to two make up for each other)
    if len(raw) == len(folded) == len(raw.casefold()):
        return lambda i, end=False: i
    starts = list(itertools.accumulate((len(fold(c.casefold())) for c in raw), initial=0))
    return lambda i, end=False: bisect.bisect_left(starts, i) if end else bisect.bisect_right(starts, i) - 1


def terms(words: Sequence[str], stem: int = DEFAULT.stem) -> list[str]:
    """Content terms: stop words and one-letter words dropped, words cut to their first
    ``stem`` characters (a crude, language-neutral stemmer)."""
    return [w[:stem] for w in words if w not in STOP_WORDS and (len(w) > 1 or UNSPACED.match(w))]


_SENTENCE_END = re.compile(
    # Latin-script ends need a space after them; a match starts at the first mark of a run (tried
    # inside a run of ".", each start would rescan the rest of it: time squared in its length)
    "(?<![.!?])[.!?]++[\"')\\]]*+(?:\\s+|$)"
    "|[\u3002\uff01\uff1f\u0964\u06d4\u061f]+[\"'\u300d\u300f)\\]]*\\s*"  # CJK, Devanagari, Urdu ends
    "|\n+")
ABBREVIATIONS = frozenset(
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
            if text[end].islower() or word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()) \
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
